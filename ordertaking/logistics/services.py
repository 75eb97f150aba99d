"""Writes of logistics (P2.4.c, P3.5, P5.2.c): carriers, shipments, tracking events, shipping
exceptions and the carriers' signed webhook. Each write locks its rows, checks the capability and the
state table, and records its event in the same transaction."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import override

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record
from ordertaking.catalog.models import Region
from ordertaking.common.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    Unavailable,
    ValidationFailed,
)
from ordertaking.common.mail import mail_after_commit
from ordertaking.common.numbering import next_in_series
from ordertaking.common.progress import order_progress_changed, progress_batch
from ordertaking.common.sealed import SecretUnreadable
from ordertaking.fulfilment.models import Task
from ordertaking.fulfilment.services import may_work, task_complete, task_start
from ordertaking.fulfilment.states import LIVE_STATES as TASK_LIVE
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.states import MOVES, check_move
from ordertaking.production.selectors import line_gates

from . import rules, selectors
from .models import (
    TALLY_STRIPES,
    Carrier,
    CarrierTally,
    Method,
    Shipment,
    ShipmentLine,
    ShippingException,
    TrackingEvent,
    WebhookAttempt,
    WebhookNonce,
    words,
)
from .states import EXCEPTION, GONE, SHIPMENT

ZERO = Decimal("0")
logger = logging.getLogger("ordertaking.logistics")


class NotAuthenticated(DomainError):
    """A webhook call whose signature or timestamp does not hold (401)."""

    status = 401
    code = "not_authenticated"


def _require_manage(actor: User) -> None:
    if not actor.has_perm("accounts.logistics_manage"):
        raise PermissionDenied(_("Only the logistics department may do this (P3.5)."))


# --- the calls into the departments above and beside logistics ----------------------------------
# Production's gate (issue 10 contract: production.selectors.line_gates, shipping_block / shippable_quantity).

def line_shipping_gate(line: OrderLine) -> tuple[str | None, Decimal]:
    """Why `line` may not ship yet (None: it may), and how much of it may ship in all (production's
    selectors: a failed finished-product inspection without rework and a passing re-inspection, or
    production not finished, blocks the line, P5.2.b)."""
    gate = line_gates([line])[line.pk]
    return gate.block, gate.shippable


# Checks the chapters above logistics hand down at start-up (deliveries: the delivery readiness checklist,
# P2.5.a): each says why a shipment may not leave yet, or None. Run inside the dispatch's transaction, after
# the shipment is locked, before anything is written.
DISPATCH_CHECKS: list[Callable[[Shipment], str | None]] = []


def dispatch_check_add(check: Callable[[Shipment], str | None]) -> None:
    """Register a check `fn(shipment) -> reason | None` that every dispatch passes (once per function)."""
    if check not in DISPATCH_CHECKS:
        DISPATCH_CHECKS.append(check)


def _dispatch_refusal(shipment: Shipment) -> str | None:
    for check in DISPATCH_CHECKS:
        reason = check(shipment)
        if reason:
            return reason
    return None


def _shipping_tasks_follow(order: Order, actor: User, *, all_shipped: bool, numbers: list[str]) -> None:
    """Fulfilment's shipping task of the order (P2.4.a): started by the first dispatch, done once
    everything has shipped (its note names the shipments). A task routed to a department the actor
    does not work in is left to that department."""
    for task in Task.objects.filter(order=order, kind=Task.Kind.SHIPPING, state__in=TASK_LIVE).order_by("id"):
        if not may_work(actor, task):
            continue
        if all_shipped:
            task_complete(task=task, actor=actor, note=", ".join(numbers))
        elif task.state == Task.State.OPEN:
            task_start(task=task, actor=actor)


def _notify_exception(exc: ShippingException, order: Order, actor: User) -> None:
    """The sales rep, logistics and the departments told learn of a shipping exception (notifications,
    in each reader's language; the reason is the cause as logistics wrote it)."""
    recipients: list[Any] = [order.sales_rep, *recipients_with_role(Role.LOGISTICS)]
    for dept in exc.told_departments:
        if dept != Role.SALES:  # for sales, the order's own rep is the one told
            recipients += list(recipients_with_role(dept))
    notify(recipients=recipients, kind="shipping_exception", actor=actor, subject=order,
           url=reverse("logistics:shipment", args=[exc.shipment.number]),
           params={"order": order.number, "shipment": exc.shipment.number, "reason": exc.cause[:200]})


# --- the carriers' tallies (P2.4.c rating) -------------------------------------------------------

def tally_add(shipment: Shipment, *, delivered: int = 0, on_time: int = 0, shipped: int = 0,
              damaged: int = 0) -> None:
    """Move the counts of the shipment's carrier by what this shipment just changed, inside the caller's
    transaction (the state move and its event commit or roll back with it). One statement: an upsert on
    the carrier's stripe `shipment id % TALLY_STRIPES`, so two shipments of one carrier mostly touch
    different rows, and a carrier's first shipment in a stripe creates its row (no row made in advance)."""
    if shipment.carrier_id is None:  # the own fleet has no rating
        return
    table = connection.ops.quote_name(CarrierTally._meta.db_table)
    cols = selectors.TALLY_COUNTS  # n_delivered, n_on_time, n_shipped, n_damaged: the order of the values below
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in cols)
    with connection.cursor() as cur:  # the same INSERT … ON CONFLICT on PostgreSQL and SQLite
        cur.execute(f"INSERT INTO {table} (carrier_id, stripe, {', '.join(cols)}) VALUES (%s, %s, %s, %s, %s, %s) "
                    f"ON CONFLICT (carrier_id, stripe) DO UPDATE SET {sets}",
                    [shipment.carrier_id, shipment.pk % TALLY_STRIPES, delivered, on_time, shipped, damaged])


