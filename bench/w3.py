"""W3 contention: 8 processes creating, submitting and approving orders for the same 5 customers at once
(PostgreSQL). Each customer has the issue's 1,000,000 CNY limit, far below what the run orders, so the
credit gate must hold orders under the customer's row lock. Checks afterwards: order numbers unique and
gap-free, no customer's approved exposure above its limit (and the maintained exposure equal to the sum
of its approved orders), every deadlock or lock error retried and counted, none left unhandled.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal
from typing import Any

from .env import run_step
from .runner import run_workers, split, summary

PROCS = 8
# BENCH_W3_CUSTOMERS=1 puts every order on one customer's credit row: the hot-row figure (docs/scaling.md).
CUSTOMERS = int(os.environ.get("BENCH_W3_CUSTOMERS", "5"))
RETRIES = 5


def step_w3_setup(p: dict[str, Any]) -> dict[str, Any]:
    from ordertaking.credit.models import CustomerCredit

    from .data import w1_context

    ids = [c.pk for c in w1_context()["customers"][:CUSTOMERS]]
    if p.get("limit"):
        # The 1,000,000 CNY is sized for 2,000 orders; a shorter run scales it down so the same share
        # of orders runs into the limit and the credit gate has to hold them (benchmark setup, not a service).
        CustomerCredit.objects.filter(customer_id__in=ids).update(credit_limit=Decimal(p["limit"]))
    limits = {str(c.customer_id): str(c.credit_limit) for c in CustomerCredit.objects.filter(customer_id__in=ids)}
    return {"customers": ids, "limits": limits}


def step_w3_worker(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    from .data import w1_context
    from .w1 import order_pipeline_steps

    ctx = w1_context()
    ctx["customers"] = ctx["customers"][:CUSTOMERS]
    create, submit, approve = order_pipeline_steps(ctx)

    retries, failures, kinds = 0, 0, {}
    states: dict[str, int] = {}

    def retried(fn, arg):  # type: ignore[no-untyped-def]
        """One step (its own transaction), retried on deadlock / lock errors, so a retry never repeats an
        earlier step that already committed."""
        nonlocal retries, failures
        for k in range(RETRIES + 1):
            try:
                return fn(arg)
            except OperationalError as e:  # deadlock / lock timeout: retried, and counted
                kind = str(e).splitlines()[0][:80]
                kinds[kind] = kinds.get(kind, 0) + 1
                if k == RETRIES:
                    failures += 1
                    return None
                retries += 1
                time.sleep(0.01 * (k + 1))
        return None

    def attempt(i: int) -> None:
        order = retried(create, i)
        order = order and retried(submit, order)
        # Over the limit at submit, the credit app already puts the order on credit hold (P5.1); only
        # an order still awaiting review goes on to the reviewer.
        if order is not None and order.state == "submitted":
            order = retried(approve, order)
        if order is not None:
            states[order.state] = states.get(order.state, 0) + 1

    for i in p["warmup"]:
        attempt(i)
    wait_go()
    states.clear()
    t0 = time.time()
    for i in p["indices"]:
        attempt(i)
    t1 = time.time()
    return {"t0": t0, "t1": t1, "n": len(p["indices"]), "retries": retries, "failures": failures,
            "error_kinds": kinds, "states": states}


def step_w3_verify(p: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Sum

    from ordertaking.credit.models import CustomerCredit
    from ordertaking.orders.models import Order

    from .w1 import step_w1_verify

    base = step_w1_verify({"n": p["n"], "services": False})
    credit = []
    for c in CustomerCredit.objects.filter(customer_id__in=p["customers"]).order_by("customer_id"):
        approved = (Order.objects.filter(customer_id=c.customer_id, state="approved")
                    .aggregate(s=Sum("total_amount"))["s"] or Decimal("0"))
        credit.append({"customer": c.customer_id, "limit": str(c.credit_limit), "approved": str(approved),
                       "maintained_exposure": str(c.approved_uninvoiced),
                       "within_limit": approved <= c.credit_limit,
                       "exposure_consistent": approved == c.approved_uninvoiced})
    ok = base["unique"] and base["gap_free"] and base["count_right"] and base["totals_right"] and all(
        x["within_limit"] and x["exposure_consistent"] for x in credit)
    return {**base, "credit": credit, "ok": ok}


def run(n: int, runs: int, limit_override: str = "") -> dict[str, Any]:
    from .w1 import WARMUP, clone, indices, template

    template("pg", "bench_w3_tpl")
    results = []
    for _r in range(runs):
        url = clone("pg", "bench_w3_tpl", "bench_w3_run")
        limit = (Decimal(limit_override) if limit_override
                 else (Decimal("1000000.00") * min(n, 2000) / 2000).quantize(Decimal("0.01")))
        setup = run_step("w3_setup", url, {"limit": str(limit)})
        warm, timed = indices(n)
        params = [{"warmup": w, "indices": t} for w, t in zip(split(warm, PROCS), split(timed, PROCS), strict=True)]
        res = run_workers("w3_worker", url, params)
        res["check"] = run_step("w3_verify", url, {"n": n + WARMUP, "customers": setup["customers"]})
        results.append(res)
    return {"processes": PROCS, "customers": CUSTOMERS, "runs": results, "credit_limit_per_customer": str(limit),
            "orders_per_s": summary([r["orders_per_s"] for r in results])}
