"""Build calculation inputs straight from rows, and run both engines on them."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from carbonledger.engine import get_engine
from carbonledger.factors import SelectionPolicy, default_library
from carbonledger.methods import FactorContext, registered_methods
from carbonledger.run import RunInputs, default_spend_mapping, reference_ledger, relational_ledger
from carbonledger.schema import get_schema

FACILITIES = [
    {
        "facility_id": "US1",
        "entity_id": "E-US",
        "name": "a",
        "facility_type": "warehouse",
        "country": "US",
        "subdivision": "US-NJ",
        "grid_region": "RFCE",
        "business_unit": "r",
    },
    {
        "facility_id": "GB1",
        "entity_id": "E-GB",
        "name": "b",
        "facility_type": "warehouse",
        "country": "GB",
        "business_unit": "r",
    },
    {
        "facility_id": "CN1",
        "entity_id": "E-CN",
        "name": "c",
        "facility_type": "warehouse",
        "country": "CN",
        "subdivision": "CN-GD",
        "business_unit": "l",
    },
    {
        "facility_id": "SG1",
        "entity_id": "E-SG",
        "name": "d",
        "facility_type": "office",
        "country": "SG",
        "business_unit": "l",
    },
]
ENTITIES = [
    {
        "entity_id": e,
        "name": e,
        "country": c,
        "equity_share": 1.0,
        "financial_control": True,
        "operational_control": True,
        "business_unit": "r",
    }
    for e, c in (("E-US", "US"), ("E-GB", "GB"), ("E-CN", "CN"), ("E-SG", "SG"))
]
FX = [
    {"currency": c, "year": 2024, "per_usd": v, "source": "t"}
    for c, v in (("USD", 1.0), ("CNY", 7.2), ("GBP", 0.78), ("SGD", 1.34))
]
INDEX = [
    {"year": y, "index_value": v, "source": "t"}
    for y, v in ((2022, 100.0), (2024, 106.0), (2025, 108.0))
]
PRICES = [
    {
        "region": "CN",
        "year": 2024,
        "currency": "CNY",
        "price": 0.7,
        "per_unit": "kWh",
        "source": "t",
    }
]


PACKAGE_TYPES = [
    {
        "package_type": "box",
        "component": "board",
        "material": "corrugated_board",
        "mass": 350,
        "recycled_content": 0.4,
        "recycling_share": 0.8,
        "landfill_share": 0.2,
    },
    {
        "package_type": "box",
        "component": "tape",
        "material": "plastic_film",
        "mass": 5,
        "mass_unit": "g",
        "combustion_share": 1,
    },
    {
        "package_type": "bag",
        "component": "film",
        "material": "ldpe",
        "mass": 0.03,
        "mass_unit": "kg",
        "landfill_share": 0.5,
        "combustion_share": 0.5,
    },
]
DEVICE_MODELS = [
    {
        "model": "speaker",
        "component": "board",
        "material": "electronics_it",
        "mass": 0.4,
        "landfill_share": 0.3,
        "recycling_share": 0.7,
    },
    {
        "model": "speaker",
        "component": "case",
        "material": "pp",
        "mass": 0.6,
        "recycled_content": 0.3,
        "combustion_share": 1,
    },
]


def typed(kind: str, rows: list[dict[str, Any]]) -> pa.Table:
    """A table of rows in the stored form of ``kind`` (schema types plus source_row)."""
    spec = get_schema(kind)
    columns = {
        c.name: pa.array(
            [r.get(c.name, c.default) if r.get(c.name) is not None else c.default for r in rows],
            c.arrow_type,
        )
        for c in spec.columns
    }
    columns["source_row"] = pa.array(range(2, len(rows) + 2), pa.int64())
    return pa.table(columns)


def inputs(
    folder: Path,
    activity: dict[str, list[dict[str, Any]]],
    instruments: list[dict[str, Any]] | None = None,
    coverage: list[dict[str, Any]] | None = None,
) -> RunInputs:
    """Calculation inputs with the fixed reference tables and the given activity."""
    batches = {}
    for kind, rows in activity.items():
        if not rows:
            continue
        table = typed(kind, rows)
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        path = folder / f"{kind}-{digest[:12]}.parquet"
        pq.write_table(table, path)
        batches[kind] = [(digest, path)]
    references = {
        "facilities": typed("facilities", FACILITIES),
        "entities": typed("entities", ENTITIES),
        "fx_rates": typed("fx_rates", FX),
        "price_index": typed("price_index", INDEX),
        "electricity_prices": typed("electricity_prices", PRICES),
        "energy_instruments": typed("energy_instruments", instruments or []),
        "spend_mapping": default_spend_mapping(),
        "spend_coverage": typed("spend_coverage", coverage or []),
        "package_types": typed("package_types", PACKAGE_TYPES),
        "device_models": typed("device_models", DEVICE_MODELS),
    }
    return RunInputs(batches, references)


def context(gwp_set: str = "AR5") -> FactorContext:
    """Factor context with GB then US as proxies."""
    return FactorContext(default_library(), gwp_set, SelectionPolicy(proxy_regions=("GB", "US")))


def run_both(calc_inputs: RunInputs, gwp_set: str = "AR5") -> tuple[pa.Table, pa.Table]:
    """The ledger from the DuckDB engine and from the reference engine."""
    ctx = context(gwp_set)
    engine = get_engine("duckdb")
    try:
        plan = relational_ledger(engine, registered_methods(), calc_inputs, ctx, "run")
        relational = engine.to_arrow(plan.expression)
    finally:
        engine.close()
    return relational, reference_ledger(registered_methods(), calc_inputs, ctx, "run")


def scratch() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder (hypothesis examples cannot use function-scoped fixtures)."""
    return tempfile.TemporaryDirectory()
