"""The audit log in a workspace: verified after real work, every kind of tamper found and
named (the trials of ``benchmarks/tamper.py`` in a small form), a witness's checkpoint checked
for consistency, an inclusion proof checked offline, and the CLI's exit code."""

from __future__ import annotations

import importlib.util
import json
import os
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonledger import app
from carbonledger.cli import app as cli
from tests.conftest import POSTGRES_ENV

_SPEC = importlib.util.spec_from_file_location(
    "tamper", Path(__file__).parents[2] / "benchmarks" / "tamper.py"
)
tamper = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tamper)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return tamper.make_workspace(tmp_path_factory.mktemp("audit"))


def test_a_locked_workspace_verifies_and_its_lock_signed_the_log(template):
    workspace = app.open_workspace(template)
    found = app.verify(workspace)
    assert found["ok"], found["differences"]
    assert found["checkpoints"] == 1 and found["entries"] == len(workspace.events())


@pytest.mark.skipif(
    bool(os.environ.get(POSTGRES_ENV)),
    reason="the trials copy a workspace folder with its SQLite metadata file; under PostgreSQL "
    "a copied folder gets an empty database of its own",
)
@pytest.mark.parametrize("kind", tamper.KINDS)
def test_every_kind_of_tamper_is_found_and_named(template, tmp_path, kind):
    rng = random.Random(kind)
    for _ in range(5):
        hit, named, what = tamper.trial(template, tmp_path, kind, rng)
        assert hit, f"{kind}: not found ({what})"
        assert named, f"{kind}: found but not named ({what})"


def test_a_witness_checkpoint_and_an_inclusion_proof_offline(tmp_path):
    workspace = app.open_workspace(tamper.make_workspace(tmp_path))
    witness = app.checkpoint(workspace)["note"]  # a second party keeps this
    (tmp_path / "more.csv").write_text(
        "record_id,facility_id,period,quantity,unit\nE9,F1,2025-01,10,kWh\n", encoding="utf-8"
    )
    app.import_file(workspace, "electricity", tmp_path / "more.csv")
    found = app.verify(workspace, witness)
    assert found["ok"] and found["witnessed"]["consistent"]
    # a checkpoint the log cannot extend: signed by the workspace's key over another root
    forged = witness.replace(witness.split("\n")[2], "A" * 43 + "=")
    assert not app.verify(workspace, forged)["ok"]
    app.checkpoint(workspace)
    proof = app.inclusion(workspace, len(workspace.events()))
    key = app.audit_verifier_key(workspace)
    assert app.verify_inclusion_proof(json.loads(json.dumps(proof)), key)
    proof["entry"]["actor"] = "mallory"
    assert not app.verify_inclusion_proof(proof, key)


def test_verify_exits_1_naming_what_differs(tmp_path):
    rng = random.Random(7)
    root = tamper.make_workspace(tmp_path)
    what = tamper.tamper(root, "batch_file", rng)
    result = CliRunner().invoke(cli, ["verify", "-w", str(root), "--json"])
    assert result.exit_code == 1
    differences = json.loads(result.stdout)["differences"]
    assert any(d["where"] == what and d["check"] == "file" for d in differences)
