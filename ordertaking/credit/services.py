"""Writes for credit risk control (P5.1): scorecard policy, evaluations, guarantees, the maintained
exposure, holds and releases. Every write: atomic, row lock, capability + segregation of duties,
state check, audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.audit.services import event_record
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.common.money import half_up, money
from ordertaking.customers.models import Customer
from ordertaking.notifications.models import Kind
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState, check_move

from . import rules, selectors
from .checks import CreditFacts, credit_row_locked, order_credit_facts
from .models import CreditAlert, CreditEvaluation, CreditHold, CustomerCredit, Guarantee, ScorecardPolicy
from .states import EVALUATION, HOLD

ZERO = Decimal("0.00")
MONEY_LIMIT = Decimal("1000000000000")  # money columns: 14 digits, 2 after the point
PERCENT_LIMIT = Decimal("1000")  # percentage columns: 5 digits, 2 after the point
DAYS_MAX = 3650


def _require(actor: User, *caps: str) -> None:
    if not any(actor.has_perm(f"accounts.{c}") for c in caps):
        raise PermissionDenied(_("Your role may not do this."), code="permission_denied")


def money_in(value: Any, field: str, *, positive: bool = False, allow_zero: bool = True) -> Decimal:
    """Parse an amount: Decimal with at most 2 places, never negative (and > 0 when `positive`)."""
    try:
        amount = Decimal(str(value)) if value is not None and value != "" else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationFailed(_("Enter an amount."), field=field, code="invalid_amount")
    if amount < 0:
        raise ValidationFailed(_("The amount cannot be negative."), field=field, code="negative_amount")
    if (positive or not allow_zero) and amount == 0:
        raise ValidationFailed(_("The amount must be greater than zero."), field=field, code="zero_amount")
    # The size first: quantizing a number of 30 digits fails (decimal precision), and the column
    # holds 12 digits before the point.
    if amount >= MONEY_LIMIT:
        raise ValidationFailed(_("The amount is too large."), field=field, code="out_of_range")
    if amount != money(amount):
        raise ValidationFailed(_("Use at most two decimal places."), field=field, code="invalid_amount")
    return money(amount)


def decimal_in(value: Any, field: str, *, limit: Decimal, message: Any) -> Decimal:
    """A decimal with two places for a column smaller than `limit` (exclusive): rounded, and its
    size checked before (quantizing a huge number fails) and after rounding (999.995 becomes 1000.00)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(message, field=field) from None
    if not number.is_finite():
        raise ValidationFailed(message, field=field)
    if abs(number) >= limit:
        raise ValidationFailed(_("The number is out of range."), field=field, code="out_of_range")
    rounded = half_up(number)
    if abs(rounded) >= limit:
        raise ValidationFailed(_("The number is out of range."), field=field, code="out_of_range")
    return rounded


# ---------------------------------------------------------------- scorecard policy (P5.1.a)

def policy_current() -> ScorecardPolicy:
    """The scorecard in force: the highest approved version (a proposal has no effect). A read never
    writes: version 1 is seeded by the credit migration 0003 (and `scorecard_policy_seed`)."""
    policy = ScorecardPolicy.objects.filter(state=ScorecardPolicy.State.IN_FORCE).order_by("-version").first()
    if policy is None:
        raise Conflict(_("No credit scorecard is in force."), code="no_policy")
    return policy


def policy_pending() -> ScorecardPolicy | None:
    """The proposed version waiting for leadership's approval, if any."""
    return (ScorecardPolicy.objects.filter(state=ScorecardPolicy.State.PROPOSED).select_related("created_by")
            .order_by("-version").first())


