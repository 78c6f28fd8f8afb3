"""Packaged releases are exactly what the loaders build from the raw publisher files."""

from __future__ import annotations

import json

import pytest

from carbonledger.errors import IntegrityError
from carbonledger.factors import BUILDERS, build_releases, verify_releases
from carbonledger.factors._raw import raw_file


def test_packaged_releases_match_a_rebuild_from_raw_files(raw_dir):
    report = verify_releases(raw_dir)
    assert set(report) == set(BUILDERS)
    assert report == {release: [] for release in BUILDERS}


def test_verify_catches_a_changed_packaged_table(raw_dir, tmp_path):
    build_releases(tmp_path, raw_dir, ["mee-cn-2021-2023"])
    manifest_path = tmp_path / "mee-cn-2021-2023" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["factors"]["rows"] = 115
    manifest_path.write_text(json.dumps(manifest))
    report = verify_releases(raw_dir, tmp_path)
    assert any("table factors" in p for p in report["mee-cn-2021-2023"])


def test_a_swapped_raw_file_is_refused(raw_dir, tmp_path):
    fake = tmp_path / "codecarbon_grid_intensity"
    fake.mkdir()
    (fake / "china_provincial_emissions_2023.json").write_text('{"data": {}}')
    with pytest.raises(IntegrityError, match="sha256"):
        raw_file("china_mee_provincial_2023", tmp_path)
