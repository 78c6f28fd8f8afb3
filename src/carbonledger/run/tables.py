"""Methods on tables held in memory: a calculation without a workspace.

For notebooks, tests and one-off checks: activity records and reference tables go in as Arrow
tables (typed like imported batches), the ledger comes out as an Arrow table, and nothing is
stored. The plan, factor selection and hybrid pass are exactly those of a stored run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa

from carbonledger.engine import RelationalEngine, get_engine
from carbonledger.factors import FactorLibrary, SelectionPolicy, default_library
from carbonledger.methods import FactorContext, Method, registered_methods
from carbonledger.options import DEFAULT_GWP_SET
from carbonledger.run.inputs import OPTIONAL_KINDS, RunInputs, with_default_mapping
from carbonledger.run.plan import ledger_schema, relational_ledger
from carbonledger.run.reference import reference_ledger
from carbonledger.run.steps import check_inputs
from carbonledger.schema import get_schema
from carbonledger.validate import SOURCE_ROW

__all__ = ["calculate_tables"]


def calculate_tables(
    activity: Mapping[str, pa.Table],
    references: Mapping[str, pa.Table],
    *,
    methods: Sequence[Method] | None = None,
    library: FactorLibrary | None = None,
    gwp_set: str = DEFAULT_GWP_SET,
    policy: SelectionPolicy | None = None,
    engine: str = "duckdb",
    run_id: str = "in-memory",
) -> pa.Table:
    """The emission ledger of in-memory activity tables.

    Parameters
    ----------
    activity : mapping of str to pyarrow.Table
        Records by activity kind (each one batch, its id ``<kind>``).
    references : mapping of str to pyarrow.Table
        Reference tables by kind; the default spend mapping and empty optional tables stand in
        for those not given, as in a workspace.
    methods : sequence of Method, optional
        Default: every registered method.
    library : FactorLibrary, optional
        Default: the packaged releases.
    gwp_set : str
    policy : SelectionPolicy, optional
    engine : {"duckdb", "reference"}
    run_id : str
        Written on every row.

    Returns
    -------
    pyarrow.Table
        Ledger rows (``schema/tables/ledger.yaml``).
    """
    tables = dict(references)
    tables["spend_mapping"] = with_default_mapping(tables.get("spend_mapping"))
    for kind in OPTIONAL_KINDS:
        if kind not in tables:
            schema = get_schema(kind).arrow_schema().append(pa.field(SOURCE_ROW, pa.int64()))
            tables[kind] = schema.empty_table()
    inputs = RunInputs({kind: [(kind, table)] for kind, table in activity.items()}, tables)
    context = FactorContext(library or default_library(), gwp_set, policy or SelectionPolicy())
    chosen = list(methods) if methods is not None else list(registered_methods())
    check_inputs(chosen, inputs)
    if engine == "reference":
        return reference_ledger(chosen, inputs, context, run_id)
    backend = get_engine(engine)
    try:
        assert isinstance(backend, RelationalEngine)
        plan = relational_ledger(backend, chosen, inputs, context, run_id)
        if plan.expression is None:
            return ledger_schema().empty_table()
        return backend.to_arrow(plan.expression).cast(ledger_schema())
    finally:
        backend.close()
