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

import os
import resource
import statistics
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from .env import db_url, fresh_db, psql, run_django, run_step
from .runner import run_workers, summary

WARMUP = 10
STEPS = ("create", "submit", "approve", "produce", "inspect", "ship", "ready", "dispatch", "deliver", "sign",
         "accept", "invoice", "pay")


# The databases W4 owns: `BENCH_W4_DB=bench_w4_x` gives a second copy its own names (a smoke run beside a
# measured one never drops the other's databases).
DB = os.environ.get("BENCH_W4_DB", "bench_w4")
TPL, RUN = f"{DB}_tpl", f"{DB}_run"
SCALE_TPL, SCALE_RUN = f"{DB}_scale_tpl", f"{DB}_scale_run"


def template(kind: str) -> str:
    url = fresh_db(kind, TPL)
    run_step("w4_setup", url, {})
    return url


def measure_once(kind: str, tpl: str, run_name: str, n: int, r: int = 0) -> dict[str, Any]:
    """One run of W4 (1 process) on a fresh copy of `tpl`, checked afterwards."""
    from .w1 import clone

    url = clone(kind, tpl, run_name)
    res = run_workers("w4_worker", url, [{"warmup": list(range(r * 10_000, r * 10_000 + WARMUP)),
                                          "indices": list(range(r * 10_000 + WARMUP, r * 10_000 + WARMUP + n))}])
    res["check"] = run_step("w4_verify", url, {"n": n + WARMUP})
    return res


def measure(kind: str, n: int, runs: int) -> dict[str, Any]:
    tpl_url = template(kind)
    results = [measure_once(kind, TPL, RUN, n, r) for r in range(runs)]
    return {"template": tpl_url.rsplit("/", 1)[-1], "runs": results,
            "orders_per_s": summary([x["orders_per_s"] for x in results])}


# ------------------------------------------------------------------ W4 at scale (PostgreSQL)


def _orders_in(dbname: str) -> int:
    try:
        return int(psql("SELECT COUNT(*) FROM orders_order", dbname) or 0)
    except Exception:  # noqa: BLE001 - no such database (yet)
        return 0


def scale_template(orders: int) -> dict[str, Any]:
    """The history database W4 runs on: W1-at-scale's `bench_scale_tpl` copied when it holds the history asked
    for (between `orders` and twice as many), else a history of its own loaded the same way (COPY: orders,
    lines, audit events); then W4's setup on top (its users, workshop, carrier, made-to-order products; W1's
    rows are found, not made twice) and the later steps' history of the old orders (`w4_history_load`).
    Kept between runs: reused when it already holds `orders` history orders (the W4 history is loaded once)."""
    from . import scale

    have = _orders_in(SCALE_TPL)
    out: dict[str, Any] = {}
    url = db_url("pg", SCALE_TPL)
    if have >= orders:
        out["history"] = {"reused_existing_orders": have}
    elif orders <= (base := _orders_in(scale.SCALE_TPL)) <= 2 * orders:
        psql(f'DROP DATABASE IF EXISTS "{SCALE_TPL}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{SCALE_TPL}" TEMPLATE "{scale.SCALE_TPL}"')
        out["history"] = {"copied_from": scale.SCALE_TPL, "orders": base}
    else:
        url = fresh_db("pg", SCALE_TPL)
        out["history"] = run_step("history_load", url, {"n_orders": orders, "n_customers": 1000, "events": True},
                                  timeout=7200)
    # A database built or copied by an older revision: its schema and data migrations (e.g. the carriers'
    # tallies backfilled from its shipments) brought up to this revision before anything runs on it.
    out["migrate"] = [ln for ln in run_django(["manage.py", "migrate", "-v1"], url, timeout=7200).splitlines()
                      if "Applying" in ln]
    out["setup"] = run_step("w4_setup", url, {})  # W4's rows on top; W1's are found, not made twice
    out["w4_history"] = run_step("w4_history_load", url, {}, timeout=7200)  # nothing when loaded already
    loaded = "reused_existing_orders" not in out["history"] or "note" not in out["w4_history"]
    if loaded:
        psql("VACUUM ANALYZE", SCALE_TPL)  # as autovacuum would have long since done on a live system
    out["database_size"] = psql(f"SELECT pg_size_pretty(pg_database_size('{SCALE_TPL}'))")
    out["rows"] = {t: int(psql(f"SELECT COUNT(*) FROM {t}", SCALE_TPL)) for t in SCALE_TABLES}
    return out


