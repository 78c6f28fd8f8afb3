"""Grid electricity intensity: OWID/Ember by country and year, China MEE provinces, eGRID states.

- OWID grapher "carbon-intensity-electricity" (CC BY 4.0): generation-based lifecycle intensity
  in g CO2e/kWh, countries by ISO 3166 alpha-3 (mapped to alpha-2), aggregates left out
  except "World".
- China MEE/NBS electricity CO2 factors for 2021, 2022 and 2023 (Announcements 2024 No. 12,
  2024 No. 33 and 2025 No. 47): the national, seven regional-grid and thirty provincial
  averages of each year, and the 2023 variants (national average excluding market-traded
  non-fossil electricity, national fossil power). CO2 only, kg/kWh.
- EPA eGRID2023 state total output CO2e rates (STC2ERTA, lb/MWh), as packaged by codecarbon.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pycountry

from carbonledger.errors import FactorError
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
    release_id="mee-cn-2021-2023",
    publisher="China Ministry of Ecology and Environment; National Bureau of Statistics",
    dataset="Electricity CO2 emission factors (Announcements 2024 No. 12, 2024 No. 33, "
    "2025 No. 47)",
    version="2021-2023",
    published="2025-12-31",
    licence="PRC-official-document (Copyright Law art. 5)",
    url="https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/t20251231_1139517.html",
    source_keys=("china_mee_2021_2023",),
    notes="CO2 only, location-based averages of generation including inter-provincial "
    "transfers (national, regional grid, provincial). 2021 and 2022 transcribed from two "
    "independent copies; 2023 extracted from the annex PDF of Announcement 2025 No. 47.",
)
#: The factor types of the MEE notices and the library keys they become. The national average
#: excluding market-traded non-fossil electricity is what a consumer claiming green power
#: uses for the rest: the Chinese analogue of a residual mix.
_CHINA_FACTOR_TYPES = {
    "national_average": "electricity/grid",
    "regional_grid_average": "electricity/grid",
    "provincial_average": "electricity/grid",
    "national_average_excl_market_traded_nonfossil": "electricity/residual_mix",
    "national_fossil_power": "electricity/fossil_generation",
}
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
    """China's MEE/NBS electricity CO2 factors, 2021-2023 (CO2 only).

    Raises
    ------
    FactorError
        If the file names a factor type this loader does not know.
    """
    path = raw_file("china_mee_2021_2023", root)
    builder = FactorTableBuilder(CHINA_MEE)
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            factor_type = record["factor_type"]
            if factor_type not in _CHINA_FACTOR_TYPES:
                raise FactorError(f"{path.name}:{line}: unknown factor_type {factor_type!r}")
            key = _CHINA_FACTOR_TYPES[factor_type]
            numerator, _, denominator = record["unit"].partition("CO2/")
            builder.add(
                FactorRow(
                    activity_key=key,
                    name=f"{record['region_name_en']} ({factor_type.replace('_', ' ')})",
                    name_zh=record["region_name_zh"],
                    region=record["region_code"],
                    year=int(record["data_year"]),
                    gas=record["gas"],
                    original_value=float(record["value"]),
                    numerator=numerator,
                    denominator=denominator,
                    stage="generation",
                    original_unit=record["unit"],
                    source_location=f"{path.name}:{line} ({record['notice']}, table "
                    f"{record['notice_table']})",
                )
            )
    return builder.table()


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