def carrier_tallies_rebuild() -> list[dict[str, Any]]:
    """Recount every carrier's tallies from the record (selectors.carrier_counts_recounted) and replace
    them; returns the drift it found (selectors.carrier_tally_drift's shape, before the rebuild). For
    whatever wrote shipments without the services — a bulk load, a restore, a test's raw rows — called at
    its end. The tallies are a running count of the record, not a record: no audit event. The table is
    locked while it runs, so a dispatch committing meanwhile is neither lost nor counted twice."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {connection.ops.quote_name(CarrierTally._meta.db_table)} IN EXCLUSIVE MODE")
        counted = selectors.carrier_counts_recounted()
        drift = selectors.carrier_tally_drift(counted)
        if not drift:
            return []
        CarrierTally.objects.all().delete()
        CarrierTally.objects.bulk_create([CarrierTally(carrier_id=cid, stripe=stripe, **counts)
                                          for (cid, stripe), counts in sorted(counted.items())], batch_size=1000)
    return drift


# --- carriers -----------------------------------------------------------------------------------

CARRIER_FIELDS = ("name", "contract_number", "contract_valid_from", "contract_valid_to", "contact", "active")


def _clean_carrier(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for f in ("name", "contract_number", "contact", "code"):
        if f in out and out[f] is not None:
            out[f] = str(out[f]).strip()
    for f in ("name", "contract_number"):
        if f in out and not out[f]:
            raise ValidationFailed(_("This field is required."), field=f)
    if "methods" in out:
        methods = list(dict.fromkeys(out["methods"] or []))
        unknown = [m for m in methods if m not in Method.values]
        if unknown:
            raise ValidationFailed(_("Unknown method: %(m)s.") % {"m": ", ".join(unknown)}, field="methods")
        if not methods:
            raise ValidationFailed(_("Choose at least one method."), field="methods")
        out["methods"] = methods
    return out


def _snapshot(c: Carrier) -> dict[str, Any]:
    return {"name": c.name, "contract_number": c.contract_number,
            "contract_valid_from": c.contract_valid_from.isoformat(),
            "contract_valid_to": c.contract_valid_to.isoformat(), "methods": list(c.methods),
            "regions": sorted(r.name for r in c.regions.all()), "active": c.active}


def _check_dates(valid_from: date, valid_to: date) -> None:
    if valid_to < valid_from:
        raise ValidationFailed(_("The contract cannot end before it starts."), field="contract_valid_to")


def carrier_create(*, actor: User, code: str, name: str, contract_number: str, contract_valid_from: date,
                   contract_valid_to: date, methods: list[str], regions: list[Region] | None = None,
                   contact: str = "", active: bool = True) -> Carrier:
    """P2.4.c: a carrier under contract, maintained by logistics (P3.5)."""
    _require_manage(actor)
    v = _clean_carrier({"code": code, "name": name, "contract_number": contract_number, "methods": methods,
                        "contact": contact})
    if not v["code"]:
        raise ValidationFailed(_("This field is required."), field="code")
    _check_dates(contract_valid_from, contract_valid_to)
    with transaction.atomic():
        if Carrier.objects.filter(code=v["code"]).exists():
            raise ValidationFailed(_("A carrier with this code exists."), field="code", code="duplicate")
        if Carrier.objects.filter(name=v["name"]).exists():
            raise ValidationFailed(_("A carrier with this name exists."), field="name", code="duplicate")
        carrier = Carrier.objects.create(code=v["code"], name=v["name"], contract_number=v["contract_number"],
                                         contract_valid_from=contract_valid_from,
                                         contract_valid_to=contract_valid_to, methods=v["methods"],
                                         contact=v["contact"], active=active)
        carrier.regions.set(regions or [])
        event_record(actor=actor, action="carrier.created", subject=carrier, clause="P2.4.c",
                     after=_snapshot(carrier))
    return carrier


def carrier_update(*, carrier: Carrier, actor: User, **changes: Any) -> Carrier:
    _require_manage(actor)
    allowed = set(CARRIER_FIELDS) | {"methods", "regions"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))},
                               field=sorted(unknown)[0])
    v = _clean_carrier(changes)
    with transaction.atomic():
        carrier = Carrier.objects.select_for_update().get(pk=carrier.pk)
        before = _snapshot(carrier)
        if "name" in v and Carrier.objects.filter(name=v["name"]).exclude(pk=carrier.pk).exists():
            raise ValidationFailed(_("A carrier with this name exists."), field="name", code="duplicate")
        for f in (*CARRIER_FIELDS, "methods"):
            if f in v:
                setattr(carrier, f, v[f])
        _check_dates(carrier.contract_valid_from, carrier.contract_valid_to)
        carrier.save()
        if "regions" in v:
            carrier.regions.set(v["regions"] or [])
        after = _snapshot(carrier)
        changed = {k: after[k] for k in after if after[k] != before[k]}
        if changed:
            event_record(actor=actor, action="carrier.updated", subject=carrier, clause="P2.4.c",
                         before={k: before[k] for k in changed}, after=changed)
    return carrier


def carrier_secret_generate(*, carrier: Carrier, actor: User) -> str:
    """A new webhook key for the carrier, returned once to be handed to it; the old key stops working. It is
    kept encrypted: the event says that a key was made, never which."""
    _require_manage(actor)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        carrier = Carrier.objects.select_for_update().get(pk=carrier.pk)
        replaced = bool(carrier.webhook_secret)
        try:
            carrier.webhook_secret_seal(secret)
        except SecretUnreadable as e:  # keys that are not Fernet keys: the system check (E003) says so too
            raise Unavailable(_("The key cannot be encrypted: the server's encryption keys are misconfigured "
                                "(%(problem)s).") % {"problem": e}, code="field_keys") from None
        carrier.webhook_secret_set_at = timezone.now()
        carrier.save(update_fields=["webhook_secret", "webhook_secret_set_at"])
        event_record(actor=actor, action="carrier.secret_generated", subject=carrier, clause="P2.4.c",
                     after={"replaced": replaced})
    return secret


# --- shipments ----------------------------------------------------------------------------------

def _quantity(raw: Any, field: str) -> Decimal:
    try:
        q = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("Enter a quantity."), field=field) from None
    if not q.is_finite() or q <= 0:
        raise ValidationFailed(_("The quantity must be greater than zero."), field=field, code="invalid_quantity")
    if q != q.quantize(Decimal("0.001")):
        raise ValidationFailed(_("At most three decimal places."), field=field)
    return q


def _order_locked(order_id: int) -> Order:
    """The order row, locked: every change to what its shipments hold runs one at a time per order (by id:
    a shipment passed in need not have loaded its order first)."""
    return Order.objects.select_for_update(of=("self",)).select_related("delivery_region", "sales_rep",
                                                                        "customer").get(pk=order_id)


def shipment_create(*, order: Order, actor: User, lines: list[dict[str, Any]], method: str,
                    planned_ship_date: date, planned_arrival: date | None = None, carrier: Carrier | None = None,
                    waybill_number: str = "", packages: int = 1, override_reason: str = "",
                    dispatch: bool = False) -> Shipment:
    """P2.4.c 安排发货: a shipment of some lines of an approved order, whole or partial
    (lines = [{"order_line": OrderLine|id, "quantity": Decimal}]). What live shipments hold of a line
    never exceeds its ordered quantity. With `dispatch`, the goods leave at once (shipment_dispatch)."""
    from ordertaking.orders.states import EXECUTION_STATES

    _require_manage(actor)
    if method not in Method.values:
        raise ValidationFailed(_("Choose how the goods travel."), field="method")
    if packages is None or int(packages) < 1:
        raise ValidationFailed(_("At least one package."), field="packages")
    if method != Method.OWN_FLEET and carrier is None:
        raise ValidationFailed(_("Choose the carrier (only the own fleet needs none)."), field="carrier")
    if carrier is not None and method not in carrier.methods:
        raise ValidationFailed(_("%(carrier)s does not offer this method.") % {"carrier": carrier.name},
                               field="method", code="method_not_offered")
    if carrier is not None and not carrier.active:
        raise ValidationFailed(_("This carrier is no longer active."), field="carrier")
    with transaction.atomic():
        order = _order_locked(order.pk)
        if order.state not in EXECUTION_STATES or order.state == "shipped":
            raise InvalidTransition(_("Only an approved order with something left to ship can be shipped."),
                                    field="state", code="invalid_transition")
        transit = order.delivery_region.transit_days if order.delivery_region else 3
        arrival = planned_arrival or (planned_ship_date + timedelta(days=transit))
        if arrival < planned_ship_date:
            raise ValidationFailed(_("The planned arrival cannot be before the ship date."), field="planned_arrival")
        override_reason = (override_reason or "").strip()
        refusals: list[str] = []
        if carrier is not None:
            refusals = selectors.carrier_refusals(carrier, order, timezone.localdate())
            if refusals and not override_reason:
                why = words([selectors.REFUSAL_WORDS[r] for r in refusals])
                raise ValidationFailed(_("%(carrier)s should not carry this: %(why)s. Give a reason to choose it "
                                         "anyway.") % {"carrier": carrier.name, "why": why},
                                       field="override_reason", code="carrier_not_eligible")
        order_lines = {ln.pk: ln for ln in OrderLine.objects.filter(order=order).select_related("product")}
        held = selectors.allocated_quantities(order)
        wanted: list[tuple[OrderLine, Decimal]] = []
        seen: set[int] = set()
        for i, spec in enumerate(lines or []):
            ref = spec.get("order_line")
            raw_id = str(getattr(ref, "pk", ref))
            ln = order_lines.get(int(raw_id)) if raw_id.isdigit() else None
            if ln is None or not selectors.ships(ln):
                raise ValidationFailed(_("That line is not one of this order's lines that ship."),
                                       field=f"lines.{i}.order_line")
            if ln.pk in seen:
                raise ValidationFailed(_("A line appears twice."), field=f"lines.{i}.order_line")
            seen.add(ln.pk)
            q = _quantity(spec.get("quantity"), f"lines.{i}.quantity")
            left = rules.remaining(ln.quantity, held.get(ln.pk))
            if q > left:
                raise ValidationFailed(_("Only %(n)s of line %(line)s remain to ship.")
                                       % {"n": left.normalize(), "line": ln.position},
                                       field=f"lines.{i}.quantity", code="over_shipped")
            wanted.append((ln, q))
        if not wanted:
            raise ValidationFailed(_("Choose at least one line and its quantity."), field="lines",
                                   code="nothing_to_ship")
        n = next_in_series(f"SHP-{order.number}")
        shipment = Shipment.objects.create(
            number=f"SHP-{order.number}-{n:02d}", order=order, carrier=carrier, method=method,
            waybill_number=(waybill_number or "").strip(), packages=int(packages),
            planned_ship_date=planned_ship_date, planned_arrival=arrival,
            carrier_override=override_reason if refusals else "", created_by=actor)
        ShipmentLine.objects.bulk_create([ShipmentLine(shipment=shipment, order_line=ln, quantity=q)
                                          for ln, q in wanted])
        after: dict[str, Any] = {"shipment": shipment.number, "method": method,
                                 "carrier": carrier.name if carrier else "",
                                 "planned_ship_date": planned_ship_date.isoformat(),
                                 "planned_arrival": arrival.isoformat()}
        after.update({f"lines.{ln.position}.quantity": str(q) for ln, q in wanted})
        if refusals:
            after["carrier_warnings"] = refusals
        event_record(actor=actor, action="shipment.planned", subject=order, clause="P2.4.c", after=after,
                     message=override_reason if refusals else "")
        if dispatch:
            shipment = _dispatch(shipment, order, actor, waybill_number=None)
    return shipment


def shipment_dispatch(*, shipment: Shipment, actor: User, waybill_number: str | None = None) -> Shipment:
    """P2.4.c 发运: the goods leave. Refused while production blocks a line (a failed finished-product
    inspection not yet re-inspected, production not finished) or beyond what may ship; the order moves
    to partly shipped or shipped, and its shipping tasks are done once everything has left."""
    _require_manage(actor)
    with transaction.atomic(), progress_batch():  # the shipping task's report and the dispatch's: tracking runs once
        order = _order_locked(shipment.order_id)
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("carrier").get(pk=shipment.pk)
        return _dispatch(shipment, order, actor, waybill_number=waybill_number)


def _dispatch(shipment: Shipment, order: Order, actor: User, *, waybill_number: str | None) -> Shipment:
    shipment.state = SHIPMENT.check(shipment.state, "dispatch")
    if waybill_number is not None and waybill_number.strip():
        shipment.waybill_number = waybill_number.strip()
    if shipment.method != Method.OWN_FLEET and not shipment.waybill_number:
        raise ValidationFailed(_("Enter the carrier's waybill number before dispatch."), field="waybill_number")
    shipped = selectors.shipped_quantities(order)
    shipment_lines = list(shipment.lines.select_related("order_line").order_by("order_line__position"))
    gates = line_gates([sl.order_line for sl in shipment_lines])  # every line's gate at once, not per line
    for sl in shipment_lines:
        line = sl.order_line
        block, shippable = gates[line.pk].block, gates[line.pk].shippable
        if block:  # production's reason names the line already
            raise ValidationFailed(block, field="lines", code="shipping_blocked")
        if (shipped.get(line.pk) or ZERO) + sl.quantity > shippable:
            left = max(shippable - (shipped.get(line.pk) or ZERO), ZERO)
            raise ValidationFailed(_("Only %(n)s of line %(line)s may ship now.")
                                   % {"n": left.normalize(), "line": line.position},
                                   field="lines", code="beyond_shippable")
        shipped[line.pk] = (shipped.get(line.pk) or ZERO) + sl.quantity
    refusal = _dispatch_refusal(shipment)
    if refusal:
        raise ValidationFailed(refusal, field="readiness", code="not_ready")
    shipment.shipped_at = timezone.now()
    shipment.save(update_fields=["state", "waybill_number", "shipped_at"])
    # P2.4.c: one more shipment of its carrier has left. (A damage or loss is recorded only on a shipment
    # that has left — exception_record — so none can be waiting here to count.)
    tally_add(shipment, shipped=1)
    ordered = {ln.pk: ln.quantity or ZERO for ln in OrderLine.objects.filter(order=order).select_related("product")
               if selectors.ships(ln)}
    verb = rules.order_move(ordered, shipped)
    numbers = list(Shipment.objects.filter(order=order, state__in=GONE).order_by("id").values_list("number",
                                                                                                   flat=True))
    order_before = order.state
    order.state = check_move(order.state, verb)
    order.save(update_fields=["state", "updated_at"])
    event_record(actor=actor, action="shipment.dispatched", subject=order, clause=MOVES[verb][2],
                 before={"state": order_before},
                 after={"state": order.state, "shipment": shipment.number, "waybill_number": shipment.waybill_number,
                        "shipment_state": shipment.state})
    _shipping_tasks_follow(order, actor, all_shipped=verb == "ship_all", numbers=numbers)
    order_progress_changed(order=order, actor=actor)
    return shipment


def shipment_cancel(*, shipment: Shipment, actor: User, reason: str) -> Shipment:
    """A planned shipment is called off; its quantities are free to plan again."""
    _require_manage(actor)
    with transaction.atomic():
        order = _order_locked(shipment.order_id)
        return _cancel(shipment, order, actor, reason)


def _cancel(shipment: Shipment, order: Order, actor: User, reason: str) -> Shipment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), field="reason")
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    before = shipment.state
    shipment.state = SHIPMENT.check(shipment.state, "cancel")
    shipment.cancel_reason = reason
    shipment.save(update_fields=["state", "cancel_reason"])
    event_record(actor=actor, action="shipment.cancelled", subject=order, clause=SHIPMENT.clause("cancel"),
                 before={"shipment_state": before}, after={"shipment": shipment.number,
                                                           "shipment_state": shipment.state}, message=reason)
    order_progress_changed(order=order, actor=actor)
    return shipment


def order_shipments_cancel(*, order: Order, actor: User, reason: str) -> list[Shipment]:
    """Every planned (not yet dispatched) shipment of the order is cancelled (amendments, issue 10).
    The caller (cancel or change after approval) holds its own authority; no logistics role needed."""
    with transaction.atomic():
        order = _order_locked(order.pk)
        planned = list(Shipment.objects.filter(order=order, state=Shipment.State.PLANNED).order_by("id"))
        return [_cancel(s, order, actor, reason) for s in planned]


# --- tracking -----------------------------------------------------------------------------------

def tracking_event_record(*, shipment: Shipment, actor: User | None, kind: str, occurred_at: datetime | None = None,
                          place: str = "", note: str = "", source: str = TrackingEvent.Source.PAGE) -> TrackingEvent:
    """P2.4.c 实时跟踪: where the shipment is. A delivered event marks the carrier's delivery (the
    customer's acceptance is P2.5). Events of a shipment not yet dispatched, or cancelled, are refused."""
    if actor is not None:
        _require_manage(actor)
    if kind not in TrackingEvent.Kind.values:
        raise ValidationFailed(_("Choose what happened."), field="kind")
    when = occurred_at or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + timedelta(minutes=10):
        raise ValidationFailed(_("A tracking event cannot be in the future."), field="occurred_at")
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().select_related("order").get(pk=shipment.pk)
        if shipment.state not in GONE:
            raise InvalidTransition(_("Only a dispatched shipment can be tracked."), field="state",
                                    code="invalid_transition")
        event = TrackingEvent.objects.create(shipment=shipment, kind=kind, occurred_at=when,
                                             place=(place or "").strip()[:100], note=(note or "").strip()[:500],
                                             source=source, recorded_by=actor)
        verb = rules.TRACKING_MOVES[kind]
        before = shipment.state
        # A late event never moves a shipment back (an "in transit" after the delivery is kept as history).
        if verb is not None and SHIPMENT.can(shipment.state, verb):
            shipment.state = SHIPMENT.check(shipment.state, verb)
            if verb == "deliver":
                shipment.delivered_at = when
            shipment.save(update_fields=["state", "delivered_at"])
            if verb == "deliver":  # P2.4.c: delivered, on time or late (neither date changes afterwards)
                tally_add(shipment, delivered=1, on_time=int(selectors.on_time(when, shipment.planned_arrival)))
        after: dict[str, Any] = {"shipment": shipment.number, "tracking": kind, "place": event.place,
                                 "occurred_at": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
                                 "source": source}
        if shipment.state != before:
            after["shipment_state"] = shipment.state
        event_record(actor=actor, action="shipment.tracked", subject=shipment.order, clause="P2.4.c",
                     before={"shipment_state": before} if shipment.state != before else None,
                     after=after, message=event.note)
        if shipment.state != before:
            order_progress_changed(order=shipment.order, actor=actor)
    return event


