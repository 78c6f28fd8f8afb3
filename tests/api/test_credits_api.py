"""Credits and claims through HTTP (issue 17): what the CLI gives, to every reader of the
tenant; an unknown claim is a 404 problem; the statement downloads as HTML and PDF; the
dashboard's credits page shows each claim with the rules it fails."""

from __future__ import annotations

import pytest

from tests.api.conftest import upload
from tests.api.test_api import PROBLEM, _calculated

PROJECTS = (
    "project_id,standard,name,host_country,project_type,mitigation\n"
    "0003,verra,Wind farm,IN,wind,reduction\n"
)
ASSESSMENTS = "project_id,criterion,score,evidence,assessor\n" + "".join(
    f"0003,{c},3,validation report,analyst\n"
    for c in ("additionality", "quantification", "leakage", "safeguards", "verification")
)
BLOCKS = (
    "block_id,serial,owner,project_id,removal,price,currency\n"
    "V1,0001-000001-000100-VCS-VCU-003-VER-US-0003-01012020-31122020-1,acme,0003,false,8,USD\n"
)
RETIREMENTS = (
    "retirement_id,block_id,quantity,beneficiary,reason,claim,period,retired\n"
    "R1,V1,2,acme,operations neutral 2024,C-2024,2024,2025-02-01\n"
)
CLAIMS = (
    "claim_id,name,subject_type,subject_id,period,scopes,declared,commitment,management_plan,"
    "verification\n"
    "C-2024,Acme 2024,organisation,,2024,1+2,2025-03-01,2024-01-01,plan.pdf,"
    "independent_third_party\n"
)


@pytest.fixture
def claimed(loaded):
    alice = loaded.login("alice")
    _calculated(loaded, alice)
    for kind, text in (
        ("credit_projects", PROJECTS),
        ("credit_assessments", ASSESSMENTS),
        ("credit_blocks", BLOCKS),
        ("credit_retirements", RETIREMENTS),
        ("claims", CLAIMS),
    ):
        reply = upload(alice, "acme", kind, f"{kind}.csv", text)
        assert reply.status_code == 201, reply.text
    return loaded, alice


def test_claims_and_their_rules(claimed):
    served, _ = claimed
    viewer = served.login("victor")
    (claim,) = viewer.get("/api/v1/acme/claims").json()
    assert claim["claim_id"] == "C-2024" and claim["rule_set"] == "ISO 14068-1:2023"
    failed = {c["rule"] for c in claim["checks"] if c["passed"] is False}
    assert failed == {"management_plan"}  # a plan is named, but no target covers scopes 1+2
    assert claim["retired"] == 2 and claim["residual"] < 2
    one = viewer.get("/api/v1/acme/claims/C-2024", params={"rule_set": "pas_2060"}).json()
    assert one["rule_set"] == "PAS 2060:2014"
    missing = viewer.get("/api/v1/acme/claims/C-1999")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    wrong = viewer.get("/api/v1/acme/claims", params={"rule_set": "my_file.yaml"})
    assert wrong.status_code == 422  # a request never names a file on the server


def test_statement_downloads_and_credit_figures(claimed):
    _, alice = claimed
    html = alice.get("/api/v1/acme/claims/C-2024/statement.html", params={"language": "zh"})
    assert html.status_code == 200 and "C-2024" in html.text and "R1" in html.text
    pdf = alice.get("/api/v1/acme/claims/C-2024/statement.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="C-2024-statement-en.pdf"' in pdf.headers["content-disposition"]
    held = alice.get("/api/v1/acme/credits").json()
    assert held["owners"]["acme"] == {"held": 98, "retired": 2}
    disclosure = alice.get("/api/v1/acme/credits/disclosure", params={"period": "2024"}).json()
    assert disclosure["credits_retired"] == 2 and disclosure["removal_share"] == 0.0
    (quality,) = alice.get("/api/v1/acme/credits/quality").json()
    assert quality["eligible"] is True


def test_the_credits_page_shows_each_claim(claimed):
    served, _ = claimed
    page = served.login("victor").get("/t/acme/credits", params={"lang": "zh"})
    assert page.status_code == 200
    assert "碳信用与中和声明" in page.text and "C-2024" in page.text
    assert "management_plan (ISO 14068-1:2023 8)" in page.text
    assert "/api/v1/acme/claims/C-2024/statement.pdf?language=zh" in page.text
    outsider = served.login("bob").get("/t/acme/credits")
    assert outsider.status_code == 404
