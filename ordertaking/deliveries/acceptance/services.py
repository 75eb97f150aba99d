"""Writes of acceptance (P2.5.c), acceptance issues and compensation (P2.5.d), and the order's `accept` and
`close` moves (P2.5.c, P3.6).

Who acts: a staff user (`actor`), or the customer on their own page (`portal_link`, the private link the
portal's `portal_view` verified; `actor` is then None and the customer's typed name is recorded). Lock
order, everywhere: the order row first, then the issue row, then the compensation row; a payment (finance)
locks its invoices first and then the order, through the hand-down `on_invoice_paid`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.labels import CUSTOMER_ACTOR
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.numbering import next_in_series
from ordertaking.credit.services import money_in
from ordertaking.deliveries.models import (
    AcceptanceIssue,
    Compensation,
    Criterion,
    IssueClass,
    IssueUpdate,
    LineCheck,
    Via,
)
from ordertaking.finance.services import credit_note_issue
from ordertaking.fulfilment.services import calendar_load
from ordertaking.notifications.models import Kind
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.states import MOVES, OrderState, check_move
from ordertaking.portal.models import PortalLink
from ordertaking.portal.rules import link_refusal

from . import rules, selectors
from .states import COMPENSATION, ISSUE

TEXT_MAX = 4000
NAME_MAX = 100
# The departments a major issue's analysis may hold responsible (P2.5.d cross-department analysis).
DEPARTMENTS = (Role.PRODUCTION, Role.LOGISTICS, Role.SALES, Role.ORDER_CENTER, Role.CUSTOMER_SERVICE,
               Role.FINANCE)


def _text(value: Any, *, field: str, message: Any, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed(message, field=field, code="required")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": TEXT_MAX}, field=field, code="too_long")
    return text


def _name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise ValidationFailed(_("Give the name of the person at the customer who inspected the goods."),
                               field="customer_name", code="required")
    if len(name) > NAME_MAX:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": NAME_MAX}, field="customer_name",
                               code="too_long")
    return name


def _actor_name(via: str) -> str:
    """The customer acting through their link is named as the portal names it ("The customer (private link)");
    the name they typed is in the event's `customer_name`."""
    return CUSTOMER_ACTOR if via == Via.CUSTOMER else ""


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)


def _issue_url(issue: AcceptanceIssue) -> str:
    return reverse("deliveries:issue", args=[issue.number])


def _who(order: Order, actor: User | None, portal_link: Any) -> str:
    """Who records for the customer: the customer through the link of THIS order, or a staff user who may
    record on the customer's behalf (P2.5.c). Returns the Via code."""
    if portal_link is not None:
        # The link is read again under its lock: a link revoked a moment ago records nothing (P2.5.b).
        link = (PortalLink.objects.select_for_update(of=("self",)).filter(pk=portal_link.pk).first()
                if isinstance(portal_link, PortalLink) else None)
        if (actor is not None or link is None or link.order_id != order.pk
                or link_refusal(revoked=link.state == PortalLink.State.REVOKED, expires_at=link.expires_at,
                                now=timezone.now())):
            raise PermissionDenied(_("This link does not reach that order."), code="permission_denied")
        return Via.CUSTOMER
    if actor is None or not selectors.may_record(actor, order):
        raise PermissionDenied(_("Only the order's sales rep or the order processing center records acceptance "
                                 "on the customer's behalf."), code="permission_denied")
    return Via.STAFF


# --- acceptance by line and criterion (P2.5.c) ------------------------------------------------------------

