"""Orchestration: which workload on which database, results saved as JSON and printed."""

from __future__ import annotations

import json
import sys
from typing import Any

from . import w1
from .env import db_url, run_step, save
from .runner import summary

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

            avail = run_step("services_available", db_url(kind, tpl), {})
            res["services_available"] = avail
            services = a.w1 and avail["ok"]
            # Interleaved: each run measures the ceiling and then the services back to back, so a ratio
            # compares two figures taken under the same machine load (the load here drifts by minutes).
            runs: dict[str, list[dict[str, Any]]] = {}
            ceil_n = a.ceiling_orders or a.orders
            for r in range(a.runs):
                for procs in (1, 2):
                    if a.w1_ceiling:
                        log(f"W1 {kind}: run {r + 1}, ceiling, {procs} process(es)")
                        runs.setdefault(f"ceiling_{procs}p", []).append(
                            w1.measure(kind, tpl, "ceiling_worker", ceil_n, procs, 1, "bench_w1_run")["runs"][0])
                    if services and getattr(a, "w1_floor", False) and procs == 1:
                        for key, step in (("ceiling3_1p", "ceiling3_worker"), ("orm_floor_1p", "orm_floor_worker")):
                            log(f"W1 {kind}: run {r + 1}, {key}")
                            runs.setdefault(key, []).append(
                                w1.measure(kind, tpl, step, ceil_n, 1, 1, "bench_w1_run")["runs"][0])
                    if services:
                        log(f"W1 {kind}: run {r + 1}, services, {procs} process(es)")
                        runs.setdefault(f"services_{procs}p", []).append(
                            w1.measure(kind, tpl, "w1_worker", a.orders, procs, 1, "bench_w1_run")["runs"][0])
                for key, rr in runs.items():
                    res[key] = {"runs": rr, "orders_per_s": summary([x["orders_per_s"] for x in rr])}
                checkpoint()
            for key in ("services_1p", "services_2p", "ceiling3_1p", "orm_floor_1p"):
                c, sv = runs.get("ceiling_" + key.rsplit("_", 1)[1]), runs.get(key)
                if c and sv:
                    pairs = [round(x["orders_per_s"] / y["orders_per_s"], 4) for x, y in zip(sv, c, strict=True)]
                    res[f"paired_ratio_{key}"] = {"median": sorted(pairs)[len(pairs) // 2], "runs": pairs}
            if a.w1_http and avail["ok"]:
                from . import http

                hr = []
                for r in range(a.http_runs or a.runs):
                    log(f"W1 {kind}: run {r + 1}, ceiling then HTTP")
                    c = w1.measure(kind, tpl, "ceiling_worker", ceil_n, 1, 1, "bench_w1_run")["runs"][0]
                    h = http.measure(kind, tpl, a.http_orders or a.orders, 1)
                    h["runs"][0]["ceiling_1p_just_before"] = c["orders_per_s"]
                    hr.append(h["runs"][0])
                res["http"] = {"runs": hr, "orders_per_s": summary([x["orders_per_s"] for x in hr]),
                               "clients": http.CLIENTS, "gunicorn_workers": http.WORKERS}
                pairs = [round(x["orders_per_s"] / x["ceiling_1p_just_before"], 4) for x in hr]
                res["paired_ratio_http"] = {"median": sorted(pairs)[len(pairs) // 2], "runs": pairs}
                checkpoint()
            ceil = res.get("ceiling_1p", {}).get("orders_per_s", {}).get("median")
            res["ratios_to_ceiling_1p"] = {k: ratio(v["orders_per_s"]["median"], ceil) for k, v in res.items()
                                           if isinstance(v, dict) and "orders_per_s" in v}
            out[kind] = res
        save(f"w1{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:6000])
    if a.w2:
        from . import w2

        only = [q for q in a.w2_queries.split(",") if q]
        out = {kind: w2.run(kind, a.lines, a.repeat, only) for kind in kinds}
        save(f"w2{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:8000])
    if a.w3:
        from . import w3

        out = w3.run(a.w3_orders, a.runs, a.w3_limit)
        save(f"w3{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:4000])
    if a.w4:
        from . import w4

        out = {"orders": a.w4_orders, "warmup": w4.WARMUP, "runs_per_figure": a.runs}
        for kind in kinds:
            log(f"W4 {kind}: the whole lifecycle")
            out[kind] = w4.measure(kind, a.w4_orders, a.runs)
            save(f"w4{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:6000])
    if a.w1_scale:
        from . import scale

        out = {kind: scale.run(kind, a.scale_orders, a.orders, a.runs) for kind in kinds if kind == "pg"}
        save(f"w1_scale{tag}", out)
        log(json.dumps(out, indent=1, default=str)[:4000])
    if getattr(a, "w4_scale", False) and "pg" in kinds:
        from . import w4

        log(f"W4 at scale: {a.scale_orders} history orders, {a.w4_orders} W4 orders per run, {a.runs} pairs")
        out = w4.scale_run(a.scale_orders, a.w4_orders, a.runs)
        save(f"w4_scale{tag}", out)
        log(json.dumps({k: v for k, v in out.items() if not k.endswith("_runs")}, indent=1, default=str)[:4000])
