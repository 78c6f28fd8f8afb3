"""The methods ``carbonledger calculate`` runs, in order."""

from __future__ import annotations

from carbonledger.methods.base import Method
from carbonledger.methods.commuting import Commuting
from carbonledger.methods.customer_trips import CustomerTrips
from carbonledger.methods.devices import DeviceLifecycle, DeviceUse
from carbonledger.methods.fugitive import FugitiveEmissions
from carbonledger.methods.leased import LeasedElectricity, LeasedFuel
from carbonledger.methods.market import MarketElectricity
from carbonledger.methods.packaging import Packaging
from carbonledger.methods.scope1_2 import (
    MobileCombustion,
    PurchasedElectricity,
    StationaryCombustion,
)
from carbonledger.methods.spend import SpendBased
from carbonledger.methods.transport import TransportTTW, TransportVehicle, TransportWTT
from carbonledger.methods.travel import BusinessTravel
from carbonledger.methods.upstream_energy import (
    FleetFuelUpstream,
    StationaryFuelUpstream,
    TransmissionLosses,
)
from carbonledger.methods.waste import WasteGenerated

__all__ = ["METHODS", "method_by_name"]

#: Every method, each reading one activity kind.
METHODS: tuple[Method, ...] = (
    StationaryCombustion(),
    MobileCombustion(),
    FugitiveEmissions(),
    PurchasedElectricity(),
    MarketElectricity(),
    StationaryFuelUpstream(),
    FleetFuelUpstream(),
    TransmissionLosses(),
    TransportTTW(),
    TransportWTT(),
    TransportVehicle(),
    Packaging(),
    DeviceLifecycle(),
    DeviceUse(),
    CustomerTrips(),
    LeasedElectricity(),
    LeasedFuel(),
    BusinessTravel(),
    WasteGenerated(),
    Commuting(),
    # Last: its lines are superseded where a process method above has results (hybrid model).
    SpendBased(),
)


def method_by_name(name: str) -> Method:
    """A method by its name.

    Raises
    ------
    KeyError
        If no method has that name (the message lists them).
    """
    for method in METHODS:
        if method.name == name:
            return method
    raise KeyError(f"unknown method {name!r}; methods: {[m.name for m in METHODS]}")
