"""Every write of the legal app (P5.3): the amount threshold, opening an order's legal review at submit,
the legal adviser's opinion, and the periodic compliance reviews (法律合规审查).

Lock order, everywhere: the order row first, then its legal review (the approval in review locks the
order row too, so an opinion and an approval of the same order never interleave).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.notifications.models import Kind
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.ops.jobs import job_register, job_run, run_item
from ordertaking.orders.models import Order
from ordertaking.orders.permissions import order_authors
from ordertaking.orders.states import OrderState

from . import rules
from .checks import amount_threshold, order_legal_facts
from .models import ComplianceItem, ComplianceReview, LegalReview, LegalThreshold, Result, period_label

MAX_AMOUNT = Decimal("999999999999.99")
MAX_TEXT = 5000


def _require(actor: Any, capability: str, message: str) -> None:
    if not (actor is not None and actor.is_authenticated and actor.has_perm(f"accounts.{capability}")):
        raise PermissionDenied(message, code="permission_denied")


def _text(value: Any, *, field: str, required: str | None = None) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or "\x00" in value:
        raise ValidationFailed(_("Enter text."), field=field)
    value = value.replace("\r\n", "\n").strip()
    if len(value) > MAX_TEXT:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": MAX_TEXT}, field=field)
    if required and not value:
        raise ValidationFailed(required, code="required", field=field)
    return value


# --- the threshold (leadership, P5.3) ----------------------------------------------------------------

def legal_threshold_set(*, actor: Any, amount: Any, note: str = "") -> LegalThreshold:
    """Leadership sets the amount above which an order needs the legal opinion (P5.3); audited."""
    _require(actor, "legal_rule_manage", _("Only leadership sets the legal review threshold."))
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter an amount."), field="amount") from None
    if isinstance(amount, bool) or not value.is_finite() or value < 0 or value > MAX_AMOUNT \
            or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Enter an amount of at least ¥0.00, in yuan and fen."), field="amount")
    note = _text(note, field="note")
    with transaction.atomic():
        before = amount_threshold()
        row = LegalThreshold.objects.create(amount=value.quantize(Decimal("0.01")), note=note, set_by=actor)
        event_record(actor=actor, action="legal_threshold.changed", subject=row, clause="P5.3",
                     before={"amount_threshold": str(before)}, after={"amount_threshold": str(row.amount)},
                     message=note)
    return row


# --- the order's legal review (P5.3) ------------------------------------------------------------------

def legal_review_open(*, order: Order, actor: Any, individual: bool | None = None,
                      lines: list[Any] | None = None) -> LegalReview | None:
    """Called by review's order_submit, in its transaction with the order locked: when the submitted
    revision is flagged, open its legal review and tell the legal advisers. Idempotent per revision.
    `individual` and `lines`: what the caller already read (see `order_legal_facts`)."""
    facts = order_legal_facts(order, with_review=False, individual=individual, lines=lines)
    reasons = rules.legal_reasons(facts)
    if not reasons:
        return None
    existing = LegalReview.objects.filter(order_id=order.pk, revision=order.revision).first()
    if existing is not None:
        return existing
    review = LegalReview.objects.create(order=order, revision=order.revision, reasons=[str(r) for r in reasons],
                                        details=rules.reason_details(facts))
    event_record(actor=actor, action="legal_review.opened", subject=order, clause="P5.3",
                 after={"legal_reasons": [str(r) for r in reasons], "revision": order.revision})
    notify(recipients=recipients_with_role(Role.LEGAL, capability="legal_review"),
           kind=Kind.LEGAL_REVIEW_REQUESTED, params={"order": order.number, "customer": str(order.customer)},
           url=order_url(order.number), subject=order, actor=actor)
    return review


def legal_sod_refusal(order: Order, actor: Any, authors: set[int] | None = None) -> str | None:
    """P5.3 with P2.3.c: whoever entered, changed or submitted the order does not give its legal opinion."""
    if actor.pk in (authors if authors is not None else order_authors(order)) or actor.pk == order.sales_rep_id:
        return _("You entered, changed or submitted this order: another legal adviser gives the opinion.")
    return None


def legal_opinion_record(*, order: Order, actor: Any, outcome: str, opinion: str) -> LegalReview:
    """The legal adviser's opinion on the order's current revision (P5.3): no objection (approval may
    go ahead), or objection (approval stays blocked; the order is returned and changed)."""
    _require(actor, "legal_review", _("Only a legal adviser records the legal opinion."))
    opinion = _text(opinion, field="opinion")
    problem = rules.opinion_problem(outcome, opinion)
    if problem:
        raise ValidationFailed(problem, code="opinion_required",
                               field="outcome" if outcome not in LegalReview.State.values else "opinion")
    with transaction.atomic():
        locked = Order.objects.select_for_update(of=("self",)).select_related("sales_rep").get(pk=order.pk)
        refusal = legal_sod_refusal(locked, actor)
        if refusal:
            raise PermissionDenied(refusal, code="segregation_of_duties")
        review = LegalReview.objects.select_for_update().filter(order_id=locked.pk, revision=locked.revision).first()
        if review is None:
            raise NotFound(_("This order is not waiting for a legal opinion."), code="not_flagged")
        if review.state != LegalReview.State.PENDING:
            raise Conflict(_("The legal opinion on this revision is already recorded."), code="already_decided")
        if locked.state not in (OrderState.SUBMITTED, OrderState.CREDIT_HOLD):
            raise InvalidTransition(_("The order is no longer pending review."), code="invalid_transition",
                                    field="state")
        review.state = outcome
        review.opinion = opinion
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.save(update_fields=["state", "opinion", "decided_by", "decided_at"])
        event_record(actor=actor, action="legal_review.approved" if outcome == LegalReview.State.APPROVED
                     else "legal_review.objected", subject=locked, clause="P5.3",
                     before={"legal_review": LegalReview.State.PENDING.value}, after={"legal_review": outcome},
                     message=opinion)
        recipients = {u.pk: u for u in recipients_with_role(Role.ORDER_CENTER, capability="order_review")}
        if locked.sales_rep is not None:
            recipients[locked.sales_rep.pk] = locked.sales_rep
        notify(recipients=list(recipients.values()), kind=Kind.LEGAL_OPINION_RECORDED, actor=actor, subject=locked,
               params={"order": locked.number, "outcome": outcome, "comment": opinion}, url=order_url(locked.number))
    return review


# --- periodic compliance reviews (法律合规审查, P5.3) --------------------------------------------------

COMPLIANCE_JOB_NAME = job_register("compliance_reviews", gettext_lazy("Quarterly compliance reviews (P5.3)"))


def _least_busy_adviser() -> User | None:
    advisers = (recipients_with_role(Role.LEGAL, capability="compliance_review_manage")
                .annotate(open_reviews=Count("pk", filter=Q(pk__in=ComplianceReview.objects.exclude(
                    state=ComplianceReview.State.SIGNED_OFF).values("assignee_id")))))
    return advisers.order_by("open_reviews", "pk").first()


def compliance_review_open(*, period_start: date, actor: Any = None, assignee: User | None = None,
                           ) -> tuple[ComplianceReview, bool]:
    """The review of the quarter starting `period_start`, created once (the unique period makes a second
    run, or two at once, a no-op); its items from the checklist; the adviser told. `actor` None: the job."""
    if actor is not None:
        _require(actor, "compliance_review_manage", _("Only legal advisers and leadership schedule compliance "
                                                      "reviews."))
    start, end = rules.quarter_of(period_start)
    existing = ComplianceReview.objects.filter(period_start=start).first()
    if existing is not None:
        return existing, False
    assignee = assignee or _least_busy_adviser()
    if assignee is None:
        raise Conflict(_("There is no legal adviser to assign the compliance review to."), code="no_adviser")
    if not assignee.has_perm("accounts.compliance_review_manage"):
        raise ValidationFailed(_("Assign the review to a legal adviser."), field="assignee")
    with transaction.atomic():
        try:
            with transaction.atomic():
                review = ComplianceReview.objects.create(period_start=start, period_end=end, assignee=assignee)
        except IntegrityError:
            return ComplianceReview.objects.get(period_start=start), False
        ComplianceItem.objects.bulk_create([ComplianceItem(review=review, position=i, key=key)
                                            for i, (key, _t, _g) in enumerate(rules.CHECKLIST, start=1)])
        event_record(actor=actor, action="compliance_review.opened",
                     subject=review, clause="P5.3", after={"period": period_label(start), "assignee": str(assignee)})
        notify(recipients=[assignee], kind=Kind.COMPLIANCE_REVIEW_ASSIGNED, actor=actor, subject=review,
               params={"order": period_label(start)}, url=reverse("legal:compliance", args=[review.pk]))
    return review, True


def compliance_schedule(*, today: date | None = None) -> ComplianceReview | None:
    """The job: the current quarter's review exists and is assigned (re-runnable: once per period)."""
    today = today or timezone.localdate()
    with job_run(COMPLIANCE_JOB_NAME, day=today) as run:
        result = run_item(run, f"period {rules.quarter_of(today)[0]}",
                          lambda: compliance_review_open(period_start=today)[0])
    return result


