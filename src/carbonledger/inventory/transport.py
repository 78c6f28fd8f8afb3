"""Transport footprints per transport chain element (TCE) and shipment, in iLEAP terms.

For each TCE of a run: its shipment, mode, transport activity [t km] (mass times the adjusted
distance, by the transport method's own expression), ``co2eTTW`` and ``co2eWTW`` [kg] (WTW =
TTW + WTT, ISO 14083) and, apart, the vehicle stage, which ISO 14083 leaves out of WTW. Field
names follow the iLEAP data model (``shipmentId``, ``tceId``, ``transportActivity``,
``co2eTTW``, ``co2eWTW``). Emissions are read from the ledger, never recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from carbonledger.engine import ibis_connection
from carbonledger.inventory.ledger_sql import LedgerSource
from carbonledger.methods import unit_scales, with_tonne_km

__all__ = ["shipment_footprints", "tce_footprints"]


def tce_footprints(ledger: LedgerSource, legs: Sequence[Path]) -> pa.Table:
    """One row per TCE of the ledger: iLEAP fields [t km, kg CO2e] plus ``orderId`` and
    ``co2eVehicle``."""
    con = ibis_connection()
    try:
        rows = ledger if isinstance(ledger, pa.Table) else pq.read_table(ledger)
        table = ibis.memtable(rows)
        leg_rows = pa.concat_tables(
            [_with_order(pq.read_table(p)) for p in legs], promote_options="permissive"
        )
        scales = unit_scales(
            leg_rows["distance_unit"].unique().to_pylist(),
            leg_rows["mass_unit"].unique().to_pylist(),
        )
        measured = with_tonne_km(
            ibis.memtable(leg_rows),
            ibis.memtable(scales["length_scales"]),
            ibis.memtable(scales["mass_scales"]),
        )
        transport = table.filter(table.method.startswith("transport_"))

        def part(method: str) -> ibis.Value:
            return transport.co2e.sum(where=transport.method == method).fill_null(0)

        sums = transport.group_by("record_id").aggregate(
            _ttw=part("transport_ttw"),
            _wtt=part("transport_wtt"),
            _vehicle=part("transport_vehicle"),
        )
        joined = measured.join(sums, "record_id")
        result = joined.select(
            shipmentId=joined.shipment_id,
            orderId=joined.order_id,
            tceId=joined.record_id,
            mode=joined.mode,
            transportActivity=joined._tkm,
            co2eTTW=joined._ttw,
            co2eWTW=joined._ttw + joined._wtt,
            co2eVehicle=joined._vehicle,
        ).order_by(["shipmentId", "tceId"])
        return con.to_pyarrow(result)
    finally:
        con.disconnect()


def _with_order(legs: pa.Table) -> pa.Table:
    """Legs stored before orders were recorded have no ``order_id``: a null one."""
    if "order_id" in legs.column_names:
        return legs
    return legs.append_column("order_id", pa.nulls(len(legs), pa.string()))


def shipment_footprints(tces: pa.Table) -> pa.Table:
    """TCE footprints summed per shipment [t km, kg CO2e]."""
    t = ibis.memtable(tces)
    grouped = t.group_by("shipmentId").aggregate(
        tces=t.count(),
        transportActivity=t.transportActivity.sum(),
        co2eTTW=t.co2eTTW.sum(),
        co2eWTW=t.co2eWTW.sum(),
        co2eVehicle=t.co2eVehicle.sum(),
    )
    con = ibis_connection()
    try:
        return con.to_pyarrow(grouped.order_by("shipmentId"))
    finally:
        con.disconnect()
