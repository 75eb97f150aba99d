"""Benchmark data, run inside a Django process (see env.run_step).

- `w1_setup`: the W1 setup of the issue (not timed): 100 customers, 200 products with list
  prices 10 + (i*37 mod 991), a served region, an open payment method, a sales rep and a
  reviewer (different people: P2.3.c segregation of duties), credit limits once credit exists.
- `history_load`: bulk history for W2 and W1-at-scale: orders with lines (and optionally
  their audit events) spread over 24 months, 1,000 customers across every province,
  200 products in 10 categories. COPY on PostgreSQL; executemany in one transaction on SQLite.
"""

from __future__ import annotations

import io
import json
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

W1_CUSTOMERS = 100
W1_PRODUCTS = 200

PROVINCES = [
    ("BJ", "北京市"), ("TJ", "天津市"), ("HE", "河北省"), ("SX", "山西省"), ("NM", "内蒙古自治区"),
    ("LN", "辽宁省"), ("JL", "吉林省"), ("HL", "黑龙江省"), ("SH", "上海市"), ("JS", "江苏省"),
    ("ZJ", "浙江省"), ("AH", "安徽省"), ("FJ", "福建省"), ("JX", "江西省"), ("SD", "山东省"),
    ("HA", "河南省"), ("HB", "湖北省"), ("HN", "湖南省"), ("GD", "广东省"), ("GX", "广西壮族自治区"),
    ("HI", "海南省"), ("CQ", "重庆市"), ("SC", "四川省"), ("GZ", "贵州省"), ("YN", "云南省"),
    ("XZ", "西藏自治区"), ("SN", "陕西省"), ("GS", "甘肃省"), ("QH", "青海省"), ("NX", "宁夏回族自治区"),
    ("XJ", "新疆维吾尔自治区"), ("TW", "台湾省"), ("HK", "香港特别行政区"), ("MO", "澳门特别行政区"),
]
CATEGORIES = [("MOT", "电机"), ("RED", "减速机"), ("PMP", "水泵"), ("VAL", "阀门"), ("BRG", "轴承"),
              ("CTL", "控制柜"), ("SEN", "传感器"), ("CAB", "电缆"), ("TOL", "工具"), ("SVC", "服务")]


def list_price(i: int) -> Decimal:
    return Decimal(10 + (i * 37) % 991).quantize(Decimal("0.01"))


def ensure_master_data() -> dict[str, Any]:
    """Regions (every province), 10 categories, 200 products, an open payment method, users."""
    from ordertaking.accounts.models import User
    from ordertaking.accounts.roles import Role
    from ordertaking.accounts.services import user_create
    from ordertaking.catalog.models import Category, PaymentMethod, Product, Region

    if not Region.objects.exists():
        Region.objects.bulk_create([Region(code=c, name=n, transit_days=1 + k % 5) for k, (c, n) in
                                    enumerate(PROVINCES)])
    if not Category.objects.exists():
        Category.objects.bulk_create([Category(code=c, name=n) for c, n in CATEGORIES])
    cats = list(Category.objects.order_by("code"))
    if not Product.objects.exists():
        Product.objects.bulk_create([
            Product(code=f"P{i:04d}", name=f"产品{i:03d}", specification=f"规格-{i}", unit="件",
                    category=cats[i % len(cats)], list_price=list_price(i),
                    floor_price=(list_price(i) * Decimal("0.8")).quantize(Decimal("0.01")))
            for i in range(W1_PRODUCTS)])
    pm = PaymentMethod.objects.filter(code="PREPAY").first() or PaymentMethod.objects.create(
        code="PREPAY", name="预付款", kind="prepayment", open_to_all=True)
    users = {}
    for username, role in (("bench_sales", Role.SALES), ("bench_reviewer", Role.ORDER_CENTER),
                           ("bench_admin", Role.ADMIN), ("bench_finance", Role.FINANCE),
                           ("bench_leader", Role.LEADERSHIP)):
        users[username] = User.objects.filter(username=username).first() or user_create(
            username=username, password="Bench-pass-2026!", roles=[role], display_name=username)
    return {"payment_method": pm.pk, "users": {k: v.pk for k, v in users.items()}}