def _verdicts(raw: Mapping[str, Any], field: str) -> dict[str, tuple[bool, str]]:
    """{criterion: (accepted, note)} from {criterion: {"accepted": bool, "note": str}} or (bool, str)."""
    if not isinstance(raw, Mapping):
        raise ValidationFailed(_("Give a verdict for each criterion."), field=field, code="invalid")
    out: dict[str, tuple[bool, str]] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping):
            ok, note = value.get("accepted"), value.get("note", "")
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            ok, note = value
        else:
            ok, note = value, ""
        if not isinstance(ok, bool):
            raise ValidationFailed(_("Accept or reject each criterion."), field=f"{field}.{key}", code="invalid")
        out[str(key)] = (ok, _text(note, field=f"{field}.{key}.note", message="", required=False))
    problem = rules.verdicts_problem(out)
    if problem is not None:
        criterion, code = problem
        messages = {
            "missing": _("Accept or reject %(criterion)s."),
            "note_required": _("Say what is wrong with the %(criterion)s: it goes to the sales staff."),
            "unknown": _("%(criterion)s is not an acceptance criterion."),
        }
        label = Criterion(criterion).label if criterion in Criterion.values else criterion
        raise ValidationFailed(messages[code] % {"criterion": str(label).lower() if code != "unknown" else label},
                               field=f"{field}.{criterion}", code=code)
    return out


def acceptance_record(*, order: Order, entries: Iterable[tuple[OrderLine, Mapping[str, Any]]],
                      actor: User | None = None, portal_link: Any = None, customer_name: str = "",
                      now: datetime | None = None) -> list[AcceptanceIssue]:
    """P2.5.c: the customer inspects delivered lines by the contract's criteria (quantity, specification,
    quality, performance) and accepts or rejects each, with notes — on their page, or the rep on their
    behalf. Partial acceptance: lines not given stay as they are. A rejected criterion opens an acceptance
    issue for its line (P2.5.d; problems go to the sales staff). When every line is accepted the order is
    accepted (`accept`), and closed at once when it is already paid in full (P3.6).

    Refused (nothing written): a line not yet delivered (its quantity not on signed vouchers), a line
    already accepted or with an open issue, an order not delivered. Returns the issues opened."""
    now = now or timezone.now()
    name = _name(customer_name)
    entries = list(entries)
    if not entries:
        raise ValidationFailed(_("Choose at least one line to inspect."), field="lines", code="required")
    with transaction.atomic():
        locked = _lock(order)
        via = _who(locked, actor, portal_link)
        if locked.state != OrderState.DELIVERED:
            if locked.state in (OrderState.ACCEPTED, OrderState.CLOSED):
                raise InvalidTransition(_("Order %(order)s is already accepted.") % {"order": locked.number},
                                        code="order_accepted", field="state")
            raise InvalidTransition(_("The goods of order %(order)s are not delivered yet: acceptance follows "
                                      "the signed delivery voucher.") % {"order": locked.number},
                                    code="not_delivered", field="state")
        rows = {r.line.pk: r for r in selectors.line_rows(locked)}
        parsed: list[tuple[Any, dict[str, tuple[bool, str]]]] = []
        seen: set[int] = set()
        for i, (line, raw) in enumerate(entries):
            row = rows.get(getattr(line, "pk", 0) or 0)
            field = f"lines.{i}"
            if row is None:
                raise ValidationFailed(_("That line is not one of this order's."), field=field, code="unknown_line")
            if row.line.pk in seen:
                raise ValidationFailed(_("A line appears twice."), field=field, code="duplicate_line")
            seen.add(row.line.pk)
            if not row.delivered:
                raise Conflict(_("Line %(n)s is not delivered yet: its quantity is not on a signed delivery "
                                 "voucher.") % {"n": row.line.position}, field=field, code="line_not_delivered")
            if row.status == "accepted":
                raise Conflict(_("Line %(n)s is already accepted.") % {"n": row.line.position}, field=field,
                               code="line_accepted")
            if row.issue is not None:
                raise Conflict(_("Line %(n)s has an open acceptance issue (%(issue)s): it is inspected again once "
                                 "the issue is closed.") % {"n": row.line.position, "issue": row.issue.number},
                               field=field, code="issue_open")
            parsed.append((row, _verdicts(raw, field)))
        _checks_write(locked, parsed, via=via, actor=actor, name=name, now=now)
        issues: list[AcceptanceIssue] = []
        for row, verdicts in parsed:
            issue = _line_record(locked, row.line, verdicts, via=via, actor=actor, name=name, now=now)
            if issue is not None:
                issues.append(issue)
        if not issues:
            _accept_if_complete(locked, actor, via)
    order.state = locked.state
    return issues


