"""W2 analytics: the order list, search and the dashboard queries at 1M order lines, each beside raw SQL.

The app side goes through the real selectors (ordertaking.orders.selectors, ordertaking.reports.selectors)
and materialises what a page would (first page of 50 plus the total count for the paginator);
the raw side runs the same answer as hand-written SQL through psycopg / sqlite3. Warm: 3 calls
first, then `repeat` timed calls each; p50/p95 in ms.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta
from typing import Any

from .env import run_step
from .runner import percentiles

PAGE = 50


def timed(fn, repeat: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    for _ in range(3):
        fn()
    lat = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        lat.append((time.perf_counter() - t) * 1000)
    return percentiles(lat)


def step_w2_queries(p: dict[str, Any]) -> dict[str, Any]:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.utils import timezone

    from ordertaking.accounts.models import User
    from ordertaking.assessment import kpis as akpis
    from ordertaking.assessment import selectors as asel
    from ordertaking.customers.models import Customer
    from ordertaking.finance import selectors as fsel
    from ordertaking.orders import selectors as osel
    from ordertaking.orders.models import Order
    from ordertaking.reports import selectors as rsel
    from ordertaking.reports import statistics as rstat
    from ordertaking.reports.search import order_search

    repeat = p.get("repeat", 30)
    viewer = User.objects.get(username="bench_reviewer")  # order center: sees every order
    finance = User.objects.get(username="bench_finance")  # the aging report is finance's (P3.6)
    cust = Order.objects.order_by("-id").values_list("customer_id", flat=True).first()
    cust_name = Order.objects.filter(customer_id=cust).values_list("customer__name", flat=True).first()
    number = Order.objects.order_by("id").values_list("number", flat=True)[Order.objects.count() // 2]
    today = timezone.localdate()
    d_from, d_to = today - timedelta(days=90), today
    period = rsel.period(today=today)
    scope = rsel.LiveScope(Order.objects.all())
    vendor = connection.vendor
    ph = "%s"

    def page(qs):  # type: ignore[no-untyped-def]
        pg = Paginator(qs, PAGE).page(1)
        return [(o.number, o.customer.name, o.sales_rep.username, o.total_amount) for o in pg.object_list], \
            pg.paginator.count

    product = (Order.objects.order_by("-id").values_list("lines__product__name", "lines__product_id").first()
               or ("", None))
    region = Order.objects.filter(customer_id=cust).values_list("delivery_region__name", flat=True).first() or ""
    rep_id = Order.objects.filter(customer_id=cust).values_list("sales_rep_id", flat=True).first()
    kpi_month = akpis.period_containing(akpis.MONTH, today)
    kpi_quarter = akpis.period_containing(akpis.QUARTER, today)
    stat_all = rstat.filters_default(today)
    stat_rep = rstat.Filters(first=stat_all.first, last=stat_all.last, rep=rep_id)

    def month_live(filters):  # type: ignore[no-untyped-def]
        """The page on the last day of a month: the month before the current one read live as well, as
        the current month is when it is almost whole (the dataset's current month may be nearly empty)."""
        from unittest import mock

        fresh = rstat.fresh_months
        whole = rstat._add_months(filters.last, -1)
        with mock.patch.object(rstat, "fresh_months", lambda a, b: fresh(a, b) - {whole}):
            assert whole in rstat.plan_for(filters).live
            return rstat.charts_for(filters)
    app = {
        # The search box (reports/search.py, P4.2.c): a product name, and a customer with a province and a state.
        "search_box_product": lambda: page(order_search(user=viewer, q=product[0])[0]),
        "search_box_customer_province_state": lambda: page(
            order_search(user=viewer, q=f"{cust_name} {region} approved")[0]),
        # The statistics page (reports/statistics.py): every chart for the last 12 months, and for one rep (the
        # dataset has one rep: the rep filter's path over the same orders); "month_live" as on a month's
        # last day, when a whole month is read live.
        "statistics_page": lambda: rstat.charts_for(stat_all),
        "statistics_page_one_rep": lambda: rstat.charts_for(stat_rep),
        "statistics_page_month_live": lambda: month_live(stat_all),
        "statistics_page_one_rep_month_live": lambda: month_live(stat_rep),
        "order_list_filtered": lambda: page(osel.order_list(user=viewer, state="approved", customer_id=cust,
                                                            date_from=d_from, date_to=d_to)),
        "order_search_number": lambda: page(osel.order_list(user=viewer, q=number)),
        "order_get_number": lambda: osel.order_get(user=viewer, number=number),
        "order_search_customer_name": lambda: page(osel.order_list(user=viewer, q=cust_name)),
        # The KPI scorecard (assessment, P6.2): one department's five KPIs in the current month, its persons,
        # the 12-month trend of orders received, and the leaders' overview of the six departments.
        "kpi_scorecard_sales_month": lambda: asel.scorecard("sales", kpi_month),
        "kpi_persons_sales_month": lambda: asel.persons("sales", kpi_month),
        "kpi_trend_received_sales_12_months": lambda: asel.trend(akpis.RECEIVED, "sales", kpi_month),
        "kpi_overview_six_departments_quarter": lambda: asel.overview(list(akpis.DEPARTMENTS), kpi_quarter),
        "revenue_by_category": lambda: rsel.revenue_by_category(user=viewer, today=today),
        "revenue_by_region": lambda: rsel.revenue_by_region(user=viewer, today=today),
        "top_customers": lambda: rsel.top_customers(user=viewer, today=today),
        "receivables_aging_by_customer": lambda: fsel.aging(finance, as_of=today, by="customer"),
        "receivables_aging_by_sales_rep": lambda: fsel.aging(finance, as_of=today, by="sales_rep"),
        # The same three without the monthly rollups: what the selectors did before (and do for closed
        # months nobody has rolled up yet).
        "revenue_by_category_live": lambda: rsel.live_by_category(scope, period.start, period.end),
        "revenue_by_region_live": lambda: rsel.live_by_region(scope, period.start, period.end),
        "top_customers_live": lambda: rsel.live_by_customer(scope, period.start, period.end),
        # Proposed for orders.selectors.order_list (not ours to change): a query that looks like an order
        # number searches by prefix (PostgreSQL's varchar_pattern_ops index on number serves it), and a
        # customer-name search finds the (few) matching customers first, then their orders by index.
        "proposed_search_number_prefix": lambda: page(
            osel.visible_orders(viewer).select_related("customer", "sales_rep")
            .filter(number__startswith=number.upper()).order_by("-created_at", "-id")),
        "proposed_search_customer_first": lambda: page(
            osel.visible_orders(viewer).select_related("customer", "sales_rep")
            .filter(customer_id__in=list(Customer.objects.filter(name__icontains=cust_name)
                                         .values_list("pk", flat=True)[:200]))
            .order_by("-created_at", "-id")),
    }
    start, end = osel._day_start(d_from), osel._day_start(d_to + timedelta(days=1))
    if vendor == "postgresql":
        month = "date_trunc('month', o.approved_at AT TIME ZONE 'Asia/Shanghai')"
        like = "UPPER(o.number) LIKE UPPER(%s) OR UPPER(c.name) LIKE UPPER(%s)"
    else:
        month = "strftime('%%Y-%%m', datetime(o.approved_at, '+8 hours'))"
        like = "o.number LIKE %s OR c.name LIKE %s"
    cname = f"UPPER(name) LIKE UPPER({ph})" if vendor == "postgresql" else f"name LIKE {ph}"
    in_customers = f"o.customer_id IN (SELECT id FROM customers_customer WHERE {cname})"
    list_sql = ("SELECT o.number, c.name, u.username, o.total_amount FROM orders_order o "
                "JOIN customers_customer c ON c.id = o.customer_id JOIN accounts_user u ON u.id = o.sales_rep_id "
                "WHERE {w} ORDER BY o.created_at DESC, o.id DESC LIMIT 50")
    count_sql = "SELECT COUNT(*) FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id WHERE {w}"
    w_list = f"o.state = {ph} AND o.customer_id = {ph} AND o.created_at >= {ph} AND o.created_at < {ph}"
    a_list = ["approved", cust, start, end]
    a_like = [f"%{number}%", f"%{number}%"]
    a_name = [f"%{cust_name}%", f"%{cust_name}%"]
    rev = f"o.approved_at >= {ph} AND o.approved_at < {ph} AND o.state <> 'cancelled'"
    a_rev = [period.start, period.end]
    by_customer_month = (f"SELECT {month} AS m, o.customer_id, SUM(o.total_amount), COUNT(*) FROM orders_order o "
                         f"WHERE {rev} GROUP BY 1, 2")
    in_product = f"o.id IN (SELECT order_id FROM orders_orderline WHERE product_id = {ph})"
    mixed = (f"o.customer_id IN (SELECT id FROM customers_customer WHERE {cname}) AND o.delivery_region_id = "
             f"(SELECT delivery_region_id FROM orders_order WHERE customer_id = {ph} LIMIT 1) AND o.state = 'approved'")
    by_month_rep = (f"SELECT {month} AS m, o.customer_id, o.sales_rep_id, o.delivery_region_id, SUM(o.total_amount), "
                    f"COUNT(*) FROM orders_order o WHERE {rev} GROUP BY 1, 2, 3, 4")
    raw = {
        "search_box_product": [(list_sql.format(w=in_product), [product[1]]),
                               (count_sql.format(w=in_product), [product[1]])],
        "search_box_customer_province_state": [(list_sql.format(w=mixed), [f"%{cust_name}%", cust]),
                                               (count_sql.format(w=mixed), [f"%{cust_name}%", cust])],
        # the statistics page's core: approved revenue by month, customer, rep and province over 12 months
        "statistics_page": [(by_month_rep, [])],
        "statistics_page_one_rep": [(by_month_rep.replace("GROUP BY", f"AND o.sales_rep_id = {ph} GROUP BY"),
                                     [rep_id])],
        "order_list_filtered": [(list_sql.format(w=w_list), a_list), (count_sql.format(w=w_list), a_list)],
        "order_search_number": [(list_sql.format(w=like), a_like), (count_sql.format(w=like), a_like)],
        "order_get_number": [("SELECT o.*, c.name FROM orders_order o JOIN customers_customer c ON c.id = o.customer_id"
                              f" WHERE o.number = {ph}", [number])],
        "order_search_customer_name": [(list_sql.format(w=like), a_name), (count_sql.format(w=like), a_name)],
        "revenue_by_category": [(f"SELECT {month} AS m, p.category_id, k.name, SUM(l.amount) FROM orders_orderline l "
                                 "JOIN orders_order o ON o.id = l.order_id "
                                 "LEFT JOIN catalog_product p ON p.id = l.product_id "
                                 "LEFT JOIN catalog_category k ON k.id = p.category_id "
                                 f"WHERE {rev} GROUP BY 1, 2, 3", a_rev)],
        "revenue_by_region": [(f"SELECT {month} AS m, o.delivery_region_id, r.name, SUM(o.total_amount), COUNT(*) "
                               "FROM orders_order o LEFT JOIN catalog_region r ON r.id = o.delivery_region_id "
                               f"WHERE {rev} GROUP BY 1, 2, 3", a_rev)],
        "top_customers": [("SELECT o.customer_id, c.name, SUM(o.total_amount) AS s, COUNT(*) FROM orders_order o "
                           f"JOIN customers_customer c ON c.id = o.customer_id WHERE {rev} "
                           "GROUP BY 1, 2 ORDER BY s DESC, c.name LIMIT 20", a_rev)],
        "top_customers_live": [(by_customer_month, a_rev)],
        "proposed_search_number_prefix": [(list_sql.format(w=f"o.number LIKE {ph}"), [f"{number}%"]),
                                          (count_sql.format(w=f"o.number LIKE {ph}"), [f"{number}%"])],
        "proposed_search_customer_first": [(list_sql.format(w=in_customers), [f"%{cust_name}%"]),
                                           (count_sql.format(w=in_customers), [f"%{cust_name}%"])],
    }
    # Aging buckets by days past due (finance/rules.py: current, 1-30, 31-60, 61-90, over 90), per key.
    overdue = f"({ph}::date - i.due_date)" if vendor == "postgresql" else f"(julianday({ph}) - julianday(i.due_date))"
    buckets = ", ".join(
        f"SUM(CASE WHEN {cond} THEN i.amount - i.settled_amount ELSE 0 END)"
        for cond in (f"{overdue} <= 0", f"{overdue} BETWEEN 1 AND 30", f"{overdue} BETWEEN 31 AND 60",
                     f"{overdue} BETWEEN 61 AND 90", f"{overdue} > 90"))
    aging_args = [today] * 7
    raw["receivables_aging_by_customer"] = [(
        f"SELECT i.customer_id, c.name, {buckets}, SUM(i.amount - i.settled_amount) FROM finance_invoice i "
        f"JOIN customers_customer c ON c.id = i.customer_id WHERE i.state = 'open' GROUP BY 1, 2", aging_args[:5]),
        (f"SELECT {buckets} FROM finance_invoice i WHERE i.state = 'open'", aging_args[:5])]
    raw["receivables_aging_by_sales_rep"] = [(
        f"SELECT c.sales_rep_id, {buckets}, SUM(i.amount - i.settled_amount) FROM finance_invoice i "
        f"JOIN customers_customer c ON c.id = i.customer_id WHERE i.state = 'open' GROUP BY 1", aging_args[:5]),
        (f"SELECT {buckets} FROM finance_invoice i WHERE i.state = 'open'", aging_args[:5])]
    # The KPIs' core statement: orders submitted (entered in the period) per sales rep, one GROUP BY; the
    # scorecard runs one such aggregate per component.
    kpi_args = [kpi_month.start, kpi_month.end]
    kpi_rep = (f"SELECT o.sales_rep_id, COUNT(*) FROM orders_order o WHERE o.submitted_at IS NOT NULL "
               f"AND o.created_at >= {ph} AND o.created_at < {ph} GROUP BY 1")
    kpi_all = ("SELECT COUNT(*) FROM orders_order o WHERE o.submitted_at IS NOT NULL "
               f"AND o.created_at >= {ph} AND o.created_at < {ph}")
    raw["kpi_scorecard_sales_month"] = [(kpi_all, kpi_args)]
    raw["kpi_persons_sales_month"] = [(kpi_rep, kpi_args)]
    trend_from = kpi_month.previous(11)
    raw["kpi_trend_received_sales_12_months"] = [(
        f"SELECT {month.replace('o.approved_at', 'o.created_at')} AS m, COUNT(*) FROM orders_order o "
        f"WHERE o.submitted_at IS NOT NULL AND o.created_at >= {ph} AND o.created_at < {ph} GROUP BY 1",
        [trend_from.start, kpi_month.end])]
    raw["kpi_overview_six_departments_quarter"] = [(kpi_all, [kpi_quarter.start, kpi_quarter.end])]
    raw["statistics_page"] = [(by_month_rep, a_rev)]
    raw["statistics_page_one_rep"] = [(raw["statistics_page_one_rep"][0][0], [*a_rev, rep_id])]
    raw["statistics_page_month_live"] = raw["statistics_page"]
    raw["statistics_page_one_rep_month_live"] = raw["statistics_page_one_rep"]
    raw["revenue_by_category_live"] = raw["revenue_by_category"]
    raw["revenue_by_region_live"] = raw["revenue_by_region"]
    # P6.1.a: an inspection's automatic checks of 50 sampled orders (supervision/checks.py reads every fact of
    # the sample in a fixed number of queries). The raw side reads the three largest of those facts: the
    # orders' audit trails, their tasks and their shipments.
    from ordertaking.supervision.checks import order_checks

    lo, hi = Order.objects.order_by("id").values_list("id", flat=True)[0], Order.objects.order_by("-id")[0].pk
    sample = [lo + i * (hi - lo) // 49 for i in range(50)]
    marks = ", ".join([ph] * len(sample))
    app["inspection_checks_50_orders"] = lambda: order_checks(sample, today=today)
    raw["inspection_checks_50_orders"] = [
        ("SELECT * FROM audit_auditevent WHERE subject_type = 'orders.order' "
         f"AND subject_id IN ({marks}) ORDER BY subject_id, seq, id", [str(i) for i in sample]),
        (f"SELECT * FROM fulfilment_task WHERE order_id IN ({marks}) ORDER BY due_date, id", sample),
        (f"SELECT * FROM logistics_shipment WHERE order_id IN ({marks}) ORDER BY created_at, id", sample)]
    connection.ensure_connection()
    rawconn = connection.connection

    def run_raw(stmts):  # type: ignore[no-untyped-def]
        def go():  # type: ignore[no-untyped-def]
            cur = rawconn.cursor()
            first = None
            for sql, args in stmts:
                if vendor == "sqlite":
                    sql = sql.replace("%%", "%").replace("%s", "?")
                    args = [a.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
                            if hasattr(a, "astimezone") else a for a in args]
                cur.execute(sql, args)
                rows = cur.fetchall()
                first = rows if first is None else first
            cur.close()
            return first
        return go

    out: dict[str, Any] = {"params": {"customer_id": cust, "customer_name": cust_name, "number": number,
                                      "date_from": str(d_from), "date_to": str(d_to), "repeat": repeat},
                           "counts": {"orders": Order.objects.count()}, "queries": {}}
    def rows(result):  # type: ignore[no-untyped-def]
        if isinstance(result, tuple):  # (page, count)
            return len(result[0])
        if isinstance(result, dict):  # the aging report; the inspection checks (by order)
            return len(result["rows"]) if "rows" in result else len(result)
        return 1 if isinstance(result, Order) else len(result)

    only = set(p.get("only") or [])
    for name, fn in app.items():
        if only and name not in only:
            continue
        a = timed(fn, repeat)
        r = timed(run_raw(raw[name]), repeat)
        out["queries"][name] = {"app_ms": a, "raw_ms": r,
                                "ratio_p95": round(a["p95"] / r["p95"], 2) if r["p95"] else None,
                                "rows_app": rows(fn()), "rows_raw": len(run_raw(raw[name])() or [])}
    if vendor == "postgresql" and p.get("explain"):
        cur = rawconn.cursor()
        plans = {}
        for name, stmts in raw.items():
            if only and name not in only:
                continue
            sql, args = stmts[0]
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, args)
            plans[name] = "\n".join(r[0] for r in cur.fetchall())
        out["explain"] = plans
    return out


def run(kind: str, lines: int, repeat: int, only: list[str] | None = None) -> dict[str, Any]:
    """Generate (or reuse, when it already holds `lines` lines) the W2 database and time the queries."""
    import os

    from .env import db_url, fresh_db
    from .env import psql as _psql

    name = os.environ.get("BENCH_W2_DB") or f"bench_w2_{lines}"  # another name where bench_* is not ours
    url = db_url(kind, name)
    have = 0
    try:
        if kind == "pg":
            have = int(_psql("SELECT COUNT(*) FROM orders_orderline", name) or 0)
        else:
            import sqlite3

            from .env import sqlite_path

            if sqlite_path(name).exists():
                have = sqlite3.connect(sqlite_path(name)).execute("SELECT COUNT(*) FROM orders_orderline").fetchone()[0]
    except Exception:  # noqa: BLE001 - no database yet
        have = 0
    gen = None
    if have < lines * 0.95:
        url = fresh_db(kind, name)
        run_step("w1_setup", url, {})
        gen = run_step("history_load", url, {"n_orders": max(1, lines // 3), "n_customers": 1000}, timeout=7200)
    else:
        from .env import run_django

        run_django(["manage.py", "migrate", "-v0"], url)  # new indexes (reports) on an existing dataset
    import time as _time

    from .env import run_django

    t = _time.perf_counter()
    run_django(["manage.py", "reports_refresh"], url)  # what the nightly job does
    refresh_s = round(_time.perf_counter() - t, 1)
    if kind == "pg":
        _psql("VACUUM ANALYZE", name)  # as autovacuum would have done on a live system after the bulk load
    invoices = None
    if kind == "pg":
        has_invoices = int(_psql("SELECT COUNT(*) FROM finance_invoice", name) or 0)
    else:
        import sqlite3

        from .env import sqlite_path

        has_invoices = sqlite3.connect(sqlite_path(name)).execute("SELECT COUNT(*) FROM finance_invoice").fetchone()[0]
    if not has_invoices:  # receivables for the aging report (added after the first W2 datasets were made)
        invoices = run_step("invoices_load", url, {}, timeout=3600)
        if kind == "pg":
            _psql("VACUUM ANALYZE finance_invoice", name)
    res = run_step("w2_queries", url, {"repeat": repeat, "explain": True, "only": only or []})
    res["invoices"] = invoices or {"reused_existing_invoices": has_invoices}
    res["rollup_refresh_seconds_incl_process_start"] = refresh_s
    res["generator"] = gen or {"reused_existing_lines": have}
    return res