def ensure_customers(n: int) -> list[int]:
    from ordertaking.accounts.models import User
    from ordertaking.catalog.models import Region
    from ordertaking.customers.models import Contact, Customer, CustomerAddress

    have = Customer.objects.count()
    if have < n:
        rep = User.objects.get(username="bench_sales")
        regions = list(Region.objects.order_by("code"))
        from ordertaking.customers.rules import credit_code_check_char

        def code(i: int) -> str:  # a valid unified social credit code (P2.3.a checks it)
            base = f"913101150{i:08d}"
            return base + credit_code_check_char(base)

        new = [Customer(name=f"客户{i:04d}有限公司", credit_code=code(i), industry="机械制造", size="medium",
                        region=regions[i % len(regions)], city="某市", status="active", sales_rep=rep,
                        created_by=rep) for i in range(have, n)]
        Customer.objects.bulk_create(new, batch_size=500)
        ids = list(Customer.objects.filter(addresses__isnull=True).values_list("pk", "region_id"))
        CustomerAddress.objects.bulk_create([CustomerAddress(customer_id=c, region_id=r, city="某市",
                                                             detail="工业路1号", is_default=True) for c, r in ids])
        Contact.objects.bulk_create([Contact(customer_id=c, name="张经理", phone="13800000000", is_primary=True)
                                     for c, _r in ids])
    return list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:n])


def credit_setup(customer_ids: list[int]) -> dict[str, Any]:
    """Credit limit of 1,000,000 CNY and an approved evaluation per customer, once the credit app exists."""
    from django.apps import apps

    if not apps.is_installed("ordertaking.credit"):
        return {"credit": False, "why": "ordertaking.credit is not installed yet: W1 runs without credit checks"}
    try:
        from bench import credit_hook  # written when the credit app's services land
    except ImportError:
        return {"credit": False, "why": "credit app installed but bench/credit_hook.py not written yet"}
    return credit_hook.setup(customer_ids)


def w1_setup() -> dict[str, Any]:
    meta = ensure_master_data()
    customers = ensure_customers(W1_CUSTOMERS)
    meta["customers"] = customers
    meta.update(credit_setup(customers))
    return meta


def w1_context() -> dict[str, Any]:
    """What a W1 worker needs, loaded once outside the timed loop."""
    from ordertaking.accounts.models import User
    from ordertaking.catalog.models import PaymentMethod, Product, Region
    from ordertaking.customers.models import Customer

    return {
        "sales": User.objects.get(username="bench_sales"),
        "reviewer": User.objects.get(username="bench_reviewer"),
        "customers": list(Customer.objects.order_by("pk")[:W1_CUSTOMERS]),
        "products": list(Product.objects.order_by("code")[:W1_PRODUCTS]),
        "region": Region.objects.get(code="SH"),
        "payment_method": PaymentMethod.objects.get(code="PREPAY"),
    }


def w1_lines(i: int) -> list[tuple[int, int]]:
    """(product index, quantity) of order i's three lines, as the issue defines them."""
    return [((7 * i + k) % W1_PRODUCTS, 1 + (i + k) % 10) for k in range(3)]


def w1_expected_total(i: int) -> Decimal:
    return sum((list_price(p) * q for p, q in w1_lines(i)), Decimal("0.00"))


# ---------------------------------------------------------------- bulk history


