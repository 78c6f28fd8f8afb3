"""The factor library: a room with one door.

Everything the rest of carbonledger needs from factors is imported from here: the library of
releases (:func:`default_library`), selection (:class:`SelectionPolicy`,
:func:`select_factors`), and the release build and verification used by
``carbonledger factors build``. Loaders are internal.
"""

from carbonledger.factors._keys import slug
from carbonledger.factors._raw import raw_data_dir
from carbonledger.factors.library import FactorLibrary, default_library
from carbonledger.factors.regions import WORLD, MatchLevel, region_chain
from carbonledger.factors.releases import (
    BUILDERS,
    build_releases,
    read_manifest,
    verify_releases,
    write_release,
)
from carbonledger.factors.selection import (
    DEFAULT_STAGE_ORDER,
    Selection,
    SelectionPolicy,
    select_factors,
)
from carbonledger.factors.table import FactorRow, FactorTableBuilder, ReleaseInfo, factor_schema
from carbonledger.factors.user import user_release

__all__ = [
    "BUILDERS",
    "DEFAULT_STAGE_ORDER",
    "WORLD",
    "FactorLibrary",
    "FactorRow",
    "FactorTableBuilder",
    "MatchLevel",
    "ReleaseInfo",
    "Selection",
    "SelectionPolicy",
    "build_releases",
    "default_library",
    "factor_schema",
    "raw_data_dir",
    "read_manifest",
    "region_chain",
    "select_factors",
    "slug",
    "user_release",
    "verify_releases",
    "write_release",
]
