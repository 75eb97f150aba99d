"""Reads of logistics (P2.4.c, P3.5, P5.2.c), scoped to the user: the logistics department, the order
center, leadership and auditors see every shipment; a sales rep the shipments of the orders they see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Mod
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from ordertaking.common.errors import NotFound
from ordertaking.common.masking import mask_address, mask_name
from ordertaking.common.queues import Queue
from ordertaking.confidentiality.models import Field
from ordertaking.fulfilment.models import Task
from ordertaking.fulfilment.states import LIVE_STATES as TASK_LIVE
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.permissions import may_enter_orders
from ordertaking.orders.selectors import visible_orders

from . import rules
from .models import TALLY_STRIPES, Carrier, CarrierTally, Shipment, ShipmentLine, ShippingException, TrackingEvent
from .states import GONE, LIVE

ZERO = Decimal("0")
S = Shipment.State
DAMAGE_KINDS = (ShippingException.Kind.DAMAGE, ShippingException.Kind.LOSS)


def on_time_floor() -> Decimal:
    """The configured floor of a carrier's on-time rate (settings.LOGISTICS_ON_TIME_FLOOR, 0–1)."""
    return Decimal(str(getattr(settings, "LOGISTICS_ON_TIME_FLOOR", "0.80")))


def may_view(user: Any) -> bool:
    return bool(user.has_perm("accounts.logistics_view") or user.has_perm("accounts.logistics_manage"))


def may_manage(user: Any) -> bool:
    return bool(user.has_perm("accounts.logistics_manage"))


# --- shipments ----------------------------------------------------------------------------------

def shipments_visible(user: Any) -> QuerySet[Shipment]:
    if may_view(user):
        return Shipment.objects.all()
    if may_enter_orders(user):  # sales: the shipments of their own orders
        return Shipment.objects.filter(order__in=visible_orders(user))
    return Shipment.objects.none()


def shipment_for(user: Any, number: str) -> Shipment:
    shipment = (shipments_visible(user).select_related("order", "order__customer", "order__sales_rep", "carrier",
                                                       "order__delivery_region", "created_by")
                .filter(number=(number or "").strip().upper()).first())
    if shipment is None:
        raise NotFound(_("No shipment %(number)s.") % {"number": number}, code="not_found")
    return shipment


def shipment_list(user: Any, *, state: str = "", order: str = "", carrier: str = "") -> QuerySet[Shipment]:
    qs = shipments_visible(user).select_related("order", "carrier")
    if state:
        qs = qs.filter(state=state)
    if order:
        qs = qs.filter(order__number=order.strip().upper())
    if carrier:
        qs = qs.filter(carrier__code=carrier)
    return qs.order_by("-created_at", "-id")


def order_shipments(order: Order) -> list[Shipment]:
    """An order's shipments, newest first, with their lines, carrier and latest tracking event."""
    return list(Shipment.objects.filter(order=order).select_related("carrier")
                .prefetch_related("lines__order_line").order_by("-created_at", "-id"))


def _sum_by_line(order: Order, states: frozenset[str]) -> dict[int, Decimal]:
    rows = (ShipmentLine.objects.filter(shipment__order=order, shipment__state__in=states)
            .values("order_line").annotate(q=Sum("quantity")).values_list("order_line", "q"))
    return {line: q or ZERO for line, q in rows}


def allocated_quantities(order: Order) -> dict[int, Decimal]:
    """Per order line: what live (not cancelled) shipments hold, planned ones included."""
    return _sum_by_line(order, LIVE)


def shipped_quantities(order: Order) -> dict[int, Decimal]:
    """Per order line id: what has left (dispatched, in transit or delivered) — the contract of issue 10."""
    return _sum_by_line(order, GONE)


def ships(line: OrderLine) -> bool:
    """A line that travels: a product or a custom item, not a service (P2.4.c)."""
    product = line.product
    return product is None or product.kind != "service"


@dataclass
class LineRow:
    line: OrderLine
    allocated: Decimal
    shipped: Decimal

    @property
    def remaining(self) -> Decimal:
        return rules.remaining(self.line.quantity, self.allocated)


