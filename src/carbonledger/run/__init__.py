"""The run room: a calculation as public steps, and the one object holding a run's inputs.

``prepare -> check -> build -> execute -> store`` (see :mod:`carbonledger.run.steps`); the
:class:`RunInputs` gathered in ``prepare`` are what the inventory, reports, forecast and
evidence pack read too.
"""

from carbonledger.run.inputs import (
    REFERENCE_KINDS,
    RunInputs,
    default_spend_mapping,
    gather_inputs,
    read_reference,
    with_default_mapping,
)
from carbonledger.run.plan import LEDGER_ORDER, LedgerPlan, ledger_schema, relational_ledger
from carbonledger.run.reference import reference_ledger
from carbonledger.run.steps import (
    CalculationResult,
    RunSetup,
    build,
    calculate,
    check,
    check_inputs,
    execute,
    prepare,
    store,
    workspace_inputs,
    workspace_library,
    workspace_policy,
)
from carbonledger.run.tables import calculate_tables

__all__ = [
    "LEDGER_ORDER",
    "REFERENCE_KINDS",
    "CalculationResult",
    "LedgerPlan",
    "RunInputs",
    "RunSetup",
    "build",
    "calculate",
    "calculate_tables",
    "check",
    "check_inputs",
    "default_spend_mapping",
    "execute",
    "gather_inputs",
    "ledger_schema",
    "prepare",
    "read_reference",
    "reference_ledger",
    "relational_ledger",
    "store",
    "with_default_mapping",
    "workspace_inputs",
    "workspace_library",
    "workspace_policy",
]
