"""US EPA Supply Chain GHG Emission Factors v1.3.0 and v1.2 (NAICS-6, USEEIO; public domain).

Spend-based (EEIO) factors in kg per US dollar at purchaser price: v1.3.0 in 2022 USD with AR5
GWPs, v1.2 in 2021 USD with AR4 GWPs. Each NAICS code gives three keys:
``eeio/naics/<code>`` (with margins, cradle to shelf: the factor to use with purchaser-price
spend), ``.../without_margins`` (cradle to factory gate) and ``.../margins`` (transport,
wholesale and retail margins only). NAICS codes stay strings.

The v1.3.0 by-gas factors are kept under the same keys with ``/by_gas`` appended, not beside
the CO2e ones: EPA's "HFCs and PFCs, unspecified" row (up to 0.044 per USD) has no GWP of its
own, so the gases alone would undercount, and the published CO2e stays the factor spend uses.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from carbonledger.factors._raw import raw_file
from carbonledger.factors.table import FactorRow, FactorTableBuilder, ReleaseInfo

__all__ = ["RELEASES", "UNSPECIFIED_GAS", "load"]

RELEASES = {
    "1.3.0": ReleaseInfo(
        release_id="epa-scf-1.3.0",
        publisher="US EPA Office of Research and Development",
        dataset="Supply Chain GHG Emission Factors for US Commodities and Industries (NAICS-6)",
        version="1.3.0",
        published="2024-07-05",
        licence="US-Government-Public-Domain",
        url="https://doi.org/10.23719/1531143",
        source_keys=("epa_scf_v1_3_co2e", "epa_scf_v1_3_bygas"),
        notes="USEEIO v2.2.22-GHG, 2022 GHG data, AR5 GWP-100, 2022 USD purchaser price; "
        "excludes electricity (221100), government and households.",
    ),
    "1.2": ReleaseInfo(
        release_id="epa-scf-1.2",
        publisher="US EPA Office of Research and Development",
        dataset="Supply Chain GHG Emission Factors for US Commodities and Industries (NAICS-6)",
        version="1.2",
        published="2023-04-12",
        licence="US-Government-Public-Domain",
        url="https://doi.org/10.23719/1528686",
        source_keys=("epa_scf_v1_2_co2e",),
        notes="2019 GHG data, AR4 GWP-100, 2021 USD purchaser price.",
    ),
}
_SETTINGS = {  # price year, GWP set, raw source keys (CO2e, by gas)
    "1.3.0": (2022, "AR5GWP100", "epa_scf_v1_3_co2e", "epa_scf_v1_3_bygas"),
    "1.2": (2021, "AR4GWP100", "epa_scf_v1_2_co2e", None),
}
_COLUMNS = (
    ("Supply Chain Emission Factors with Margins", "", "cradle_to_shelf"),
    ("Supply Chain Emission Factors without Margins", "without_margins", "cradle_to_gate"),
    ("Margins of Supply Chain Emission Factors", "margins", "upstream"),
)
#: The by-gas row without a GWP of its own; EPA's CO2e rows remain the authority for it.
UNSPECIFIED_GAS = "HFCs and PFCs, unspecified"
_GAS_NAMES = {
    "Carbon dioxide": "CO2",
    "Methane": "CH4",
    "Nitrous oxide": "N2O",
    "Carbon tetrafluoride": "CF4",
    "Hexafluoroethane": "C2F6",
    "Perfluoropropane": "C3F8",
    "Perfluorobutane": "C4F10",
    "Perfluorocyclobutane": "cC4F8",
    "Perfluorohexane": "C6F14",
    "Nitrogen trifluoride": "NF3",
    "Sulfur hexafluoride": "SF6",
}


def _records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            yield (
                line,
                {
                    k.replace("NAICS Code 2017", "2017 NAICS Code").replace(
                        "NAICS Title 2017", "2017 NAICS Title"
                    ): v
                    for k, v in record.items()
                },
            )


def load(version: str, root: Path | None = None) -> pa.Table:
    """Load one version's CO2e factors (and, for v1.3.0, the by-gas factors).

    Parameters
    ----------
    version : str
        ``"1.3.0"`` or ``"1.2"``.
    root : Path, optional
        Folder of raw publisher data.
    """
    release = RELEASES[version]
    price_year, gwp_set, co2e_key, bygas_key = _SETTINGS[version]
    builder = FactorTableBuilder(release)
    for gas_file, key_suffix in ((co2e_key, ""), (bygas_key, "by_gas")):
        if gas_file is None:
            continue
        path = raw_file(gas_file, root)
        for line, record in _records(path):
            code = record["2017 NAICS Code"].strip()
            gas_label = record["GHG"].strip()
            if gas_label == UNSPECIFIED_GAS:
                continue
            gas = "CO2e" if gas_label == "All GHGs" else _GAS_NAMES.get(gas_label, gas_label)
            for column, suffix, stage in _COLUMNS:
                builder.add(
                    FactorRow(
                        activity_key="/".join(
                            p for p in ("eeio", "naics", code, suffix, key_suffix) if p
                        ),
                        name=record["2017 NAICS Title"].strip(),
                        region="US",
                        year=price_year,
                        gas=gas,
                        original_value=float(record[column]),
                        numerator="kg",
                        denominator="USD",
                        stage=stage,
                        gwp_set=gwp_set if gas == "CO2e" else None,
                        original_unit=record["Unit"],
                        source_location=f"{path.name}:{line} [{column}]",
                        boundary_notes=f"{price_year} USD purchaser price; USEEIO code "
                        f"{record['Reference USEEIO Code'].strip()}",
                    )
                )
    return builder.table()