def order_line_rows(order: Order) -> list[LineRow]:
    """The order's lines that ship, with what live shipments hold and what has left."""
    allocated, shipped = allocated_quantities(order), shipped_quantities(order)
    lines = OrderLine.objects.filter(order=order).select_related("product").order_by("position")
    return [LineRow(ln, allocated.get(ln.pk, ZERO), shipped.get(ln.pk, ZERO)) for ln in lines if ships(ln)]


def open_exceptions(order: Order) -> list[ShippingException]:
    """The order's shipping exceptions not yet closed (open or handled), for tracking's risk flags."""
    return list(ShippingException.objects.filter(order=order).exclude(state=ShippingException.State.CLOSED)
                .select_related("shipment").order_by("-created_at", "-id"))


def shipment_events(shipment: Shipment, *, contact_visible: bool = True) -> list[TrackingEvent]:
    """The tracking events, newest first; for a reader who may not see the delivery contact, the signed-for
    event's place (the door) and note (who signed) masked (P4.1.c)."""
    events = list(TrackingEvent.objects.filter(shipment=shipment).select_related("recorded_by")
                  .order_by("-occurred_at", "-id"))
    if not contact_visible:
        for ev in events:
            tracking_mask(ev)
    return events


def tracking_mask(ev: TrackingEvent) -> TrackingEvent:
    """P4.1.c: the signed-for event names the delivery address and the person who signed: masked (in memory)."""
    if ev.kind == TrackingEvent.Kind.DELIVERED:
        ev.place = mask_address(ev.place)
        ev.note = mask_name(ev.note)
    return ev


def exceptions_visible(user: Any) -> QuerySet[ShippingException]:
    qs = ShippingException.objects.select_related("shipment", "order", "order__customer")
    if may_view(user):
        return qs
    if may_enter_orders(user):
        return qs.filter(order__in=visible_orders(user))
    return qs.none()


def exception_for(user: Any, pk: int) -> ShippingException:
    exc = exceptions_visible(user).filter(pk=pk).first()
    if exc is None:
        raise NotFound(_("No such shipping exception."), code="not_found")
    return exc


# --- carriers -----------------------------------------------------------------------------------

TALLY_COUNTS = ("n_delivered", "n_on_time", "n_shipped", "n_damaged")


def carriers_rated() -> QuerySet[Carrier]:
    """Carriers with their record's counts in the same query (no N+1 on the list), summed over their few
    tally rows (models.CarrierTally, kept by the services): `n_delivered`, `n_on_time` (delivered by the
    planned arrival), `n_shipped` (dispatched or later), `n_damaged` (shipments with a damage or loss
    exception). Reading them costs the same after a million shipments as after one."""
    return Carrier.objects.annotate(**{n: Coalesce(Sum(f"tallies__{n}"), 0) for n in TALLY_COUNTS}
                                    ).prefetch_related("regions")


def carrier_counts(carrier_id: int) -> dict[str, int]:
    """One carrier's four counts: one statement over its tally rows (at most TALLY_STRIPES)."""
    sums = CarrierTally.objects.filter(carrier_id=carrier_id).aggregate(**{n: Sum(n) for n in TALLY_COUNTS})
    return {n: int(sums[n] or 0) for n in TALLY_COUNTS}


def on_time(delivered_at: datetime, planned_arrival: date) -> bool:
    """P2.4.c: delivered by the planned arrival — the delivery's day in the company's time zone
    (settings.TIME_ZONE, whatever the reader's) on or before the planned arrival day."""
    return timezone.localtime(delivered_at, timezone.get_default_timezone()).date() <= planned_arrival


def carrier_counts_recounted() -> dict[tuple[int, int], dict[str, int]]:
    """The four counts counted from the record itself, per carrier and tally stripe (shipment id %
    TALLY_STRIPES): what the tallies must hold. One grouped query over every shipment with a carrier — for
    rebuilding after a bulk load and for the daily check (services.carrier_tallies_rebuild / _check),
    never on a request's path. The day of a delivery is the company's (as `on_time`)."""
    delivered = Q(state=S.DELIVERED)
    qs = (Shipment.objects.filter(carrier__isnull=False).annotate(stripe=Mod("id", TALLY_STRIPES))
          .values("carrier_id", "stripe").annotate(
              n_delivered=Count("id", filter=delivered, distinct=True),
              n_on_time=Count("id", distinct=True, filter=delivered & Q(delivered_at__date__lte=F("planned_arrival"))),
              n_shipped=Count("id", filter=Q(state__in=GONE), distinct=True),
              n_damaged=Count("id", distinct=True, filter=Q(state__in=GONE) & Q(exceptions__kind__in=DAMAGE_KINDS)))
          .order_by())
    with timezone.override(timezone.get_default_timezone()):  # `__date` takes the active zone when it runs
        rows: list[Any] = list(qs)
    return {(r["carrier_id"], int(r["stripe"])): {n: r[n] for n in TALLY_COUNTS} for r in rows}