CHECK_FIELDS = ["order", "verdict", "note", "via", "customer_name", "recorded_by", "recorded_at"]


def _checks_write(order: Order, parsed: list[tuple[Any, dict[str, tuple[bool, str]]]], *, via: str,
                  actor: User | None, name: str, now: datetime) -> None:
    """Each criterion's verdict of every line given, in at most two statements whatever the number of lines:
    a line inspected again (its issue closed) keeps its one check per criterion, rewritten; the rest are new.
    The rows were read under the order's lock (`line_rows`), so their checks are the current ones."""
    new: list[LineCheck] = []
    changed: list[LineCheck] = []
    for row, verdicts in parsed:
        for criterion, (ok, note) in verdicts.items():
            values = {"order": order, "verdict": LineCheck.Verdict.ACCEPTED if ok else LineCheck.Verdict.REJECTED,
                      "note": note, "via": via, "customer_name": name, "recorded_by": actor, "recorded_at": now}
            check = row.checks.get(criterion)
            if check is None:
                new.append(LineCheck(line=row.line, criterion=criterion, **values))
                continue
            for key, value in values.items():
                setattr(check, key, value)
            changed.append(check)
    LineCheck.objects.bulk_create(new)
    if changed:
        LineCheck.objects.bulk_update(changed, CHECK_FIELDS)


def _line_record(order: Order, line: OrderLine, verdicts: Mapping[str, tuple[bool, str]], *, via: str,
                 actor: User | None, name: str, now: datetime) -> AcceptanceIssue | None:
    accepted = [c for c in rules.CRITERIA if verdicts[c][0]]
    rejected = [c for c in rules.CRITERIA if not verdicts[c][0]]
    notes = "; ".join(f"{Criterion(c).label}: {verdicts[c][1]}" for c in rules.CRITERIA if verdicts[c][1])
    event_record(actor=actor, actor_name=_actor_name(via), action="acceptance.line_recorded", subject=order,
                 clause="P2.5.c",
                 after={"line": line.position, "accepted_criteria": accepted, "rejected_criteria": rejected,
                        "via": via, "customer_name": name}, message=notes)
    if not rejected:
        return None
    description = "\n".join(f"{Criterion(c).label}: {verdicts[c][1]}" for c in rejected)
    return _issue_open(order, line, rejected, description, via=via, actor=actor, name=name, now=now)


def _issue_open(order: Order, line: OrderLine, rejected: list[str], description: str, *, via: str,
                actor: User | None, name: str, now: datetime) -> AcceptanceIssue:
    """P2.5.d: the rejected criteria of a line become an acceptance issue, general until the rep or the order
    center classes it major; its deadline is N working days from today (the working-day calendar)."""
    today = timezone.localdate(now)
    deadline = rules.issue_deadline(today, selectors.issue_days(), calendar_load().after)
    n = next_in_series(f"AI-{order.number}")
    try:
        with transaction.atomic():
            issue = AcceptanceIssue.objects.create(
                number=f"{order.number}-Q{n}", order=order, line=line, criteria=rejected, description=description,
                opened_via=via, customer_name=name, opened_by=actor, opened_at=now, deadline=deadline)
    except IntegrityError as e:  # the partial unique index: one open issue per line
        raise Conflict(_("Line %(n)s already has an open acceptance issue.") % {"n": line.position},
                       code="issue_open") from e
    event_record(actor=actor, actor_name=_actor_name(via), action="acceptance_issue.opened", subject=order,
                 clause="P2.5.d",
                 after={"issue": issue.number, "line": line.position, "rejected_criteria": rejected,
                        "issue_class": issue.issue_class, "deadline": deadline.isoformat()},
                 message=description)
    notify(recipients=User.objects.filter(pk=order.sales_rep_id), kind=Kind.ACCEPTANCE_ISSUE_OPENED,
           params={"order": order.number, "issue": issue.number, "reason": description}, url=_issue_url(issue),
           subject=order, actor=actor)
    return issue


