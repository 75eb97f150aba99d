"""W1 at scale: W1 through the services again after bulk-loading history (default 1,000,000 orders
with their lines and audit events, COPY), alternating with W1 on an empty database in the same run so the
two figures share the machine's conditions. Target: within 10% of the empty figure."""

from __future__ import annotations

from typing import Any

from .env import psql, run_step
from .runner import summary

SCALE_TPL = "bench_scale_tpl"
EMPTY_TPL = "bench_scale_empty_tpl"


def load(orders: int) -> dict[str, Any]:
    from .w1 import template

    template("pg", EMPTY_TPL)
    url, _meta = template("pg", SCALE_TPL)
    gen = run_step("history_load", url, {"n_orders": orders, "n_customers": 1000, "events": True}, timeout=7200)
    psql("VACUUM ANALYZE", SCALE_TPL)  # as autovacuum would have long since done on a live system
    gen["database_size"] = psql(f"SELECT pg_size_pretty(pg_database_size('{SCALE_TPL}'))")
    return gen


def run(kind: str, orders: int, n: int, runs: int) -> dict[str, Any]:
    from .w1 import measure

    have = 0
    try:
        have = int(psql("SELECT COUNT(*) FROM orders_order", SCALE_TPL) or 0)
    except Exception:  # noqa: BLE001 - no template yet
        have = 0
    gen = load(orders) if have < orders else {"reused_existing_orders": have}
    empty, scaled = [], []
    for _r in range(runs):  # alternate, so drift in the machine's load hits both alike
        empty.append(measure("pg", EMPTY_TPL, "w1_worker", n, 1, 1, "bench_scale_run"))
        scaled.append(measure("pg", SCALE_TPL, "w1_worker", n, 1, 1, "bench_scale_run"))
    e = [r["orders_per_s"]["median"] for r in empty]
    s = [r["orders_per_s"]["median"] for r in scaled]
    out = {"history": gen, "empty": summary(e), "scaled": summary(s),
           "empty_runs": empty, "scaled_runs": scaled}
    out["scaled_over_empty"] = round(out["scaled"]["median"] / out["empty"]["median"], 3)
    return out