def carrier_tally_drift(counted: dict[tuple[int, int], dict[str, int]] | None = None) -> list[dict[str, Any]]:
    """The carriers whose tallies (summed) differ from their recounted record (`counted`, else counted
    now): empty when they agree."""
    sums: Any = CarrierTally.objects.values("carrier_id").annotate(**{n: Sum(n) for n in TALLY_COUNTS}).order_by()
    tallied = {r["carrier_id"]: {n: r[n] for n in TALLY_COUNTS} for r in sums}
    summed: dict[int, dict[str, int]] = {}
    for (carrier_id, _stripe), counts in (carrier_counts_recounted() if counted is None else counted).items():
        c = summed.setdefault(carrier_id, dict.fromkeys(TALLY_COUNTS, 0))
        for n in TALLY_COUNTS:
            c[n] += counts[n]
    zero = dict.fromkeys(TALLY_COUNTS, 0)
    return [{"carrier_id": cid, "tallied": tallied.get(cid, zero), "recounted": summed.get(cid, zero)}
            for cid in sorted(set(tallied) | set(summed)) if tallied.get(cid, zero) != summed.get(cid, zero)]


@dataclass
class Rating:
    delivered: int
    on_time: int
    shipped: int
    damaged: int
    on_time_rate: Decimal | None
    damage_rate: Decimal | None
    floor: Decimal

    @property
    def below_floor(self) -> bool:
        return self.on_time_rate is not None and self.on_time_rate < self.floor


def rating_of(carrier: Carrier) -> Rating:
    """P2.4.c: on-time rate = delivered by the planned arrival / delivered; damage rate = shipments with
    a damage or loss exception / shipments dispatched. Counted from the record: the services keep the
    counts as the record changes (CarrierTally); the rates are never stored."""
    c: Any = carrier
    n = {k: getattr(c, k) for k in TALLY_COUNTS} if hasattr(c, "n_delivered") else carrier_counts(c.pk)
    return Rating(delivered=n["n_delivered"], on_time=n["n_on_time"], shipped=n["n_shipped"],
                  damaged=n["n_damaged"], on_time_rate=rules.rate(n["n_on_time"], n["n_delivered"]),
                  damage_rate=rules.rate(n["n_damaged"], n["n_shipped"]), floor=on_time_floor())


def carrier_for(user: Any, code: str) -> Carrier:
    if not may_view(user):
        raise NotFound(_("No carrier %(code)s.") % {"code": code}, code="not_found")
    carrier = carriers_rated().filter(code=code).first()
    if carrier is None:
        raise NotFound(_("No carrier %(code)s.") % {"code": code}, code="not_found")
    return carrier


def carrier_refusals(carrier: Carrier, order: Order, today: date) -> list[str]:
    """Why this carrier should not be chosen for this order today (rules.carrier_refusals)."""
    region_ids = {r.pk for r in carrier.regions.all()}
    serves = order.delivery_region_id is None or order.delivery_region_id in region_ids
    return rules.carrier_refusals(valid_from=carrier.contract_valid_from, valid_to=carrier.contract_valid_to,
                                  today=today, on_time_rate=rating_of(carrier).on_time_rate,
                                  floor=on_time_floor(), serves_region=serves)


REFUSAL_WORDS = {
    "contract_not_started": _("its contract is not yet in force"),
    "contract_expired": _("its contract has expired"),
    "rating_below_floor": _("its on-time rate is below the floor"),
    "region_not_served": _("it does not serve the delivery province"),
}


# --- the board and the home page ----------------------------------------------------------------

