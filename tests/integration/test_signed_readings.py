"""Device-signed readings: a gateway registers its key, signs each reading, and the import
checks every signature; an unsigned or badly signed reading of a signing meter is refused with
its row and column named, or stored with a warning under the ``flag`` policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonledger import app
from carbonledger.audit.devices import reading_message, sign_reading
from carbonledger.audit.note import generate_key, verifier_key
from carbonledger.errors import ValidationError
from carbonledger.options import WorkspaceConfig
from carbonledger.store import Workspace
from tests.conftest import import_sites

GATEWAY = generate_key("gw-7")
METERS = (
    "meter_id,parent_id,level,facility_id,medium,unit,reading_type,signed_by\n"
    "M1,,park,F1,electricity,kWh,interval,gw-7\n"
    "M2,,park,F2,electricity,kWh,interval,\n"
)


def _readings(tmp_path: Path, rows: list[tuple[str, str, float, str | None]]) -> Path:
    lines = ["meter_id,time,value,signature"]
    lines += [f"{m},{t},{v},{s or ''}" for m, t, v, s in rows]
    path = tmp_path / f"readings-{abs(hash(str(rows)))}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _signed(meter: str, time: str, value: float) -> tuple[str, str, float, str]:
    message = reading_message(meter, time.replace(" ", "T") + ":00", value)
    return meter, time, value, sign_reading(GATEWAY, message)


def _workspace(tmp_path: Path, policy: str) -> Workspace:
    config = WorkspaceConfig(organisation="Park Co", reading_signatures=policy)
    workspace = Workspace.init(tmp_path / f"ws-{policy}", config)
    import_sites(workspace, tmp_path)
    keys = tmp_path / "device_keys.csv"
    keys.write_text(f"device_id,public_key,certifier\ngw-7,{verifier_key(GATEWAY)},Lab\n")
    app.import_file(workspace, "device_keys", keys)
    meters = tmp_path / "meters.csv"
    meters.write_text(METERS, encoding="utf-8")
    app.import_file(workspace, "meters", meters)
    return workspace


def test_signed_readings_import_and_keep_their_signatures(tmp_path):
    workspace = _workspace(tmp_path, "refuse")
    rows = [_signed("M1", "2025-03-01 00:15", 12.5), _signed("M1", "2025-03-01 00:30", 13.0)]
    rows.append(("M2", "2025-03-01 00:15", 4.0, None))  # a meter that does not sign
    result = app.import_file(workspace, "meter_readings", _readings(tmp_path, rows))
    assert result.created and not result.report.findings
    stored = workspace.read_batch(result.batch.batch_id).to_pylist()
    assert stored[0]["signature"] == rows[0][3]


def test_an_unsigned_or_forged_reading_is_refused_by_row(tmp_path):
    workspace = _workspace(tmp_path, "refuse")
    forged = _signed("M1", "2025-03-01 00:15", 12.5)
    rows = [
        (forged[0], forged[1], 99.0, forged[3]),  # the value changed after signing
        ("M1", "2025-03-01 00:30", 13.0, None),
        _signed("M1", "2025-03-01 00:45", 13.5),
    ]
    with pytest.raises(ValidationError) as caught:
        app.import_file(workspace, "meter_readings", _readings(tmp_path, rows))
    findings = caught.value.report.findings
    assert [(f.location.row, f.location.column) for f in findings] == [
        (2, "signature"),
        (3, "signature"),
    ]
    assert "does not verify with gw-7's key" in findings[0].message
    assert "unsigned" in findings[1].message
    assert not workspace.batches("meter_readings")  # nothing half-written


def test_the_flag_policy_stores_with_a_warning(tmp_path):
    workspace = _workspace(tmp_path, "flag")
    rows = [("M1", "2025-03-01 00:15", 12.5, None)]
    result = app.import_file(workspace, "meter_readings", _readings(tmp_path, rows))
    assert result.created
    (warning,) = result.report.findings
    assert warning.severity.value == "warning" and warning.location.row == 2


def test_a_gateway_posts_signed_readings(tmp_path):
    workspace = _workspace(tmp_path, "refuse")
    meter, time, value, signature = _signed("M1", "2025-03-02 00:15", 7.25)
    posted = [{"meter_id": meter, "time": time, "value": value, "signature": signature}]
    assert app.import_readings(workspace, posted, "gw-7").created
    posted[0]["value"] = 7.5
    with pytest.raises(ValidationError, match="does not verify"):
        app.import_readings(workspace, posted, "gw-7")
