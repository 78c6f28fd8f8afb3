"""Calculation methods: each turns activity rows and selected factors into emission rows."""

from carbonledger.methods.activity import EmissionRows, calculate_activity
from carbonledger.methods.base import (
    LINE_SCHEMA,
    RESOLVED_SCHEMA,
    FactorContext,
    Method,
    apply_factors,
    resolve_requests,
)
from carbonledger.methods.registry import METHODS, method_by_name

__all__ = [
    "LINE_SCHEMA",
    "METHODS",
    "RESOLVED_SCHEMA",
    "EmissionRows",
    "FactorContext",
    "Method",
    "apply_factors",
    "calculate_activity",
    "method_by_name",
    "resolve_requests",
]