# The chapters above that act when an order is accepted (feedback: the satisfaction survey P6.1.c), handed
# down at start-up; each runs inside the acceptance's transaction.
ACCEPTED_HANDLERS: list[Callable[..., Any]] = []


def accepted_handler_add(handler: Callable[..., Any]) -> None:
    """`handler(order=, actor=)` runs once the order is accepted (P2.5.c), in the same transaction."""
    if handler not in ACCEPTED_HANDLERS:
        ACCEPTED_HANDLERS.append(handler)


def _accept_if_complete(order: Order, actor: User | None, via: str) -> None:
    """All lines accepted → the order's `accept` move (P2.5.c); then closed when already paid (P3.6)."""
    statuses = [r.status for r in selectors.line_rows(order)]
    if not rules.order_fully_accepted(statuses):
        return
    before = order.state
    order.state = check_move(order.state, "accept")
    order.save(update_fields=["state", "updated_at"])
    event_record(actor=actor, actor_name=_actor_name(via), action="order.accepted", subject=order,
                 clause=MOVES["accept"][2],
                 before={"state": before}, after={"state": order.state})
    for handler in ACCEPTED_HANDLERS:
        handler(order=order, actor=actor)
    _close_if_paid(order, actor)


def _close_if_paid(order: Order, actor: Any) -> bool:
    """P3.6: an accepted order whose invoices are paid in full is closed (the order row is locked)."""
    if order.state != OrderState.ACCEPTED or not selectors.order_paid_in_full(order):
        return False
    before = order.state
    order.state = check_move(order.state, "close")
    order.save(update_fields=["state", "updated_at"])
    event_record(actor=actor, action="order.closed", subject=order, clause=MOVES["close"][2],
                 before={"state": before}, after={"state": order.state})
    return True


def on_invoice_paid(order: Order, actor: Any) -> None:
    """finance's hand-down (`invoice_paid_handler_add`), inside the payment's transaction: the order is
    closed when it is accepted and now paid in full (P3.6)."""
    locked = _lock(order)
    _close_if_paid(locked, actor)


def order_close(*, order: Order, actor: User) -> Order:
    """P3.6: close an accepted order that is paid in full (the page's button when the automatic close did not
    run, e.g. invoices paid before acceptance were settled the same day). Refused otherwise."""
    with transaction.atomic():
        locked = _lock(order)
        if not (selectors.may_record(actor, locked) or actor.has_perm("accounts.finance_manage")):
            raise PermissionDenied(_("Only the order's sales rep, the order processing center or finance closes "
                                     "an order."), code="permission_denied")
        check_move(locked.state, "close")
        if not _close_if_paid(locked, actor):
            raise Conflict(_("The order is not paid in full yet: it closes when its invoices are settled."),
                           code="not_paid", field="state")
    order.state = locked.state
    return order


# --- acceptance issues (P2.5.d) ------------------------------------------------------------------------

def _issue_locked(issue: AcceptanceIssue) -> tuple[Order, AcceptanceIssue]:
    order = _lock(issue.order)
    locked = AcceptanceIssue.objects.select_for_update().select_related("line").get(pk=issue.pk)
    locked.order = order
    return order, locked


def _require_handler(issue: AcceptanceIssue, actor: User) -> None:
    if not selectors.may_handle(actor, issue):
        raise PermissionDenied(_("Only those who handle acceptance issues (sales for their own orders, the order "
                                 "processing center, production, customer service) may do this."),
                               code="permission_denied")


def _class_check(issue: AcceptanceIssue, verb: str) -> str:
    """The class's rule first (its words say what to do instead), then the state table."""
    problem = rules.issue_move_refusal(issue.issue_class, verb, issue.state)
    if problem == "major_needs_solution" and issue.state != AcceptanceIssue.State.RESOLVED:
        raise InvalidTransition(_("A major quality issue is resolved after its analysis and solution."),
                                code=problem, field="state")
    if problem == "general_no_analysis":
        raise InvalidTransition(_("A general issue is resolved directly; class it major for a cross-department "
                                  "analysis and solution."), code=problem, field="issue_class")
    if problem == "major_back_to_solution":
        raise InvalidTransition(_("A major issue goes back to its solution."), code=problem, field="state")
    return ISSUE.check(issue.state, verb)