def _tsv(v: Any) -> str:
    if v is None:
        return "\\N"
    if isinstance(v, bool):
        return "t" if v else "f"
    s = str(v)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def history_rows(n_orders: int, customers: list[tuple[int, int]], products: list[tuple[int, str, str, str, str,
                 Decimal]], user_id: int, reviewer_id: int, pm_id: int, first_id: int, first_line_id: int,
                 months: int = 24, lines_per_order: tuple[int, int] = (1, 5), seed: int = 7,
                 end: date | None = None):
    """Yield (order_row, [line_rows]) for n_orders over `months` months before `end` (yesterday).

    Mix of states: 70% approved, 10% submitted, 8% draft, 7% returned, 5% cancelled; approved
    ones carry approved_at a day after creation. Numbers are SO<day>-<seq>, gap-free per day.
    """
    from datetime import UTC

    rnd = random.Random(seed)
    end = end or (date.today() - timedelta(days=1))
    start = end - timedelta(days=months * 30)
    days = (end - start).days + 1
    per_day = n_orders / days
    seq_by_day: dict[date, int] = {}
    oid, lid = first_id, first_line_id
    states = ["approved"] * 70 + ["submitted"] * 10 + ["draft"] * 8 + ["returned"] * 7 + ["cancelled"] * 5
    for k in range(n_orders):
        day = start + timedelta(days=min(days - 1, int(k / per_day)))
        seq = seq_by_day.get(day, 0) + 1
        seq_by_day[day] = seq
        cust_id, region_id = customers[rnd.randrange(len(customers))]
        created = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC) + timedelta(seconds=rnd.randrange(36000))
        state = states[rnd.randrange(100)]
        lines = []
        total = Decimal("0.00")
        for pos in range(1, rnd.randint(*lines_per_order) + 1):
            pid, code, name, spec, unit, price = products[rnd.randrange(len(products))]
            qty = rnd.randint(1, 10)
            amount = price * qty
            total += amount
            lines.append((lid, oid, pos, pid, code, name, spec, "", unit, f"{qty}.000", price, price, amount))
            lid += 1
        approved_at = created + timedelta(days=1) if state == "approved" else None
        submitted_at = created + timedelta(hours=2) if state in ("approved", "submitted", "returned") else None
        order = (oid, f"SO{day:%Y%m%d}-{seq:04d}", cust_id, user_id, user_id, state, 1,
                 day + timedelta(days=30), region_id, "某市", "工业路1号", pm_id, "", "张经理", "13800000000",
                 "CNY", total, "", "", created, created, submitted_at, approved_at,
                 reviewer_id if approved_at else None, total if approved_at else 0)
        oid += 1
        yield order, lines


ORDER_COLS = ["id", "number", "customer_id", "sales_rep_id", "entered_by_id", "state", "revision",
              "delivery_date", "delivery_region_id", "delivery_city", "delivery_address", "payment_method_id",
              "customer_reference", "contact_name", "contact_phone", "currency", "total_amount", "notes",
              "cancel_reason", "created_at", "updated_at", "submitted_at", "approved_at", "approved_by_id",
              "approved_total"]
LINE_COLS = ["id", "order_id", "position", "product_id", "product_code", "name", "specification", "description",
             "unit", "quantity", "unit_price", "list_price", "amount"]
# The history's events are outside the hash chain (audit/chain.py): seq 0 marks a row not written by
# event_record (verify-audit names it as inserted), in its order's stream; no stream head is made for it.
EVENT_COLS = ["at", "actor_id", "actor_name", "action", "clause", "subject_type", "subject_id", "subject_label",
              "before", "after", "message", "stream", "seq", "prev_hash", "hash"]


def _events(order: tuple) -> list[tuple]:
    oid, number, created, submitted, approved, user_id, rev_id = (order[0], order[1], order[19], order[21],
                                                                   order[22], order[4], order[23])
    unchained = (f"orders.order:{oid}", 0, "", "")
    ev = [(created, user_id, "bench_sales", "order.created", "P2.2.b", "orders.order", oid, number, None, None, "",
           *unchained)]
    if submitted:
        ev.append((submitted, user_id, "bench_sales", "order.submitted", "P2.2.a", "orders.order", oid, number,
                   None, None, "", *unchained))
    if approved:
        ev.append((approved, rev_id, "bench_reviewer", "order.approved", "P2.3.c", "orders.order", oid, number,
                   None, None, "", *unchained))
    return ev


