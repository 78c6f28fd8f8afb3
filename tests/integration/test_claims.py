"""Credits and claims of the demo group as a user meets them: quality by project and vintage,
claims evaluated against ISO 14068-1 with the residual from the inventory, the qualifying
explanatory statement in HTML and PDF in both languages, and the period's ESRS E1-7 / CDP 7.79
credit figures."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from carbonledger import app
from carbonledger.cli import app as cli
from carbonledger.errors import NotFoundError

pytestmark = pytest.mark.xdist_group("demo")
runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(demo):
    return app.open_workspace(demo[0])


def _json(*args: str) -> object:
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_claims_take_their_residual_from_the_inventory(workspace):
    first, second = app.claim_evaluations(workspace)
    assert (first.claim.claim_id, second.claim.claim_id) == ("CL-HZ1-2024", "CL-HZ1-2025")
    # the claim's emissions are the facility's own in the claimed scopes, from the run
    facility = app.facility(workspace, "FC-HZ1", "2024")
    market = sum(r["co2e"] for r in facility["scopes"]["market"])
    assert first.emissions == pytest.approx(market, rel=1e-9)
    assert first.passed and first.retired >= first.residual
    assert [c.rule for c in second.checks if c.passed is False] == ["reductions"]
    reductions = next(c for c in second.checks if c.rule == "reductions")
    assert reductions.numbers["previous"] == pytest.approx(first.emissions)
    assert reductions.reference == "ISO 14068-1:2023 9"


def test_a_claim_judged_after_its_validity_asks_for_renewal(workspace, demo):
    (late,) = app.claim_evaluations(workspace, claim_id="CL-HZ1-2024", as_of=date(2027, 1, 1))
    failed = [c.rule for c in late.checks if c.passed is False]
    assert failed == ["validity"] and any("withdraw" in a for a in late.actions)
    with pytest.raises(NotFoundError, match="CL-NONE"):
        app.claim_evaluations(workspace, claim_id="CL-NONE")
    under_pas = _json(
        "claims", "evaluate", "-w", str(demo[0]), "--claim", "CL-HZ1-2025", "--rules", "pas_2060"
    )
    assert under_pas[0]["rule_set"] == "PAS 2060:2014"


def test_quality_makes_the_old_acr_vintage_ineligible(workspace):
    quality = {
        (a["project_id"], a["vintage"]): a for a in app.credits_context(workspace)["quality"]
    }
    old = next(a for (p, v), a in quality.items() if v == 2021)
    assert not old["eligible"] and old["reasons"][0].startswith("quantification")
    assert sum(a["eligible"] for a in quality.values()) >= 3


def test_the_statement_reads_in_both_languages_and_as_pdf(workspace):
    english = app.claim_statement(workspace, "CL-HZ1-2024", "en")
    chinese = app.claim_statement(workspace, "CL-HZ1-2024", "zh")
    assert isinstance(english, str) and "ISO 14068-1:2023" in english
    assert "R-HZ1-2024" in english and "R-HZ1-2024" in chinese and "碳中和" in chinese
    pdf = app.claim_statement(workspace, "CL-HZ1-2025", "en", "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000 and b"/Font" in pdf
    with pytest.raises(Exception, match="en or zh"):
        app.claim_statement(workspace, "CL-HZ1-2024", "fr")


def test_the_statement_command_writes_the_file(demo, tmp_path):
    out = tmp_path / "qes.html"
    result = runner.invoke(
        cli, ["claims", "statement", "CL-HZ1-2024", "-w", str(demo[0]), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "CL-HZ1-2024" in out.read_text(encoding="utf-8")


def test_the_period_disclosure_splits_removals_from_reductions(workspace, demo):
    d2025 = app.credit_disclosure(workspace, "2025")
    assert d2025["credits_retired"] == 24_600
    assert d2025["removal_share"] == pytest.approx(1_600 / 24_600)
    assert d2025["reduction_share"] == pytest.approx(23_000 / 24_600)
    assert _json("credits", "disclosure", "-w", str(demo[0]), "--period", "2025") == d2025
    assert app.credit_disclosure(workspace, "2019")["retired_any"] is False
