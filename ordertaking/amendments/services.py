"""Writes for the order after approval (P2.3 again, P2.4, P5.1): a change goes back through review as
a new revision, in place (line identity kept); a cancellation is asked for by the rep and agreed by
the order center (leadership above an amount), releasing the order's credit exposure exactly once.

Lock order, everywhere: the order row first, then the request row, then the customer's credit row
(exposure_move), the same order as the review's approval."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record
from ordertaking.catalog.models import Product, Region
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.common.progress import order_progress_changed
from ordertaking.credit.services import exposure_move
from ordertaking.finance.models import Invoice
from ordertaking.fulfilment.services import order_tasks_cancel, order_tasks_replan
from ordertaking.logistics.services import order_shipments_cancel
from ordertaking.notifications.models import Kind
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order
from ordertaking.orders.permissions import is_responsible
from ordertaking.orders.services import CHANGE_FIELDS, order_amend
from ordertaking.orders.states import MOVES, OrderState, check_move
from ordertaking.production.services import order_production_cancel, production_orders_follow_tasks
from ordertaking.review.services import Approval, order_submit

from . import rules, selectors
from .models import CancelRequest, ChangeRequest
from .permissions import cancel_permission_refusal, cancel_sod_refusal
from .states import CANCEL, CHANGE

REASON_MAX = 2000


def _reason(value: Any, *, field: str = "reason", message: Any = None) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(message or _("Give the reason."), field=field, code="reason_required")
    if len(text) > REASON_MAX:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": REASON_MAX}, field=field)
    return text


def _decided_notify(req: CancelRequest, order: Order, actor: User, outcome: str) -> None:
    """The requester (and the rep) learn the decision (cancel_decided)."""
    users = User.objects.filter(pk__in={req.requested_by_id, order.sales_rep_id})
    notify(recipients=users, kind=Kind.CANCEL_DECIDED,
           params={"order": order.number, "outcome": outcome, "comment": req.comment},
           url=order_url(order.number), subject=order, actor=actor)


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)


def _refresh(order: Order, locked: Order) -> None:
    for f in ("state", "revision", "total_amount", "approved_total", "updated_at", "cancel_reason"):
        setattr(order, f, getattr(locked, f))


# --- change after approval (P2.3 again) ---------------------------------------------------------

def order_content(order: Order) -> dict[str, Any]:
    """The approved content a withdrawn change restores: the header a change may touch and each line
    with its id (so a restored line keeps its identity)."""
    header: dict[str, Any] = {}
    for name in CHANGE_FIELDS:
        value = getattr(order, name if name != "delivery_region" else "delivery_region_id")
        header[name] = value.isoformat() if name == "delivery_date" and value else value
    lines = [{"id": ln.pk, "position": ln.position, "product": ln.product_id, "name": ln.name,
              "specification": ln.specification, "description": ln.description, "unit": ln.unit,
              "quantity": None if ln.quantity is None else str(ln.quantity),
              "unit_price": None if ln.unit_price is None else str(ln.unit_price),
              "tax_rate": None if ln.product_id else ln.tax_rate}  # a free line's VAT rate (issue 11)
             for ln in order.lines.all()]
    return {"header": header, "lines": lines, "total_amount": str(order.total_amount)}


def _restore_arguments(content: Mapping[str, Any], existing_ids: set[int]) -> tuple[dict[str, Any], list[dict]]:
    from datetime import date

    header = dict(content.get("header", {}))
    if header.get("delivery_date"):
        header["delivery_date"] = date.fromisoformat(header["delivery_date"])
    region_id = header.get("delivery_region")
    header["delivery_region"] = Region.objects.filter(pk=region_id).first() if region_id else None
    products = {p.pk: p for p in Product.objects.filter(
        pk__in=[ln["product"] for ln in content.get("lines", []) if ln.get("product")])}
    lines = []
    for ln in content.get("lines", []):
        raw = {k: ln.get(k) for k in ("name", "specification", "description", "unit", "quantity", "unit_price",
                                      "tax_rate")}
        raw["product"] = products.get(ln["product"]) if ln.get("product") else None
        if raw["product"] is not None:  # the product's copy is taken again from the line as approved
            raw.pop("name")
        if ln["id"] in existing_ids:
            raw["id"] = ln["id"]
        else:
            raw["position"] = ln["position"]  # a line removed by the change comes back at its number
        lines.append(raw)
    return header, lines


def change_request_create(*, order: Order, actor: User, reason: str, changes: Mapping[str, Any] | None = None,
                          lines: Iterable[Mapping[str, Any]] | None = None) -> ChangeRequest:
    """P2.3 again: the rep (or the order center) changes an approved order — quantities, delivery date,
    address, lines — with a reason. In one transaction: the lines are changed in place (never below
    what was shipped, produced or invoiced), the order goes to review as a new revision ("change"
    move), the review's checks and the credit check run on it as on any submission, and the change
    request records what changed, why, and the execution state the order returns to."""
    reason = _reason(reason, message=_("Say why the order changes."))
    with transaction.atomic():
        locked = _lock(order)
        if not is_responsible(locked, actor):
            raise PermissionDenied(_("Only the order's sales rep or the order processing center may change it."),
                                   code="permission_denied")
        from_state = locked.state
        check_move(from_state, "change")
        if locked.cancel_requests.filter(state=CancelRequest.State.REQUESTED).exists():
            raise Conflict(_("A cancellation of this order is waiting for a decision: withdraw it first."),
                           code="cancel_request_open")
        base = order_content(locked)
        base_revision, base_total = locked.revision, locked.approved_total
        before = locked.total_amount
        amended = order_amend(order=locked, actor=actor, changes=changes, lines=lines,
                              floors=selectors.line_floors(locked))
        after = order_content(amended)
        if after["header"] == base["header"] and _lines_core(after) == _lines_core(base):
            raise ValidationFailed(_("Nothing was changed."), field="lines", code="nothing_changed")
        submitted = order_submit(order=amended, actor=actor, verb="change")
        try:
            with transaction.atomic():
                cr = ChangeRequest.objects.create(
                    order=submitted, reason=reason, from_state=from_state, base_revision=base_revision,
                    revision=submitted.revision, base_content=base, base_total=base_total,
                    changes={"total_amount": [str(before), str(submitted.total_amount)]}, requested_by=actor)
        except IntegrityError as e:  # the partial unique index: one open change per order
            raise Conflict(_("A change of this order is already under review."), code="change_open") from e
        event_record(actor=actor, action="change.requested", subject=submitted, clause="P2.3",
                     before={"total_amount": str(before)},
                     after={"change_request": cr.state, "revision": submitted.revision,
                            "total_amount": str(submitted.total_amount)}, message=reason)
        notify(recipients=recipients_with_role(Role.ORDER_CENTER, capability="order_review"),
               kind=Kind.CHANGE_REQUESTED, params={"order": submitted.number, "reason": reason},
               url=order_url(submitted.number), subject=submitted, actor=actor)
    _refresh(order, submitted)
    return cr


def _lines_core(content: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    return [(ln["id"], ln["product"], ln["name"], ln["specification"], ln["description"], ln["unit"],
             ln["quantity"] and Decimal(ln["quantity"]), ln["unit_price"] and Decimal(ln["unit_price"]))
            for ln in content["lines"]]


def change_request_update(*, change: ChangeRequest, actor: User, changes: Mapping[str, Any] | None = None,
                          lines: Iterable[Mapping[str, Any]] | None = None, resubmit: bool = True) -> ChangeRequest:
    """A returned change (P2.3.c): the rep edits it in place and, by default, sends it back to review."""
    with transaction.atomic():
        locked = _lock(change.order)
        cr = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        if cr.state != ChangeRequest.State.OPEN or locked.state != OrderState.RETURNED:
            raise InvalidTransition(_("Only a returned change is edited; this one is not waiting for you."),
                                    code="invalid_transition", field="state")
        amended = order_amend(order=locked, actor=actor, changes=changes, lines=lines,
                              floors=selectors.line_floors(locked))
        if resubmit:
            amended = order_submit(order=amended, actor=actor)
        cr.revision = amended.revision
        cr.save(update_fields=["revision"])
    change.refresh_from_db()
    return change


def change_request_withdraw(*, change: ChangeRequest, actor: User, reason: str = "") -> ChangeRequest:
    """A returned change withdrawn (P2.3): the approved revision's content comes back, line by line,
    and the order returns to the execution state it came from. Its exposure never moved."""
    with transaction.atomic():
        locked = _lock(change.order)
        cr = ChangeRequest.objects.select_for_update().get(pk=change.pk)
        if not is_responsible(locked, actor):
            raise PermissionDenied(_("Only the order's sales rep or the order processing center may withdraw "
                                     "its change."), code="permission_denied")
        target_cr = CHANGE.check(cr.state, "withdraw")
        target = check_move(locked.state, "change_withdraw")
        header, lines = _restore_arguments(cr.base_content, set(locked.lines.values_list("pk", flat=True)))
        restored = order_amend(order=locked, actor=actor, changes=header, lines=lines,
                               floors=selectors.line_floors(locked), restore_revision=cr.base_revision)
        before = restored.state
        restored.state = target
        restored.save(update_fields=["state", "updated_at"])
        cr.state = target_cr
        cr.closed_by, cr.closed_at = actor, timezone.now()
        cr.save(update_fields=["state", "closed_by", "closed_at"])
        event_record(actor=actor, action="change.withdrawn", subject=restored, clause=CHANGE.clause("withdraw"),
                     before={"state": before}, after={"state": restored.state, "change_request": cr.state,
                                                      "revision": restored.revision},
                     message=(reason or "").strip())
        _resume(restored, cr.from_state, actor)
    _refresh(change.order, restored)
    change.refresh_from_db()
    return change


def _resume(order: Order, from_state: str, actor: User | None) -> None:
    """Back from approved to where the execution stands (P2.4), with the move's own event."""
    verb = rules.resume_verb(from_state, shipped=selectors.shipped_quantities(order),
                             quantities={ln.pk: ln.quantity or Decimal("0") for ln in order.lines.all()},
                             started=selectors.tasks_started(order))
    if verb is None:
        return
    before = order.state
    order.state = check_move(order.state, verb)
    order.save(update_fields=["state", "updated_at"])
    event_record(actor=actor, action="order.execution_resumed", subject=order, clause=MOVES[verb][2],
                 before={"state": before}, after={"state": order.state})


