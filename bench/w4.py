"""W4, the whole lifecycle (issue 14): an order taken from entry to paid through the real services, each
step its own transaction, as the departments would do it —

 1. entered, submitted and approved (W1's three steps; approval creates the tasks and production orders);
 2. produced: each production order planned, started and finished, and its finished product inspected;
 3. shipped in two parts: each part's readiness checklist signed by production, logistics and the rep,
    dispatched and delivered;
 4. signed: the customer signs each part's delivery voucher;
 5. accepted: every line accepted by the rep on the customer's behalf;
 6. invoiced and paid: finance issues the invoice and records the payment, which closes the order.

It reports orders per second per process and, for each step, the statements it issued and its time per
order (median). `python -m bench run --w4 [--db pg,sqlite] [--w4-orders N] [--runs R]`.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from .env import fresh_db, run_step
from .runner import run_workers, summary

WARMUP = 10
STEPS = ("create", "submit", "approve", "produce", "inspect", "ship", "ready", "dispatch", "deliver", "sign",
         "accept", "invoice", "pay")


def template(kind: str) -> str:
    url = fresh_db(kind, "bench_w4_tpl")
    run_step("w4_setup", url, {})
    return url


def measure(kind: str, n: int, runs: int) -> dict[str, Any]:
    from .w1 import clone

    tpl_url = template(kind)
    results = []
    for r in range(runs):
        url = clone(kind, "bench_w4_tpl", "bench_w4_run")
        res = run_workers("w4_worker", url, [{"warmup": list(range(r * 10_000, r * 10_000 + WARMUP)),
                                              "indices": list(range(r * 10_000 + WARMUP, r * 10_000 + WARMUP + n))}])
        res["check"] = run_step("w4_verify", url, {"n": n + WARMUP})
        results.append(res)
    return {"template": tpl_url.rsplit("/", 1)[-1], "runs": results,
            "orders_per_s": summary([x["orders_per_s"] for x in results])}


# ------------------------------------------------------------------ steps run inside Django


def w4_setup() -> dict[str, Any]:
    """W1's master data and customers (with credit), plus the departments after approval: production,
    logistics and finance users, a workshop, a carrier; half of the W1 products are made to order."""
    from ordertaking.accounts.models import User
    from ordertaking.accounts.roles import Role
    from ordertaking.accounts.services import user_create
    from ordertaking.catalog.models import Product
    from ordertaking.logistics.models import Carrier
    from ordertaking.production.models import Workshop

    from .data import w1_setup

    meta = w1_setup()
    for username, role in (("bench_prod", Role.PRODUCTION), ("bench_logi", Role.LOGISTICS)):
        if not User.objects.filter(username=username).exists():
            user_create(username=username, password="Bench-pass-2026!", roles=[role], display_name=username)
    Workshop.objects.get_or_create(code="W1", defaults={"name": "一车间"})
    from datetime import date

    from ordertaking.catalog.models import Region

    sf, _created = Carrier.objects.get_or_create(code="sf", defaults={
        "name": "顺丰速运", "contract_number": "WL-2026-001", "contract_valid_from": date(2026, 1, 1),
        "contract_valid_to": date(2030, 12, 31), "methods": ["express"]})
    sf.regions.set(Region.objects.all())
    made = list(Product.objects.order_by("code").values_list("pk", flat=True)[::2])
    Product.objects.filter(pk__in=made).update(needs_production=True, production_lead_days=3)
    meta["made_to_order_products"] = len(made)
    return meta


def step_w4_setup(p: dict[str, Any]) -> dict[str, Any]:
    return w4_setup()


def lifecycle_steps(ctx: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Each step of the lifecycle as a function of the order (or order index for `create`)."""
    from django.utils import timezone

    from ordertaking.accounts.models import User
    from ordertaking.deliveries.acceptance.services import acceptance_record
    from ordertaking.deliveries.models import DeliveryVoucher
    from ordertaking.deliveries.services import readiness_sign
    from ordertaking.deliveries.voucher_services import voucher_sign
    from ordertaking.demo.vouchers import PHONE, drawn_signature
    from ordertaking.finance.services import invoice_issue, payment_record
    from ordertaking.logistics.models import Carrier, Shipment
    from ordertaking.logistics.services import shipment_create, shipment_dispatch, tracking_event_record
    from ordertaking.production.models import ProductionOrder, Workshop
    from ordertaking.production.services import (
        inspection_record,
        production_order_finish,
        production_order_plan,
        production_order_start,
    )

    from .w1 import order_pipeline_steps

    create, submit, approve = order_pipeline_steps(ctx)
    prod, logi = User.objects.get(username="bench_prod"), User.objects.get(username="bench_logi")
    fin = User.objects.get(username="bench_finance")
    workshop, carrier = Workshop.objects.get(code="W1"), Carrier.objects.get(code="sf")
    criteria = {c: {"accepted": True, "note": ""} for c in ("quantity", "specification", "quality", "performance")}

    def _pos(order):  # type: ignore[no-untyped-def]
        return list(ProductionOrder.objects.filter(order=order).order_by("id"))

    def produce(order):  # type: ignore[no-untyped-def]
        for po in _pos(order):
            production_order_plan(po=po, actor=prod, workshop=workshop)
            production_order_start(po=po, actor=prod)
            production_order_finish(po=po, actor=prod)
        return order

    def inspect(order):  # type: ignore[no-untyped-def]
        for po in _pos(order):
            inspection_record(po=po, actor=prod, checkpoint="finished", result="pass", sample_size=1,
                              inspected_quantity=po.quantity)
        return order

    def ship(order):  # type: ignore[no-untyped-def]
        lines = list(order.lines.order_by("position"))
        today = timezone.localdate()
        half = max(1, len(lines) // 2)
        for k, part in enumerate((lines[:half], lines[half:])):
            if part:
                shipment_create(order=order, actor=logi, method="express", carrier=carrier,
                                waybill_number=f"SF{order.pk:010d}{k}", packages=len(part), planned_ship_date=today,
                                planned_arrival=today + timedelta(days=1),
                                lines=[{"order_line": ln, "quantity": ln.quantity} for ln in part])
        return order

    def _shipments(order):  # type: ignore[no-untyped-def]
        return list(Shipment.objects.filter(order=order).order_by("id"))

    def ready(order):  # type: ignore[no-untyped-def]
        now, today = timezone.now(), timezone.localdate()
        for shipment in _shipments(order):
            readiness_sign(actor=prod, shipment=shipment, part="production", packaging_intact=True,
                           inspection_passed=True)
            readiness_sign(actor=logi, shipment=shipment, part="logistics", vehicle_ready=True,
                           packing_materials_ready=True)
            readiness_sign(actor=order.sales_rep, shipment=shipment, part="sales", agreed_time=now + timedelta(hours=2),
                           agreed_place="上海市浦东新区张江路1号", agreed_with="张经理", agreed_on=today)
        return order

    def dispatch(order):  # type: ignore[no-untyped-def]
        for shipment in _shipments(order):
            shipment_dispatch(shipment=shipment, actor=logi)
        return order

    def deliver(order):  # type: ignore[no-untyped-def]
        for shipment in _shipments(order):
            tracking_event_record(shipment=shipment, actor=logi, kind="delivered", occurred_at=timezone.now(),
                                  place="上海市浦东新区张江路1号", note="张经理签收")
        return order

    def sign(order):  # type: ignore[no-untyped-def]
        for voucher in DeliveryVoucher.objects.filter(order=order, state=DeliveryVoucher.State.OPEN).order_by("id"):
            voucher_sign(voucher=voucher, signer_name="张经理", signature=drawn_signature(order.pk), ip="223.104.3.71",
                         user_agent=PHONE)
        return order

    def accept(order):  # type: ignore[no-untyped-def]
        order.refresh_from_db()
        acceptance_record(order=order, entries=[(ln, criteria) for ln in order.lines.order_by("position")],
                          actor=order.sales_rep, customer_name="张经理")
        return order

    def invoice(order):  # type: ignore[no-untyped-def]
        order.refresh_from_db()
        order._w4_invoice = invoice_issue(order=order, actor=fin)
        return order

    def pay(order):  # type: ignore[no-untyped-def]
        inv = order._w4_invoice
        payment_record(customer=order.customer, actor=fin, amount=inv.amount, reference=f"W4-{order.number}",
                       allocations=[{"invoice": inv, "amount": inv.amount}])
        return order

    return {"create": create, "submit": submit, "approve": approve, "produce": produce, "inspect": inspect,
            "ship": ship, "ready": ready, "dispatch": dispatch, "deliver": deliver, "sign": sign, "accept": accept,
            "invoice": invoice, "pay": pay}


def step_w4_worker(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .data import w1_context

    steps = lifecycle_steps(w1_context())

    def one(i: int, record: dict[str, list[float]] | None, queries: dict[str, list[int]] | None) -> None:
        subject: Any = i
        for name in STEPS:
            s = time.perf_counter()
            if queries is not None:
                with CaptureQueriesContext(connection) as cq:
                    subject = steps[name](subject)
                queries[name].append(len(cq.captured_queries))
            else:
                subject = steps[name](subject)
            if record is not None:
                record[name].append((time.perf_counter() - s) * 1000)

    # Warm-up orders count the statements of each step (the count is the same for every order of the same
    # shape); the timed orders run without capturing, so the timing is not the capture's.
    queries: dict[str, list[int]] = defaultdict(list)
    for i in p["warmup"]:
        one(i, None, queries)
    wait_go()
    per_step: dict[str, list[float]] = defaultdict(list)
    lat = []
    t0 = time.time()
    for i in p["indices"]:
        s = time.perf_counter()
        one(i, per_step, None)
        lat.append((time.perf_counter() - s) * 1000)
    t1 = time.time()
    return {"t0": t0, "t1": t1, "n": len(p["indices"]), "lat": lat,
            "step_ms_median": {k: round(statistics.median(v), 2) for k, v in per_step.items()},
            "step_statements_median": {k: statistics.median(v) for k, v in queries.items()},
            "statements_per_order": sum(statistics.median(v) for v in queries.values()),
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def step_w4_verify(p: dict[str, Any]) -> dict[str, Any]:
    """Every order of the run closed, paid in full, each shipped in two signed parts."""
    from django.db.models import Count, Sum

    from ordertaking.deliveries.models import DeliveryVoucher
    from ordertaking.finance.models import Invoice
    from ordertaking.orders.models import Order

    qs = Order.objects.filter(entered_by__username="bench_sales", customer_reference="")
    states = dict(qs.values_list("state").annotate(c=Count("id")))
    vouchers = DeliveryVoucher.objects.filter(order__in=qs)
    signed = vouchers.filter(state=DeliveryVoucher.State.SIGNED).count()
    total = qs.aggregate(s=Sum("total_amount"))["s"] or Decimal("0")
    invoiced = Invoice.objects.filter(order__in=qs).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    out = {"orders": qs.count(), "states": states, "vouchers": vouchers.count(), "vouchers_signed": signed,
           "total": str(total), "invoiced": str(invoiced)}
    out["ok"] = (out["orders"] == p["n"] and states.get("closed", 0) == p["n"] and signed == vouchers.count()
                 and total == invoiced)
    return out
