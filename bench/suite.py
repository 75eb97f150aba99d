"""Orchestration: which workload on which database, results saved as JSON and printed."""

from __future__ import annotations

import json
import sys
from typing import Any

from . import w1
from .env import db_url, run_step, save

NAMES = {"pg": "PostgreSQL", "sqlite": "SQLite"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ratio(x: float, ceiling: float | None) -> float | None:
    return round(x / ceiling, 4) if ceiling else None


def run(a: Any, kinds: list[str]) -> None:
    tag = f"-{a.tag}" if a.tag else ""
    if a.w1_ceiling or a.w1 or a.w1_http:
        out: dict[str, Any] = {"orders": a.orders, "warmup": w1.WARMUP, "runs_per_figure": a.runs}
        for kind in kinds:
            log(f"W1 {kind}: template")
            tpl_url, meta = w1.template(kind)
            tpl = "bench_w1_tpl"
            res: dict[str, Any] = {"credit": meta.get("credit", False), "credit_note": meta.get("why", "")}
            out[kind] = res

            def checkpoint() -> None:  # keep what was measured even if a later figure is cut short
                save(f"w1{tag}", out)

            if a.w1_ceiling:
                for procs in (1, 2):
                    log(f"W1 {kind}: ceiling, {procs} process(es)")
                    res[f"ceiling_{procs}p"] = w1.measure(kind, tpl, "ceiling_worker", a.ceiling_orders or a.orders,
                                                         procs, a.runs, "bench_w1_run")
                    checkpoint()
            avail = run_step("services_available", db_url(kind, tpl), {})
            res["services_available"] = avail
            if a.w1 and avail["ok"]:
                for procs in (1, 2):
                    log(f"W1 {kind}: services, {procs} process(es)")
                    res[f"services_{procs}p"] = w1.measure(kind, tpl, "w1_worker", a.orders, procs, a.runs,
                                                          "bench_w1_run")
                    checkpoint()
            if a.w1_http and avail["ok"]:
                from . import http

                log(f"W1 {kind}: HTTP")
                res["http"] = http.measure(kind, tpl, a.http_orders or a.orders, a.http_runs or a.runs)
                checkpoint()
            ceil = res.get("ceiling_1p", {}).get("orders_per_s", {}).get("median")
            res["ratios_to_ceiling_1p"] = {k: ratio(v["orders_per_s"]["median"], ceil) for k, v in res.items()
                                           if isinstance(v, dict) and "orders_per_s" in v}
            out[kind] = res
        save(f"w1{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:6000])
    if a.w2:
        from . import w2

        out = {kind: w2.run(kind, a.lines, a.repeat) for kind in kinds}
        save(f"w2{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:8000])
    if a.w3:
        from . import w3

        out = w3.run(a.w3_orders, a.runs)
        save(f"w3{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:4000])
    if a.w1_scale:
        from . import scale

        out = {kind: scale.run(kind, a.scale_orders, a.orders, a.runs) for kind in kinds if kind == "pg"}
        save(f"w1_scale{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:4000])
