"""Where W1's time goes: queries per order by kind (create/submit/approve) and a pyinstrument profile.

    .venv/bin/python -m bench profile --db pg --orders 50
Writes bench/results/profile-<db>.json (queries) and bench/results/profile-<db>.txt (pyinstrument).
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


def run(kind: str, orders: int) -> None:
    import json

    from . import w1
    from .env import RESULTS, run_step

    w1.template(kind, "bench_prof_tpl")
    url = w1.clone(kind, "bench_prof_tpl", "bench_prof")
    out = run_step("profile", url, {"orders": orders, "pyinstrument": True})
    text = out.pop("pyinstrument_text", "")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"profile-{kind}.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    (RESULTS / f"profile-{kind}.txt").write_text(text)
    print(json.dumps(out["queries_per_order"]), json.dumps(out["ms_per_order"]))
