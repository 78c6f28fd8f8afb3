"""Credits: the registry of credit blocks (serial ranges of registries' formats), holdings,
splits, transfers and retirements with their invariants; projects and their quality under a
policy; buyer eligibility; neutrality claims under ISO 14068-1 or PAS 2060; compliance-market
surrenders. Rules, criteria and standards are data (the YAML files beside these modules)."""

from carbonledger.credits.buyers import check_buyer
from carbonledger.credits.catalogue import (
    buyer_rules,
    claim_rule_set,
    claim_rule_sets,
    compliance_rules,
    quality_criteria,
    quality_policy,
    standards,
)
from carbonledger.credits.checks import Check, verdict
from carbonledger.credits.claims import (
    Claim,
    ClaimEvaluation,
    ClaimFacts,
    CreditUse,
    add_months,
    evaluate_claim,
)
from carbonledger.credits.compliance import SurrenderLine, check_surrender
from carbonledger.credits.holdings import Event, Holding, Holdings, Retirement, Status
from carbonledger.credits.projects import Project
from carbonledger.credits.quality import Assessment, Score, assess
from carbonledger.credits.serials import SerialBlock, SerialError, parse_serial, serial_formats

__all__ = [
    "Assessment",
    "Check",
    "Claim",
    "ClaimEvaluation",
    "ClaimFacts",
    "CreditUse",
    "Event",
    "Holding",
    "Holdings",
    "Project",
    "Retirement",
    "Score",
    "SerialBlock",
    "SerialError",
    "Status",
    "SurrenderLine",
    "add_months",
    "assess",
    "buyer_rules",
    "check_buyer",
    "check_surrender",
    "claim_rule_set",
    "claim_rule_sets",
    "compliance_rules",
    "evaluate_claim",
    "parse_serial",
    "quality_criteria",
    "quality_policy",
    "serial_formats",
    "standards",
    "verdict",
]