def history_load(n_orders: int, n_customers: int = 1000, events: bool = False, months: int = 24,
                 lines_per_order: tuple[int, int] = (1, 5)) -> dict[str, Any]:
    """Bulk-load history; returns counts, seconds and the generator's peak RSS."""
    import resource

    from django.db import connection, transaction

    from ordertaking.accounts.models import User
    from ordertaking.catalog.models import PaymentMethod, Product
    from ordertaking.customers.models import Customer

    t0 = time.perf_counter()
    ensure_master_data()
    ensure_customers(n_customers)
    customers = list(Customer.objects.values_list("pk", "region_id"))
    products = [(p.pk, p.code, p.name, p.specification, p.unit, p.list_price) for p in Product.objects.all()]
    user_id = User.objects.get(username="bench_sales").pk
    reviewer_id = User.objects.get(username="bench_reviewer").pk
    pm_id = PaymentMethod.objects.get(code="PREPAY").pk
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM orders_order")
        first_id = cur.fetchone()[0] + 1
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM orders_orderline")
        first_line_id = cur.fetchone()[0] + 1
    rows = history_rows(n_orders, customers, products, user_id, reviewer_id, pm_id, first_id, first_line_id,
                        months=months, lines_per_order=lines_per_order)
    n_lines = 0
    t_gen = time.perf_counter()
    if connection.vendor == "postgresql":
        n_lines = _copy_pg(connection, rows, events)
    else:
        n_lines = _insert_sqlite(connection, rows, events, transaction)
    t_load = time.perf_counter() - t_gen
    t_an = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"orders": n_orders, "lines": n_lines, "customers": len(customers), "events": events,
            "seconds_load": round(t_load, 1), "seconds_analyze": round(time.perf_counter() - t_an, 1),
            "seconds_total": round(time.perf_counter() - t0, 1),
            "generator_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _copy_pg(connection, rows, events: bool) -> int:
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3 connection
    n_lines = 0
    chunk = 20000
    with raw.transaction(), raw.cursor() as cur:
        ob, lb, eb = io.StringIO(), io.StringIO(), io.StringIO()
        def flush() -> None:
            for table, cols, buf in (("orders_order", ORDER_COLS, ob), ("orders_orderline", LINE_COLS, lb),
                                     ("audit_auditevent", EVENT_COLS, eb)):
                data = buf.getvalue()
                if not data:
                    continue
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                    cp.write(data)
                buf.seek(0)
                buf.truncate()

        for count, (order, lines) in enumerate(rows, start=1):
            ob.write("\t".join(_tsv(v) for v in order) + "\n")
            for line in lines:
                lb.write("\t".join(_tsv(v) for v in line) + "\n")
            n_lines += len(lines)
            if events:
                for e in _events(order):
                    eb.write("\t".join(_tsv(v) for v in e) + "\n")
            if count % chunk == 0:
                flush()
        flush()
        for table in ("orders_order", "orders_orderline", "audit_auditevent"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    return n_lines


def _insert_sqlite(connection, rows, events: bool, transaction) -> int:
    n_lines = 0
    oq = f"INSERT INTO orders_order ({', '.join(ORDER_COLS)}) VALUES ({', '.join(['%s'] * len(ORDER_COLS))})"
    lq = f"INSERT INTO orders_orderline ({', '.join(LINE_COLS)}) VALUES ({', '.join(['%s'] * len(LINE_COLS))})"
    eq = f"INSERT INTO audit_auditevent ({', '.join(EVENT_COLS)}) VALUES ({', '.join(['%s'] * len(EVENT_COLS))})"

    def norm(row):  # SQLite stores decimals and datetimes as text, the way Django writes them
        out = []
        for v in row:
            if isinstance(v, Decimal):
                out.append(str(v))
            elif isinstance(v, datetime):
                out.append(v.strftime("%Y-%m-%d %H:%M:%S"))
            elif isinstance(v, date):
                out.append(v.isoformat())
            else:
                out.append(v)
        return out

    with transaction.atomic(), connection.cursor() as cur:
        ob, lb, eb = [], [], []
        for order, lines in rows:
            ob.append(norm(order))
            lb.extend(norm(line) for line in lines)
            n_lines += len(lines)
            if events:
                eb.extend(norm(e) for e in _events(order))
            if len(ob) >= 20000:
                cur.executemany(oq, ob)
                cur.executemany(lq, lb)
                if eb:
                    cur.executemany(eq, eb)
                ob, lb, eb = [], [], []
        if ob:
            cur.executemany(oq, ob)
            cur.executemany(lq, lb)
            if eb:
                cur.executemany(eq, eb)
    return n_lines


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=str, ensure_ascii=False)