def _lock_review(review: ComplianceReview) -> ComplianceReview:
    return ComplianceReview.objects.select_for_update().get(pk=review.pk)


def _may_work(review: ComplianceReview, actor: Any) -> None:
    _require(actor, "compliance_review_manage", _("Only legal advisers and leadership record compliance reviews."))
    if actor.pk != review.assignee_id and not actor.has_role(Role.LEGAL):
        raise PermissionDenied(_("The review is carried out by its legal adviser."), code="permission_denied")
    if review.state != ComplianceReview.State.IN_PROGRESS:
        raise InvalidTransition(_("This compliance review is no longer in progress."), code="invalid_transition",
                                field="state")


def compliance_item_record(*, item: ComplianceItem, actor: Any, result: str, evidence: str = "",
                           follow_up: str = "", follow_up_owner: User | None = None,
                           follow_up_due: date | None = None) -> ComplianceItem:
    """One checklist item answered: evidence, result, and for an issue the follow-up (owner, due date)."""
    evidence = _text(evidence, field="evidence")
    follow_up = _text(follow_up, field="follow_up")
    if follow_up_owner is not None and not isinstance(follow_up_owner, User):
        raise ValidationFailed(_("Choose a valid value."), field="follow_up_owner")
    if follow_up_due is not None and not isinstance(follow_up_due, date):
        raise ValidationFailed(_("Enter a valid date."), field="follow_up_due")
    with transaction.atomic():
        review = _lock_review(item.review)
        _may_work(review, actor)
        problem = rules.item_problem(result=result, evidence=evidence, follow_up=follow_up,
                                     owner=follow_up_owner, due=follow_up_due)
        if problem:
            raise ValidationFailed(problem[1], code="incomplete", field=problem[0])
        locked = ComplianceItem.objects.select_for_update().get(pk=item.pk)
        before = {"result": locked.result} if locked.result else {}
        locked.result, locked.evidence = result, evidence
        issue = result == Result.ISSUE
        locked.follow_up = follow_up if issue else ""
        locked.follow_up_owner = follow_up_owner if issue else None
        locked.follow_up_due = follow_up_due if issue else None
        locked.answered_by, locked.answered_at = actor, timezone.now()
        locked.save()
        after: dict[str, Any] = {"checklist_item": locked.key, "result": result}
        if issue:
            after["follow_up_due"] = follow_up_due.isoformat() if follow_up_due else None
        event_record(actor=actor, action="compliance_review.item_recorded", subject=review, clause="P5.3",
                     before=before, after=after, message=evidence)
    item.refresh_from_db()
    return item


