"""W1 intake: create, submit and approve orders through the real services, beside the raw-SQL ceiling."""

from __future__ import annotations

import resource
import shutil
import time
from decimal import Decimal
from typing import Any

from . import ceiling
from .data import w1_expected_total, w1_lines
from .env import fresh_db, psql, run_step, sqlite_path
from .runner import run_workers, split, summary

WARMUP = 100


def template(kind: str, name: str = "bench_w1_tpl") -> tuple[str, dict[str, Any]]:
    """A migrated database holding the W1 setup; each run starts from a copy of it."""
    url = fresh_db(kind, name)
    meta = run_step("w1_setup", url, {})
    ceiling.prepare(url)
    return url, meta


def clone(kind: str, tpl: str, name: str) -> str:
    from .env import db_url

    if kind == "pg":
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{name}" TEMPLATE "{tpl}"')
    else:
        for suffix in ("-wal", "-shm"):
            dst = sqlite_path(name).with_name(sqlite_path(name).name + suffix)
            if dst.exists():
                dst.unlink()
        shutil.copyfile(sqlite_path(tpl), sqlite_path(name))
    return db_url(kind, name)


def indices(n: int, offset: int = 0) -> tuple[list[int], list[int]]:
    """Warm-up orders 0..99, then the timed orders 100..100+n-1 (offset shifts both)."""
    return list(range(offset, offset + WARMUP)), list(range(offset + WARMUP, offset + WARMUP + n))


def measure(kind: str, tpl: str, step: str, n: int, procs: int, runs: int, run_name: str,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """`runs` runs of `step` on fresh copies of the template; each checked for correctness."""
    results = []
    for _r in range(runs):
        url = clone(kind, tpl, run_name)
        warm, timed = indices(n)
        params = [{"url": url, "warmup": w, "indices": t, **(extra or {})}
                  for w, t in zip(split(warm, procs), split(timed, procs), strict=True)]
        res = run_workers(step, url, params)
        # Every step but the one-transaction ceiling leaves its orders approved, and the check says so.
        res["check"] = run_step("w1_verify", url, {"n": n + WARMUP, "services": step != "ceiling_worker"})
        results.append(res)
    return {"runs": results, "orders_per_s": summary([r["orders_per_s"] for r in results])}


# ------------------------------------------------------------------ steps run inside Django


def step_ceiling_worker(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return ceiling.worker(p["url"], p["indices"], p["warmup"], wait_go)


def step_ceiling3_worker(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return ceiling.worker(p["url"], p["indices"], p["warmup"], wait_go, three=True)


def services_available() -> tuple[bool, str]:
    try:
        from ordertaking.orders.services import order_create  # noqa: F401
        from ordertaking.review.services import order_approve, order_submit  # noqa: F401
    except ImportError as e:
        return False, f"services not there yet: {e}"
    return True, ""


def step_w1_worker(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from .data import w1_context

    ctx = w1_context()
    one = order_pipeline(ctx)
    for i in p["warmup"]:
        one(i)
    wait_go()
    lat = []
    t0 = time.time()
    for i in p["indices"]:
        s = time.perf_counter()
        one(i)
        lat.append((time.perf_counter() - s) * 1000)
    t1 = time.time()
    return {"t0": t0, "t1": t1, "n": len(p["indices"]), "lat": lat,
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def order_pipeline(ctx: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Order i: created and submitted by the sales rep, approved by the reviewer; three transactions."""
    create, submit, approve = order_pipeline_steps(ctx)

    def one(i: int):  # type: ignore[no-untyped-def]
        return approve(submit(create(i)))

    return one


def order_pipeline_steps(ctx: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The three steps of order_pipeline separately (for the profiler)."""
    from datetime import timedelta

    from django.utils import timezone

    from ordertaking.orders.services import order_create
    from ordertaking.review.services import order_approve, order_submit

    delivery = timezone.localdate() + timedelta(days=30)
    customers, products = ctx["customers"], ctx["products"]

    def create(i: int):  # type: ignore[no-untyped-def]
        lines = [{"product": products[pi], "name": "", "specification": "", "description": "", "unit": "",
                  "quantity": Decimal(q), "unit_price": None} for pi, q in w1_lines(i)]
        return order_create(actor=ctx["sales"], customer=customers[i % len(customers)],
                            delivery_date=delivery, delivery_region=ctx["region"], delivery_city="上海市",
                            delivery_address="浦东新区张江路1号", payment_method=ctx["payment_method"],
                            contact_name="张经理", contact_phone="13800000000", lines=lines)

    def submit(order):  # type: ignore[no-untyped-def]
        return order_submit(order=order, actor=ctx["sales"])

    def approve(order):  # type: ignore[no-untyped-def]
        return order_approve(order=order, actor=ctx["reviewer"])

    return create, submit, approve


def step_w1_verify(p: dict[str, Any]) -> dict[str, Any]:
    """Numbers unique and gap-free for the day, totals right, every order approved (services path)."""
    from django.db.models import Count, Sum

    from ordertaking.orders.models import Order, OrderLine
    from ordertaking.orders.numbering import business_day, parse_number

    day = business_day()
    numbers = list(Order.objects.filter(number__startswith=f"SO{day:%Y%m%d}-").values_list("number", flat=True))
    seqs = sorted(parse_number(n)[1] for n in numbers)  # type: ignore[index]
    expected_total = sum((w1_expected_total(i) for i in range(p["n"])), Decimal("0.00"))
    qs = Order.objects.filter(number__in=numbers)
    total = qs.aggregate(s=Sum("total_amount"))["s"] or Decimal("0")
    line_total = OrderLine.objects.filter(order__in=qs).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    states = dict(qs.values_list("state").annotate(c=Count("id")))
    out = {
        "orders": len(numbers),
        "unique": len(set(numbers)) == len(numbers),
        "gap_free": seqs == list(range(1, len(seqs) + 1)),
        "count_right": len(numbers) == p["n"],
        "totals_right": total == expected_total and line_total == expected_total,
        "states": states,
    }
    if p.get("services"):
        out["all_approved"] = states.get("approved", 0) == p["n"]
    out["ok"] = all(v for k, v in out.items() if k in ("unique", "gap_free", "count_right", "totals_right",
                                                       "all_approved"))
    return out


def step_services_available(p: dict[str, Any]) -> dict[str, Any]:
    ok, why = services_available()
    return {"ok": ok, "why": why}