def _done(issue: AcceptanceIssue, original: AcceptanceIssue) -> AcceptanceIssue:
    original.refresh_from_db()
    return original


def issue_classify(*, issue: AcceptanceIssue, actor: User, issue_class: str,
                   now: datetime | None = None) -> AcceptanceIssue:
    """P2.5.d: the rep or the order center classes an open issue general 一般性问题 (deadline in working days
    from the day it was raised) or major 重大质量问题 (no fixed deadline: analysis, solution, progress)."""
    now = now or timezone.now()
    if issue_class not in IssueClass.values:
        raise ValidationFailed(_("Choose general or major."), field="issue_class", code="invalid")
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        if not selectors.may_classify(actor, locked):
            raise PermissionDenied(_("The order's sales rep or the order processing center classes an acceptance "
                                     "issue."), code="permission_denied")
        ISSUE.check(locked.state, "classify")
        if locked.issue_class == issue_class:
            return _done(locked, issue)
        before = locked.issue_class
        locked.issue_class = issue_class
        locked.classified_by = actor
        locked.deadline = (rules.issue_deadline(timezone.localdate(locked.opened_at), selectors.issue_days(),
                                                calendar_load().after)
                           if issue_class == IssueClass.GENERAL else None)
        locked.save(update_fields=["issue_class", "classified_by", "deadline"])
        event_record(actor=actor, action="acceptance_issue.classified", subject=order, clause="P2.5.d",
                     before={"issue_class": before},
                     after={"issue": locked.number, "issue_class": issue_class,
                            "deadline": locked.deadline.isoformat() if locked.deadline else None})
    return _done(locked, issue)


def issue_analyse(*, issue: AcceptanceIssue, actor: User, cause: str, responsible_department: str,
                  now: datetime | None = None) -> AcceptanceIssue:
    """P2.5.d: a major issue's cross-department analysis: the cause and the department responsible."""
    cause = _text(cause, field="cause", message=_("Say what caused the problem."))
    if responsible_department not in [str(d) for d in DEPARTMENTS]:
        raise ValidationFailed(_("Choose the department responsible."), field="responsible_department",
                               code="invalid")
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        _require_handler(locked, actor)
        locked.state = _class_check(locked, "analyse")
        locked.cause, locked.responsible_department = cause, responsible_department
        locked.analysed_by, locked.analysed_at = actor, now or timezone.now()
        locked.save(update_fields=["state", "cause", "responsible_department", "analysed_by", "analysed_at"])
        event_record(actor=actor, action="acceptance_issue.analysed", subject=order, clause="P2.5.d",
                     after={"issue": locked.number, "responsible_department": responsible_department,
                            "issue_state": locked.state}, message=cause)
    return _done(locked, issue)


def issue_solve(*, issue: AcceptanceIssue, actor: User, solution: str,
                now: datetime | None = None) -> AcceptanceIssue:
    """P2.5.d: a major issue's solution 解决方案, after its analysis."""
    solution = _text(solution, field="solution", message=_("Describe the solution."))
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        _require_handler(locked, actor)
        locked.state = _class_check(locked, "solve")
        locked.solution, locked.solution_by, locked.solution_at = solution, actor, now or timezone.now()
        locked.save(update_fields=["state", "solution", "solution_by", "solution_at"])
        event_record(actor=actor, action="acceptance_issue.solution", subject=order, clause="P2.5.d",
                     after={"issue": locked.number, "issue_state": locked.state}, message=solution)
    return _done(locked, issue)


def issue_progress_add(*, issue: AcceptanceIssue, actor: User, text: str,
                       now: datetime | None = None) -> IssueUpdate:
    """P2.5.d: a progress report 进度报告 on an open issue; the customer reads it on their page."""
    text = _text(text, field="text", message=_("Write the progress."))
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        _require_handler(locked, actor)
        if not locked.is_open:
            raise InvalidTransition(_("This acceptance issue is closed."), code="invalid_transition", field="state")
        update = IssueUpdate.objects.create(issue=locked, text=text, by=actor, at=now or timezone.now())
        event_record(actor=actor, action="acceptance_issue.progress", subject=order, clause="P2.5.d",
                     after={"issue": locked.number}, message=text)
    return update


