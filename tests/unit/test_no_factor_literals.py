"""No emission factor value is written as a literal in the package's code."""

from __future__ import annotations

import ast
from pathlib import Path

import carbonledger

# Every float literal the package may contain, and why.
ALLOWED = {
    0.0: "zero",
    1.0: "one (identity factors, GWP of CO2 by definition)",
    5e-3: "tolerance for a factor restated in another unit (factors/table.py)",
    1e-5: "printed precision of DESNZ values (factors/table.py)",
    1e-3: "display threshold of the CLI",
    1e-6: "tolerance of shares that must add up to one (methods)",
    0.05: "default base-year recalculation threshold (options.py)",
    0.8: "default Pareto share of the vital few (options.py)",
    0.95: "confidence level of uncertainty intervals (inventory/uncertainty.py)",
    1e15: "largest integer a spreadsheet float renders exactly (ingest), largest magnitude "
    "of a number in a column without its own bound (validate)",
    0.6: "similarity cut-off of unit suggestions (units.py, difflib's default)",
}
# The demo generator draws invented activity data, and the report room's literals are page and
# chart dimensions (cm, inches, line widths); neither holds a factor.
EXEMPT = {"demo", "report"}


def test_float_literals_are_only_the_documented_ones():
    root = Path(carbonledger.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        if EXEMPT & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            is_float = isinstance(node, ast.Constant) and isinstance(node.value, float)
            if is_float and node.value not in ALLOWED:
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.value}")
    assert found == []


def test_reference_docs_match_the_packaged_data(tmp_path):
    from typer.testing import CliRunner

    from carbonledger.cli import app

    assert CliRunner().invoke(app, ["docs", "--out", str(tmp_path)]).exit_code == 0
    docs = Path(__file__).parents[2] / "docs"
    for path in sorted(tmp_path.rglob("*.md")):
        committed = docs / path.relative_to(tmp_path)
        assert committed.read_text("utf-8") == path.read_text("utf-8"), (
            f"{committed} is stale: run `carbonledger docs --out docs`"
        )
