"""Markdown tables from bench/results/*.json, for docs/performance.md:  python -m bench report"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .env import RESULTS

NAMES = {"pg": "PostgreSQL", "sqlite": "SQLite"}


def _load(name: str) -> dict[str, Any] | None:
    p = RESULTS / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() else None


def _fig(x: dict[str, Any]) -> str:
    s = x["orders_per_s"]
    return f"{s['median']} ({s['min']}–{s['max']}, n={len(s['runs'])})"


def w1_table(d: dict[str, Any]) -> list[str]:
    out = ["| database | figure | orders/s median (min–max, runs) | ratio of medians to 1-process ceiling "
           "| paired ratio (same run) median [per run] | checks |",
           "|---|---|---|---|---|---|"]
    labels = {"ceiling_1p": "raw-SQL ceiling, 1 process", "ceiling_2p": "raw-SQL ceiling, 2 processes",
              "ceiling3_1p": "raw SQL in W1's three transactions, 1 process",
              "orm_floor_1p": "bare Django ORM, three transactions, no controls, 1 process",
              "services_1p": "services in-process, 1 process", "services_2p": "services in-process, 2 processes",
              "http": "HTTP /api/v1, gunicorn 2 workers, 8 clients"}
    for kind in ("pg", "sqlite"):
        r = d.get(kind)
        if not r:
            continue
        for key, label in labels.items():
            if key not in r:
                continue
            ok = all(run["check"]["ok"] for run in r[key]["runs"])
            ceil = (r.get("ceiling_1p") or {}).get("orders_per_s", {}).get("median")
            ratio = r[key]["orders_per_s"]["median"] / ceil if ceil else None
            paired = r.get(f"paired_ratio_{key}") or r.get("paired_ratio_" + key.replace("_", "_", 1))
            ptxt = (f"{paired['median']:.1%} [{', '.join(f'{x:.1%}' for x in paired['runs'])}]" if paired else "")
            out.append(f"| {NAMES[kind]} | {label} | {_fig(r[key])} | "
                       f"{'' if ratio is None else f'{ratio:.1%}'} | {ptxt} | {'all passed' if ok else 'FAILED'} |")
    return out


def http_latency(d: dict[str, Any]) -> list[str]:
    out = ["| database | call | p50 ms | p95 ms | p99 ms | server worker peak RSS MB |", "|---|---|---|---|---|---|"]
    for kind in ("pg", "sqlite"):
        r = (d.get(kind) or {}).get("http")
        if not r:
            continue
        run = sorted(r["runs"], key=lambda x: x["orders_per_s"])[len(r["runs"]) // 2]  # the median run
        rss = max(max(x["server_worker_peak_rss_mb"] or [0]) for x in r["runs"])
        for call, q in run["latency_ms_per_call"].items():
            out.append(f"| {NAMES[kind]} | {call} | {q['p50']} | {q['p95']} | {q['p99']} | {rss} |")
    return out


def w2_table(d: dict[str, Any]) -> list[str]:
    out = ["| database | query | app p50 ms | app p95 ms | raw p50 ms | raw p95 ms | app/raw (p95) |",
           "|---|---|---|---|---|---|---|"]
    for kind in ("pg", "sqlite"):
        r = d.get(kind)
        if not r:
            continue
        gen = r.get("generator")
        if gen:
            out.insert(0, f"{NAMES[kind]}: data {json.dumps(gen, default=str)}\n")
        for name, q in r["queries"].items():
            out.append(f"| {NAMES[kind]} | {name} | {q['app_ms']['p50']} | {q['app_ms']['p95']} | "
                       f"{q['raw_ms']['p50']} | {q['raw_ms']['p95']} | {q['ratio_p95']} |")
    return out


def w3_table(d: dict[str, Any]) -> list[str]:
    limit = d.get('credit_limit_per_customer', '1000000.00')
    out = [f"8 processes, 5 customers, credit limit per customer {limit} CNY",
           "", "| run | timed orders | seconds | orders/s | retries | unhandled failures | states of timed orders "
           "| numbers unique & gap-free | totals right | max approved / limit | exposure consistent |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for k, r in enumerate(d["runs"], start=1):
        c = r["check"]
        worst = max(c["credit"], key=lambda x: float(x["approved"]) / float(x["limit"]))
        out.append(f"| {k} | {r['orders']} | {r['seconds']} | {r['orders_per_s']} | {r.get('retries', 0)} | "
                   f"{r.get('failures', 0)} | {r.get('states')} | {c['unique'] and c['gap_free']} | "
                   f"{c['totals_right']} | {worst['approved']} / {worst['limit']} | "
                   f"{all(x['exposure_consistent'] and x['within_limit'] for x in c['credit'])} |")
    return out


def scale_table(d: dict[str, Any]) -> list[str]:
    r = d["pg"]
    out = [f"history: {json.dumps(r['history'], default=str)}", "",
           "| pair | empty database orders/s | after history orders/s | after / empty |", "|---|---|---|---|"]
    for k, (e, s) in enumerate(zip(r["empty_runs"], r["scaled_runs"], strict=True), start=1):
        ev, sv = e["runs"][0]["orders_per_s"], s["runs"][0]["orders_per_s"]
        out.append(f"| {k} | {ev} | {sv} | {sv / ev:.2f} |")
    out.append(f"| median | {r['empty']['median']} | {r['scaled']['median']} | {r['scaled_over_empty']} |")
    return out


def main(match: str = "") -> None:
    for name in sorted(p.stem for p in Path(RESULTS).glob("*.json") if match in p.stem):
        d = _load(name)
        if not d:
            continue
        print(f"\n### {name} ({d.get('at')}, load average {d.get('machine', {}).get('loadavg')})\n")
        if name.startswith("w1") and not name.startswith("w1_scale"):
            print("\n".join(w1_table(d)))
            lat = http_latency(d)
            if len(lat) > 2:
                print()
                print("\n".join(lat))
        elif name.startswith("w3"):
            print("\n".join(w3_table(d)))
        elif name.startswith("w1_scale"):
            print("\n".join(scale_table(d)))
        elif name.startswith("w2"):
            print("\n".join(w2_table(d if "queries" not in d else {"pg": d})))
        else:
            print("```\n" + json.dumps({k: v for k, v in d.items() if k not in ("machine", "explain")},
                                       default=str)[:1500] + "\n```")


if __name__ == "__main__":
    main()