def board(user: Any, *, today: date) -> dict[str, Any]:
    """The logistics board (P3.5): shipments to plan and dispatch, in transit, exceptions open."""
    base = shipments_visible(user).select_related("order", "order__customer", "carrier")
    return {
        "planned": list(base.filter(state=S.PLANNED).order_by("planned_ship_date", "id")[:100]),
        "moving": list(base.filter(state__in=(S.DISPATCHED, S.IN_TRANSIT)).order_by("planned_arrival", "id")[:100]),
        "exceptions": list(exceptions_visible(user).exclude(state=ShippingException.State.CLOSED)
                           .order_by("-created_at", "-id")[:100]),
        "to_plan": orders_to_plan(user, today=today),
    }


def orders_to_plan(user: Any, *, today: date) -> list[Any]:
    """The shipping tasks due (fulfilment, P2.4.a) whose order still has something to plan, the
    earliest due date first: each with its `order` (and customer) and `due_date`."""
    if not may_view(user):
        return []
    from ordertaking.orders.states import EXECUTION_STATES

    # An order sent back through review by a change (amendments) keeps its task but cannot ship now.
    tasks = list(Task.objects.filter(kind=Task.Kind.SHIPPING, state__in=TASK_LIVE,
                                     order__state__in=EXECUTION_STATES - {"shipped"})
                 .select_related("order", "order__customer", "assignee").order_by("due_date", "id")[:300])
    lines = (OrderLine.objects.filter(order__in={t.order_id for t in tasks}).exclude(product__kind="service")
             .annotate(held=Coalesce(Sum("shipment_lines__quantity",
                                         filter=Q(shipment_lines__shipment__state__in=LIVE)), Value(ZERO)))
             .values_list("order_id", "quantity", "held"))
    waiting = {order_id for order_id, qty, held in lines if (qty or ZERO) > held}
    return [t for t in tasks if t.order_id in waiting][:100]


@dataclass
class QueueItem:
    url: str
    label: str
    meta: str
    is_order: bool = False


def home_queues(user: Any) -> list[Queue]:
    """Logistics' card on the home page: shipments planned and not yet dispatched, exceptions open."""
    if not may_manage(user):
        return []
    planned = Shipment.objects.filter(state=S.PLANNED).select_related("order").order_by("planned_ship_date", "id")
    exceptions = ShippingException.objects.exclude(state=ShippingException.State.CLOSED).select_related(
        "shipment").order_by("-created_at", "-id")
    return [
        Queue("logistics_planned", _("Shipments to dispatch"), planned.count(),
              [QueueItem(reverse("logistics:shipment", args=[s.number]), s.number,
                         f"{s.order.number} · {s.planned_ship_date.isoformat()}") for s in planned[:5]],
              url=reverse("logistics:board"), empty_text=_("No shipment waits for dispatch.")),
        Queue("logistics_exceptions", _("Open shipping exceptions"), exceptions.count(),
              [QueueItem(reverse("logistics:shipment", args=[e.shipment.number]), e.shipment.number,
                         str(e.get_kind_display())) for e in exceptions[:5]],
              url=reverse("logistics:board"), empty_text=_("No open shipping exception.")),
    ]


# --- the duty handed down to confidentiality (LogisticsConfig.ready) -------------------------------------

HANDLING_SHIPMENT = gettext_lazy("logistics handling a shipment to the customer")


def delivery_duty_scope(user: Any) -> set[int]:
    """The customers with a shipment under way (planned, dispatched, in transit), for logistics users."""
    if not user.has_perm("accounts.logistics_manage"):
        return set()
    return set(Shipment.objects.filter(state__in=(Shipment.State.PLANNED, Shipment.State.DISPATCHED,
                                                  Shipment.State.IN_TRANSIT)).values_list(
        "order__customer_id", flat=True).distinct())


def delivery_duty(user: Any, customer: Any, field: str) -> Any:
    """P4.1.c: logistics sees the delivery contact (name, phone) and address of a shipment it handles."""
    if field not in (Field.CONTACT_NAME, Field.PHONE, Field.ADDRESS):
        return None
    return HANDLING_SHIPMENT if customer.pk in delivery_duty_scope(user) else None
