"""Look-ups of single factors in the packaged library, for tests against publishers' rows."""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc
import pytest

from carbonledger.factors import default_library


def published(release: str, key: str, gas: str, **fields: Any) -> dict[str, Any]:
    """The one factor row of a release matching key, gas and any other column values."""
    factors = default_library().factors
    mask = pc.and_(pc.equal(factors["release_id"], release), pc.equal(factors["activity_key"], key))
    mask = pc.and_(mask, pc.equal(factors["gas"], gas))
    for column, value in fields.items():
        mask = pc.and_(mask, pc.equal(factors[column], value))
    rows = factors.filter(mask).to_pylist()
    assert len(rows) == 1, f"{len(rows)} rows for {release} {key} {gas} {fields}"
    return rows[0]


@pytest.fixture
def factor():
    """The :func:`published` look-up."""
    return published