def _attempt(carrier: Carrier | None, code: str, outcome: str, event_id: str, remote: str, detail: str) -> None:
    # Its own transaction: a refused call is logged even though the request fails.
    WebhookAttempt.objects.create(carrier=carrier, carrier_code=code[:60], outcome=outcome,
                                  event_id=event_id[:100], remote_addr=remote[:64], detail=detail[:300])


def _signature_refused() -> NotAuthenticated:
    return NotAuthenticated(_("The signature was not accepted."), code="bad_signature")


def webhook_receive(*, carrier_code: str, timestamp: str, signature: str, body: bytes, payload: dict[str, Any],
                    remote_addr: str = "", now: float | None = None) -> TrackingEvent:
    """A carrier pushes a tracking event (P2.4.c). The call is trusted only when its HMAC-SHA256
    signature over `timestamp + "." + raw body` matches the carrier's secret, the timestamp lies within
    5 minutes, and its event id was never seen before. Every call, accepted or refused, is logged.

    The key is decrypted here, once per call, and nowhere else. A key no configured encryption key opens is the
    server's fault, not the carrier's: the call is answered 503 (Unavailable, so the carrier tries again later,
    once the keys are put right) with the reason in the server's log, and the signature is never checked."""
    now = time.time() if now is None else now
    event_id = str(payload.get("event_id") or "").strip()
    carrier = Carrier.objects.filter(code=carrier_code, active=True).first()

    def refuse(outcome: str, error: DomainError) -> DomainError:
        _attempt(carrier, carrier_code, outcome, event_id, remote_addr, str(error.message))
        return error

    # An unknown carrier code gets the answer a bad signature gets, so a caller cannot learn which codes exist;
    # the log keeps which it was.
    if carrier is None or not carrier.webhook_secret:
        raise refuse(WebhookAttempt.Outcome.UNKNOWN_CARRIER, _signature_refused())
    try:
        secret = carrier.webhook_secret_plain()
    except SecretUnreadable as e:
        logger.error("carrier %s (%s): tracking event refused with 503, its webhook key cannot be decrypted: %s. "
                     "Configure the key it was encrypted with, or generate a new key on the carrier's page and "
                     "hand it to the carrier.", carrier.pk, carrier.code, e)
        raise refuse(WebhookAttempt.Outcome.KEY_UNREADABLE, Unavailable(
            _("The server cannot check signatures now: its copy of the webhook key cannot be decrypted. "
              "Send the event again later."), code="webhook_key_unreadable")) from None
    if not rules.signature_valid(secret, timestamp, body, signature):
        raise refuse(WebhookAttempt.Outcome.BAD_SIGNATURE, _signature_refused())
    if not rules.timestamp_fresh(timestamp, now):
        raise refuse(WebhookAttempt.Outcome.STALE, NotAuthenticated(
            _("The timestamp is more than 5 minutes away from the server's clock."), code="stale_timestamp"))
    if not event_id:
        raise refuse(WebhookAttempt.Outcome.INVALID,
                     ValidationFailed(_("Give the event's id."), field="event_id", code="required"))
    waybill = str(payload.get("waybill_number") or "").strip()
    shipment = Shipment.objects.filter(carrier=carrier, waybill_number=waybill).order_by("-id").first() \
        if waybill else None
    if shipment is None:
        raise refuse(WebhookAttempt.Outcome.INVALID, ValidationFailed(
            _("No shipment of this carrier has this waybill number."), field="waybill_number"))
    occurred = parse_datetime(str(payload.get("occurred_at") or "")) if payload.get("occurred_at") else None
    if payload.get("occurred_at") and occurred is None:
        raise refuse(WebhookAttempt.Outcome.INVALID, ValidationFailed(
            _("Give the time the event occurred as a date and time (ISO 8601)."), field="occurred_at"))
    try:
        with transaction.atomic():
            WebhookNonce.objects.create(carrier=carrier, event_id=event_id[:100])
            event = tracking_event_record(shipment=shipment, actor=None, kind=str(payload.get("kind") or ""),
                                          occurred_at=occurred, place=str(payload.get("place") or ""),
                                          note=str(payload.get("note") or ""), source=TrackingEvent.Source.WEBHOOK)
            _attempt(carrier, carrier_code, WebhookAttempt.Outcome.ACCEPTED, event_id, remote_addr, shipment.number)
    except IntegrityError:
        raise refuse(WebhookAttempt.Outcome.REPLAY, Conflict(_("This event was received before."), code="replay")) \
            from None
    except DomainError as e:
        raise refuse(WebhookAttempt.Outcome.INVALID, e) from None
    return event


