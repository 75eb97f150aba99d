"""The raw-SQL ceiling for W1, exactly the issue's minimum work for one order:

    next number from a counter row, insert the header, insert three lines,
    lock and update the customer's exposure, commit.

psycopg on PostgreSQL, sqlite3 (WAL, synchronous=FULL, BEGIN IMMEDIATE) on SQLite, against the
project's own tables (orders_ordernumbercounter, orders_order, orders_orderline with every index
the migrations create) plus a one-row-per-customer exposure table `bench_exposure`. Product prices
are held in memory (loaded before timing) since the minimum work reads nothing else.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from .data import W1_PRODUCTS, list_price, w1_lines

EXPOSURE_DDL = ("CREATE TABLE IF NOT EXISTS bench_exposure (customer_id bigint PRIMARY KEY, "
                "credit_limit numeric(14,2) NOT NULL, exposure numeric(14,2) NOT NULL)")

HEADER = ("INSERT INTO orders_order (number, customer_id, sales_rep_id, entered_by_id, state, revision, delivery_date,"
          " delivery_region_id, delivery_city, delivery_address, payment_method_id, customer_reference,"
          " contact_name, contact_phone, currency, total_amount, notes, cancel_reason, created_at, updated_at)"
          " VALUES ({p}) RETURNING id")
LINES = ("INSERT INTO orders_orderline (order_id, position, product_id, product_code, name, specification,"
         " description, unit, quantity, unit_price, list_price, amount) VALUES {rows}")


def connect(url: str):
    u = urlparse(url)
    if u.scheme.startswith("postgres"):
        import psycopg

        return "pg", psycopg.connect(host=u.hostname, user=u.username, dbname=u.path.lstrip("/"))
    conn = sqlite3.connect(u.path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return "sqlite", conn


def prepare(url: str) -> None:
    """Create and fill bench_exposure (1,000,000 CNY limit per customer). Not timed."""
    kind, conn = connect(url)
    cur = conn.cursor()
    cur.execute(EXPOSURE_DDL)
    cur.execute("DELETE FROM bench_exposure")
    cur.execute("INSERT INTO bench_exposure (customer_id, credit_limit, exposure) "
                "SELECT id, 1000000, 0 FROM customers_customer")
    conn.commit()
    conn.close()


class Ceiling:
    def __init__(self, url: str):
        self.kind, self.conn = connect(url)
        cur = self.conn.cursor()
        p = "%s" if self.kind == "pg" else "?"
        self.p = p
        cur.execute(f"SELECT id FROM accounts_user WHERE username = {p}", ["bench_sales"])
        self.user_id = cur.fetchone()[0]
        cur.execute(f"SELECT id FROM catalog_region WHERE code = {p}", ["SH"])
        self.region_id = cur.fetchone()[0]
        cur.execute(f"SELECT id FROM catalog_paymentmethod WHERE code = {p}", ["PREPAY"])
        self.pm_id = cur.fetchone()[0]
        cur.execute("SELECT id FROM customers_customer ORDER BY id LIMIT 100")
        self.customers = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id, code, name, specification, unit FROM catalog_product "
                    f"ORDER BY code LIMIT {W1_PRODUCTS}")
        self.products = cur.fetchall()
        self.header_sql = HEADER.format(p=", ".join([p] * 20))
        self.lines_sql = LINES.format(rows=", ".join(["(" + ", ".join([p] * 12) + ")"] * 3))
        if self.kind == "sqlite":
            self.conn.commit()

    def _conv(self, v: Any) -> Any:
        return str(v) if self.kind == "sqlite" else v

    def _insert(self, cur: Any, i: int, today: date) -> tuple[int, int, Decimal, Any]:
        """Number, header and lines of order i (the transaction is the caller's); (order id, customer, total, now)."""
        p, conv = self.p, self._conv
        cust = self.customers[i % len(self.customers)]
        lines = w1_lines(i)
        amounts = [list_price(pi) * q for pi, q in lines]
        total = sum(amounts, Decimal("0.00"))
        now = datetime.now(UTC)
        nowv = now.isoformat(" ") if self.kind == "sqlite" else now
        cur.execute(f"INSERT INTO orders_ordernumbercounter (day, last) VALUES ({p}, 1) ON CONFLICT (day) DO UPDATE "
                    f"SET last = orders_ordernumbercounter.last + 1 RETURNING last", [conv(today)])
        number = f"SO{today:%Y%m%d}-{cur.fetchone()[0]:04d}"
        cur.execute(self.header_sql, [number, cust, self.user_id, self.user_id, "draft", 1,
                                      conv(today + timedelta(days=30)), self.region_id, "上海市", "浦东新区1号",
                                      self.pm_id, "", "张经理", "13800000000", "CNY", conv(total), "", "", nowv, nowv])
        order_id = cur.fetchone()[0]
        params: list[Any] = []
        for pos, ((pi, q), amount) in enumerate(zip(lines, amounts, strict=True), start=1):
            pid, code, name, spec, unit = self.products[pi]
            price = list_price(pi)
            params += [order_id, pos, pid, code, name, spec, "", unit, conv(Decimal(q)), conv(price), conv(price),
                       conv(amount)]
        cur.execute(self.lines_sql, params)
        return order_id, cust, total, nowv

    def _exposure_move(self, cur: Any, cust: int, total: Decimal) -> None:
        """Lock the customer's exposure row, check the limit, move it (the transaction is the caller's)."""
        p = self.p
        lock = "" if self.kind == "sqlite" else " FOR UPDATE"  # SQLite: BEGIN IMMEDIATE holds the write lock
        cur.execute(f"SELECT credit_limit, exposure FROM bench_exposure WHERE customer_id = {p}{lock}", [cust])
        limit, exposure = cur.fetchone()
        if Decimal(str(exposure)) + total > Decimal(str(limit)):
            self.conn.rollback()
            raise RuntimeError("credit limit exceeded")
        cur.execute(f"UPDATE bench_exposure SET exposure = exposure + {p} WHERE customer_id = {p}",
                    [self._conv(total), cust])

    def _begin(self, cur: Any) -> None:
        if self.kind == "sqlite":
            cur.execute("BEGIN IMMEDIATE")

    def one(self, i: int, today: date) -> None:
        cur = self.conn.cursor()
        self._begin(cur)
        _order_id, cust, total, _now = self._insert(cur, i, today)
        self._exposure_move(cur, cust, total)
        self.conn.commit()

    def three(self, i: int, today: date) -> None:
        """The same work in the issue's three transactions (create / submit / approve), as W1 runs it:
        insert order and lines; move the order to submitted; lock and move the exposure and approve.
        This is the most W1's structure allows: three commits where the ceiling has one."""
        p = self.p
        lock = "" if self.kind == "sqlite" else " FOR UPDATE"
        cur = self.conn.cursor()
        self._begin(cur)  # 1. create
        order_id, cust, total, nowv = self._insert(cur, i, today)
        self.conn.commit()
        self._begin(cur)  # 2. submit
        cur.execute(f"SELECT state FROM orders_order WHERE id = {p}{lock}", [order_id])
        cur.execute(f"UPDATE orders_order SET state = 'submitted', submitted_at = {p} WHERE id = {p}",
                    [nowv, order_id])
        self.conn.commit()
        self._begin(cur)  # 3. approve
        cur.execute(f"SELECT state FROM orders_order WHERE id = {p}{lock}", [order_id])
        self._exposure_move(cur, cust, total)
        cur.execute(f"UPDATE orders_order SET state = 'approved', approved_at = {p} WHERE id = {p}", [nowv, order_id])
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def worker(url: str, indices: list[int], warmup: list[int], wait_go,  # type: ignore[no-untyped-def]
           three: bool = False) -> dict[str, Any]:
    from .data import business_today

    c = Ceiling(url)
    today = business_today()
    one = c.three if three else c.one
    for i in warmup:
        one(i, today)
    wait_go()
    t0 = time.time()
    for i in indices:
        one(i, today)
    t1 = time.time()
    c.close()
    return {"t0": t0, "t1": t1, "n": len(indices)}