SCALE_TABLES = ("orders_order", "orders_orderline", "audit_auditevent", "fulfilment_task", "production_productionorder",
                "production_qualityinspection", "logistics_shipment", "logistics_shipmentline",
                "logistics_carriertally", "deliveries_deliveryvoucher", "deliveries_voucherline", "finance_invoice")


def scale_run(orders: int, n: int, runs: int) -> dict[str, Any]:
    """W4 after `orders` history orders (with their whole lifecycle), alternating run by run with W4 on the
    empty W4 template, so drift in the machine's load hits both alike. Target (issue 14): within 10%."""
    gen = scale_template(orders)
    template("pg")
    empty, scaled = [], []
    for r in range(runs):
        empty.append(measure_once("pg", TPL, RUN, n, r))
        scaled.append(measure_once("pg", SCALE_TPL, SCALE_RUN, n, r))
    e = [x["orders_per_s"] for x in empty]
    s = [x["orders_per_s"] for x in scaled]
    out: dict[str, Any] = {"history": gen, "w4_orders": n, "empty": summary(e), "scaled": summary(s),
                           "empty_runs": empty, "scaled_runs": scaled}
    out["scaled_over_empty"] = round(out["scaled"]["median"] / out["empty"]["median"], 3)
    out["pairs"] = [round(b / a, 3) for a, b in zip(e, s, strict=True)]
    return out


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


# The later steps' history of the approved history orders, each one statement over the whole history
# (PostgreSQL): every approved order went through W4's lifecycle long ago, so the tables W4's statements read
# by order, line or production order (tasks, production orders, inspections, shipments and their lines,
# vouchers and their lines, invoices) face as many rows as the orders do. Not loaded: acceptance checks
# (four per line), tracking risks, payments and their audit events (the order's own events are loaded).
W4_HISTORY_SQL = [
    ("tasks", """
     INSERT INTO fulfilment_task (line_position, kind, department, requirements, quantity, planned_start, due_date,
       date_clamped, state, note, started_at, done_at, created_at, updated_at, overdue_notified_on, assignee_id,
       line_id, order_id)
     SELECT NULL, 'shipping', 'logistics', '', NULL, o.delivery_date - 1, o.delivery_date, false, 'done', '',
       o.approved_at + interval '4 days', o.approved_at + interval '5 days', o.approved_at,
       o.approved_at + interval '5 days', NULL, %(logi)s, NULL, o.id
     FROM orders_order o WHERE o.state = 'approved'"""),
    ("production_orders", """
     INSERT INTO production_productionorder (number, line_position, quantity, planned_start, planned_finish, state,
       percent, requirements, started_at, finished_at, cancel_reason, created_at, line_id, order_id, task_id,
       workshop_id)
     SELECT 'PO' || substr(o.number, 3) || '-' || lpad(l.position::text, 2, '0'), l.position, l.quantity,
       o.approved_at::date + 1, o.approved_at::date + 3, 'finished', 100, '', o.approved_at + interval '1 day',
       o.approved_at + interval '3 days', '', o.approved_at, l.id, o.id, NULL, %(workshop)s
     FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
       JOIN catalog_product p ON p.id = l.product_id AND p.needs_production
     WHERE o.state = 'approved'"""),
    ("inspections", """
     INSERT INTO production_qualityinspection (number, checkpoint, inspected_at, sample_size, inspected_quantity,
       result, defect_count, defects, note, created_at, inspector_id, order_id, production_order_id,
       reinspection_of_id)
     SELECT 'QC' || substr(po.number, 3) || '-01', 'finished', po.finished_at, 1, po.quantity, 'pass', 0, '', '',
       po.finished_at, %(prod)s, po.order_id, po.id, NULL
     FROM production_productionorder po"""),
    ("shipments", """
     INSERT INTO logistics_shipment (number, method, waybill_number, packages, planned_ship_date, planned_arrival,
       shipped_at, delivered_at, state, carrier_override, cancel_reason, created_at, carrier_id, created_by_id,
       order_id)
     SELECT 'SHP-' || o.number || '-01', 'express', 'SFH' || lpad(o.id::text, 10, '0'), 1,
       o.approved_at::date + 4, o.approved_at::date + 5, o.approved_at + interval '4 days',
       o.approved_at + interval '5 days', 'delivered', '', '', o.approved_at + interval '3 days', %(carrier)s,
       %(logi)s, o.id
     FROM orders_order o WHERE o.state = 'approved'"""),
    ("shipment_lines", """
     INSERT INTO logistics_shipmentline (quantity, order_line_id, shipment_id)
     SELECT l.quantity, l.id, s.id FROM logistics_shipment s JOIN orders_orderline l ON l.order_id = s.order_id"""),
    ("vouchers", """
     INSERT INTO deliveries_deliveryvoucher (number, state, documents, signer_name, signature, signed_at, signer_ip,
       signer_agent, content_hash, created_at, order_id, recorded_by_id, shipment_id, scan_id)
     SELECT 'JF-' || substr(s.number, 5), 'open', '[]'::jsonb, '张经理', decode('89504e470d0a1a0a', 'hex'),
       s.delivered_at, NULL, '', encode(sha256(convert_to(s.number, 'UTF8')), 'hex'), s.shipped_at, s.order_id,
       NULL, s.id, NULL
     FROM logistics_shipment s"""),
    ("voucher_lines", """
     INSERT INTO deliveries_voucherline (voucher_id, order_line_id, position, product_code, name, specification,
       unit, quantity)
     SELECT v.id, l.id, l.position, l.product_code, l.name, l.specification, l.unit, l.quantity
     FROM deliveries_deliveryvoucher v JOIN orders_orderline l ON l.order_id = v.order_id"""),
    # signed once its lines are in (a signed voucher's lines are immutable: deliveries' triggers)
    ("vouchers_signed", "UPDATE deliveries_deliveryvoucher SET state = 'signed' WHERE state = 'open'"),
    ("invoices", """
     INSERT INTO finance_invoice (number, issue_date, due_date, currency, amount, settled_amount, settled_on, state,
       created_at, customer_id, issued_by_id, order_id, fapiao_date, fapiao_number, fapiao_status, fapiao_type,
       net_amount, tax_amount)
     SELECT 'INV-' || o.number || '-01', o.approved_at::date + 6, o.approved_at::date + 36, 'CNY', o.total_amount,
       o.total_amount, o.approved_at::date + 20, 'paid', o.approved_at + interval '6 days', o.customer_id,
       %(finance)s, o.id, NULL, '', 'not_issued', '', round(o.total_amount / 1.13, 2),
       o.total_amount - round(o.total_amount / 1.13, 2)
     FROM orders_order o WHERE o.state = 'approved' AND o.total_amount > 0"""),
    # Through the whole lifecycle, so closed (as W4 leaves its own orders).
    ("orders_closed", "UPDATE orders_order SET state = 'closed' WHERE state = 'approved'"),
]


