"""The scope 3 category table names real methods, and the coverage table reports every category."""

from __future__ import annotations

import pyarrow as pa

from carbonledger.inventory import scope3_categories, scope3_coverage
from carbonledger.inventory.scope3 import reason_text
from carbonledger.methods import registered_methods
from carbonledger.run import ledger_schema


def test_every_category_and_method_is_known():
    table = scope3_categories()
    assert sorted(table) == list(range(1, 16))
    names = {m.name for m in registered_methods()}
    for spec in table.values():
        assert set(spec["methods"]) <= names, spec
        assert spec["methods"] or spec.get("not_applicable_when")


def _ledger(rows):
    base = dict.fromkeys(ledger_schema().names)
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=ledger_schema())


def test_coverage_statuses():
    ledger = _ledger(
        [
            {
                "scope": 3,
                "scope3_category": 4,
                "co2e": 2000.0,
                "method": "transport_ttw",
                "status": "active",
            },
            {
                "scope": 3,
                "scope3_category": 11,
                "co2e": 500.0,
                "method": "device_use",
                "status": "memo",
            },
        ]
    )
    rows = {r["category"]: r for r in scope3_coverage(ledger, {15: "no investments"}).to_pylist()}
    assert (rows[4]["status"], rows[4]["co2e_t"]) == ("calculated", 2.0)
    assert rows[11]["status"] == "gap"  # a memo row alone is not a result
    assert (rows[15]["status"], rows[15]["reason"]) == ("excluded", "no investments")
    # a gap the organisation gave no reason for: no reason in its name, the table's guidance apart
    assert rows[14]["status"] == "gap" and rows[14]["reason"] is None
    assert rows[14]["guidance"].startswith("the organisation has no franchises")


def test_reasons_in_the_report_language():
    ledger = _ledger([])
    reasons = {15: {"en": "no investments", "zh": "没有对外投资"}, 14: "no franchises"}
    zh = {r["category"]: r for r in scope3_coverage(ledger, reasons, "zh").to_pylist()}
    assert zh[15]["reason"] == "没有对外投资"
    assert zh[14]["reason"] == "no franchises"  # given in one language only: as given
    assert zh[13]["reason"] is None  # a gap: no reason in the company's voice
    assert zh[13]["guidance"] == "组织未对外出租任何资产"  # the table's guidance, labelled so
    en = {r["category"]: r for r in scope3_coverage(ledger, reasons, "en").to_pylist()}
    assert en[15]["reason"] == "no investments"
    assert reason_text({"zh": "仅中文"}, "en") == "仅中文"


def test_workspace_config_takes_reasons_per_language():
    from carbonledger.options import WorkspaceConfig

    config = WorkspaceConfig(
        organisation="Acme", scope3_exclusions={"15": {"en": "none", "zh": "无"}, "14": "x"}
    )
    assert config.scope3_exclusions == {15: {"en": "none", "zh": "无"}, 14: "x"}
