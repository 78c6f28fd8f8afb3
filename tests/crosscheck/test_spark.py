"""The Spark engine equals the reference engine, and a whole run on Spark equals DuckDB's.

Marked ``spark``: they need PySpark and Java (``pip install -e '.[spark]'``) and start a local
Spark session, so the default suite leaves them out; ``.ci/run`` runs them (``pytest -m
spark``).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings

from carbonledger import app
from carbonledger.engine import get_engine
from carbonledger.methods import registered_methods
from carbonledger.run import reference_ledger, relational_ledger
from carbonledger.store import Workspace
from tests.crosscheck.helpers import context, inputs, scratch
from tests.crosscheck.test_engines import _key, activity

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    # py4j (PySpark's bridge to the JVM) leaves its sockets to the garbage collector
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def spark():
    """One local Spark session (two cores) for the module."""
    engine = get_engine("spark")
    yield engine
    engine.close()


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(activity())
def test_spark_equals_the_reference_engine(spark, rows):
    """Every ledger row and its CO2e (1e-9 relative) on generated inputs of every method."""
    ctx = context()
    with scratch() as folder:
        calc_inputs = inputs(Path(folder), rows)
        plan = relational_ledger(spark, registered_methods(), calc_inputs, ctx, "run")
        count = iter(range(10**6))
        files = spark.write_parts(plan.parts, lambda: Path(folder) / f"l{next(count)}.parquet")
        written = [pq.read_table(f).to_pylist() for f in files]
        expected = reference_ledger(registered_methods(), calc_inputs, ctx, "run").to_pylist()
    for rows_of_file in written:  # each file in the ledger order, as DuckDB writes it
        assert [_key(r) for r in rows_of_file] == sorted(_key(r) for r in rows_of_file)
    relational = sorted((r for rows_of_file in written for r in rows_of_file), key=_key)
    assert [_key(r) for r in relational] == sorted(_key(r) for r in expected)
    for got, want in zip(relational, sorted(expected, key=_key), strict=True):
        assert got["co2e"] == pytest.approx(want["co2e"], rel=1e-9, abs=1e-12)
        assert got["factor_id"] == want["factor_id"]


def _demo_workspace(folder: Path) -> Workspace:
    """The demo company's inputs imported into a fresh workspace (no run yet)."""
    from carbonledger.demo import demo_workspace
    from carbonledger.demo.generate import generate_tables, load_company

    company = load_company()
    workspace, files = demo_workspace(folder, company, generate_tables(company, seed=7))
    for kind, path in files.items():
        app.import_file(workspace, kind, path)
    return workspace


def test_a_run_and_its_inventory_on_spark_equal_duckdbs(spark, tmp_path):
    """The demo company calculated on Spark and on DuckDB: the same ledger rows, and the same
    inventory (scopes on both bases, every breakdown) computed from each ledger on its engine."""
    workspace = _demo_workspace(tmp_path)
    on_duckdb = app.calculate(workspace).run
    on_spark = app.calculate(workspace, engine="spark").run
    assert on_spark.run_id != on_duckdb.run_id and on_spark.engine == "spark"
    assert on_spark.rows == on_duckdb.rows > 10_000
    keys = ["batch_id", "record_id", "method", "line", "scope2_basis", "stage", "gas"]
    ledgers = [
        pq.read_table(workspace.ledger_files(run), columns=[*keys, "co2e"]).to_pylist()
        for run in (on_duckdb, on_spark)
    ]
    assert [tuple(r[k] for k in keys) for r in ledgers[0]] == [
        tuple(r[k] for k in keys) for r in ledgers[1]
    ]  # the same rows in the same order
    for a, b in zip(*ledgers, strict=True):
        assert b["co2e"] == pytest.approx(a["co2e"], rel=1e-12)
    duck = app.inventory(workspace, app.open_run(workspace, on_duckdb.run_id), "2025")
    sparked = app.inventory(
        workspace, app.open_run(workspace, on_spark.run_id), "2025", engine="spark"
    )
    assert sparked.total("market") == pytest.approx(duck.total("market"), rel=1e-12)
    assert sparked.total("location") == pytest.approx(duck.total("location"), rel=1e-12)
    assert (sparked.run_id, duck.run_id) == (on_spark.run_id, on_duckdb.run_id)
    _assert_close({**sparked.to_dict(), "run_id": None}, {**duck.to_dict(), "run_id": None})


def _assert_close(got, want, where="inventory"):
    """Equal structures, floats to 1e-9 relative (sums in another order)."""
    if isinstance(want, dict):
        assert set(got) == set(want), where
        for key in want:
            _assert_close(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list | tuple):
        assert len(got) == len(want), where
        for number, (a, b) in enumerate(zip(got, want, strict=True)):
            _assert_close(a, b, f"{where}[{number}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), where
    else:
        assert got == want, where
