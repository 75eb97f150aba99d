"""Start N worker processes, let each warm up, start them together, and time the batch."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

from .env import PY, ROOT, django_env


def run_workers(step: str, url: str, params: list[dict[str, Any]], timeout: float = 3600,
                env_extra: dict[str, str] | None = None) -> dict[str, Any]:
    """Each params dict goes to one `python -m bench step <step>` process. Returns throughput."""
    env = django_env(url)
    env.update(env_extra or {})
    procs = [subprocess.Popen([PY, "-m", "bench", "step", step, json.dumps(p)], cwd=ROOT, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in params]
    try:
        for p in procs:  # wait until every worker has warmed up
            assert p.stdout is not None
            line = p.stdout.readline()
            if line.strip() != "READY":
                err = p.stderr.read() if p.stderr else ""
                raise RuntimeError(f"worker failed before READY: {line}\n{err[-4000:]}")
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("GO\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=timeout)
            if p.returncode != 0:
                raise RuntimeError(f"worker exited {p.returncode}:\n{err[-4000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    t0 = min(r["t0"] for r in results)
    t1 = max(r["t1"] for r in results)
    n = sum(r["n"] for r in results)
    out: dict[str, Any] = {"orders": n, "seconds": round(t1 - t0, 3), "orders_per_s": round(n / (t1 - t0), 1),
                           "processes": len(procs)}
    extra = [r for r in results if "retries" in r]
    if extra:
        out["retries"] = sum(r["retries"] for r in extra)
        out["failures"] = sum(r.get("failures", 0) for r in extra)
        kinds: dict[str, int] = {}
        states: dict[str, int] = {}
        for r in extra:
            for k, v in r.get("error_kinds", {}).items():
                kinds[k] = kinds.get(k, 0) + v
            for k, v in r.get("states", {}).items():
                states[k] = states.get(k, 0) + v
        out["error_kinds"], out["states"] = kinds, states
    per_call = [r["per_call"] for r in results if "per_call" in r]
    if per_call:
        out["latency_ms_per_call"] = per_call[0] if len(per_call) == 1 else per_call
    lat = [x for r in results for x in r.get("lat", [])]
    if lat:
        out["latency_ms"] = percentiles(lat)
    for key in ("step_ms_median", "step_statements_median", "statements_per_order"):  # W4's breakdown by step
        if any(key in r for r in results):
            out[key] = results[0][key] if len(results) == 1 else [r.get(key) for r in results]
    if any("rss_mb" in r for r in results):
        out["worker_peak_rss_mb"] = max(r.get("rss_mb", 0) for r in results)
    return out


def worker_protocol(body) -> None:  # type: ignore[no-untyped-def]
    """Inside a worker: body(wait_go) returns the result dict; READY/GO handshake over stdio."""

    def wait_go() -> None:
        print("READY", flush=True)
        if sys.stdin.readline().strip() != "GO":
            raise SystemExit("no GO")

    result = body(wait_go)
    print(json.dumps(result, default=str), flush=True)


def percentiles(values: list[float]) -> dict[str, float]:
    v = sorted(values)
    if not v:
        return {}

    def q(p: float) -> float:
        k = min(len(v) - 1, max(0, round(p * (len(v) - 1))))
        return round(v[k], 2)

    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": round(v[-1], 2), "n": len(v)}


def split(indices: list[int], parts: int) -> list[list[int]]:
    return [indices[k::parts] for k in range(parts)]


def summary(runs: list[float]) -> dict[str, Any]:
    return {"median": round(statistics.median(runs), 1), "min": round(min(runs), 1), "max": round(max(runs), 1),
            "runs": [round(r, 1) for r in runs]}
