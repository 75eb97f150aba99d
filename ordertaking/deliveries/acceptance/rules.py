"""Pure rules of acceptance (P2.5.c), acceptance issues and compensation (P2.5.d), and closing (P3.6).
No database: the services read the facts and pass them in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")
CRITERIA = ("quantity", "specification", "quality", "performance")


def line_delivered(*, ordered: Decimal | None, delivered: Decimal, ships: bool, order_delivered: bool) -> bool:
    """P2.5.c: a line is inspected once it is delivered — a line that travels when its whole quantity is on
    signed delivery vouchers (P2.5.b), a service line once the order is delivered."""
    if not ships:
        return order_delivered
    return ordered is not None and ordered > 0 and delivered >= ordered


def line_status(verdicts: Mapping[str, str], *, issue_open: bool) -> str:
    """P2.5.c: a line's acceptance from its verdicts per criterion: "accepted" when all four criteria are
    accepted, "rejected" while a criterion stands rejected or an issue of the line is open, else "pending"."""
    if issue_open or any(v == "rejected" for v in verdicts.values()):
        return "rejected"
    if all(verdicts.get(c) == "accepted" for c in CRITERIA):
        return "accepted"
    return "pending"


def order_fully_accepted(statuses: Iterable[str]) -> bool:
    """P2.5.c: the order is accepted when every one of its lines is (partial acceptance keeps it delivered)."""
    statuses = list(statuses)
    return bool(statuses) and all(s == "accepted" for s in statuses)


def verdicts_problem(verdicts: Mapping[str, tuple[bool, str]]) -> tuple[str, str] | None:
    """P2.5.c: every criterion gets a verdict; a rejected criterion says what is wrong (the note goes to the
    sales staff as the acceptance issue). Returns (field, problem code) or None."""
    for criterion in CRITERIA:
        if criterion not in verdicts:
            return criterion, "missing"
        ok, note = verdicts[criterion]
        if not ok and not (note or "").strip():
            return criterion, "note_required"
    unknown = set(verdicts) - set(CRITERIA)
    if unknown:
        return sorted(unknown)[0], "unknown"
    return None


def issue_deadline(opened_on: date, days: int, after: Callable[[date, int], date]) -> date:
    """P2.5.d 规定时间: a general issue is solved within `days` working days of the day it was raised
    (`after` is the working-day calendar's n-th working day after a day)."""
    return after(opened_on, days)


def reminder_due(*, deadline: date | None, today: date, reminded: bool, is_open: bool,
                 before: Callable[[date, int], date]) -> bool:
    """P2.5.d: the rep is reminded once, from the working day before the deadline."""
    if deadline is None or reminded or not is_open:
        return False
    return today >= before(deadline, 1) and today <= deadline


def escalation_due(*, deadline: date | None, today: date, escalated: bool, is_open: bool) -> bool:
    """P2.5.d: a general issue not solved by its deadline goes to the rep's leader, once, the day after."""
    return deadline is not None and is_open and not escalated and today > deadline


def issue_move_refusal(issue_class: str, verb: str, state: str) -> str | None:
    """P2.5.d: a major quality issue goes through analysis and solution before it is resolved; a general
    issue is resolved directly. Returns a problem code, or None when the class allows the verb."""
    if issue_class == "general" and verb in ("analyse", "solve", "result_reject_major"):
        return "general_no_analysis"
    if issue_class == "major" and verb == "resolve" and state != "solution":
        return "major_needs_solution"
    if issue_class == "major" and verb == "result_reject":
        return "major_back_to_solution"
    return None


def fully_paid(order_total: Decimal, invoices: Iterable[tuple[Decimal, Decimal]]) -> bool:
    """P3.6 (order closed when accepted and paid): the order's invoices cover its whole amount (价税合计)
    and every one of them is settled (payments and credit notes together)."""
    invoices = list(invoices)
    if not invoices:
        return False
    invoiced = sum((amount for amount, _settled in invoices), ZERO)
    return invoiced >= order_total and all(settled >= amount for amount, settled in invoices)


def compensation_sod_refusal(*, requested_by: int, decider: int) -> bool:
    """P2.5.d (four eyes): whoever asked for a compensation never approves it."""
    return requested_by == decider
