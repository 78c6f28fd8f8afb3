"""Grid electricity intensity: OWID/Ember by country and year, China MEE provinces, eGRID states.

- OWID grapher "carbon-intensity-electricity" (CC BY 4.0): generation-based lifecycle intensity
  in g CO2e/kWh, countries by ISO 3166 alpha-3 (mapped to alpha-2), aggregates left out
  except "World".
- China MEE/NBS Announcement 2025 No. 47, Table 3 (2023 provincial average grid factors, CO2
  only, g/kWh), as packaged by codecarbon 3.3.2 (MIT).
- EPA eGRID2023 state total output CO2e rates (STC2ERTA, lb/MWh), as packaged by codecarbon.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pycountry

from carbonledger.factors._raw import raw_file
from carbonledger.factors.table import FactorRow, FactorTableBuilder, ReleaseInfo

__all__ = [
    "CHINA_MEE",
    "EGRID_STATES",
    "OWID_EMBER",
    "load_china",
    "load_egrid_states",
    "load_owid",
]

OWID_EMBER = ReleaseInfo(
    release_id="owid-ember-2026",
    publisher="Our World in Data (Ember; Energy Institute)",
    dataset="Carbon intensity of electricity generation",
    version="2026-04 download",
    published="2026-04-29",
    licence="CC-BY-4.0",
    url="https://ourworldindata.org/grapher/carbon-intensity-electricity",
    source_keys=("owid_ember_intensity",),
    notes="Ember (2026); Energy Institute - Statistical Review of World Energy (2025) - with "
    "major processing by Our World in Data. Generation-based lifecycle intensity (IPCC AR5 WG3 "
    "lifecycle factors per fuel); not combustion-only, no trade adjustment, no T&D losses.",
)
CHINA_MEE = ReleaseInfo(
    release_id="mee-cn-provincial-2023",
    publisher="China Ministry of Ecology and Environment; National Bureau of Statistics",
    dataset="Provincial average grid emission factors (Announcement 2025 No. 47, Table 3)",
    version="2023",
    published="2025-12-31",
    licence="PRC-official-document (Copyright Law art. 5)",
    url="https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html",
    source_keys=("china_mee_provincial_2023",),
    notes="CO2 only, location-based average grid factor including inter-provincial transfers; "
    "file as packaged by codecarbon 3.3.2 (MIT).",
)
EGRID_STATES = ReleaseInfo(
    release_id="egrid-states-2023",
    publisher="US EPA (eGRID)",
    dataset="eGRID2023 state annual CO2e total output emission rate (STC2ERTA)",
    version="eGRID2023",
    published="2025-01-15",
    licence="US-Government-Public-Domain",
    url="https://www.epa.gov/egrid/download-data",
    source_keys=("egrid_states_2023",),
    notes="Total output CO2e rate at the plant; excludes T&D losses and upstream; file as "
    "packaged by codecarbon 3.3.2 (MIT).",
)
_OWID_KEPT_AGGREGATES = {"World": "WORLD"}


def load_owid(root: Path | None = None) -> pa.Table:
    """Country (and world) lifecycle grid intensity by year."""
    path = raw_file("owid_ember_intensity", root)
    builder = FactorTableBuilder(OWID_EMBER)
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            region = _owid_region(record["Entity"], record["Code"])
            if region is None or not record["Carbon intensity of electricity per kWh"]:
                continue
            builder.add(
                FactorRow(
                    activity_key="electricity/grid",
                    name=record["Entity"],
                    region=region,
                    year=int(record["Year"]),
                    gas="CO2e",
                    gwp_set="AR5GWP100",
                    original_value=float(record["Carbon intensity of electricity per kWh"]),
                    numerator="g",
                    denominator="kWh",
                    stage="lifecycle",
                    original_unit="gCO2e/kWh",
                    source_location=f"{path.name}:{line}",
                )
            )
    return builder.table()


def _owid_region(entity: str, code: str) -> str | None:
    if entity in _OWID_KEPT_AGGREGATES:
        return _OWID_KEPT_AGGREGATES[entity]
    if len(code) != 3 or code.startswith("OWID"):
        return None
    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else None


def load_china(root: Path | None = None) -> pa.Table:
    """China's 2023 provincial grid factors (CO2 only)."""
    path = raw_file("china_mee_provincial_2023", root)
    data = json.loads(path.read_text("utf-8"))["data"]
    builder = FactorTableBuilder(CHINA_MEE)
    for region, entry in data.items():
        subdivision = pycountry.subdivisions.get(code=region)
        builder.add(
            FactorRow(
                activity_key="electricity/grid",
                name=entry["description"],
                name_zh=_chinese_name(region) if subdivision else None,
                region=region,
                year=int(entry["year"]),
                gas="CO2",
                original_value=float(entry["emission_factor"]),
                numerator="g",
                denominator="kWh",
                stage="generation",
                original_unit=entry["unit"],
                source_location=f"{path.name}:data.{region}",
            )
        )
    return builder.table()


def _chinese_name(code: str) -> str | None:
    import gettext

    try:
        translation = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:
        return None
    subdivision = pycountry.subdivisions.get(code=code)
    name = translation.gettext(subdivision.name) if subdivision else None
    return name if name and name != subdivision.name else None


def load_egrid_states(root: Path | None = None) -> pa.Table:
    """US state CO2e total output rates from eGRID2023."""
    path = raw_file("egrid_states_2023", root)
    data = json.loads(path.read_text("utf-8"))
    year = int(data["_source"]["year"])
    builder = FactorTableBuilder(EGRID_STATES)
    for name, entry in data.items():
        if name.startswith("_"):
            continue
        region = "US" if name == "usa" else f"US-{entry['regionCode']}"
        builder.add(
            FactorRow(
                activity_key="electricity/grid",
                name=name,
                region=region,
                year=year,
                gas="CO2e",
                gwp_set="AR5GWP100",
                original_value=float(entry["emissions"]),
                numerator="lb",
                denominator="MWh",
                stage="generation",
                original_unit="lb CO2e/MWh",
                source_location=f"{path.name}:{name}",
                boundary_notes="eGRID CO2e rates use AR5 GWP-100",
            )
        )
    return builder.table()