# --- exceptions ---------------------------------------------------------------------------------

DEPARTMENTS = [Role.SALES, Role.CUSTOMER_SERVICE, Role.ORDER_CENTER, Role.PRODUCTION, Role.FINANCE,
               Role.LEADERSHIP]


def _departments(values: list[str] | None) -> list[str]:
    wanted = list(dict.fromkeys(values or []))
    known = {str(r) for r in DEPARTMENTS}
    bad = [v for v in wanted if v not in known]
    if bad:
        raise ValidationFailed(_("Unknown department: %(d)s.") % {"d": ", ".join(bad)}, field="told_departments")
    return wanted


def _customer_email(order: Order) -> str:
    """The address of the order's contact at the customer: the contact of that name, else the primary one."""
    contacts = list(order.customer.contacts.exclude(email="").order_by("-is_primary", "id"))
    for c in contacts:
        if order.contact_name and c.name == order.contact_name:
            return str(c.email)
    return str(contacts[0].email) if contacts else ""


def _mail_customer(exc: ShippingException, order: Order, to: str) -> None:
    """The customer's contact learns of the exception: Chinese first, then English; words, not codes."""
    texts = []
    for lang in ("zh-hans", "en"):
        with override(lang):
            kind = str(ShippingException.Kind(exc.kind).label)
            when = (_("New expected arrival: %(d)s.") % {"d": exc.new_arrival.isoformat()}) if exc.new_arrival else ""
            texts.append((_("Shipping exception on order %(order)s: %(kind)s") % {"order": order.number,
                                                                                  "kind": kind},
                          _("Dear %(name)s,\n\nShipment %(shipment)s of your order %(order)s: %(kind)s.\n"
                            "Cause: %(cause)s\nWhat we are doing: %(handling)s\n%(when)s\n\n"
                            "Your sales contact: %(rep)s")
                          % {"name": order.contact_name or order.customer.name, "shipment": exc.shipment.number,
                             "order": order.number, "kind": kind, "cause": exc.cause,
                             "handling": exc.handling or "—", "when": when, "rep": order.sales_rep}))
    subject = f"{texts[0][0]} / {texts[1][0]}"
    body = texts[0][1] + "\n\n-----\n\n" + texts[1][1]
    mail_after_commit(subject=subject, body=body, to=[to])


