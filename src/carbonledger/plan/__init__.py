"""Plan: targets, their validity and progress, reduction measures with calculators and costs,
the MACC, and pathways to neutrality.

The room reads the inventory through plain figures (emissions by scope, by cell, by year) and
the factor library through a lookup the caller passes; it never changes gross emissions.
"""

from carbonledger.formula import evaluate
from carbonledger.plan.costs import MeasureCosts, capital_recovery_factor, measure_costs
from carbonledger.plan.interactions import Applied, Cell, apply_in_sequence
from carbonledger.plan.macc import Macc, build_macc, macc_order
from carbonledger.plan.measures import (
    ChangeResult,
    EmissionLookup,
    Measure,
    MeasureResult,
    MeasureType,
    Source,
    calculate_measure,
    load_measure_types,
)
from carbonledger.plan.pathway import Pathway, ramp, scenario_pathway
from carbonledger.plan.progress import Progress, target_progress
from carbonledger.plan.rules import Rules, load_rules
from carbonledger.plan.targets import (
    EMISSION_KINDS,
    SectorPathway,
    Target,
    TargetKind,
    compounded_reduction,
    latest_versions,
    linear_reduction,
    sda_intensity,
    target_reduction,
)
from carbonledger.plan.validity import RuleResult, check_portfolio, check_target

__all__ = [
    "EMISSION_KINDS",
    "Applied",
    "Cell",
    "ChangeResult",
    "EmissionLookup",
    "Macc",
    "Measure",
    "MeasureCosts",
    "MeasureResult",
    "MeasureType",
    "Pathway",
    "Progress",
    "RuleResult",
    "Rules",
    "SectorPathway",
    "Source",
    "Target",
    "TargetKind",
    "apply_in_sequence",
    "build_macc",
    "calculate_measure",
    "capital_recovery_factor",
    "check_portfolio",
    "check_target",
    "compounded_reduction",
    "evaluate",
    "latest_versions",
    "linear_reduction",
    "load_measure_types",
    "load_rules",
    "macc_order",
    "measure_costs",
    "ramp",
    "scenario_pathway",
    "sda_intensity",
    "target_progress",
    "target_reduction",
]