def business_today() -> date:
    """Today in Asia/Shanghai, the day the order numbers carry (as orders/numbering.py)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def step_w1_setup(p: dict[str, Any]) -> dict[str, Any]:
    return w1_setup()


def invoices_load() -> dict[str, Any]:
    """One invoice per approved history order (W2's receivables for the aging report), in one SQL
    statement: issued on the approval day, due 30 days later. Invoices issued more than 120 days ago
    are paid except 3% (slow payers); of the newer ones, half are still open."""
    import time as _time

    from django.db import connection, transaction

    from ordertaking.accounts.models import User

    t = _time.perf_counter()
    issuer = User.objects.get(username="bench_finance").pk
    if connection.vendor == "postgresql":
        day = "(o.approved_at AT TIME ZONE 'Asia/Shanghai')::date"
        due = f"{day} + 30"
        old = f"{day} < (now() AT TIME ZONE 'Asia/Shanghai')::date - 120"
        created = "o.approved_at"
    else:
        day = "date(o.approved_at, '+8 hours')"
        due = "date(o.approved_at, '+8 hours', '+30 days')"
        old = f"{day} < date('now', '+8 hours', '-120 days')"
        created = "o.approved_at"
    is_open = f"((CASE WHEN {old} THEN o.id %% 100 < 3 ELSE o.id %% 2 = 0 END))"
    sql = (
        "INSERT INTO finance_invoice (number, customer_id, order_id, issue_date, due_date, currency, amount, "
        "settled_amount, settled_on, state, issued_by_id, created_at) "
        f"SELECT 'INV-' || o.number, o.customer_id, o.id, {day}, {due}, 'CNY', o.total_amount, "
        f"CASE WHEN {is_open} THEN 0 ELSE o.total_amount END, "
        f"CASE WHEN {is_open} THEN NULL ELSE {due} END, "
        f"CASE WHEN {is_open} THEN 'open' ELSE 'paid' END, %s, {created} "
        "FROM orders_order o WHERE o.state = 'approved' AND o.total_amount > 0")
    with transaction.atomic(), connection.cursor() as cur:
        # Once per dataset. (An anti-join against finance_invoice inside the same INSERT rescans the
        # rows it is writing: quadratic on PostgreSQL, so it is a check before instead.)
        cur.execute("SELECT EXISTS (SELECT 1 FROM finance_invoice)")
        if cur.fetchone()[0]:
            return {"invoices": 0, "open_invoices": None, "seconds": 0.0, "note": "invoices already loaded"}
        cur.execute(sql, [issuer])
        n = cur.rowcount
        cur.execute("SELECT COUNT(*) FROM finance_invoice WHERE state = 'open'")
        open_n = cur.fetchone()[0]
    return {"invoices": n, "open_invoices": open_n, "seconds": round(_time.perf_counter() - t, 1)}


def step_invoices_load(p: dict[str, Any]) -> dict[str, Any]:
    return invoices_load()


def step_history_load(p: dict[str, Any]) -> dict[str, Any]:
    return history_load(**p)