def w4_history_load() -> dict[str, Any]:
    """The later steps' history (W4_HISTORY_SQL) on top of `history_load`'s orders, once per database."""
    from django.db import connection, transaction

    from ordertaking.accounts.models import User
    from ordertaking.logistics.models import Carrier
    from ordertaking.logistics.services import carrier_tallies_rebuild
    from ordertaking.production.models import Workshop

    if connection.vendor != "postgresql":
        raise RuntimeError("W4 at scale runs on PostgreSQL")
    t0 = time.perf_counter()
    params = {"logi": User.objects.get(username="bench_logi").pk, "prod": User.objects.get(username="bench_prod").pk,
              "finance": User.objects.get(username="bench_finance").pk,
              "workshop": Workshop.objects.get(code="W1").pk, "carrier": Carrier.objects.get(code="sf").pk}
    out: dict[str, Any] = {}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM logistics_shipment)")
        if cur.fetchone()[0]:
            return {"note": "the W4 history is loaded already"}
        for name, sql in W4_HISTORY_SQL:
            cur.execute(sql, params)
            out[name] = cur.rowcount
        # The shipments were written by SQL, not by the services: their carrier's tallies recounted from them.
        out["carrier_tallies_rebuilt"] = len(carrier_tallies_rebuild())
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def step_w4_history_load(p: dict[str, Any]) -> dict[str, Any]:
    return w4_history_load()


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

    from .data import business_today

    # today's orders: the run's (a history database holds older ones, entered by the same user)
    qs = Order.objects.filter(entered_by__username="bench_sales", customer_reference="",
                              number__startswith=f"SO{business_today():%Y%m%d}-")
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
