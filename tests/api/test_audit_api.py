"""The audit log through HTTP: an analyst signs a checkpoint, a verifier reads the log, the
checkpoints, an inclusion proof, the verification and the page, and changes nothing; a viewer
does not read the log."""

from __future__ import annotations


def test_a_verifier_reads_the_audit_log_and_changes_nothing(loaded):
    alice = loaded.login("alice")
    signed = alice.post("/api/v1/acme/audit/checkpoint")
    assert signed.status_code == 200, signed.text
    vera = loaded.login("vera")
    log = vera.get("/api/v1/acme/audit/log", params={"limit": 5}).json()
    assert log["total"] >= 3 and log["entries"][0]["entry"] == 1
    assert {e["actor"] for e in log["entries"]} == {"user:alice"}  # every write names its actor
    checkpoints = vera.get("/api/v1/acme/audit/checkpoints").json()
    assert checkpoints["checkpoints"][-1]["size"] == signed.json()["size"]
    assert checkpoints["verifier_key"] == signed.json()["verifier_key"]
    proof = vera.get("/api/v1/acme/audit/proofs/1").json()
    assert proof["tree_size"] == signed.json()["size"] and proof["entry"]["entry"] == 1
    assert vera.get("/api/v1/acme/audit/verify").json()["ok"] is True
    page = vera.get("/t/acme/audit")
    assert page.status_code == 200 and "Verified: nothing differs" in page.text
    assert vera.post("/api/v1/acme/audit/checkpoint").status_code == 403
    assert loaded.login("victor").get("/api/v1/acme/audit/log").status_code == 403
