"""Every write of the review (P2.3, P3.3): findings, approve, return, special approval (特批).

Lock order, everywhere: the order row first, then the special approval row. Each service
checks capability and segregation of duties, checks the move, changes, and records the
event with the order as subject so it shows on the order's timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.audit.services import event_record, events_batched, head_adopt, head_annotations
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.findings import Finding
from ordertaking.common.links import order_url
from ordertaking.common.prepared import Prepared
from ordertaking.common.refdata import refdata_adopt, refdata_annotations
from ordertaking.common.sql import Present
from ordertaking.credit.checks import CreditFacts, credit_joined, credit_row_ensure, order_credit_facts
from ordertaking.credit.services import credit_holds_close, credit_order_gate, credit_submission_check
from ordertaking.customers.models import Customer
from ordertaking.legal.checks import UNREAD, legal_annotations
from ordertaking.legal.services import legal_review_open
from ordertaking.notifications.models import Kind
from ordertaking.notifications.selectors import recipients_with_role, role_members
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import lines_annotations, lines_prefetch, order_lines
from ordertaking.orders.services import order_submission_record
from ordertaking.orders.states import OrderState, check_move

from . import rules
from .checks import customer_annotations, order_findings
from .models import ReviewDecision, ReviewFinding, SpecialApproval
from .permissions import review_sod_annotations, review_sod_refusal, special_approval_sod_refusal
from .states import SPECIAL_APPROVAL


def _require(actor: Any, capability: str, message: str) -> None:
    if not actor.has_perm(f"accounts.{capability}"):
        raise PermissionDenied(message, code="permission_denied")


def _lock_queryset() -> QuerySet[Order]:
    # The review facts read the region, payment method and customer, the approval tells the rep: joined
    # here, locked only the order row (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
    return Order.objects.select_for_update(of=("self",)).select_related(
        "delivery_region", "payment_method", "customer", "sales_rep")


# A return's or a special approval's lock; the order's audit head comes along (audit.services.head_adopt).
_LOCK: Prepared[Order] = Prepared(lambda pk: _lock_queryset().annotate(**head_annotations(Order)).filter(pk=pk))


def _lock_order(order: Order) -> Order:
    locked = _LOCK.get(pk=order.pk)
    head_adopt(locked)
    return locked


def _refresh_order_object(order: Order, locked: Order) -> None:
    """Give the caller's instance the values we just saved, so it does not go stale."""
    for f in ("state", "revision", "approved_at", "approved_by_id", "updated_at"):
        setattr(order, f, getattr(locked, f))


def _check_reviewer_sod(order: Order, actor: Any) -> None:
    # P2.3.a a dedicated reviewer; P2.3.c: no party to the order reviews it (permissions.py). The
    # approval's lock read the facts (review_sod_annotations); a return reads them here.
    refusal = review_sod_refusal(order, actor)
    if refusal:
        raise PermissionDenied(refusal, code="segregation_of_duties")


def covering_approvals(order: Order) -> list[SpecialApproval]:
    """Granted special approvals for the order's current revision (P2.3.c).

    A return ends a revision's approvals even if the revision number was not bumped, so only
    approvals asked for after the last return count.
    """
    qs = SpecialApproval.objects.filter(order_id=order.pk, revision=order.revision,
                                        state=SpecialApproval.State.GRANTED)
    last_return = (ReviewDecision.objects.filter(order_id=order.pk, outcome=ReviewDecision.Outcome.RETURNED)
                   .order_by("-decided_at").values_list("decided_at", flat=True).first())
    if last_return is not None:
        qs = qs.filter(requested_at__gt=last_return)
    return list(qs.order_by("requested_at"))