def on_order_approved(approval: Approval) -> None:
    """review.order_approve's hand-off (inside the approval's transaction, the order locked): an approved
    change closes its request, the order goes back to its execution state and its tasks adapt. An order's
    first approval has no change request (one is asked of an approved order only)."""
    if approval.first:
        return
    order, actor = approval.order, approval.actor
    cr = ChangeRequest.objects.select_for_update().filter(order=order, state=ChangeRequest.State.OPEN).first()
    if cr is None:
        return
    cr.state = CHANGE.check(cr.state, "approve")
    cr.closed_by, cr.closed_at = actor, timezone.now()
    cr.revision = order.revision
    cr.save(update_fields=["state", "closed_by", "closed_at", "revision"])
    event_record(actor=actor, action="change.approved", subject=order, clause=CHANGE.clause("approve"),
                 after={"change_request": cr.state, "revision": order.revision})
    _resume(order, cr.from_state, actor)
    _tasks_replan(order, actor)


def _tasks_replan(order: Order, actor: Any) -> None:
    """The order's tasks adapt to the approved change: new dates, quantities and lines (fulfilment's
    approval handler makes no second set for an order that already has tasks)."""
    order_tasks_replan(order=order, actor=actor)
    production_orders_follow_tasks(order=order, actor=actor)