def exception_record(*, shipment: Shipment, actor: User, kind: str, cause: str, handling: str = "",
                     told_departments: list[str] | None = None, told_contact: str = "",
                     new_arrival: date | None = None) -> ShippingException:
    """P5.2.c 物流风险: a delay, damage or loss with its cause. The sales rep is notified; the
    customer's contact is e-mailed when the customer has an address (recorded as told)."""
    _require_manage(actor)
    if kind not in ShippingException.Kind.values:
        raise ValidationFailed(_("Choose what went wrong."), field="kind")
    cause = (cause or "").strip()
    if not cause:
        raise ValidationFailed(_("Give the cause."), field="cause")
    departments = _departments(told_departments)
    with transaction.atomic():
        order = _order_locked(shipment.order_id)
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.state not in GONE:
            raise InvalidTransition(_("Only a dispatched shipment can have a transport exception."), field="state",
                                    code="invalid_transition")
        if new_arrival is not None and new_arrival < shipment.planned_ship_date:
            raise ValidationFailed(_("The expected arrival cannot be before the ship date."), field="new_arrival")
        # P2.4.c damage rate: a shipment counts once, at its first damage or loss (a second one, or a delay,
        # changes nothing). Asked before this one is written.
        first_damage = kind in selectors.DAMAGE_KINDS and not ShippingException.objects.filter(
            shipment=shipment, kind__in=selectors.DAMAGE_KINDS).exists()
        email = _customer_email(order)
        told = (told_contact or "").strip()
        if email:
            told = "; ".join(t for t in (told, email) if t)
        exc = ShippingException.objects.create(shipment=shipment, order=order, kind=kind, cause=cause,
                                               handling=(handling or "").strip(), told_contact=told[:200],
                                               told_departments=departments, new_arrival=new_arrival,
                                               reported_by=actor)
        if first_damage:
            tally_add(shipment, damaged=1)
        event_record(actor=actor, action="shipping_exception.recorded", subject=order, clause="P5.2.c",
                     after={"shipment": shipment.number, "exception": kind, "told_departments": departments,
                            "told_contact": exc.told_contact,
                            "new_arrival": new_arrival.isoformat() if new_arrival else ""},
                     message=cause)
        if email:
            _mail_customer(exc, order, email)
        _notify_exception(exc, order, actor)
        order_progress_changed(order=order, actor=actor)
    return exc