def review_findings_refresh(*, order: Order, actor: Any, credit_facts: CreditFacts | None = None,
                            legal_review: Any = UNREAD, stored: bool | None = None) -> list[Finding]:
    """Run the automatic checks (P2.3.a/b) and store them for the order's current revision.

    Called by `order_submit` inside its transaction and by `order_approve` under the row lock.
    Replaces the stored findings of this revision; earlier revisions keep theirs. What the caller already
    read in this transaction: `credit_facts` (the customer's credit), `legal_review` (the revision's legal
    review, or None), `stored` (whether findings of this revision are stored: False skips the delete).
    """
    findings = order_findings(order, credit_facts=credit_facts, legal_review=legal_review)
    # No savepoint: the callers' transaction is the unit; outside one this is its own transaction.
    # Code and parameters only: each reader's language renders the sentence (common/findings.py).
    with transaction.atomic(savepoint=False):
        if stored is not False:
            ReviewFinding.objects.filter(order_id=order.pk, revision=order.revision).delete()
        ReviewFinding.objects.bulk_create([
            ReviewFinding(order_id=order.pk, revision=order.revision, code=f.code, clause=f.clause,
                          params=dict(f.params), field=f.field or "", line=f.line, blocking=f.blocking)
            for f in findings
        ])
    return findings