# --- cancellation after approval (P2.4, P5.1) ----------------------------------------------------

def cancel_request_create(*, order: Order, actor: User, reason: str) -> CancelRequest:
    """P2.4: the rep asks to cancel an approved order, with the reason; the order center (leadership
    above ORDERTAKING_CANCEL_LEADERSHIP_ABOVE) decides."""
    reason = _reason(reason, message=_("Give the reason for the cancellation."))
    with transaction.atomic():
        locked = _lock(order)
        if not is_responsible(locked, actor):
            raise PermissionDenied(_("Only the order's sales rep or the order processing center may ask to "
                                     "cancel it."), code="permission_denied")
        check_move(locked.state, "cancel_approved")
        try:
            with transaction.atomic():
                req = CancelRequest.objects.create(
                    order=locked, reason=reason, order_total=locked.total_amount, requested_by=actor,
                    needs_leadership=rules.cancel_needs_leadership(locked.total_amount,
                                                                   selectors.cancel_threshold()))
        except IntegrityError as e:
            raise Conflict(_("A cancellation of this order is already waiting for a decision."),
                           code="cancel_request_open") from e
        event_record(actor=actor, action="cancel.requested", subject=locked, clause="P2.4",
                     after={"cancel_request": req.state, "total_amount": str(locked.total_amount)},
                     message=reason)
        deciders = (recipients_with_role(Role.LEADERSHIP, capability="order_cancel_agree_above")
                    if req.needs_leadership else
                    recipients_with_role(Role.ORDER_CENTER, capability="order_cancel_agree"))
        notify(recipients=[u for u in deciders if u.pk != locked.sales_rep_id], kind=Kind.CANCEL_REQUESTED,
               params={"order": locked.number, "reason": reason}, url=reverse("amendments:cancel",
                                                                                args=[locked.number]),
               subject=locked, actor=actor)
    return req


def _locked_request(req: CancelRequest) -> tuple[Order, CancelRequest]:
    locked = _lock(req.order)
    r = CancelRequest.objects.select_for_update().get(pk=req.pk)
    r.order = locked
    return locked, r


