"""Reads of production and quality records scoped to a user (P2.4.b, P3.4, P5.2.b), and what the
apps above read: logistics the shipping block, tracking the forecast finish and the open failures.

Who sees what: holders of `production_view` (production, the order center, leadership, auditors,
logistics) see every production order; a sales rep only those of the orders they may see (P3.4
progress reports *to sales*). Anyone else gets NotFound, never a hint that the record exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.permissions import may_view_all
from ordertaking.orders.selectors import visible_orders

from . import rules
from .models import InspectionAttachment, ProductionOrder, ProgressReport, QualityInspection, Rework, Workshop

PO = ProductionOrder.State
QI = QualityInspection
ZERO = Decimal("0")


def may_view(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.production_view"))


def may_manage(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.production_manage"))


def may_inspect(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.quality_inspect"))


def open_failures() -> QuerySet[QualityInspection]:
    """Failed inspections not followed by a re-inspection: each is the end of its chain (a failed
    re-inspection is itself an open failure), so "resolved" means a later inspection that passed."""
    return QualityInspection.objects.filter(result=QI.Result.FAIL, reinspection__isnull=True)


def _with_flags(qs: QuerySet[ProductionOrder]) -> QuerySet[ProductionOrder]:
    failed = open_failures().filter(production_order=OuterRef("pk"))
    return qs.annotate(has_open_failure=Exists(failed))


def production_orders_visible(user: Any) -> QuerySet[ProductionOrder]:
    if not may_view(user):
        return ProductionOrder.objects.none()
    qs = ProductionOrder.objects.all()
    if not may_view_all(user):
        qs = qs.filter(order_id__in=visible_orders(user).values("pk"))
    return qs


def production_order_list(*, user: Any, state: str = "", workshop: int | None = None, q: str = "",
                          overdue: bool = False, today: date | None = None) -> QuerySet[ProductionOrder]:
    today = today or timezone.localdate()
    qs = _with_flags(production_orders_visible(user)).select_related("order", "line", "workshop")
    if state:
        qs = qs.filter(state=state)
    if workshop:
        qs = qs.filter(workshop_id=workshop)
    q = (q or "").strip().upper()
    if q:
        qs = qs.filter(number__startswith=q) if q.startswith("PO") else qs.filter(order__number__contains=q)
    if overdue:
        qs = qs.filter(state__in=[PO.PLANNED, PO.IN_PROGRESS], planned_finish__lt=today)
    return qs.order_by("planned_finish", "id")


def production_order_get(*, user: Any, number: str) -> ProductionOrder:
    po = (_with_flags(production_orders_visible(user))
          .select_related("order", "order__customer", "order__sales_rep", "line", "workshop")
          .filter(number=(number or "").strip().upper()).first())
    if po is None:
        raise NotFound(_("No production order %(number)s.") % {"number": number})
    return po


def is_overdue(po: ProductionOrder, today: date) -> bool:
    """Late against plan: not finished after its planned finish, or not started after its planned start."""
    if po.state == PO.IN_PROGRESS:
        return po.planned_finish < today
    if po.state == PO.PLANNED:
        return po.planned_start < today
    return False


BOARD_COLUMNS = (PO.PLANNED, PO.IN_PROGRESS, PO.FINISHED)
FINISHED_SHOWN_DAYS = 14


def board(*, user: Any, workshop: int | None = None, today: date | None = None) -> dict[str, Any]:
    """The shop floor's board (P2.4.b): planned and in-production orders, and those finished in the
    last two weeks, each with its progress and whether it is late. Three queries whatever the count."""
    today = today or timezone.localdate()
    qs = production_order_list(user=user, workshop=workshop, today=today)
    since = timezone.now() - timedelta(days=FINISHED_SHOWN_DAYS)
    active = list(qs.filter(state__in=[PO.PLANNED, PO.IN_PROGRESS]))
    finished = list(qs.filter(state=PO.FINISHED, finished_at__gte=since).order_by("-finished_at")[:30])
    columns: dict[str, list[ProductionOrder]] = {s: [] for s in BOARD_COLUMNS}
    for po in [*active, *finished]:
        po.overdue = is_overdue(po, today)  # type: ignore[attr-defined]
        columns[po.state].append(po)
    return {"columns": [(PO(s), columns[s]) for s in BOARD_COLUMNS], "today": today,
            "overdue_count": len([po for po in active if po.overdue]),  # type: ignore[attr-defined]
            "workshops": list(Workshop.objects.filter(active=True))}


def progress_reports(po: ProductionOrder) -> list[ProgressReport]:
    return list(po.reports.select_related("reporter"))


def po_inspections(po: ProductionOrder) -> list[QualityInspection]:
    return list(po.inspections.select_related("inspector", "reinspection_of")
                .prefetch_related("reworks", "attachments").order_by("inspected_at", "id"))


# --- inspections -------------------------------------------------------------------------------------

def inspections_visible(user: Any) -> QuerySet[QualityInspection]:
    if not may_view(user):
        return QualityInspection.objects.none()
    qs = QualityInspection.objects.all()
    if not may_view_all(user):
        qs = qs.filter(order_id__in=visible_orders(user).values("pk"))
    return qs


def inspection_list(*, user: Any, checkpoint: str = "", result: str = "", open_only: bool = False,
                    q: str = "", production_order: str = "") -> QuerySet[QualityInspection]:
    qs = inspections_visible(user).select_related("production_order", "order", "inspector")
    if checkpoint:
        qs = qs.filter(checkpoint=checkpoint)
    if result:
        qs = qs.filter(result=result)
    if open_only:
        qs = qs.filter(result=QI.Result.FAIL, reinspection__isnull=True)
    if production_order:
        qs = qs.filter(production_order__number=production_order.strip().upper())
    q = (q or "").strip().upper()
    if q:
        qs = qs.filter(number__startswith=q) if q.startswith("QC") else qs.filter(order__number__contains=q)
    return qs.order_by("-inspected_at", "-id")


def inspection_get(*, user: Any, pk: int) -> QualityInspection:
    qi = (inspections_visible(user)
          .select_related("production_order", "production_order__line", "production_order__workshop", "order",
                          "order__customer", "inspector", "reinspection_of", "reinspection")
          .prefetch_related(Prefetch("attachments", queryset=InspectionAttachment.objects.order_by("id")),
                            Prefetch("reworks", queryset=Rework.objects.select_related("recorded_by")))
          .filter(pk=pk).first())
    if qi is None:
        raise NotFound(_("No such quality inspection."))
    return qi


def attachment_get(*, user: Any, pk: int) -> InspectionAttachment:
    att = InspectionAttachment.objects.filter(pk=pk, inspection__in=inspections_visible(user)).first()
    if att is None:
        raise NotFound(_("No such attachment."))
    return att


# --- what the order page shows, and what logistics and tracking read ---------------------------------

def order_production(order: Order) -> list[ProductionOrder]:
    """The order's production orders with their last report, for the order page's Production card."""
    last = Prefetch("reports", queryset=ProgressReport.objects.select_related("reporter"))
    return list(_with_flags(ProductionOrder.objects.filter(order=order)).select_related("line", "workshop")
                .prefetch_related(last).order_by("line_position", "id"))


@dataclass(frozen=True)
class LineGate:
    """What production says of one order line: why its goods cannot ship yet (None: they can), how much
    of it may ship in all, and (when asked for) the passing finished-product inspections."""

    block: str | None
    shippable: Decimal
    passed: list[str] | None = None


def line_gates(order_lines: Iterable[OrderLine], *, with_passed: bool = False) -> dict[int, LineGate]:
    """`LineGate` per order line id, for a set of lines read at once (two or three statements whatever the
    number of lines: dispatch and the readiness checklist ask for every line of a shipment)."""
    lines = list(order_lines)
    if not lines:
        return {}
    by_line: dict[tuple[int, int], list[ProductionOrder]] = {}
    for po in (ProductionOrder.objects.filter(order_id__in={ln.order_id for ln in lines},
                                              line_position__in={ln.position for ln in lines}).order_by("id")):
        by_line.setdefault((po.order_id, po.line_position), []).append(po)
    live_ids = [po.pk for pos in by_line.values() for po in pos if po.state != PO.CANCELLED]
    failed: dict[int, QualityInspection] = {}  # production order id -> its first open failure
    passed: dict[int, list[str]] = {}
    if live_ids:
        for qi in (open_failures().filter(production_order_id__in=live_ids, checkpoint=QI.Checkpoint.FINISHED)
                   .prefetch_related("reworks").order_by("id")):
            failed.setdefault(qi.production_order_id, qi)
        if with_passed:
            for po_id, number in (QualityInspection.objects
                                  .filter(production_order_id__in=live_ids, result=QI.Result.PASS,
                                          checkpoint=QI.Checkpoint.FINISHED)
                                  .order_by("inspected_at", "id").values_list("production_order_id", "number")):
                passed.setdefault(po_id, []).append(number)
    return {ln.pk: _gate(ln, by_line.get((ln.order_id, ln.position), []), failed, passed, with_passed)
            for ln in lines}


def _gate(line: OrderLine, orders: list[ProductionOrder], failed: dict[int, QualityInspection],
          passed: dict[int, list[str]], with_passed: bool) -> LineGate:
    live = [po for po in orders if po.state != PO.CANCELLED]
    numbers: list[str] | None = None
    if with_passed and live:  # None when production makes nothing of the line; [] while a live one has no pass
        got = [passed.get(po.pk, []) for po in live]
        numbers = [n for ns in got for n in ns] if all(got) else []
    block = _block(line, orders, live, failed)
    if block is not None:
        return LineGate(block, ZERO, numbers)
    produced = [po for po in orders if po.state == PO.FINISHED]
    shippable = sum((po.quantity for po in produced), ZERO) if produced else (line.quantity or ZERO)
    return LineGate(None, shippable, numbers)


def _block(line: OrderLine, orders: list[ProductionOrder], live: list[ProductionOrder],
           failed: dict[int, QualityInspection]) -> str | None:
    if not orders:
        return None
    if not live:
        return _("Line %(line)s: its production was cancelled.") % {"line": line.position}
    for po in live:
        if po.state != PO.FINISHED:
            return (_("Line %(line)s: production order %(po)s is not finished (%(percent)s%%).")
                    % {"line": line.position, "po": po.number, "percent": po.percent})
    failures = [failed[po.pk] for po in live if po.pk in failed]
    if failures:
        first = min(failures, key=lambda qi: qi.pk)
        if first.reworks.all():
            return (_("Line %(line)s: rework after the failed inspection %(qi)s is recorded; shipping waits "
                      "for a passing re-inspection.") % {"line": line.position, "qi": first.number})
        return (_("Line %(line)s: the finished product inspection %(qi)s failed; shipping waits for rework "
                  "and a passing re-inspection.") % {"line": line.position, "qi": first.number})
    return None


def shipping_block(order_line: OrderLine) -> str | None:
    """Why the goods of this line cannot ship yet (P5.2.b, P2.4.b), or None when they can: its production
    is not finished, or a finished-product inspection failed and is not yet followed by rework and a
    passing re-inspection. A line produced by nobody (no production order) is not blocked here."""
    return line_gates([order_line])[order_line.pk].block


def finished_inspections_passed(order_line: OrderLine) -> list[str] | None:
    """The report numbers of the passing finished-product inspections of the line (P5.2.b), read by
    the delivery readiness checklist (P2.5.a): None when production makes nothing of the line (stock,
    services); an empty list when a live production order of it has no passing one yet."""
    return line_gates([order_line], with_passed=True)[order_line.pk].passed


def shippable_quantity(order_line: OrderLine) -> Decimal:
    """How much of the line may ship (before what was shipped already): none while `shipping_block`
    gives a reason; the produced quantity once production is through; the line's quantity when the
    line is not produced (a stock item, a service)."""
    return line_gates([order_line])[order_line.pk].shippable


def produced_quantities(order: Order) -> dict[int, Decimal]:
    """Line id → quantity produced (finished production orders), for what a change or a cancellation
    must keep (amendments). Matched to the order's current lines by position (a change rewrites lines)."""
    by_position: dict[int, Decimal] = {}
    for position, quantity in (ProductionOrder.objects.filter(order=order, state=PO.FINISHED)
                               .values_list("line_position", "quantity")):
        by_position[position] = by_position.get(position, ZERO) + quantity
    return {ln.pk: by_position[ln.position] for ln in OrderLine.objects.filter(order=order)
            if ln.position in by_position}


