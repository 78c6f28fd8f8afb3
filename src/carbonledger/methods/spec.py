"""Methods as specs: each method's facts are data, and a registry holds the methods to run.

:data:`specs.yaml <carbonledger.methods>` gives, per method, its class, input kind, scope,
scope 3 and ISO 14064-1 categories, scope 2 basis, factor stages, reference tables, data-quality
class, required input columns, proxy rule and role in the hybrid model. The classification of
activity lines, the run's checks, the scope 3 category table and the method docs all read
these facts from here, so none of them is written twice.

Other packages add methods with :func:`register_method` or through the ``carbonledger.methods``
entry-point group (each entry point names a :class:`~carbonledger.methods.base.Method` subclass
whose ``SPEC`` class attribute is a mapping of the YAML's fields).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import yaml

from carbonledger.errors import CarbonLedgerError

if TYPE_CHECKING:
    from carbonledger.methods.base import Method

__all__ = [
    "ENTRY_POINT_GROUP",
    "MethodSpec",
    "method_by_name",
    "method_spec",
    "method_specs",
    "register_method",
    "registered_methods",
]

ENTRY_POINT_GROUP = "carbonledger.methods"
_FIELDS = {
    "class",
    "kind",
    "scope",
    "scope3",
    "iso",
    "scope2_basis",
    "stages",
    "references",
    "distinct",
    "data_quality",
    "required",
    "proxies",
    "own_proxies",
    "fuel",
    "hybrid",
}
_REQUIRED = {"kind", "scope", "iso", "stages", "data_quality"}


@dataclass(frozen=True)
class MethodSpec:
    """The facts of one method (see ``methods/specs.yaml`` for each field's meaning)."""

    name: str
    kind: str
    scope: int
    iso: tuple[int, ...]
    stages: tuple[str, ...]
    data_quality: str
    scope3: tuple[int, ...] = ()
    scope2_basis: str | None = None
    references: tuple[str, ...] = ()
    distinct: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    proxies: bool = True
    own_proxies: tuple[str, ...] = ()
    fuel: bool = False
    hybrid: str | None = None
    implementation: str | None = None

    @classmethod
    def from_mapping(cls, name: str, data: Mapping[str, Any]) -> MethodSpec:
        """Build from the YAML form, checking its fields.

        Raises
        ------
        CarbonLedgerError
            Naming the method and the field that is unknown, missing or invalid.
        """
        unknown = sorted(set(data) - _FIELDS)
        missing = sorted(_REQUIRED - set(data))
        if unknown or missing:
            raise CarbonLedgerError(
                f"method spec {name!r}: unknown fields {unknown}, missing fields {missing}"
            )
        if data["scope"] not in (1, 2, 3):
            raise CarbonLedgerError(f"method spec {name!r}: scope must be 1, 2 or 3")
        if data.get("hybrid") not in (None, "covers", "covered"):
            raise CarbonLedgerError(f"method spec {name!r}: hybrid is covers or covered")
        if (data["scope"] == 2) != (data.get("scope2_basis") in ("location", "market")):
            raise CarbonLedgerError(
                f"method spec {name!r}: scope 2 methods, and only they, name a scope2_basis "
                "(location or market)"
            )
        return cls(
            name=name,
            kind=data["kind"],
            scope=int(data["scope"]),
            iso=tuple(data["iso"]),
            stages=tuple(data["stages"]),
            data_quality=data["data_quality"],
            scope3=tuple(data.get("scope3", ())),
            scope2_basis=data.get("scope2_basis"),
            references=tuple(data.get("references", ())),
            distinct=tuple(data.get("distinct", ())),
            required=tuple(data.get("required", ())),
            proxies=bool(data.get("proxies", True)),
            own_proxies=tuple(data.get("own_proxies", ())),
            fuel=bool(data.get("fuel", False)),
            hybrid=data.get("hybrid"),
            implementation=data.get("class"),
        )

    @property
    def scope3_category(self) -> int | None:
        """The one scope 3 category of every line, if the method has one."""
        return self.scope3[0] if len(self.scope3) == 1 else None

    @property
    def iso_category(self) -> int | None:
        """The one ISO 14064-1 category of every line, if the method has one."""
        return self.iso[0] if len(self.iso) == 1 else None


@cache
def _packaged_specs() -> dict[str, MethodSpec]:
    text = resources.files("carbonledger.methods").joinpath("specs.yaml").read_text("utf-8")
    return {
        name: MethodSpec.from_mapping(name, data) for name, data in yaml.safe_load(text).items()
    }


def method_spec(name: str) -> MethodSpec:
    """The spec of a registered or packaged method.

    Raises
    ------
    KeyError
        If no method has that name (the message lists them).
    """
    specs = {**_packaged_specs(), **_REGISTRY.specs}
    if name not in specs:
        raise KeyError(f"no spec for method {name!r}; methods: {sorted(specs)}")
    return specs[name]


def method_specs() -> dict[str, MethodSpec]:
    """The specs of every registered method, by name."""
    return {m.name: m.spec for m in registered_methods()}


class _Registry:
    def __init__(self) -> None:
        self.methods: dict[str, Method] = {}
        self.specs: dict[str, MethodSpec] = {}
        self.loaded = False

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        for name, spec in _packaged_specs().items():
            assert spec.implementation is not None
            self.methods.setdefault(name, _instantiate(spec.implementation))
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            cls = entry.load()
            register_method(cls(), getattr(cls, "SPEC", None))


_REGISTRY = _Registry()


def _instantiate(path: str) -> Method:
    module, _, attribute = path.partition(":")
    method: Method = getattr(importlib.import_module(module), attribute)()
    return method


def register_method(method: Method, spec: Mapping[str, Any] | MethodSpec | None = None) -> None:
    """Add a method to the registry (``calculate`` runs every registered method).

    Parameters
    ----------
    method : Method
        An instance; its ``name`` is its key.
    spec : mapping or MethodSpec, optional
        Its facts in the form of ``specs.yaml``; needed unless the package's specs name it.

    Raises
    ------
    CarbonLedgerError
        If a method of that name is registered already, or its spec is missing or invalid.
    """
    _REGISTRY.load()
    name = method.name
    if name in _REGISTRY.methods:
        raise CarbonLedgerError(f"a method named {name!r} is registered already")
    if spec is not None:
        built = spec if isinstance(spec, MethodSpec) else MethodSpec.from_mapping(name, spec)
        _REGISTRY.specs[name] = built
    method_spec(name)  # raises if there is none
    _REGISTRY.methods[name] = method


def registered_methods() -> tuple[Method, ...]:
    """Every registered method. Results do not depend on this order: the hybrid model's
    de-duplication is a pass of its own after every method has planned its lines."""
    _REGISTRY.load()
    return tuple(_REGISTRY.methods.values())


def method_by_name(name: str) -> Method:
    """A registered method by its name.

    Raises
    ------
    KeyError
        If no method has that name (the message lists them).
    """
    _REGISTRY.load()
    if name not in _REGISTRY.methods:
        raise KeyError(f"unknown method {name!r}; methods: {sorted(_REGISTRY.methods)}")
    return _REGISTRY.methods[name]
