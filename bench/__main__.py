"""`python -m bench run ...` (the suite), `python -m bench step NAME JSON` (one step in a Django process) and
`python -m bench scaleout up|prove-all|down` (bench/scaleout.py)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

STEPS_WITH_GO = {"ceiling_worker", "ceiling3_worker", "orm_floor_worker", "w1_worker", "w3_worker", "http_client",
                 "w4_worker"}


def step(name: str, params: dict[str, Any]) -> None:
    from .env import django_setup

    django_setup()
    import importlib

    from .runner import worker_protocol

    # step name -> (module, function); imported lazily so a missing piece breaks only its own step
    table = {
        "ceiling_worker": ("w1", "step_ceiling_worker"), "w1_worker": ("w1", "step_w1_worker"),
        "ceiling3_worker": ("w1", "step_ceiling3_worker"), "orm_floor_worker": ("floor", "step_orm_floor_worker"),
        "w3_worker": ("w3", "step_w3_worker"), "http_client": ("http", "step_http_client"),
        "w1_setup": ("data", "step_w1_setup"), "history_load": ("data", "step_history_load"),
        "invoices_load": ("data", "step_invoices_load"),
        "w1_verify": ("w1", "step_w1_verify"), "services_available": ("w1", "step_services_available"),
        "w2_queries": ("w2", "step_w2_queries"), "w3_setup": ("w3", "step_w3_setup"),
        "w3_verify": ("w3", "step_w3_verify"), "profile": ("profile", "step_profile"),
        "profile_api": ("profile", "step_profile_api"),
        "http_tokens": ("http", "step_http_tokens"),
        "w4_setup": ("w4", "step_w4_setup"), "w4_worker": ("w4", "step_w4_worker"),
        "w4_verify": ("w4", "step_w4_verify"), "w4_history_load": ("w4", "step_w4_history_load"),
        "scaleout_credit_setup": ("scaleout", "step_scaleout_credit_setup"),
        "scaleout_idempotency_check": ("scaleout", "step_scaleout_idempotency_check"),
        "scaleout_jobs_enqueue": ("scaleout", "step_scaleout_jobs_enqueue"),
        "scaleout_jobs_state": ("scaleout", "step_scaleout_jobs_state"),
        "scaleout_job_rerun": ("scaleout", "step_scaleout_job_rerun"),
    }
    mod, fname = table[name]
    fn = getattr(importlib.import_module(f"bench.{mod}"), fname)
    if name in STEPS_WITH_GO:
        worker_protocol(lambda wait_go: fn(params, wait_go))
        return
    fns = {name: fn}
    print(json.dumps(fns[name](params), default=str, ensure_ascii=False), flush=True)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "step":
        step(argv[1], json.loads(argv[2]) if len(argv) > 2 else {})
        return 0
    if argv and argv[0] == "scaleout":  # two app servers, nginx, two consumers (scripts/scaleout.sh)
        from .scaleout import main as scaleout_main

        return scaleout_main(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m bench")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run workloads; results in bench/results/*.json, summary on stdout")
    r.add_argument("--all", action="store_true", help="every workload at full size")
    r.add_argument("--w1-ceiling", action="store_true", help="raw-SQL ceiling (psycopg / sqlite3)")
    r.add_argument("--w1", action="store_true", help="W1 through the services, 1 and 2 processes")
    r.add_argument("--w1-floor", action="store_true",
                   help="with --w1: also the ceiling in W1's three transactions and the bare-ORM floor (1 process)")
    r.add_argument("--w1-http", action="store_true", help="W1 over HTTP: gunicorn 2 workers, 8 clients")
    r.add_argument("--w1-scale", action="store_true", help="W1 after bulk-loading --scale-orders history")
    r.add_argument("--w2", action="store_true", help="W2 analytics queries vs raw SQL")
    r.add_argument("--w3", action="store_true", help="W3 contention: 8 processes, 5 customers (PostgreSQL)")
    r.add_argument("--w4", action="store_true", help="W4 the whole lifecycle, entry to paid, 1 process")
    r.add_argument("--w4-orders", type=int, default=200, help="timed W4 orders per run (after 10 warm-up)")
    r.add_argument("--w4-scale", action="store_true",
                   help="W4 after --scale-orders history orders (with their lifecycle), alternating with W4 on an "
                        "empty database (PostgreSQL)")
    r.add_argument("--db", default="pg,sqlite", help="pg, sqlite or pg,sqlite")
    r.add_argument("--orders", type=int, default=2000, help="timed W1 orders per run (after 100 warm-up)")
    r.add_argument("--runs", type=int, default=3)
    r.add_argument("--ceiling-orders", type=int, default=0, help="timed ceiling orders (default: --orders)")
    r.add_argument("--http-orders", type=int, default=0, help="timed HTTP orders (default: --orders)")
    r.add_argument("--http-runs", type=int, default=0, help="HTTP runs (default: --runs)")
    r.add_argument("--lines", type=int, default=1_000_000, help="W2 order lines")
    r.add_argument("--scale-orders", type=int, default=1_000_000, help="history orders for W1 and W4 at scale")
    r.add_argument("--w3-orders", type=int, default=2000, help="W3 orders in total (8 processes)")
    r.add_argument("--w3-limit", default="", help="W3 credit limit per customer (default: 1,000,000 scaled to size)")
    r.add_argument("--repeat", type=int, default=30, help="W2 calls per query")
    r.add_argument("--w2-queries", default="", help="W2: only these queries, comma-separated (default: all)")
    r.add_argument("--tag", default="", help="suffix for result file names (e.g. small)")
    rp = sub.add_parser("report", help="markdown tables from bench/results/*.json")
    rp.add_argument("match", nargs="?", default="", help="only result files whose name contains this (e.g. final)")
    pr = sub.add_parser("profile", help="queries per order and a pyinstrument profile of W1 (services)")
    pr.add_argument("--db", default="pg")
    pr.add_argument("--orders", type=int, default=50)
    pr.add_argument("--api", action="store_true", help="the same orders through /api/v1 (Django's test client)")
    a = ap.parse_args(argv)
    if a.cmd == "report":
        from .report import main as report_main

        report_main(a.match)
        return 0
    if a.cmd == "profile":
        from .profile import run as profile_run

        for kind in [k for k in a.db.split(",") if k]:
            profile_run(kind, a.orders, api=a.api)
        return 0
    kinds = [k.strip() for k in a.db.split(",") if k.strip()]
    if a.all:
        a.w1_ceiling = a.w1 = a.w1_floor = a.w1_http = a.w1_scale = a.w2 = a.w3 = a.w4 = a.w4_scale = True
    from . import suite

    t = time.time()
    suite.run(a, kinds)
    print(f"done in {time.time() - t:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
