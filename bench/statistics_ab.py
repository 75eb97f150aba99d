"""The statistics page, old code against new, on the same W2 database in the same minutes (docs/performance.md).

Run from the root of a checkout (the old commit in a detached worktree, then this one), alternating:
    DATABASE_URL=... .venv/bin/python bench/statistics_ab.py 15 > side.json
Prints p50/p95 wall and process-CPU milliseconds per scenario — the year's page, one rep, and "month_live" (the
month before the current one read live too, as on a month's last day) — and every chart's rows, so two runs
can be compared for identical figures. Works with the code before and after `statistics.plan_for` existed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from unittest import mock

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")


def main(n: int) -> dict:  # type: ignore[type-arg]
    import django

    django.setup()
    from django.utils import timezone

    from ordertaking.orders.models import Order
    from ordertaking.reports import statistics as st

    f = st.filters_default(timezone.localdate())
    rep = Order.objects.order_by("-id").values_list("sales_rep_id", flat=True).first()
    fr = st.Filters(first=f.first, last=f.last, rep=rep)
    whole = st._add_months(f.last, -1)

    def month_live(flt):  # type: ignore[no-untyped-def]
        if hasattr(st, "plan_for"):
            fresh = st.fresh_months
            with mock.patch.object(st, "fresh_months", lambda a, b: fresh(a, b) - {whole}):
                return st.charts_for(flt)
        split = st._split  # type: ignore[attr-defined]  # the code before: leading rolled months, then live from a date

        def patched(x):  # type: ignore[no-untyped-def]
            rolled, _live_from = split(x)
            return [m for m in rolled if m < whole], st._aware(whole)
        with mock.patch.object(st, "_split", patched):
            return st.charts_for(flt)

    scen = {"all": lambda: st.charts_for(f), "rep": lambda: st.charts_for(fr),
            "all_month_live": lambda: month_live(f), "rep_month_live": lambda: month_live(fr)}
    out: dict = {}  # type: ignore[type-arg]
    for k, fn in scen.items():
        for _ in range(3):
            fn()
        lat, cpu = [], []
        for _ in range(n):
            t, c = time.perf_counter(), time.process_time()
            fn()
            lat.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        lat.sort()
        cpu.sort()
        p95 = min(n - 1, int(n * 0.95))
        out[k] = {"p50": round(lat[n // 2], 1), "p95": round(lat[p95], 1),
                  "cpu_p50": round(cpu[n // 2], 1), "cpu_p95": round(cpu[p95], 1)}
    out["charts"] = {k: [(c.key, c.rows, c.total) for c in scen[k]()] for k in ("all", "all_month_live")}
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20), default=str))