def exception_handle(*, exception: ShippingException, actor: User, handling: str,
                     told_departments: list[str] | None = None, told_contact: str | None = None) -> ShippingException:
    _require_manage(actor)
    handling = (handling or "").strip()
    if not handling:
        raise ValidationFailed(_("Say how it was handled."), field="handling")
    return _exception_move(exception, actor, "handle", handling=handling, told_departments=told_departments,
                           told_contact=told_contact, action="shipping_exception.handled")


def exception_close(*, exception: ShippingException, actor: User, note: str = "") -> ShippingException:
    _require_manage(actor)
    return _exception_move(exception, actor, "close", handling=(note or "").strip(),
                           action="shipping_exception.closed")


def _exception_move(exception: ShippingException, actor: User, verb: str, *, handling: str, action: str,
                    told_departments: list[str] | None = None, told_contact: str | None = None) -> ShippingException:
    departments = _departments(told_departments) if told_departments is not None else None
    with transaction.atomic():
        order = _order_locked(exception.order_id)
        exc = ShippingException.objects.select_for_update().select_related("shipment").get(pk=exception.pk)
        before = exc.state
        exc.state = EXCEPTION.check(exc.state, verb)
        if handling:
            exc.handling = (exc.handling + "\n" + handling).strip() if verb == "close" else handling
        if departments is not None:
            exc.told_departments = departments
        if told_contact is not None:
            exc.told_contact = told_contact.strip()[:200]
        now = timezone.now()
        if verb == "handle":
            exc.handled_at = now
        else:
            exc.closed_at = now
        exc.save()
        event_record(actor=actor, action=action, subject=order, clause=EXCEPTION.clause(verb),
                     before={"exception_state": before},
                     after={"exception_state": exc.state, "shipment": exc.shipment.number, "exception": exc.kind},
                     message=handling)
        order_progress_changed(order=order, actor=actor)
    return exc
