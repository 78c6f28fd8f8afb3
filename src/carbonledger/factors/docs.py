"""Documentation pages rendered from release manifests, so the docs never drift from the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from carbonledger.factors.library import FactorLibrary

__all__ = ["render_index", "render_release_page", "write_release_docs"]


def render_release_page(manifest: dict[str, Any]) -> str:
    """Markdown page describing one release: identity, licence, sources and tables."""
    lines = [
        f"# {manifest['release_id']}",
        "",
        f"*{manifest['dataset']}*, version {manifest['version']}, published "
        f"{manifest['published'] or 'n/a'} by {manifest['publisher']}.",
        "",
        "| field | value |",
        "|---|---|",
        f"| licence | {manifest['licence']} |",
        f"| publisher's page | {manifest['url'] or 'n/a'} |",
        "",
    ]
    if manifest.get("notes"):
        lines += ["## Notes", "", manifest["notes"], ""]
    lines += [
        "## Source files (checked by SHA-256 before loading)",
        "",
        "| file | sha256 |",
        "|---|---|",
    ]
    lines += [f"| `{s['path']}` | `{s['sha256']}` |" for s in manifest["sources"]]
    lines += ["", "## Tables", "", "| table | rows | sha256 |", "|---|---:|---|"]
    lines += [
        f"| {name} | {entry['rows']:,} | `{entry['sha256'][:16]}…` |"
        for name, entry in manifest["tables"].items()
    ]
    return "\n".join(lines) + "\n"


def render_index(manifests: list[dict[str, Any]]) -> str:
    """Markdown index of every release."""
    lines = [
        "# Factor releases",
        "",
        "Rendered from the packaged manifests by `carbonledger factors docs`.",
        "",
        "| release | publisher | version | licence | rows |",
        "|---|---|---|---|---:|",
    ]
    for m in manifests:
        rows = sum(t["rows"] for t in m["tables"].values())
        lines.append(
            f"| [{m['release_id']}]({m['release_id']}.md) | {m['publisher']} | "
            f"{m['version']} | {m['licence']} | {rows:,} |"
        )
    lines += ["", "How factors are chosen: [selection policy](selection.md)."]
    return "\n".join(lines) + "\n"


def write_release_docs(library: FactorLibrary, folder: Path) -> list[Path]:
    """Write ``index.md`` and one page per release into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    manifests = library.manifests()
    written = [folder / "index.md"]
    written[0].write_text(render_index(manifests), encoding="utf-8")
    for manifest in manifests:
        path = folder / f"{manifest['release_id']}.md"
        path.write_text(render_release_page(manifest), encoding="utf-8")
        written.append(path)
    return written