def _require_decider(req: CancelRequest, actor: User) -> None:
    """Who may agree to or refuse a cancellation: the deciding role for its amount (403
    permission_denied), and never the requester or the order's rep (403 segregation_of_duties)."""
    refusal = cancel_permission_refusal(req, actor)
    if refusal:
        raise PermissionDenied(refusal, code="permission_denied")
    refusal = cancel_sod_refusal(req, actor)
    if refusal:
        raise PermissionDenied(refusal, code="segregation_of_duties")


def cancel_request_agree(*, request: CancelRequest, actor: User, comment: str = "") -> CancelRequest:
    """P2.4: agreed — in ONE transaction under the order's lock: the order is cancelled, its open tasks,
    production orders and undispatched shipments are cancelled, and the exposure it holds is released
    exactly once (P5.1: Order.approved_total back to 0 under the same lock, so a second agreement or
    a withdrawal waiting on the lock finds the request decided). Refused while an invoice of the order
    is open: finance credits it first."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked, req = _locked_request(request)
        _require_decider(req, actor)
        target_req = CANCEL.check(req.state, "agree")
        target = check_move(locked.state, "cancel_approved")
        if selectors.open_invoices(locked):
            raise Conflict(_("This order has invoices still open: finance must credit the invoices first, then "
                             "the cancellation can be agreed."), code="invoices_open")
        _lower_work_cancel(locked, actor, req.reason)
        invoiced = Invoice.objects.filter(order=locked).values_list("amount", flat=True)
        release = rules.exposure_release(locked.approved_total, invoiced)
        held = locked.approved_total
        if release > 0:
            exposure_move(customer_id=locked.customer_id, approved_delta=-release)
        before = locked.state
        locked.state = target
        locked.approved_total = Decimal("0.00")
        locked.cancel_reason = req.reason
        locked.save(update_fields=["state", "approved_total", "cancel_reason", "updated_at"])
        req.state = target_req
        req.decided_by, req.decided_at, req.comment = actor, timezone.now(), comment
        req.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        # The decision, the release, then the move: the order's timeline ends with its cancellation.
        event_record(actor=actor, action="cancel.agreed", subject=locked, clause=CANCEL.clause("agree"),
                     after={"cancel_request": req.state}, message=comment)
        event_record(actor=actor, action="credit.exposure_released", subject=locked, clause="P5.1",
                     before={"order_amount": str(held)}, after={"amount": str(release)})
        event_record(actor=actor, action="order.cancelled", subject=locked, clause=MOVES["cancel_approved"][2],
                     before={"state": before}, after={"state": locked.state}, message=req.reason)
        _decided_notify(req, locked, actor, "agreed")
    _refresh(request.order, locked)
    request.refresh_from_db()
    return request


def _lower_work_cancel(order: Order, actor: Any, reason: str) -> None:
    """Open tasks, production orders and undispatched shipments of the order, cancelled by their apps
    (each writes its own events on the order), and tracking told that the work changed."""
    order_tasks_cancel(order=order, actor=actor, reason=reason)
    order_shipments_cancel(order=order, actor=actor, reason=reason)
    order_production_cancel(order=order, actor=actor, reason=reason)
    order_progress_changed(order=order, actor=actor)


def cancel_request_refuse(*, request: CancelRequest, actor: User, comment: str) -> CancelRequest:
    comment = _reason(comment, field="comment", message=_("Say why the cancellation is refused."))
    with transaction.atomic():
        locked, req = _locked_request(request)
        _require_decider(req, actor)
        req.state = CANCEL.check(req.state, "refuse")
        req.decided_by, req.decided_at, req.comment = actor, timezone.now(), comment
        req.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        event_record(actor=actor, action="cancel.refused", subject=locked, clause=CANCEL.clause("refuse"),
                     after={"cancel_request": req.state}, message=comment)
        _decided_notify(req, locked, actor, "refused")
    request.refresh_from_db()
    return request


def cancel_request_withdraw(*, request: CancelRequest, actor: User) -> CancelRequest:
    with transaction.atomic():
        locked, req = _locked_request(request)
        if actor.pk not in (req.requested_by_id, locked.sales_rep_id):
            raise PermissionDenied(_("Only whoever asked for the cancellation, or the order's sales rep, may "
                                     "withdraw it."), code="permission_denied")
        req.state = CANCEL.check(req.state, "withdraw")
        req.decided_at = timezone.now()
        req.save(update_fields=["state", "decided_at"])
        event_record(actor=actor, action="cancel.withdrawn", subject=locked, clause=CANCEL.clause("withdraw"),
                     after={"cancel_request": req.state})
    request.refresh_from_db()
    return request