def issue_resolve(*, issue: AcceptanceIssue, actor: User, result: str,
                  now: datetime | None = None) -> AcceptanceIssue:
    """P2.5.d: the problem is solved — what was done (the result report); the customer accepts it or not."""
    result = _text(result, field="result", message=_("Say what was done."))
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        _require_handler(locked, actor)
        locked.state = _class_check(locked, "resolve")
        locked.result, locked.resolved_by, locked.resolved_at = result, actor, now or timezone.now()
        locked.save(update_fields=["state", "result", "resolved_by", "resolved_at"])
        event_record(actor=actor, action="acceptance_issue.resolved", subject=order, clause="P2.5.d",
                     after={"issue": locked.number, "issue_state": locked.state}, message=result)
    return _done(locked, issue)


def issue_result_accept(*, issue: AcceptanceIssue, actor: User | None = None, portal_link: Any = None,
                        customer_name: str = "", now: datetime | None = None) -> AcceptanceIssue:
    """P2.5.d: the customer accepts the result (on their page, or the rep records it) and the issue closes;
    the line can then be inspected again (P2.5.c)."""
    name = _name(customer_name)
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        via = _who(order, actor, portal_link)
        locked.state = _class_check(locked, "result_accept")
        locked.closed_at, locked.closed_via, locked.closed_customer_name = now or timezone.now(), via, name
        locked.closed_by = actor
        locked.save(update_fields=["state", "closed_at", "closed_via", "closed_customer_name", "closed_by"])
        # The line is inspected afresh: its verdicts are cleared (each stays in the order's history).
        LineCheck.objects.filter(line_id=locked.line_id).delete()
        event_record(actor=actor, actor_name=_actor_name(via), action="acceptance_issue.closed", subject=order,
                     clause="P2.5.d",
                     after={"issue": locked.number, "issue_state": locked.state, "via": via, "customer_name": name})
    return _done(locked, issue)


def issue_result_reject(*, issue: AcceptanceIssue, reason: str, actor: User | None = None, portal_link: Any = None,
                        customer_name: str = "", now: datetime | None = None) -> AcceptanceIssue:
    """P2.5.d: the customer does not accept the result: a general issue is open again (its deadline stands),
    a major one goes back to its solution."""
    name = _name(customer_name)
    reason = _text(reason, field="reason", message=_("Say what is still wrong."))
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        via = _who(order, actor, portal_link)
        verb = "result_reject_major" if locked.is_major else "result_reject"
        locked.state = _class_check(locked, verb)
        locked.save(update_fields=["state"])
        event_record(actor=actor, actor_name=_actor_name(via), action="acceptance_issue.result_rejected", subject=order,
                     clause="P2.5.d", after={"issue": locked.number, "issue_state": locked.state, "via": via,
                                             "customer_name": name}, message=reason)
        notify(recipients=User.objects.filter(pk=order.sales_rep_id), kind=Kind.ACCEPTANCE_ISSUE_OPENED,
               params={"order": order.number, "issue": locked.number, "reason": reason}, url=_issue_url(locked),
               subject=order, actor=actor)
    return _done(locked, issue)


# --- reminders and escalation (the scheduled job) ----------------------------------------------------------

def _escalation_recipients(rep: User) -> list[User]:
    leader = rep.leader
    if leader is not None and leader.is_active:
        return [leader]
    return list(User.objects.filter(groups__name=Role.LEADERSHIP, is_active=True).order_by("pk").distinct())


