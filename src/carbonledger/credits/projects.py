"""Credit projects: the standard and registry, methodology, host country and region, project
type, whether its credits are reductions or removals, and a removal's type and permanence.

Examples
--------
>>> p = Project.from_row({"project_id": "VCS-1", "standard": "verra", "mitigation": "removal",
...     "removal_type": "nature_based", "buffer_share": 0.2, "host_country": "BR"})
>>> p.is_removal, p.nature_based
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Project"]


@dataclass(frozen=True)
class Project:
    """A credit project as the registry describes it.

    Attributes
    ----------
    project_id, standard : str
        Registry's id; standard id (``standards.yaml``: verra, gold_standard, ccer ...).
    mitigation : {"reduction", "removal"}
    removal_type : {"nature_based", "technological"} or None
    permanence_years : int or None
        Storage the project guarantees [year].
    buffer_share : float or None
        Share of issuance held in the reversal buffer [-].
    labels : tuple of str
        Quality labels (``CCB``, ``CCP``, ``CORSIA``).
    corresponding_adjustment : bool
        The host country applies a corresponding adjustment (Article 6).
    ets_covered : bool
        The project's source is already covered by an emissions trading system.
    """

    project_id: str
    standard: str
    name: str = ""
    methodology: str = ""
    host_country: str = ""
    host_region: str = ""
    project_type: str = ""
    mitigation: str = "reduction"
    removal_type: str | None = None
    permanence_years: int | None = None
    buffer_share: float | None = None
    labels: tuple[str, ...] = ()
    corresponding_adjustment: bool = False
    ets_covered: bool = False

    @property
    def is_removal(self) -> bool:
        """Whether the credits are removals."""
        return self.mitigation == "removal"

    @property
    def nature_based(self) -> bool:
        """Whether it is a nature-based removal (reversal risk: a buffer is needed)."""
        return self.is_removal and self.removal_type == "nature_based"

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Project:
        """From a ``credit_projects`` row (blank cells take the defaults)."""
        labels = tuple(x.strip() for x in (row.get("labels") or "").split(";") if x.strip())
        return cls(
            project_id=row["project_id"],
            standard=row["standard"],
            name=row.get("name") or "",
            methodology=row.get("methodology") or "",
            host_country=row.get("host_country") or "",
            host_region=row.get("host_region") or "",
            project_type=row.get("project_type") or "",
            mitigation=row.get("mitigation") or "reduction",
            removal_type=row.get("removal_type") or None,
            permanence_years=row.get("permanence_years"),
            buffer_share=row.get("buffer_share"),
            labels=labels,
            corresponding_adjustment=bool(row.get("corresponding_adjustment")),
            ets_covered=bool(row.get("ets_covered")),
        )