def _submission_query(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The submission's lock also reads the customer's review facts, the legal threshold, the reference data
    version (common/refdata.py), the order's lines (`lines_annotations`) and the customer's credit row (not
    locked: submission only reads it)."""
    return credit_joined(orders.annotate(**customer_annotations(), **legal_annotations(threshold_only=True),
                                         **refdata_annotations(), **lines_annotations()), lock=False)


def order_submit(*, order: Order, actor: Any, verb: str = "submit") -> Order:
    """Submit for review: the hand-off from order entry (P2.2.a) to the order processing center
    (P2.3). In one transaction: the orders app freezes the complete revision and moves the order
    to SUBMITTED (`orders.services.order_submission_record`); the automatic checks (P2.3.a/b) are
    stored for the reviewer; the credit check (P5.1) holds an order over the limit. It lives here,
    above orders and credit, so neither of them calls up (docs/conventions.md). `verb="change"`: an
    approved order's change after approval goes through the same review (amendments, P2.3 again)."""
    # Its events and the reviewers' notifications: one statement (audit.services.events_batched, rows_insert).
    with transaction.atomic(), events_batched():
        # The order's lock reads the customer's review facts, the legal threshold and credit in the same statement.
        order = order_submission_record(order=order, actor=actor, verb=verb, shape=_submission_query)
        refdata_adopt(order)  # the reviewers to tell are read once per process and version (common/refdata.py)
        credit_facts = order_credit_facts(order, joined=True)  # read by the lock: for the findings and the hold
        # P5.3: a flagged revision waits for the legal opinion (the lines and the customer are in hand).
        opened = legal_review_open(order=order, actor=actor, individual=order.customer.kind == Customer.Kind.INDIVIDUAL,
                                   lines=order_lines(order))
        # The submitted revision is new: it has no findings stored and no legal review but the one just opened.
        review_findings_refresh(order=order, actor=actor, credit_facts=credit_facts, legal_review=opened,
                                stored=False)
        credit_submission_check(order=order, actor=actor, facts=credit_facts)  # P5.1: over the limit → hold
        if order.state == OrderState.SUBMITTED:  # a held order reaches the reviewers once it is released
            notify(recipients=role_members("order_center", capability="order_review"),
                   kind=Kind.ORDER_SUBMITTED, params={"order": order.number, "customer": str(order.customer)},
                   url=order_url(order.number), subject=order, actor=actor)
    return order


def _rep(order: Order) -> list[Any]:
    return [u for u in (order.sales_rep,) if u is not None]


@dataclass(frozen=True)
class Approval:
    """What an approval hands to the chapters above review: the approved order, locked, with its lines
    (and their products), customer and region loaded; who approved; the decision just recorded; and whether
    this is the order's first approval (then nothing downstream of it exists yet: no task, no change
    request, no shipment)."""

    order: Order
    actor: Any
    decision: ReviewDecision
    first: bool


# What happens when an order is approved, beyond review: the execution chapter (above review) hands
# its handlers down once, in its AppConfig.ready (docs/conventions.md). Each runs inside the
# approval's transaction with the locked order, so a failure rolls the approval back.
ApprovalHandler = Callable[[Approval], None]
_approval_handlers: list[ApprovalHandler] = []


def approval_handler_add(handler: ApprovalHandler) -> None:
    if handler not in _approval_handlers:
        _approval_handlers.append(handler)


def _approval_annotations(actor_id: int) -> dict[str, Any]:
    """Everything the approval reads about the order besides its credit, as columns of the order's locking
    query: its lines (`lines_annotations`), the customer's review facts, the legal threshold and review state, whether
    findings of this revision are stored, whether the reviewer is a party to the order (P2.3.c), and the
    order's audit head (audit.services.head_adopt)."""
    return {
        **customer_annotations(),
        **legal_annotations(),
        "findings_stored": Present(ReviewFinding.objects.filter(order_id=OuterRef("pk"),
                                                                revision=OuterRef("revision"))),
        **review_sod_annotations(actor_id),
        **head_annotations(Order),
        **refdata_annotations(),
        **lines_annotations(),
    }


# The approval's lock with everything it reads, the customer's credit row locked with the order: built and
# compiled once per process (common/prepared.py).
_APPROVAL_LOCK: Prepared[Order] = Prepared(
    lambda pk, actor_id: credit_joined(_lock_queryset().annotate(**_approval_annotations(actor_id)),
                                       lock=True).filter(pk=pk))


def _approval_lock(order: Order, actor: Any) -> Order:
    locked = _APPROVAL_LOCK.first(pk=order.pk, actor_id=actor.pk)
    if locked is None:  # no such order, or its customer's credit row's first use (credit_joined)
        customer_id = Order.objects.filter(pk=order.pk).values_list("customer_id", flat=True).first()
        if customer_id is None:
            raise Order.DoesNotExist("Order matching query does not exist.")
        credit_row_ensure(customer_id)
        locked = _APPROVAL_LOCK.get(pk=order.pk, actor_id=actor.pk)
    return locked


def order_approve(*, order: Order, actor: Any, opinion: str = "") -> Order:
    """审核通过 (P2.3.c): only with no open blocking finding, or each covered by a granted 特批."""
    _require(actor, "order_review", _("Only the order processing center reviews orders."))
    # Its events (credit, approval, tasks ...) and the rep's notification: one statement.
    with transaction.atomic(), events_batched():
        locked = _approval_lock(order, actor)
        head_adopt(locked)
        refdata_adopt(locked)  # the calendar, rules and departments the tasks need (common/refdata.py)
        _check_reviewer_sod(locked, actor)
        target = check_move(locked.state, "approve")
        first = locked.approved_total <= 0  # read before the credit gate sets it
        # P2.3.a/b: re-run the checks under the lock; the catalog may have changed since submit. The lines
        # (with their products), read by the lock, serve the checks and what the approval hands on.
        lines_prefetch(locked)
        # P5.1: the customer's credit row, locked with the order, is what the findings read and the gate moves.
        credit_facts = order_credit_facts(locked, lock=True, joined=True)
        findings = review_findings_refresh(order=locked, actor=actor, credit_facts=credit_facts,
                                           stored=locked.findings_stored)  # type: ignore[attr-defined]
        # Special approvals matter only where a finding blocks; without one there is nothing to cover.
        approvals = covering_approvals(locked) if any(f.blocking for f in findings) else []
        covered = {code for a in approvals for code in a.finding_codes}
        open_blocking = rules.uncovered_blocking(findings, covered)
        if open_blocking:
            message = (_("This order has open findings; return it, or ask for special approval.")
                       if rules.coverable(open_blocking) else
                       _("This order waits for the legal adviser's opinion (P5.3); a special approval does not "
                         "replace it."))
            raise Conflict(message, code="open_findings", details=[f.as_dict() for f in open_blocking])
        # P5.1 credit check under the customer's row lock (credit app); it may hold the order instead.
        # The released allowance comes from the order's holds, read above under this order's lock.
        if credit_order_gate(order=locked, actor=actor, allowance=credit_facts.allowance,
                             credit=credit_facts.credit) is not None:
            _refresh_order_object(order, locked)
            return order
        before = locked.state
        locked.state = target
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.save(update_fields=["state", "approved_at", "approved_by", "approved_total", "updated_at"])
        used = [a for a in approvals if set(a.finding_codes) & {f.code for f in findings if f.blocking}]
        decision = ReviewDecision.objects.create(order=locked, revision=locked.revision,
                                                 outcome=ReviewDecision.Outcome.APPROVED, opinion=opinion.strip(),
                                                 reviewer=actor, special_approval=used[-1] if used else None)
        event_record(actor=actor, action="order.approved", subject=locked, clause="P2.3.c",
                     before={"state": before}, after={"state": locked.state},
                     message=opinion.strip())
        notify(recipients=_rep(locked), kind=Kind.ORDER_APPROVED, actor=actor, subject=locked,
               params={"order": locked.number, "opinion": opinion.strip()}, url=order_url(locked.number))
        approval = Approval(order=locked, actor=actor, decision=decision, first=first)
        for handler in _approval_handlers:
            handler(approval)
    _refresh_order_object(order, locked)
    return order


def order_return(*, order: Order, actor: Any, opinion: str) -> Order:
    """退回 (P2.3.c): back to the sales rep with a detailed review opinion (审核意见)."""
    _require(actor, "order_review", _("Only the order processing center reviews orders."))
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationFailed(_("Write the review opinion: what the sales rep must settle with the customer."),
                               code="opinion_required", field="opinion")
    with transaction.atomic():
        locked = _lock_order(order)
        _check_reviewer_sod(locked, actor)
        target = check_move(locked.state, "return")
        before = locked.state
        locked.state = target
        locked.save(update_fields=["state", "updated_at"])
        if before == OrderState.CREDIT_HOLD:
            credit_holds_close(order=locked, actor=actor)
        ReviewDecision.objects.create(order=locked, revision=locked.revision,
                                      outcome=ReviewDecision.Outcome.RETURNED, opinion=opinion, reviewer=actor)
        # An open request dies with the revision it was about (P2.3.c: a new revision needs a new one).
        for sa in SpecialApproval.objects.select_for_update().filter(order=locked,
                                                                    state=SpecialApproval.State.REQUESTED):
            before_sa = sa.state
            sa.state = SPECIAL_APPROVAL.check(sa.state, "withdraw")
            sa.save(update_fields=["state"])
            event_record(actor=actor, action="special_approval.withdrawn", subject=locked,
                         clause=SPECIAL_APPROVAL.clause("withdraw"), before={"state": before_sa},
                         after={"state": sa.state},
                         message=_("The order was returned."))
        event_record(actor=actor, action="order.returned", subject=locked, clause="P2.3.c",
                     before={"state": before}, after={"state": locked.state}, message=opinion)
        notify(recipients=_rep(locked), kind=Kind.ORDER_RETURNED, actor=actor, subject=locked,
               params={"order": locked.number, "opinion": opinion}, url=order_url(locked.number))
    _refresh_order_object(order, locked)
    return order


def special_approval_request(*, order: Order, actor: Any, reason: str) -> SpecialApproval:
    """Ask a leader for 特批 (P2.3.c) for the blocking findings of the order's current revision."""
    _require(actor, "special_approval_request", _("You may not ask for special approval."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the order should go ahead despite its findings."),
                               code="reason_required", field="reason")
    with transaction.atomic():
        locked = _lock_order(order)
        # A sales rep asks only for their own orders; the order center for any.
        if not actor.has_perm("accounts.order_review") and actor.pk not in (locked.sales_rep_id,
                                                                             locked.entered_by_id):
            raise PermissionDenied(_("Only the order's sales rep or a reviewer may ask for special approval."),
                                   code="permission_denied")
        if locked.state != OrderState.SUBMITTED:
            raise InvalidTransition(_("Special approval is asked for orders pending review."),
                                    code="invalid_transition", field="state")
        findings = review_findings_refresh(order=locked, actor=actor)
        covered = {c for a in covering_approvals(locked) for c in a.finding_codes}
        codes = sorted({f.code for f in rules.coverable(rules.uncovered_blocking(findings, covered))})
        if not codes:
            raise Conflict(_("This order has no open finding that needs special approval."),
                           code="nothing_to_approve")
        if SpecialApproval.objects.filter(order=locked, state=SpecialApproval.State.REQUESTED).exists():
            raise Conflict(_("A special approval request for this order is already waiting."),
                           code="special_approval_open")
        try:
            with transaction.atomic():
                sa = SpecialApproval.objects.create(order=locked, revision=locked.revision, finding_codes=codes,
                                                    reason=reason, requested_by=actor)
        except IntegrityError as e:  # the partial unique index, when two ask at once
            raise Conflict(_("A special approval request for this order is already waiting."),
                           code="special_approval_open") from e
        event_record(actor=actor, action="special_approval.requested", subject=locked, clause="P2.3.c",
                     after={"special_approval": sa.pk, "findings": codes}, message=reason)
        notify(recipients=recipients_with_role("leadership", capability="special_approval_decide"),
               kind=Kind.SPECIAL_APPROVAL_REQUESTED, actor=actor, subject=locked,
               params={"order": locked.number, "reason": reason}, url=order_url(locked.number))
    return sa


def _decide(*, approval: SpecialApproval, actor: Any, comment: str, grant: bool) -> SpecialApproval:
    _require(actor, "special_approval_decide", _("Only leadership grants or refuses special approval."))
    comment = (comment or "").strip()
    if not grant and not comment:
        raise ValidationFailed(_("Say why the special approval is refused."), code="comment_required",
                               field="comment")
    with transaction.atomic():
        locked_order = Order.objects.select_for_update().get(pk=approval.order_id)
        sa = SpecialApproval.objects.select_for_update().get(pk=approval.pk)
        # P2.3.c segregation of duties: whoever asked, or is a party to the order, does not decide
        # (a DB constraint backs the first).
        sa.order = locked_order
        refusal = special_approval_sod_refusal(sa, actor)
        if refusal:
            raise PermissionDenied(refusal, code="segregation_of_duties")
        verb = "grant" if grant else "refuse"
        target = SPECIAL_APPROVAL.check(sa.state, verb)
        if locked_order.state != OrderState.SUBMITTED or locked_order.revision != sa.revision:
            raise InvalidTransition(_("The order is no longer pending review in the revision this request was "
                                      "about."), code="invalid_transition", field="state")
        before_sa = sa.state
        sa.state = target
        sa.decided_by = actor
        sa.decided_at = timezone.now()
        sa.comment = comment
        sa.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        event_record(actor=actor, action="special_approval.granted" if grant else "special_approval.refused",
                     subject=locked_order, clause=SPECIAL_APPROVAL.clause(verb), before={"state": before_sa},
                     after={"state": sa.state, "special_approval": sa.pk, "findings": sa.finding_codes},
                     message=comment)
        notify(recipients=[sa.requested_by], kind=Kind.SPECIAL_APPROVAL_DECIDED, actor=actor, subject=locked_order,
               params={"order": locked_order.number, "outcome": sa.state, "comment": comment},
               url=order_url(locked_order.number))
    approval.refresh_from_db()
    return approval


def special_approval_grant(*, approval: SpecialApproval, actor: Any, comment: str = "") -> SpecialApproval:
    """相关领导审批同意 (P2.3.c): the covered findings no longer block approval of this revision."""
    return _decide(approval=approval, actor=actor, comment=comment, grant=True)


def special_approval_refuse(*, approval: SpecialApproval, actor: Any, comment: str) -> SpecialApproval:
    """The leader says no (P2.3.c); the reviewer returns the order or the rep fixes it."""
    return _decide(approval=approval, actor=actor, comment=comment, grant=False)