def issue_watch(*, issue: AcceptanceIssue, today: date, now: datetime | None = None) -> str:
    """P2.5.d: the daily look at one general issue: the rep is reminded the working day before its deadline,
    and the rep's leader (all leadership when the rep has none) is told once the deadline has passed.
    Returns "reminded", "escalated" or ""."""
    now = now or timezone.now()
    cal = calendar_load()
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        rep = User.objects.select_related("leader").get(pk=order.sales_rep_id)
        if rules.escalation_due(deadline=locked.deadline, today=today, escalated=locked.escalated_at is not None,
                                is_open=locked.is_open):
            people = _escalation_recipients(rep)
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at"])
            locked.escalated_to.set(people)
            assert locked.deadline is not None
            event_record(actor=None, action="acceptance_issue.escalated", subject=order, clause="P2.5.d",
                         after={"issue": locked.number, "deadline": locked.deadline.isoformat(),
                                "escalated_to": [str(p) for p in people]})
            notify(recipients=people, kind=Kind.ACCEPTANCE_ISSUE_ESCALATED,
                   params={"order": order.number, "issue": locked.number, "due": locked.deadline.isoformat(),
                           "rep": str(rep)}, url=_issue_url(locked), subject=order)
            return "escalated"
        if rules.reminder_due(deadline=locked.deadline, today=today, reminded=locked.reminded_at is not None,
                              is_open=locked.is_open, before=cal.before):
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            assert locked.deadline is not None
            notify(recipients=[rep], kind=Kind.ACCEPTANCE_ISSUE_DUE,
                   params={"order": order.number, "issue": locked.number, "due": locked.deadline.isoformat()},
                   url=_issue_url(locked), subject=order)
            return "reminded"
    return ""


# --- compensation 赔偿 (P2.5.d) ------------------------------------------------------------------------------

def compensation_request(*, issue: AcceptanceIssue, actor: User, amount: Any, basis: str,
                         now: datetime | None = None) -> Compensation:
    """P2.5.d: sales (its own orders) or the order center asks for compensation of a loss the quality caused,
    per the contract: amount and basis (the contract clause, the loss). Leadership approves it."""
    basis = _text(basis, field="basis", message=_("Give the basis: the contract clause and the loss."))
    value = money_in(amount, "amount", positive=True)
    with transaction.atomic():
        order, locked = _issue_locked(issue)
        if not actor.has_perm("accounts.compensation_request") or not (
                order.sales_rep_id == actor.pk or actor.has_role(Role.ORDER_CENTER)):
            raise PermissionDenied(_("The order's sales rep or the order processing center asks for compensation."),
                                   code="permission_denied")
        if value > order.total_amount:
            raise ValidationFailed(_("A compensation cannot exceed the order's amount (%(total)s).")
                                   % {"total": f"¥{order.total_amount:,.2f}"}, field="amount",
                                   code="above_order_amount")
        try:
            with transaction.atomic():
                comp = Compensation.objects.create(issue=locked, order=order, amount=value, basis=basis,
                                                   requested_by=actor, requested_at=now or timezone.now())
        except IntegrityError as e:
            raise Conflict(_("A compensation of this issue is already waiting for approval."),
                           code="compensation_waiting") from e
        event_record(actor=actor, action="compensation.requested", subject=order, clause="P2.5.d",
                     after={"issue": locked.number, "amount": str(value), "compensation_state": comp.state},
                     message=basis)
        deciders = [u for u in recipients_with_role(Role.LEADERSHIP, capability="compensation_approve")
                    if u.pk != actor.pk]
        notify(recipients=deciders, kind=Kind.COMPENSATION_REQUESTED,
               params={"order": order.number, "issue": locked.number, "amount": str(value), "reason": basis},
               url=_issue_url(locked), subject=order, actor=actor)
    return comp


def _comp_locked(comp: Compensation) -> tuple[Order, Compensation]:
    order = _lock(comp.order)
    locked = Compensation.objects.select_for_update().select_related("issue").get(pk=comp.pk)
    locked.order = order
    return order, locked