def scorecard_policy_seed() -> ScorecardPolicy:
    """Version 1, the defaults, in force: made once, where a database starts (migration, tests)."""
    with transaction.atomic():
        policy = ScorecardPolicy.objects.filter(state=ScorecardPolicy.State.IN_FORCE).order_by("-version").first()
        if policy is None:
            version = (ScorecardPolicy.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
            policy = ScorecardPolicy.objects.create(version=version, bands=rules.DEFAULT_BANDS,
                                                    state=ScorecardPolicy.State.IN_FORCE)
    return policy


def scorecard_policy_update(*, actor: User, weights: dict[str, int], bands: list[dict[str, Any]],
                            finance_release_authority: Any, watch_overdue_days: int, stop_overdue_days: int,
                            limit_cut_percent: int, term_cut_days: int, near_limit_percent: int = 80,
                            note: str = "") -> ScorecardPolicy:
    """P5.1.a: finance *proposes* a new version of the scorecard (the history keeps every one); it has
    no effect until a leader approves it (`scorecard_policy_approve`): nobody raises their own authority."""
    _require(actor, "finance_policy_manage")
    w = rules.Weights(qualification=int(weights.get("qualification", -1)),
                      financial=int(weights.get("financial", -1)),
                      reputation=int(weights.get("reputation", -1)), payment=int(weights.get("payment", -1)))
    if min(w.qualification, w.financial, w.reputation, w.payment) < 0:
        raise ValidationFailed(_("Each weight must be 0 or more."), field="weights")
    try:
        w.check()
    except ValueError as e:
        raise ValidationFailed(str(e), field="weights") from e
    try:
        parsed = rules.parse_bands(bands)
    except rules.BandError as e:
        raise ValidationFailed(str(e), field="bands") from e
    except (ValueError, KeyError, TypeError, InvalidOperation) as e:
        raise ValidationFailed(_("Invalid rating bands."), field="bands") from e
    unknown = {k for b in parsed for k in b.payment_kinds} - {"prepayment", "cod", "credit"}
    if unknown or any(b.max_term_days < 0 or not 0 <= b.min_score <= 100 for b in parsed):
        raise ValidationFailed(_("Invalid rating bands."), field="bands")
    # Stored normalised: numbers as numbers, money as a string with two decimals.
    bands = [{"rating": b.rating, "min_score": b.min_score, "limit": str(money(b.limit)),
              "payment_kinds": list(b.payment_kinds), "max_term_days": b.max_term_days,
              "guarantee_required": b.guarantee_required} for b in parsed]
    authority = money_in(finance_release_authority, "finance_release_authority")
    # Each count checked here with its own field, not left to the columns' constraints (a 500).
    for name, days in (("watch_overdue_days", watch_overdue_days), ("stop_overdue_days", stop_overdue_days),
                       ("term_cut_days", term_cut_days)):
        if not isinstance(days, int) or not 0 <= days <= DAYS_MAX:
            raise ValidationFailed(_("Enter a number of days from 0 to %(max)s.") % {"max": DAYS_MAX}, field=name,
                                   code="out_of_range")
    if not stop_overdue_days > 0 or watch_overdue_days >= stop_overdue_days:
        raise ValidationFailed(_("Stop days must be more than the days that trigger measures."),
                               field="stop_overdue_days")
    if not isinstance(limit_cut_percent, int) or not 0 <= limit_cut_percent <= 100:
        raise ValidationFailed(_("Percentages run from 0 to 100."), field="limit_cut_percent", code="out_of_range")
    if not isinstance(near_limit_percent, int) or not 0 < near_limit_percent <= 100:
        raise ValidationFailed(_("Percentages run from 0 to 100."), field="near_limit_percent", code="out_of_range")
    with transaction.atomic():
        last = ScorecardPolicy.objects.select_for_update().order_by("-version").first()
        previous = policy_current()
        if ScorecardPolicy.objects.filter(state=ScorecardPolicy.State.PROPOSED).exists():
            raise Conflict(_("A change of the scorecard is already waiting for leadership's approval."),
                           code="policy_change_pending")
        policy = ScorecardPolicy.objects.create(
            version=(last.version if last else 0) + 1, state=ScorecardPolicy.State.PROPOSED,
            weight_qualification=w.qualification, weight_financial=w.financial,
            weight_reputation=w.reputation, weight_payment=w.payment, bands=bands,
            finance_release_authority=authority, watch_overdue_days=watch_overdue_days,
            stop_overdue_days=stop_overdue_days, limit_cut_percent=limit_cut_percent,
            term_cut_days=term_cut_days, near_limit_percent=near_limit_percent, created_by=actor, note=note)
        event_record(actor=actor, action="credit.policy_proposed", subject=policy, clause="P5.1.a",
                     before={"version": previous.version},
                     after={"version": policy.version, "weights": weights, "bands": bands,
                            "finance_release_authority": str(authority)}, message=note)
    return policy


scorecard_policy_propose = scorecard_policy_update


def _decide_policy(*, policy: ScorecardPolicy, actor: User, comment: str, approve: bool) -> ScorecardPolicy:
    _require(actor, "finance_policy_approve")
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationFailed(_("Say why the change is refused."), code="comment_required", field="comment")
    with transaction.atomic():
        locked = ScorecardPolicy.objects.select_for_update().get(pk=policy.pk)
        # Four eyes (a DB constraint backs this): whoever proposed a version does not decide it.
        if locked.created_by_id == actor.pk:
            raise PermissionDenied(_("You proposed this change, so another leader must decide it."),
                                   code="segregation_of_duties")
        if locked.state != ScorecardPolicy.State.PROPOSED:
            raise InvalidTransition(_("This change of the scorecard has already been decided."),
                                    code="invalid_transition", field="state")
        previous = policy_current()
        locked.state = ScorecardPolicy.State.IN_FORCE if approve else ScorecardPolicy.State.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_comment = comment
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
        event_record(actor=actor, action="credit.policy_changed" if approve else "credit.policy_rejected",
                     subject=locked, clause="P5.1.a", before={"version": previous.version},
                     after={"version": locked.version, "state": locked.state}, message=comment)
    return locked


def scorecard_policy_approve(*, policy: ScorecardPolicy, actor: User, comment: str = "") -> ScorecardPolicy:
    """P5.1.a, issue 8: a leader, not the proposer, puts the proposed version in force."""
    return _decide_policy(policy=policy, actor=actor, comment=comment, approve=True)


def scorecard_policy_reject(*, policy: ScorecardPolicy, actor: User, comment: str) -> ScorecardPolicy:
    """The leader says no; the version stays in the history as rejected, the one in force stays."""
    return _decide_policy(policy=policy, actor=actor, comment=comment, approve=False)


# ---------------------------------------------------------------- evaluations (P5.1.a)

# P5.1.a's payment record (付款记录) is read from the invoices, which are finance's; finance sits
# above credit (docs/conventions.md), so it hands its reader down when the apps start
# (FinanceConfig.ready → payment_record_reader_set).
PaymentRecordReader = Callable[..., rules.PaymentRecord]
_payment_record_reader: PaymentRecordReader | None = None


def payment_record_reader_set(reader: PaymentRecordReader) -> None:
    global _payment_record_reader
    _payment_record_reader = reader


def _payment_record(customer: Customer, *, today: date) -> rules.PaymentRecord:
    if _payment_record_reader is None:
        raise RuntimeError("finance has not handed down its payment record reader (FinanceConfig.ready)")
    return _payment_record_reader(customer, today=today)


def credit_evaluation_propose(*, customer: Customer, actor: User, registered_capital: Any,
                              years_in_business: Any, licences_held: Any, annual_revenue: Any, debt_ratio: Any,
                              litigation: bool = False, blacklisted: bool = False, references: Any = 0,
                              note: str = "", today: date | None = None) -> CreditEvaluation:
    """P5.1.a: finance enters the factors; the payment record comes from our own invoices."""
    _require(actor, "credit_evaluate")
    capital = money_in(registered_capital, "registered_capital")
    revenue = money_in(annual_revenue, "annual_revenue")
    ints = {}
    for name, value in (("years_in_business", years_in_business), ("licences_held", licences_held),
                        ("references", references)):
        try:
            ints[name] = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Enter a whole number."), field=name) from None
        if ints[name] < 0 or ints[name] > 1000:
            raise ValidationFailed(_("Enter a number from 0 to 1000."), field=name)
    ratio = decimal_in(debt_ratio, "debt_ratio", limit=PERCENT_LIMIT, message=_("Enter the debt ratio in percent."))
    if ratio < 0 or ratio > 999:
        raise ValidationFailed(_("Enter a debt ratio from 0 to 999 percent."), field="debt_ratio")
    policy = policy_current()
    record = _payment_record(customer, today=today or timezone.localdate())
    card = rules.scorecard(
        qualification=rules.Qualification(capital, ints["years_in_business"], ints["licences_held"]),
        financials=rules.Financials(revenue, ratio),
        reputation=rules.Reputation(bool(litigation), bool(blacklisted), ints["references"]),
        payment=record, weights=policy_weights(policy), bands=rules.parse_bands(policy.bands))
    with transaction.atomic():
        ev = CreditEvaluation.objects.create(
            customer=customer, policy=policy, registered_capital=capital,
            years_in_business=ints["years_in_business"], licences_held=ints["licences_held"],
            annual_revenue=revenue, debt_ratio=ratio, litigation=bool(litigation), blacklisted=bool(blacklisted),
            references=ints["references"], payment_record=record.as_dict(),
            factor_scores={"factors": card.factors,
                           "contributions": {k: str(v) for k, v in card.contributions.items()},
                           "weights": card.details["weights"]},
            score=card.score, rating=card.band.rating, credit_limit=card.band.limit,
            payment_kinds=list(card.band.payment_kinds), max_term_days=card.band.max_term_days,
            guarantee_required=card.band.guarantee_required, note=note, proposed_by=actor)
        figures = _evaluation_figures(ev)
        figures.pop("on_stop")
        event_record(actor=actor, action="credit.evaluation_proposed", subject=customer, clause="P5.1.a",
                     after=figures, message=note)
    return ev


def policy_weights(policy: ScorecardPolicy) -> rules.Weights:
    return rules.Weights(policy.weight_qualification, policy.weight_financial, policy.weight_reputation,
                         policy.weight_payment)


def _evaluation_figures(ev: CreditEvaluation) -> dict[str, Any]:
    return {"evaluation": ev.pk, "score": ev.score, "rating": ev.rating, "credit_limit": str(ev.credit_limit),
            "max_term_days": ev.max_term_days, "payment_kinds": ev.payment_kinds,
            "guarantee_required": ev.guarantee_required, "factors": ev.factor_scores.get("factors"),
            "policy_version": ev.policy.version, "on_stop": False}


def credit_evaluation_approve(*, evaluation: CreditEvaluation, actor: User, comment: str = "") -> CreditEvaluation:
    """P5.1.a: a second person (leadership or finance) puts the evaluation in force."""
    _require(actor, "credit_evaluation_approve")
    with transaction.atomic():
        ev = CreditEvaluation.objects.select_for_update(of=("self",)).select_related("policy").get(pk=evaluation.pk)
        if ev.proposed_by_id == actor.pk:
            raise PermissionDenied(_("The person who proposed an evaluation cannot approve it (P5.1.a)."),
                                   code="same_person")
        target = EVALUATION.check(ev.state, "approve")
        credit = credit_row_locked(ev.customer_id)
        before = {"rating": credit.rating, "credit_limit": str(credit.credit_limit),
                  "max_term_days": credit.max_term_days, "on_stop": credit.on_stop}
        # The evaluation in force until now is superseded: a move of its own, with its own event.
        for old in CreditEvaluation.objects.select_for_update().filter(
                customer_id=ev.customer_id, state=CreditEvaluation.State.APPROVED).order_by("id"):
            old.state = EVALUATION.check(old.state, "supersede")
            old.save(update_fields=["state"])
            event_record(actor=actor, action="credit.evaluation_superseded", subject=ev.customer,
                         clause=EVALUATION.clause("supersede"),
                         after={"evaluation": old.pk, "rating": old.rating, "score": old.score})
        ev.state = target
        ev.decided_by = actor
        ev.decided_at = timezone.now()
        ev.decision_comment = comment
        ev.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
        # A new approved evaluation re-bases the customer's terms; the monitoring job applies its
        # measures again the next day if invoices are still overdue past the thresholds (P5.1.c).
        credit.evaluation = ev
        credit.rating = ev.rating
        credit.credit_limit = ev.credit_limit
        credit.payment_kinds = ev.payment_kinds
        credit.max_term_days = ev.max_term_days
        credit.guarantee_required = ev.guarantee_required
        credit.risk_level = 0
        credit.on_stop = False
        credit.save()
        event_record(actor=actor, action="credit.evaluation_approved", subject=ev.customer, clause="P5.1.a",
                     before=before, after=_evaluation_figures(ev), message=comment)
    return ev


def credit_evaluation_reject(*, evaluation: CreditEvaluation, actor: User, comment: str) -> CreditEvaluation:
    _require(actor, "credit_evaluation_approve")
    if not (comment or "").strip():
        raise ValidationFailed(_("Say why the evaluation is rejected."), field="comment")
    with transaction.atomic():
        ev = CreditEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if ev.proposed_by_id == actor.pk:
            raise PermissionDenied(_("The person who proposed an evaluation cannot decide it (P5.1.a)."),
                                   code="same_person")
        ev.state = EVALUATION.check(ev.state, "reject")
        ev.decided_by = actor
        ev.decided_at = timezone.now()
        ev.decision_comment = comment.strip()
        ev.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
        event_record(actor=actor, action="credit.evaluation_rejected", subject=ev.customer, clause="P5.1.a",
                     after={"evaluation": ev.pk, "rating": ev.rating, "score": ev.score}, message=comment)
    return ev


# ---------------------------------------------------------------- guarantees (P5.1.b)

def guarantee_record(*, customer: Customer, actor: User, kind: str, amount: Any, valid_from: date | None,
                     valid_until: date | None, order: Order | None = None, percent: Any = None,
                     guarantor: str = "", reference: str = "") -> Guarantee:
    _require(actor, "finance_manage")
    if kind not in Guarantee.Kind.values:
        raise ValidationFailed(_("Choose the kind of guarantee."), field="kind")
    value = money_in(amount, "amount", positive=True)
    if valid_from is None:
        raise ValidationFailed(_("Enter the first day of validity."), field="valid_from")
    if valid_until is None or valid_until < valid_from:
        raise ValidationFailed(_("The guarantee must be valid until on or after its start."), field="valid_until")
    pct = None
    if kind == Guarantee.Kind.DEPOSIT:
        pct = (decimal_in(percent, "percent", limit=PERCENT_LIMIT, message=_("Enter the deposit percentage."))
               if percent not in (None, "") else None)
        if pct is not None and not (0 < pct <= 100):
            raise ValidationFailed(_("The deposit percentage runs from 0 to 100."), field="percent")
    if kind == Guarantee.Kind.GUARANTOR and not guarantor.strip():
        raise ValidationFailed(_("Name the guarantor."), field="guarantor")
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed(_("That order belongs to another customer."), field="order")
    with transaction.atomic():
        g = Guarantee.objects.create(customer=customer, order=order, kind=kind, amount=value, percent=pct,
                                     guarantor=guarantor.strip(), reference=reference.strip(),
                                     valid_from=valid_from, valid_until=valid_until, recorded_by=actor)
        figures = {"kind": kind, "amount": str(value), "valid_until": valid_until.isoformat(),
                   "order": order.number if order else None}
        event_record(actor=actor, action="credit.guarantee_recorded", subject=customer, clause="P5.1.b",
                     after=figures)
        if order is not None:
            event_record(actor=actor, action="credit.guarantee_recorded", subject=order, clause="P5.1.b",
                         after=figures)
    return g


# ---------------------------------------------------------------- exposure, holds (P5.1)

def _hold(*, order: Order, credit: CustomerCredit, stage: str, excess: Decimal, actor: User) -> CreditHold:
    order.state = check_move(order.state, "hold")
    order.save(update_fields=["state", "updated_at"])
    # A hold left open by a return or cancellation is closed before a new one opens.
    credit_holds_close(order=order, actor=actor)
    hold = CreditHold.objects.create(order=order, customer_id=order.customer_id, stage=stage,
                                     order_amount=order.total_amount, exposure=credit.exposure,
                                     credit_limit=credit.credit_limit, excess=excess)
    event_record(actor=actor, action="order.credit_held", subject=order, clause="P5.1",
                 after={"stage": stage, "order_amount": str(order.total_amount), "exposure": str(credit.exposure),
                        "credit_limit": str(credit.credit_limit), "excess": str(excess)},
                 message=_("Exposure plus this order exceeds the credit limit."))
    # The rep learns why the order waits; finance, who may release it, that it waits for them.
    notify(recipients=[*([order.sales_rep] if order.sales_rep_id else []),
                       *recipients_with_role("finance", capability="credit_release")],
           kind=Kind.CREDIT_HOLD_PLACED, actor=actor, subject=order, url=order_url(order.number),
           params={"order": order.number, "customer": str(order.customer), "excess": str(excess)})
    return hold


def credit_holds_close(*, order: Order, actor: User | None) -> int:
    """The order left credit hold by a return or a cancellation: its open hold is no longer
    waiting for anyone, and the order's timeline says so. Runs inside the caller's transaction
    (which holds the order's lock); returns how many were closed."""
    closed = 0
    for hold in CreditHold.objects.select_for_update().filter(order=order, state=CreditHold.State.OPEN):
        hold.state = HOLD.check(hold.state, "close")
        hold.save(update_fields=["state"])
        event_record(actor=actor, action="credit.hold_closed", subject=order, clause=HOLD.clause("close"),
                     after={"stage": hold.stage, "excess": str(hold.excess)})
        closed += 1
    return closed


def credit_submission_check(*, order: Order, actor: User, facts: CreditFacts | None = None) -> CreditHold | None:
    """P5.1 at submission (called by review.order_submit once the order is SUBMITTED): an evaluated
    customer whose exposure + this order passes the limit puts the order on credit hold. A customer
    with no evaluation is not held here; review shows the blocking P5.1.b finding instead.
    `facts`: what `checks.order_credit_facts` read earlier in the same transaction, if the caller has it."""
    if order.state != OrderState.SUBMITTED:
        return None
    if facts is None:
        facts = order_credit_facts(order)
    credit, allowance = facts.credit, facts.allowance
    if credit is None or not credit.is_evaluated:
        return None
    # An order changed after approval already holds its approved amount: only the difference counts.
    excess = rules.limit_check(exposure=credit.exposure, order_amount=order.exposure_delta,
                               limit=credit.credit_limit, allowed_excess=allowance)
    if excess > 0:
        return _hold(order=order, credit=credit, stage=CreditHold.Stage.SUBMISSION, excess=excess, actor=actor)
    return None


def credit_order_gate(*, order: Order, actor: User, today: date | None = None,
                      allowance: Decimal | None = None, credit: CustomerCredit | None = None) -> CreditHold | None:
    """P5.1 at approval, called by review.order_approve with the order already locked.

    Locks the customer's credit row, so approvals for one customer are serialised. Refuses
    (ValidationFailed) a customer with no approved evaluation (P5.1.b), on stop (P5.1.c), or
    needing a guarantee that is not recorded (P5.1.b). If exposure + this order passes the limit
    (less any excess a releaser accepted), the order goes on hold and the hold is returned:
    the caller must then NOT approve. Otherwise the order's total is added to the maintained
    exposure, `order.approved_total` is set (the caller saves it, with the approval, in one UPDATE)
    and None is returned. `credit`: the customer's row the caller already locked in this transaction
    (`checks.order_credit_facts(order, lock=True)`)."""
    credit = credit if credit is not None else credit_row_locked(order.customer_id)
    needs_guarantee = credit.is_evaluated and credit.guarantee_required
    blocking = rules.approval_findings(
        evaluated=credit.is_evaluated, on_stop=credit.on_stop, guarantee_required=credit.guarantee_required,
        guarantee_ok=not needs_guarantee or selectors.guarantee_covers(order=order, today=today),
        rating=credit.rating)
    if blocking:
        raise ValidationFailed(blocking[0].message, code=blocking[0].code, field=blocking[0].field)
    if allowance is None:  # the caller may pass what it read under the same order lock
        allowance = selectors.released_allowance(order)
    # Only the difference to what the order already holds (a change after approval, P2.3): an increase
    # is checked and added, a decrease releases its part (Order.approved_total, the order's share).
    delta = order.exposure_delta
    excess = rules.limit_check(exposure=credit.exposure, order_amount=delta,
                               limit=credit.credit_limit, allowed_excess=allowance)
    if excess > 0:
        return _hold(order=order, credit=credit, stage=CreditHold.Stage.APPROVAL, excess=excess, actor=actor)
    before = credit.exposure
    credit.approved_uninvoiced = max(ZERO, credit.approved_uninvoiced + delta)
    credit.save(update_fields=["approved_uninvoiced", "updated_at"])
    order.approved_total = order.total_amount  # saved by the caller with its own move of the order
    event_record(actor=actor, action="credit.checked", subject=order, clause="P5.1",
                 before={"exposure": str(before)},
                 after={"exposure": str(credit.exposure), "credit_limit": str(credit.credit_limit),
                        "order_amount": str(delta), "accepted_excess": str(allowance),
                        "rating": credit.rating})
    return None


def credit_hold_release(*, hold: CreditHold, actor: User, reason: str) -> CreditHold:
    """P5.1: finance releases within its authority, leadership above it (special approval);
    always with a reason; never the person who entered the order or its sales rep."""
    _require(actor, "credit_release", "credit_release_unlimited")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the release."), field="reason", code="reason_required")
    with transaction.atomic():
        hold = CreditHold.objects.select_for_update().get(pk=hold.pk)
        order = Order.objects.select_for_update().get(pk=hold.order_id)
        if actor.pk in (order.entered_by_id, order.sales_rep_id):
            raise PermissionDenied(_("Whoever entered or sells the order cannot release its credit hold (P5.1)."),
                                   code="same_person")
        hold_target = HOLD.check(hold.state, "release")
        target = check_move(order.state, "release")
        credit = credit_row_locked(order.customer_id)
        excess = rules.limit_check(exposure=credit.exposure, order_amount=order.exposure_delta,
                                   limit=credit.credit_limit)
        authority = policy_current().finance_release_authority
        special = excess > authority
        if special and not actor.has_perm("accounts.credit_release_unlimited"):
            raise PermissionDenied(
                _("The excess of ¥%(excess)s is above finance's authority of ¥%(authority)s: leadership must "
                  "release it.") % {"excess": f"{excess:,.2f}", "authority": f"{authority:,.2f}"},
                code="above_authority")
        order.state = target
        order.save(update_fields=["state", "updated_at"])
        hold.state = hold_target
        hold.released_by = actor
        hold.released_at = timezone.now()
        hold.release_reason = reason
        hold.allowed_excess = excess
        hold.special = special
        hold.save()
        event_record(actor=actor, action="order.credit_released", subject=order, clause="P5.1",
                     after={"exposure": str(credit.exposure), "credit_limit": str(credit.credit_limit),
                            "order_amount": str(order.total_amount), "accepted_excess": str(excess),
                            "authority": str(authority), "special_approval": special}, message=reason)
        notify(recipients=[order.sales_rep] if order.sales_rep_id else [], kind=Kind.CREDIT_HOLD_RELEASED,
               actor=actor, subject=order, url=order_url(order.number),
               params={"order": order.number, "reason": reason})
        # Back to pending review: the reviewers learn of it now (order_submit did not tell them of a held order).
        notify(recipients=recipients_with_role("order_center", capability="order_review"),
               kind=Kind.ORDER_SUBMITTED, actor=actor, subject=order, url=order_url(order.number),
               params={"order": order.number, "customer": str(order.customer)})
    return hold


def credit_alerts_mark_read(*, actor: User) -> int:
    """The reader has seen their unread early warnings (P5.1.c); the trail records when.
    Returns how many were marked."""
    with transaction.atomic():
        unread = list(CreditAlert.objects.select_for_update().filter(recipient=actor, read_at__isnull=True)
                      .values_list("pk", flat=True))
        if not unread:
            return 0
        CreditAlert.objects.filter(pk__in=unread).update(read_at=timezone.now())
        event_record(actor=actor, action="credit.alerts_read", subject=actor, clause="P5.1.c",
                     after={"alerts_read": len(unread)})
    return len(unread)


def exposure_move(*, customer_id: int, approved_delta: Decimal = ZERO, invoiced_delta: Decimal = ZERO) -> None:
    """Keep the maintained exposure true as finance invoices and collects (inside the caller's atomic)."""
    credit = credit_row_locked(customer_id)
    credit.approved_uninvoiced = max(ZERO, credit.approved_uninvoiced + approved_delta)
    credit.invoiced_unpaid = max(ZERO, credit.invoiced_unpaid + invoiced_delta)
    credit.save(update_fields=["approved_uninvoiced", "invoiced_unpaid", "updated_at"])
