"""Spend-based (EEIO) estimates for general-ledger lines (scope 3, categories 1 and 2 and more).

Every line is matched to a NAICS commodity through the spend mapping (GL account first, then
supplier category), its amount converted to US dollars of its year with that year's exchange
rate (nearest earlier year), and multiplied by the EPA supply-chain factor for its price basis,
a choice of the mapping rule (``price_basis``): purchaser price (the default: what a buyer pays,
trade and transport margins included) takes the factor with margins (key
``eeio/naics/<code>``, cradle to shelf); producer price (bought at the factory gate, margins
paid and accounted apart) the factor without margins (``eeio/naics/<code>/without_margins``,
cradle to gate). The factor is per US dollar of its price year (2022 for v1.3.0), so the
dollars are moved to that year with a US price index:

.. math:: \\mathrm{CO_2e} = \\frac{a}{r_{c,y}} \\cdot \\frac{P_{y_f}}{P_y} \\cdot f

where :math:`a` is the amount in currency :math:`c`, :math:`r_{c,y}` units of :math:`c` per USD
in year :math:`y`, :math:`P` the price index and :math:`f` the factor [kg CO2e / USD of
:math:`y_f`]. Lines the mapping excludes (electricity bills, which the scope 2 method covers) are
left out of the ledger and listed; lines no mapping covers stop the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from carbonledger.errors import CarbonLedgerError
from carbonledger.methods.base import (
    NULL_STRING,
    Derivation,
    FactorContext,
    Method,
    classification,
    latest_not_after,
    period_year,
    period_years,
    reference_line,
    resolve_requests,
    table_place,
)

__all__ = ["SpendBased"]

#: Key suffix of EPA's supply-chain factors without margins (producer price).
_PRODUCER_SUFFIX = "/without_margins"

_ISO_CATEGORY = {
    1: 4,
    2: 4,
    3: 4,
    4: 3,
    5: 4,
    6: 3,
    7: 3,
    8: 4,
    9: 3,
    10: 5,
    11: 5,
    12: 5,
    13: 5,
    14: 6,
    15: 6,
}


class SpendBased(Method):
    """EEIO estimate of every mapped general-ledger line."""

    name = "spend_eeio"

    def lines(self, activity: Any, references: Mapping[str, Any]) -> Any:
        """Activity lines (Ibis)."""
        e, mapping = references["entities"], references["spend_mapping"]
        a = activity.join(e, activity.entity_id == e.entity_id, how="left")
        a = a.mutate(_year=period_year(a.period))
        by_account = mapping.filter(mapping.match_field == "gl_account").select(
            _acc_value=mapping.match_value,
            _acc_naics=mapping.naics_code,
            _acc_category=mapping.scope3_category,
            _acc_excluded=mapping.excluded_reason,
            _acc_basis=mapping.price_basis,
        )
        by_category = mapping.filter(mapping.match_field == "supplier_category").select(
            _cat_value=mapping.match_value,
            _cat_naics=mapping.naics_code,
            _cat_category=mapping.scope3_category,
            _cat_excluded=mapping.excluded_reason,
            _cat_basis=mapping.price_basis,
        )
        a = a.join(by_account, a.gl_account == by_account._acc_value, how="left")
        a = a.join(by_category, a.supplier_category == by_category._cat_value, how="left")
        account_hit = a._acc_value.notnull()
        a = a.mutate(
            _naics=ibis.ifelse(account_hit, a._acc_naics, a._cat_naics),
            _category=ibis.ifelse(account_hit, a._acc_category, a._cat_category),
            _excluded=ibis.ifelse(account_hit, a._acc_excluded, a._cat_excluded),
            _basis=ibis.ifelse(account_hit, a._acc_basis, a._cat_basis),
        )
        a = a.filter(a._excluded.isnull())
        a = _with_cover(a, references["spend_coverage"])
        rates = references["spend_rates"]
        j = a.join(rates, [a.currency == rates._k_currency, a._year == rates._k_year], how="left")
        category = j._category.cast("int64")
        return j.select(
            **classification(
                self.name,
                scope=3,
                iso_category=category.cases(*_ISO_CATEGORY.items(), else_=6).cast("int64"),
                scope3_category=category,
            ),
            **table_place(j),
            activity_key="eeio/naics/"
            + j._naics
            + ibis.ifelse(j._basis == "producer", _PRODUCER_SUFFIX, ""),
            region=j.country,
            year=j._year,
            quantity=j.amount / j._per_usd,
            unit=ibis.literal("USD"),
            heating_value_basis=NULL_STRING,
            data_quality=ibis.literal("spend_based"),
            covered_by=j._cover,
        )

    def derived_references(self, given: Derivation) -> dict[str, pa.Table]:
        """``spend_rates``: for each currency and year of the lines, the rate of the nearest
        earlier year in ``fx_rates`` [units per USD] (see :func:`latest_not_after`; none
        where no year is as early: those lines have no amount and stop the run)."""
        currencies = [(c,) for c in given.distinct["currency"]]
        rates = latest_not_after(
            given.references["fx_rates"],
            ["currency"],
            currencies,
            period_years(given.distinct["period"]),
            {"per_usd": "_per_usd"},
        )
        return {"spend_rates": rates}

    def reference_lines(
        self, record: dict[str, Any], references: Mapping[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Activity lines of one record (plain Python)."""
        rules = {(m["match_field"], m["match_value"]): m for m in references["spend_mapping"]}
        rule = rules.get(("gl_account", record["gl_account"])) or rules.get(
            ("supplier_category", record["supplier_category"])
        )
        if rule is None:
            return []
        if rule["excluded_reason"]:
            return []
        entity = next(e for e in references["entities"] if e["entity_id"] == record["entity_id"])
        year = int(record["period"][:4])
        rate = max(
            (
                r
                for r in references["fx_rates"]
                if r["currency"] == record["currency"] and r["year"] <= year
            ),
            key=lambda r: r["year"],
        )
        category = rule["scope3_category"]
        cover = _reference_cover(record, references["spend_coverage"])
        return [
            reference_line(
                record,
                self.name,
                scope=3,
                iso_category=_ISO_CATEGORY.get(category, 6),
                activity_key=(
                    f"eeio/naics/{rule['naics_code']}"
                    + (_PRODUCER_SUFFIX if rule.get("price_basis") == "producer" else "")
                    if rule["naics_code"]
                    else None
                ),
                region=entity["country"],
                quantity=record["amount"] / rate["per_usd"],
                unit="USD",
                data_quality="spend_based",
                scope3_category=category,
                business_unit=entity["business_unit"],
                covered_by=cover,
            )
        ]

    def resolve(
        self, requests: pa.Table, context: FactorContext, references: Mapping[str, pa.Table]
    ) -> pa.Table:
        """Library factors, moved from the factor's price-year dollars to the spend year's."""
        resolved = resolve_requests(requests, context, self.stages, self.allow_proxies)
        index = {r["year"]: r["index_value"] for r in references["price_index"].to_pylist()}
        ratios = []
        for row in resolved.select(["year", "year_gap"]).to_pylist():
            price_year, spend_year = row["year"] - row["year_gap"], row["year"]
            missing = [y for y in (price_year, spend_year) if y not in index]
            if missing:
                raise CarbonLedgerError(
                    f"price_index has no value for {missing}: needed to move "
                    f"{spend_year} dollars to {price_year} dollars"
                )
            ratios.append(index[price_year] / index[spend_year])
        factor = pa.array(ratios, pa.float64())
        for column in ("kg_per_unit", "co2e_per_unit"):
            position = resolved.schema.get_field_index(column)
            scaled = pc.multiply(resolved[column], factor)
            resolved = resolved.set_column(position, column, scaled)
        return resolved


def _reference_cover(record: Mapping[str, Any], rules: list[dict[str, Any]]) -> str | None:
    """The method covering a spend line: GL account first, then supplier category."""
    for field in ("gl_account", "supplier_category"):
        for rule in rules:
            if rule["match_field"] == field and rule["match_value"] == record[field]:
                return str(rule["method"])
    return None


def _with_cover(a: Any, coverage: Any) -> Any:
    """The process method the coverage map assigns each line to (``_cover``), if any; the
    hybrid pass (:mod:`carbonledger.methods.hybrid`) supersedes the line where that method
    has results."""
    by_account = coverage.filter(coverage.match_field == "gl_account").select(
        _cv_account=coverage.match_value, _cv_account_method=coverage.method
    )
    by_category = coverage.filter(coverage.match_field == "supplier_category").select(
        _cv_category=coverage.match_value, _cv_category_method=coverage.method
    )
    a = a.join(by_account, a.gl_account == by_account._cv_account, how="left")
    a = a.join(by_category, a.supplier_category == by_category._cv_category, how="left")
    return a.mutate(_cover=ibis.coalesce(a._cv_account_method, a._cv_category_method))