def compensation_decide_refusal(comp: Compensation, user: Any) -> tuple[str, str] | None:
    """Who approves or refuses: leadership (compensation_approve), never the requester (four eyes, P2.5.d).
    (code, message) or None; the page uses it to show or hide the buttons."""
    if not user.has_perm("accounts.compensation_approve"):
        return "permission_denied", _("Leadership approves compensation.")
    if rules.compensation_sod_refusal(requested_by=comp.requested_by_id, decider=user.pk):
        return "segregation_of_duties", _("You asked for this compensation: another leader must decide it.")
    return None


def _require_decider(comp: Compensation, actor: User) -> None:
    refusal = compensation_decide_refusal(comp, actor)
    if refusal is not None:
        raise PermissionDenied(refusal[1], code=refusal[0])


def compensation_approve(*, compensation: Compensation, actor: User, comment: str = "",
                         now: datetime | None = None) -> Compensation:
    """P2.5.d: leadership approves (never the requester); in the same transaction finance's credit note is
    issued for the amount, in the customer's favour, linked both ways (Compensation.credit_note,
    CreditNote.compensation)."""
    comment = _text(comment, field="comment", message="", required=False)
    with transaction.atomic():
        order, comp = _comp_locked(compensation)
        _require_decider(comp, actor)
        comp.state = COMPENSATION.check(comp.state, "approve")
        note = credit_note_issue(customer=order.customer, actor=actor, amount=comp.amount, order=order,
                                 reason=_("Compensation for acceptance issue %(issue)s: %(basis)s")
                                 % {"issue": comp.issue.number, "basis": comp.basis}, compensation=True)
        comp.credit_note = note
        comp.decided_by, comp.decided_at, comp.comment = actor, now or timezone.now(), comment
        comp.save(update_fields=["state", "credit_note", "decided_by", "decided_at", "comment"])
        event_record(actor=actor, action="compensation.approved", subject=order, clause="P2.5.d",
                     after={"issue": comp.issue.number, "amount": str(comp.amount), "credit_note": note.number,
                            "compensation_state": comp.state}, message=comment)
        notify(recipients=User.objects.filter(pk__in={comp.requested_by_id, order.sales_rep_id}),
               kind=Kind.COMPENSATION_DECIDED,
               params={"order": order.number, "outcome": "approved", "amount": str(comp.amount), "comment": comment},
               url=_issue_url(comp.issue), subject=order, actor=actor)
    compensation.refresh_from_db()
    return compensation


def compensation_refuse(*, compensation: Compensation, actor: User, comment: str,
                        now: datetime | None = None) -> Compensation:
    comment = _text(comment, field="comment", message=_("Say why the compensation is refused."))
    with transaction.atomic():
        order, comp = _comp_locked(compensation)
        _require_decider(comp, actor)
        comp.state = COMPENSATION.check(comp.state, "refuse")
        comp.decided_by, comp.decided_at, comp.comment = actor, now or timezone.now(), comment
        comp.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        event_record(actor=actor, action="compensation.refused", subject=order, clause="P2.5.d",
                     after={"issue": comp.issue.number, "amount": str(comp.amount),
                            "compensation_state": comp.state}, message=comment)
        notify(recipients=User.objects.filter(pk__in={comp.requested_by_id, order.sales_rep_id}),
               kind=Kind.COMPENSATION_DECIDED,
               params={"order": order.number, "outcome": "refused", "amount": str(comp.amount), "comment": comment},
               url=_issue_url(comp.issue), subject=order, actor=actor)
    compensation.refresh_from_db()
    return compensation


def compensation_withdraw(*, compensation: Compensation, actor: User) -> Compensation:
    with transaction.atomic():
        order, comp = _comp_locked(compensation)
        if actor.pk != comp.requested_by_id:
            raise PermissionDenied(_("Only whoever asked for the compensation withdraws it."),
                                   code="permission_denied")
        comp.state = COMPENSATION.check(comp.state, "withdraw")
        comp.decided_at = timezone.now()
        comp.save(update_fields=["state", "decided_at"])
        event_record(actor=actor, action="compensation.withdrawn", subject=order, clause="P2.5.d",
                     after={"issue": comp.issue.number, "amount": str(comp.amount),
                            "compensation_state": comp.state})
    compensation.refresh_from_db()
    return compensation


ZERO = Decimal("0")
