"""The acceptance models live in `deliveries/models.py` (one models module per app); imported here under the
sub-package's own name."""

from ordertaking.deliveries.models import (
    AcceptanceIssue,
    Compensation,
    Criterion,
    IssueClass,
    IssueUpdate,
    LineCheck,
    Via,
)

__all__ = ["AcceptanceIssue", "Compensation", "Criterion", "IssueClass", "IssueUpdate", "LineCheck", "Via"]
