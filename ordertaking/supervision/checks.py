"""The automatic process-compliance checks of sampled orders (P6.1.a): reads the facts of many orders in a
fixed number of queries, whatever their number (no query per order), and runs the pure rules of
`rules.py` over them.

    order_checks([order.pk, ...]) -> {order_id: [CheckResult, ...]}   # in CHECKS' order

The facts: the order's audit trail (who did which step, when; the hash chain), its submitted revisions,
special approvals, credit holds, cancellation requests, compensations, tasks, production orders, quality
inspections, shipments with their readiness checklist and delivery voucher, invoices, and the actors'
roles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from ordertaking.amendments.models import CancelRequest
from ordertaking.audit.chain import stream_of
from ordertaking.audit.models import AuditEvent, StreamHead
from ordertaking.common.links import order_url
from ordertaking.common.masking import mask_name
from ordertaking.credit.models import CreditHold
from ordertaking.deliveries.models import Compensation
from ordertaking.finance.models import Invoice
from ordertaking.fulfilment.models import Task
from ordertaking.logistics.models import Shipment, ShipmentLine
from ordertaking.orders.models import Order, OrderRevision
from ordertaking.orders.rules import LineFacts as OrderLineFacts
from ordertaking.production.models import ProductionOrder, QualityInspection
from ordertaking.review.models import SpecialApproval

from . import rules
from .rules import (
    CheckResult,
    DecisionFact,
    EventFact,
    HoldFact,
    InspectionFact,
    OrderCheckFacts,
    PersonFact,
    ProductionFact,
    RevisionFact,
    ShipmentFact,
    SpecialFact,
    TaskFact,
)

ORDER_SUBJECT = "orders.order"
USER_SUBJECT = "accounts.user"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def revision_facts(snapshot: dict[str, Any]) -> rules.OrderCompletenessFacts:
    """A revision's snapshot (orders.services.order_snapshot) as the completeness rule's facts (P2.2.a).
    The snapshot names the province and the payment method in words: present or not is what counts."""
    header = snapshot.get("header") or {}
    lines = [OrderLineFacts(position=int(ln.get("position") or 0), product_id=ln.get("product_id"),
                            name=str(ln.get("name") or ""), description=str(ln.get("description") or ""),
                            unit=str(ln.get("unit") or ""), quantity=_decimal(ln.get("quantity")),
                            unit_price=_decimal(ln.get("unit_price")))
             for ln in snapshot.get("lines") or []]
    return rules.OrderCompletenessFacts(
        customer_id=header.get("customer_id") or (1 if header.get("customer") else None),
        delivery_date=_date(header.get("delivery_date")),
        delivery_region_id=1 if header.get("delivery_region") else None,
        delivery_address=str(header.get("delivery_address") or ""),
        payment_method_id=1 if header.get("payment_method") else None,
        lines=lines)


def order_facts(order_ids: Sequence[int], *, today: date | None = None) -> dict[int, OrderCheckFacts]:
    """The facts of every check for each order, in a fixed number of queries."""
    ids = sorted({int(i) for i in order_ids})
    if not ids:
        return {}
    today = today or timezone.localdate()
    orders = list(Order.objects.filter(pk__in=ids).values("id", "number", "state", "entered_by_id", "sales_rep_id"))
    if not orders:
        return {}
    ids = [o["id"] for o in orders]
    keys = [str(i) for i in ids]
    by_order: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    people: set[int] = set()

    for ev in AuditEvent.objects.filter(subject_type=ORDER_SUBJECT, subject_id__in=keys).order_by(
            "subject_id", "seq", "id"):
        recomputed, in_stream = rules.event_fingerprint(ev)
        by_order["events"][int(ev.subject_id)].append(EventFact(
            seq=ev.seq, action=ev.action, at=ev.at, actor_id=ev.actor_id, actor_name=ev.actor_name,
            after=ev.after if isinstance(ev.after, dict) else {}, prev_hash=ev.prev_hash, hash=ev.hash,
            recomputed=recomputed, in_stream=in_stream))
        if ev.actor_id:
            people.add(ev.actor_id)
    streams = {stream_of(ORDER_SUBJECT, k): int(k) for k in keys}
    heads = {streams[h.stream]: (h.seq, h.hash, h.sealed_seq, h.sealed_hash)
             for h in StreamHead.objects.filter(stream__in=list(streams))}

    for rev in OrderRevision.objects.filter(order_id__in=ids).order_by("order_id", "revision"):
        by_order["revisions"][rev.order_id].append(RevisionFact(rev.revision, rev.created_at,
                                                                revision_facts(rev.snapshot or {})))
    for sa in SpecialApproval.objects.filter(order_id__in=ids).order_by("requested_at", "id"):
        by_order["specials"][sa.order_id].append(SpecialFact(sa.requested_by_id, sa.requested_at, sa.decided_by_id,
                                                             "", sa.decided_at, sa.state))
        people.update(p for p in (sa.requested_by_id, sa.decided_by_id) if p)
    for hold in CreditHold.objects.filter(order_id__in=ids, released_by__isnull=False).order_by("created_at", "id"):
        by_order["holds"][hold.order_id].append(HoldFact(hold.released_by_id, "", hold.released_at))
        people.add(hold.released_by_id or 0)
    for cr in CancelRequest.objects.filter(order_id__in=ids, decided_by__isnull=False).order_by("requested_at", "id"):
        by_order["decisions"][cr.order_id].append(DecisionFact("cancel", cr.requested_by_id, cr.decided_by_id, "",
                                                               cr.decided_at))
        people.add(cr.decided_by_id or 0)
    for comp in Compensation.objects.filter(order_id__in=ids, decided_by__isnull=False).order_by("requested_at", "id"):
        by_order["decisions"][comp.order_id].append(DecisionFact("compensation", comp.requested_by_id,
                                                                 comp.decided_by_id, "", comp.decided_at))
        people.add(comp.decided_by_id or 0)
    for t in Task.objects.filter(order_id__in=ids).order_by("due_date", "id").values(
            "order_id", "kind", "state", "due_date", "done_at", "line_position"):
        by_order["tasks"][t["order_id"]].append(TaskFact(t["kind"], t["state"], t["due_date"], t["done_at"],
                                                         t["line_position"]))
    for po in ProductionOrder.objects.filter(order_id__in=ids).order_by("id").values(
            "order_id", "line_position", "state", "finished_at"):
        by_order["production"][po["order_id"]].append(ProductionFact(po["line_position"], po["state"],
                                                                     po["finished_at"]))
    for qi in QualityInspection.objects.filter(order_id__in=ids).order_by("inspected_at", "id").values(
            "order_id", "production_order__line_position", "checkpoint", "result", "inspected_at", "number"):
        by_order["inspections"][qi["order_id"]].append(InspectionFact(
            qi["production_order__line_position"], qi["checkpoint"], qi["result"], qi["inspected_at"], qi["number"]))
    shipment_lines: dict[int, list[int]] = defaultdict(list)
    for shipment_id, position in ShipmentLine.objects.filter(shipment__order_id__in=ids).order_by(
            "order_line__position").values_list("shipment_id", "order_line__position"):
        shipment_lines[shipment_id].append(position)
    for s in Shipment.objects.filter(order_id__in=ids).order_by("created_at", "id").values(
            "id", "order_id", "number", "state", "shipped_at", "readiness__sales_signed_at",
            "readiness__agreed_time", "readiness__agreed_place", "voucher__number", "voucher__state",
            "voucher__signed_at", "voucher__signer_name", "voucher__documents"):
        by_order["shipments"][s["order_id"]].append(ShipmentFact(
            number=s["number"], state=s["state"], lines=tuple(shipment_lines.get(s["id"], ())),
            shipped_at=s["shipped_at"], url=reverse("logistics:shipment", args=[s["number"]]),
            agreed_at=s["readiness__sales_signed_at"], agreed_place=s["readiness__agreed_place"] or "",
            agreed_time=s["readiness__agreed_time"], voucher=s["voucher__number"] or "",
            voucher_state=s["voucher__state"] or "", voucher_signed_at=s["voucher__signed_at"],
            signer=mask_name(s["voucher__signer_name"]), documents=tuple(s["voucher__documents"] or ())))
    invoices = dict(Invoice.objects.filter(order_id__in=ids).order_by().values("order_id").annotate(
        n=Count("id")).values_list("order_id", "n"))

    for o in orders:
        people.update((o["entered_by_id"], o["sales_rep_id"]))
    User = get_user_model()
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in User.groups.through.objects.filter(user_id__in=people).values_list("user_id", "group__name"):
        roles[user_id].add(role)
    changes: dict[int, list[tuple[Any, frozenset[str]]]] = defaultdict(list)
    for subject_id, at, before in AuditEvent.objects.filter(
            subject_type=USER_SUBJECT, subject_id__in=[str(p) for p in people], action="user.roles_changed",
    ).order_by("at", "id").values_list("subject_id", "at", "before"):
        held = before.get("roles") if isinstance(before, dict) else None
        changes[int(subject_id)].append((at, frozenset(str(r) for r in held or ())))
    persons = {u.pk: PersonFact(str(u), frozenset(roles.get(u.pk, ())), tuple(changes.get(u.pk, ())))
               for u in User.objects.filter(pk__in=people)}

    def name(user_id: int | None) -> str:
        return persons[user_id].name if user_id in persons else ""

    out: dict[int, OrderCheckFacts] = {}
    for o in orders:
        pk = o["id"]
        head = heads.get(pk)
        out[pk] = OrderCheckFacts(
            number=o["number"], state=o["state"], entered_by=o["entered_by_id"], sales_rep=o["sales_rep_id"],
            today=today, url=order_url(o["number"]),
            events=tuple(by_order["events"].get(pk, ())), people=persons,
            revisions=tuple(by_order["revisions"].get(pk, ())),
            specials=tuple(SpecialFact(s.requested_by, s.requested_at, s.decided_by, name(s.decided_by), s.decided_at,
                                       s.state) for s in by_order["specials"].get(pk, ())),
            holds=tuple(HoldFact(h.released_by, name(h.released_by), h.released_at)
                        for h in by_order["holds"].get(pk, ())),
            decisions=tuple(DecisionFact(d.kind, d.requested_by, d.decided_by, name(d.decided_by), d.decided_at)
                            for d in by_order["decisions"].get(pk, ())),
            tasks=tuple(by_order["tasks"].get(pk, ())), production=tuple(by_order["production"].get(pk, ())),
            inspections=tuple(by_order["inspections"].get(pk, ())),
            shipments=tuple(by_order["shipments"].get(pk, ())), invoices=invoices.get(pk, 0),
            head_seq=head[0] if head else None, head_hash=head[1] if head else "",
            sealed_seq=head[2] if head else 0, sealed_hash=head[3] if head else "",
            stream=stream_of(ORDER_SUBJECT, str(pk)))
    return out


def order_checks(order_ids: Sequence[int], *, today: date | None = None) -> dict[int, list[CheckResult]]:
    """P6.1.a: every automatic check of each order, in CHECKS' order. Orders that don't exist are left out.
    A fixed number of queries whatever the number of orders (pinned in tests/test_checks_db.py)."""
    return {pk: rules.run_checks(facts) for pk, facts in order_facts(order_ids, today=today).items()}