def order_production_forecast(order: Order, *, today: date | None = None) -> date | None:
    """When the order's production will be through (P3.4, read by tracking for P2.4.d): the latest
    forecast finish of its production orders (rules.forecast_finish), None when it has none."""
    return latest_forecast(ProductionOrder.objects.filter(order=order).exclude(state=PO.CANCELLED),
                           today=today or timezone.localdate())


def latest_forecast(production_orders: Iterable[ProductionOrder], *, today: date) -> date | None:
    """The latest forecast finish of these (live) production orders, None for none."""
    return max((forecast_for(po, today=today) for po in production_orders), default=None)


def forecast_for(po: ProductionOrder, *, today: date) -> date:
    return rules.forecast_finish(
        planned_finish=po.planned_finish, today=today, percent=po.percent,
        started_on=timezone.localdate(po.started_at) if po.started_at else None,
        finished_on=timezone.localdate(po.finished_at) if po.finished_at else None)


def failed_inspections_open(order: Order) -> list[QualityInspection]:
    """The order's failed inspections (any checkpoint) not yet followed by a re-inspection (P5.2.b)."""
    return list(open_failures().filter(order=order).select_related("production_order").order_by("inspected_at"))


# --- home page --------------------------------------------------------------------------------------

def home_queues(user: Any) -> list[Queue]:
    """Production's cards: production orders late against plan; failed inspections waiting for rework
    and re-inspection (P5.2.b)."""
    if not (may_manage(user) or may_inspect(user)):
        return []
    today = timezone.localdate()
    late = production_order_list(user=user, overdue=True, today=today)
    late_items = [{"label": po.number, "url": reverse("production:detail", args=[po.number]), "is_order": False,
                   "meta": _("due %(day)s · %(p)s%%") % {"day": po.planned_finish.isoformat(), "p": po.percent}}
                  for po in late[:5]]
    failures = (open_failures().filter(order_id__in=production_orders_visible(user).values("order_id"))
                .select_related("production_order").order_by("inspected_at"))
    fail_items = [{"label": f.number, "url": reverse("production:inspection", args=[f.pk]), "is_order": False,
                   "meta": f.production_order.number} for f in failures[:5]]
    return [
        Queue(key="production_late", title=_("Production late against plan"), count=late.count(),
              items=late_items, url=reverse("production:board"), empty_text=_("Every production order is on plan.")),
        Queue(key="inspections_failed", title=_("Failed inspections to resolve"), count=failures.count(),
              items=fail_items, url=reverse("production:inspections") + "?open=1",
              empty_text=_("No failed inspection is waiting.")),
    ]
