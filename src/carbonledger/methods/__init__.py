"""Calculation methods: each turns activity rows and selected factors into emission rows.

Every method is one module plus its spec (``specs.yaml``); :func:`registered_methods` holds
the methods ``calculate`` runs, and :func:`register_method` or the ``carbonledger.methods``
entry-point group adds more.
"""

from carbonledger.methods.activity import EmissionRows, calculate_activity
from carbonledger.methods.base import (
    LINE_SCHEMA,
    RESOLVED_SCHEMA,
    FactorContext,
    Method,
    apply_factors,
    resolve_requests,
)
from carbonledger.methods.spec import (
    ENTRY_POINT_GROUP,
    MethodSpec,
    method_by_name,
    method_spec,
    method_specs,
    register_method,
    registered_methods,
)
from carbonledger.methods.transport import unit_scales, with_tonne_km

__all__ = [
    "ENTRY_POINT_GROUP",
    "LINE_SCHEMA",
    "RESOLVED_SCHEMA",
    "EmissionRows",
    "FactorContext",
    "Method",
    "MethodSpec",
    "apply_factors",
    "calculate_activity",
    "method_by_name",
    "method_spec",
    "method_specs",
    "register_method",
    "registered_methods",
    "resolve_requests",
    "unit_scales",
    "with_tonne_km",
]
