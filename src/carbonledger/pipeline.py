"""Deprecated: the orchestration moved to :mod:`carbonledger.app` (one function per user job)
and :mod:`carbonledger.run` (a calculation as public steps). These names stay for one release
and warn when used."""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

_MOVED = {
    "import_file": "carbonledger.app",
    "validate_file": "carbonledger.app",
    "ImportResult": "carbonledger.app",
    "estimate": "carbonledger.app",
    "Estimate": "carbonledger.app",
    "add_factor_release": "carbonledger.app",
    "workspace_library": "carbonledger.app",
    "calculate": "carbonledger.app",
    "CalculationResult": "carbonledger.app",
    "inventory": "carbonledger.app",
    "forecast": "carbonledger.app",
    "base_year": "carbonledger.app",
    "report_context": "carbonledger.app",
    "gather_inputs": "carbonledger.run",
    "REFERENCE_KINDS": "carbonledger.run",
    "default_spend_mapping": "carbonledger.run",
}


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module 'carbonledger.pipeline' has no attribute {name!r}")
    import importlib

    target = _MOVED[name]
    warnings.warn(
        f"carbonledger.pipeline.{name} is deprecated; use {target}.{name}",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(importlib.import_module(target), name)