def compliance_review_complete(*, review: ComplianceReview, actor: Any, summary: str = "") -> ComplianceReview:
    """Every item answered: the review goes to leadership for sign-off (P5.3)."""
    summary = _text(summary, field="summary")
    with transaction.atomic():
        locked = _lock_review(review)
        _may_work(locked, actor)
        missing = rules.unanswered(list(locked.items.values_list("result", flat=True)))
        if missing:
            raise Conflict(_("%(n)s item(s) still have no result: answer every item first.") % {"n": missing},
                           code="items_unanswered")
        locked.state = ComplianceReview.State.COMPLETED
        locked.completed_by, locked.completed_at, locked.summary = actor, timezone.now(), summary
        locked.save()
        event_record(actor=actor, action="compliance_review.completed", subject=locked, clause="P5.3",
                     before={"compliance_state": ComplianceReview.State.IN_PROGRESS.value},
                     after={"compliance_state": locked.state}, message=summary)
        notify(recipients=recipients_with_role(Role.LEADERSHIP, capability="compliance_review_manage")
               .exclude(pk=actor.pk), kind=Kind.COMPLIANCE_REVIEW_COMPLETED, actor=actor, subject=locked,
               params={"order": period_label(locked.period_start)},
               url=reverse("legal:compliance", args=[locked.pk]))
    review.refresh_from_db()
    return review


def compliance_sod_refusal(review: ComplianceReview, actor: Any) -> str | None:
    """Whoever carried out the review (its adviser, whoever answered an item or completed it) does not
    sign it off."""
    doers = {review.assignee_id, review.completed_by_id,
             *review.items.exclude(answered_by=None).values_list("answered_by_id", flat=True)}
    if actor.pk in doers:
        return _("You carried out this review: another leader signs it off.")
    return None


def compliance_review_sign_off(*, review: ComplianceReview, actor: Any, comment: str = "") -> ComplianceReview:
    """Leadership signs the completed review off (P5.3); never whoever did it."""
    _require(actor, "compliance_review_manage", _("Only leadership signs compliance reviews off."))
    if not actor.has_role(Role.LEADERSHIP):
        raise PermissionDenied(_("Only leadership signs compliance reviews off."), code="permission_denied")
    comment = _text(comment, field="comment")
    with transaction.atomic():
        locked = _lock_review(review)
        refusal = compliance_sod_refusal(locked, actor)
        if refusal:
            raise PermissionDenied(refusal, code="segregation_of_duties")
        if locked.state != ComplianceReview.State.COMPLETED:
            raise InvalidTransition(_("Only a completed review is signed off."), code="invalid_transition",
                                    field="state")
        locked.state = ComplianceReview.State.SIGNED_OFF
        locked.signed_off_by, locked.signed_off_at, locked.sign_off_comment = actor, timezone.now(), comment
        locked.save()
        event_record(actor=actor, action="compliance_review.signed_off", subject=locked, clause="P5.3",
                     before={"compliance_state": ComplianceReview.State.COMPLETED.value},
                     after={"compliance_state": locked.state}, message=comment)
    review.refresh_from_db()
    return review
