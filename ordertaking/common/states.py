"""One colour per state, used by every page (CONVENTIONS.md: the same state, the same colour)."""

BADGES: dict[str, str] = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-warning",
    "returned": "text-bg-danger",
    "credit_hold": "text-bg-dark",
    "approved": "text-bg-success",
    "cancelled": "text-bg-light border",
    # inquiries
    "open": "text-bg-info",
    "handed_over": "text-bg-primary",
    "converted": "text-bg-success",
    "closed": "text-bg-light border",
    # special approvals
    "requested": "text-bg-warning",
    "granted": "text-bg-success",
    "refused": "text-bg-danger",
}


def badge_class(state: str) -> str:
    return BADGES.get(state, "text-bg-secondary")
