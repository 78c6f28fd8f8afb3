"""Reference pages of the calculation methods, rendered from the code that runs them.

One page per module of methods (its docstring is the method statement) listing each method's
name, input kind, reference tables, acceptable factor stages and proxy rule, and one index page
with the scope 3 category table (``inventory/scope3_categories.yaml``). Rendering from the
code keeps the pages in step with it; a test checks the committed pages are current.
"""

from __future__ import annotations

import inspect
import sys
from itertools import groupby
from pathlib import Path

from carbonledger.inventory.scope3 import reason_text, scope3_categories
from carbonledger.methods import Method, registered_methods

__all__ = [
    "render_method_page",
    "render_methods_index",
    "render_units_page",
    "write_method_docs",
    "write_reference_docs",
]


def _module(method: Method) -> str:
    return type(method).__module__


def _page_name(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def _proxies(method: Method) -> str:
    if not method.allow_proxies:
        return "none (location-specific)"
    own = ", ".join(method.method_proxies)
    return f"the workspace's, then {own}" if own else "the workspace's"


def render_method_page(module: str, methods: list[Method]) -> str:
    """Markdown page of one module's methods."""
    doc = inspect.cleandoc(sys.modules[module].__doc__ or "")
    title, _, body = doc.partition("\n")
    lines = [f"# {title.rstrip('.')}", "", body.strip(), "", "## Methods", ""]
    lines += [
        "| method | input kind | scope | scope 3 categories | ISO 14064-1 categories "
        "| references | factor stages (preferred first) | proxy regions |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for method in methods:
        spec = method.spec
        scope = f"{spec.scope} ({spec.scope2_basis})" if spec.scope2_basis else str(spec.scope)
        lines.append(
            f"| `{method.name}` | [{method.kind}](../schema/{method.kind}.md) | {scope} | "
            f"{', '.join(map(str, spec.scope3)) or '-'} | {', '.join(map(str, spec.iso))} | "
            f"{', '.join(method.references)} | {', '.join(method.stages)} | {_proxies(method)} |"
        )
    lines.append("")
    for method in methods:
        summary = inspect.cleandoc(type(method).__doc__ or "").partition("\n")[0]
        lines.append(f"- `{method.name}`: {summary}")
    return "\n".join(lines) + "\n"


def render_methods_index() -> str:
    """Markdown index: the methods in run order and the scope 3 category table."""
    lines = [
        "# Calculation methods",
        "",
        "`carbonledger calculate` runs every registered method; each method's facts are its spec",
        "in `methods/specs.yaml`. After all methods have planned their lines, the hybrid pass",
        "supersedes the spend lines whose covering process method has results.",
        "",
        "| method | input kind | page |",
        "|---|---|---|",
    ]
    for method in registered_methods():
        page = _page_name(_module(method))
        lines.append(f"| `{method.name}` | {method.kind} | [{page}]({page}.md) |")
    lines += [
        "",
        "## Scope 3 categories",
        "",
        "Each category, the methods that serve it, and when it usually does not apply. A",
        "workspace records its own exclusions with reasons (`scope3_exclusions`);",
        "`carbonledger scope3` reports every category as calculated, excluded or a gap.",
        "",
        "| category | methods | usually not applicable when |",
        "|---|---|---|",
    ]
    for number, spec in scope3_categories().items():
        methods = ", ".join(f"`{m}`" for m in spec["methods"]) or "none"
        reason = reason_text(spec.get("not_applicable_when"), "en") or ""
        lines.append(
            f"| {number} {spec['name']['en']} ({spec['name']['zh']}) | {methods} | {reason} |"
        )
    return "\n".join(lines) + "\n"


def write_method_docs(folder: Path) -> list[Path]:
    """Write the index and one page per module of methods into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.md"
    index.write_text(render_methods_index(), encoding="utf-8")
    written = [index]
    ordered = sorted(registered_methods(), key=_module)
    for module, group in groupby(ordered, key=_module):
        path = folder / f"{_page_name(module)}.md"
        path.write_text(render_method_page(module, list(group)), encoding="utf-8")
        written.append(path)
    return written


def write_reference_docs(out: Path) -> list[Path]:
    """Render the factor release, method and import schema pages into ``out``."""
    from carbonledger.factors import default_library
    from carbonledger.factors.docs import write_release_docs
    from carbonledger.schema import get_schema, render_markdown, schema_kinds

    written = write_release_docs(default_library(), out / "factors")
    written += write_method_docs(out / "methods")
    (out / "schema").mkdir(parents=True, exist_ok=True)
    for kind in schema_kinds():
        path = out / "schema" / f"{kind}.md"
        path.write_text(render_markdown(get_schema(kind)), encoding="utf-8")
        written.append(path)
    units = out / "schema" / "units.md"
    units.write_text(render_units_page(), encoding="utf-8")
    written.append(units)
    return written


def render_units_page() -> str:
    """Markdown page of the units users may type (``data/unit_aliases.csv``)."""
    from carbonledger.units import unit_aliases

    lines = [
        "# Units as you type them",
        "",
        "A unit column takes any unit of the registry (`kWh`, `MWh`, `GJ`, `m ** 3`, `L`, `t`,",
        "`tkm`, `therm`, `mmBtu` ...) and these spellings, which an import stores as the",
        "registry's unit. An unknown unit is refused with the nearest known ones.",
        "",
        "| you type | stored as | note |",
        "|---|---|---|",
    ]
    lines += [f"| `{a}` | `{u}` | {note} |" for a, u, note in unit_aliases()]
    return "\n".join(lines) + "\n"
