"""Disclosure exports: each framework's datapoints, filled from the report context.

Each framework's mapping is a versioned YAML table in this folder (datapoint id, label, and the
reported number id it takes, a sum of them, an intensity, or a scope 3 category with the
framework's words for its evaluation status; a datapoint carbonledger cannot fill yet is
exported without a value and with the reason, ``not_available``), so a new version of a
framework is a new file, never code.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from carbonledger.report.context import ReportContext
from carbonledger.report.escape import write_row

__all__ = ["FRAMEWORKS", "disclosures", "write_disclosures"]

#: Mapping files, by framework key.
FRAMEWORKS = ("esrs_e1", "cdp_climate", "cn_enterprise")


def _mapping(key: str) -> dict[str, Any]:
    path = resources.files("carbonledger.report.disclosures").joinpath(f"{key}.yaml")
    mapping: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return mapping


def disclosures(context: ReportContext) -> dict[str, Any]:
    """Every framework's datapoints with their values [t CO2e, or as labelled].

    A scope 3 category datapoint carries the category's value where it is calculated (None
    otherwise), its ``status`` in the framework's words and the ``explanation`` (for a category
    not calculated: the workspace's reason for an exclusion; for a gap nothing, since the
    organisation has given none, so no boilerplate is disclosed in its name).
    """
    numbers = context.numbers()
    categories = {r["category"]: r for r in context.inventory.scope3}
    out = {}
    for key in FRAMEWORKS:
        mapping = _mapping(key)
        rows = []
        for point in mapping["datapoints"]:
            value: float | None = None
            extra: dict[str, Any] = {}
            if "number" in point:
                value = numbers[point["number"]]
            elif "scope3_category" in point:
                category = categories[point["scope3_category"]]
                calculated = category["status"] == "calculated"
                value = category["co2e_t"] if calculated else None
                extra = {
                    "status": mapping["scope3_statuses"][category["status"]],
                    "explanation": (category["reason"] or "") if not calculated else "",
                }
            elif "credits" in point:
                if context.credits is None:
                    extra = {"not_available": "no credits or claims in the workspace"}
                else:
                    value = context.credits["disclosure"][point["credits"]]
            elif "sum" in point:
                value = sum(numbers[n] for n in point["sum"])
            elif "intensity" in point:
                spec = point["intensity"]
                value = next(
                    (
                        r["intensity"]
                        for r in context.intensities
                        if r["metric"] == spec["metric"]
                        and r["scope"] == spec["scope"]
                        and not r["entity_id"]
                    ),
                    None,
                )
            rows.append(
                {**{k: v for k, v in point.items() if k != "credits"}, "value": value, **extra}
            )
        out[key] = {
            "framework": mapping["framework"],
            "version": mapping["version"],
            "datapoints": rows,
        }
    return out


def write_disclosures(context: ReportContext, folder: str | Path) -> list[Path]:
    """``disclosures.json`` and ``disclosures.xlsx`` (a sheet per framework) in ``folder``."""
    from openpyxl import Workbook

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    data = disclosures(context)
    json_path = target / "disclosures.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    book = Workbook()
    book.remove(book.active)
    for key, framework in data.items():
        sheet = book.create_sheet(key)
        write_row(sheet, 1, [framework["framework"], framework["version"]])
        write_row(
            sheet,
            2,
            ["datapoint", "label", "value", "status", "explanation", "not available because"],
        )
        for number, point in enumerate(framework["datapoints"], 3):
            write_row(
                sheet,
                number,
                [
                    point["id"],
                    point["label"],
                    point["value"],
                    point.get("status", ""),
                    point.get("explanation", ""),
                    point.get("not_available", ""),
                ],
            )
    xlsx_path = target / "disclosures.xlsx"
    book.save(xlsx_path)
    return [json_path, xlsx_path]
