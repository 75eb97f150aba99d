"""Where W1's time goes: queries per order by kind (create/submit/approve) and a pyinstrument profile.

    .venv/bin/python -m bench profile --db pg --orders 50          # the services
    .venv/bin/python -m bench profile --db pg --orders 50 --api    # the same orders through /api/v1
Writes bench/results/profile-<db>.json (queries) and bench/results/profile-<db>.txt (pyinstrument);
with --api, profile-api-<db>.*: each call goes through Django's whole request path (middleware, token,
django-ninja, the JSON answer) in this process, by Django's test client, so the profile shows the API's
own cost beside the services' (no network, no gunicorn, no client threads).
"""

from __future__ import annotations

import collections
import re
import time
from typing import Any


def step_profile(p: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .data import w1_context
    from .w1 import order_pipeline_steps

    ctx = w1_context()
    create, submit, approve = order_pipeline_steps(ctx)
    for i in range(20):  # warm-up
        approve(submit(create(i)))
    per_step: dict[str, list[int]] = collections.defaultdict(list)
    shapes: collections.Counter[str] = collections.Counter()
    secs: dict[str, float] = collections.defaultdict(float)
    n = p.get("orders", 50)
    for i in range(20, 20 + n):
        order = None
        for name, fn in (("create", create), ("submit", submit), ("approve", approve)):
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                order = fn(i) if name == "create" else fn(order)
                secs[name] += time.perf_counter() - t
            per_step[name].append(len(q.captured_queries))
            for x in q.captured_queries:
                sql = re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", x["sql"])
                shapes[f"{name}: {sql[:160]}"] += 1
    out: dict[str, Any] = {
        "orders": n,
        "queries_per_order": {k: sum(v) / len(v) for k, v in per_step.items()},
        "ms_per_order": {k: round(v / n * 1000, 1) for k, v in secs.items()},
        "top_query_shapes_per_order": {k: round(c / n, 2) for k, c in shapes.most_common(40)},
    }
    out["queries_per_order"]["total"] = sum(out["queries_per_order"].values())
    if p.get("pyinstrument"):
        from pyinstrument import Profiler

        prof = Profiler(interval=0.0005)
        prof.start()
        for i in range(20 + n, 20 + 2 * n):
            approve(submit(create(i)))
        prof.stop()
        out["pyinstrument_text"] = prof.output_text(unicode=False, color=False, show_all=False)
    return out


def step_profile_api(p: dict[str, Any]) -> dict[str, Any]:
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from .http import order_body, step_http_tokens

    tokens = step_http_tokens({})
    client = Client()

    def call(path: str, token: str, body: Any = None) -> Any:
        r = client.post(path, data=json.dumps(body) if body is not None else "", content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}")
        if r.status_code >= 400:
            raise RuntimeError(f"{path} -> {r.status_code} {r.content[:300]!r}")
        return r.json()

    def one(i: int, record: dict[str, list[float]] | None = None) -> None:
        steps = (("create", lambda: call("/api/v1/orders", tokens["bench_sales"], order_body(tokens, i))),
                 ("submit", lambda: call(f"/api/v1/orders/{number}/submit", tokens["bench_sales"])),
                 ("approve", lambda: call(f"/api/v1/orders/{number}/approve", tokens["bench_reviewer"], {})))
        number = ""
        for name, fn in steps:
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                out = fn()
                if record is not None:
                    record[name].append(time.perf_counter() - t)
                    record[f"{name}_statements"].append(len(q.captured_queries))
            number = number or out["number"]

    for i in range(20):  # warm-up
        one(i)
    n = p.get("orders", 50)
    record: dict[str, list[float]] = collections.defaultdict(list)
    for i in range(20, 20 + n):
        one(i, record)
    out: dict[str, Any] = {
        "orders": n,
        "ms_per_call": {k: round(sum(v) / n * 1000, 1) for k, v in record.items() if not k.endswith("_statements")},
        "statements_per_call": {k.removesuffix("_statements"): sum(v) / n for k, v in record.items()
                                if k.endswith("_statements")},
    }
    if p.get("pyinstrument"):  # installed for local use only (docs/performance.md)
        from pyinstrument import Profiler

        prof = Profiler(interval=0.0005)
        prof.start()
        for i in range(20 + n, 20 + 2 * n):
            one(i)
        prof.stop()
        out["pyinstrument_text"] = prof.output_text(unicode=False, color=False, show_all=False)
    return out


def run(kind: str, orders: int, api: bool = False) -> None:
    import json

    from . import w1
    from .env import RESULTS, run_step

    w1.template(kind, "bench_prof_tpl")
    url = w1.clone(kind, "bench_prof_tpl", "bench_prof")
    out = run_step("profile_api" if api else "profile", url, {"orders": orders, "pyinstrument": True})
    text = out.pop("pyinstrument_text", "")
    name = f"profile-api-{kind}" if api else f"profile-{kind}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    (RESULTS / f"{name}.txt").write_text(text)
    if api:
        print(json.dumps(out["statements_per_call"]), json.dumps(out["ms_per_call"]))
    else:
        print(json.dumps(out["queries_per_order"]), json.dumps(out["ms_per_order"]))
