"""W1 over HTTP: gunicorn (2 sync workers) serving /api/v1, 8 concurrent clients with API tokens.

Each order is three calls, each its own request and transaction as in production:
POST /api/v1/orders (sales rep's token), POST /api/v1/orders/{number}/submit (sales rep),
POST /api/v1/orders/{number}/approve (reviewer's token). Latency is recorded per call;
the gunicorn workers' peak RSS (VmHWM) is read from /proc after the run.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import timedelta
from typing import Any

from .data import W1_PRODUCTS, w1_lines
from .env import PY, ROOT, django_env, run_step
from .runner import percentiles, run_workers, split, summary

CLIENTS = 8
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step_http_tokens(p: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    from ordertaking.accounts.models import User
    from ordertaking.accounts.services import api_token_issue
    from ordertaking.catalog.models import Product
    from ordertaking.customers.models import Customer

    out = {}
    for username in ("bench_sales", "bench_reviewer"):
        user = User.objects.get(username=username)
        _tok, raw = api_token_issue(user=user, name="bench", actor=user)
        out[username] = raw
    out["customers"] = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:100])
    out["products"] = list(Product.objects.order_by("code").values_list("code", flat=True)[:W1_PRODUCTS])
    out["delivery_date"] = str(timezone.localdate() + timedelta(days=30))
    return out


def order_body(p: dict[str, Any], i: int) -> dict[str, Any]:
    """W1 order i as the API takes it (`p`: what step_http_tokens answered)."""
    return {"customer": p["customers"][i % len(p["customers"])], "delivery_date": p["delivery_date"],
            "delivery_region": "SH", "delivery_city": "上海市", "delivery_address": "浦东新区张江路1号",
            "payment_method": "PREPAY", "contact_name": "张经理", "contact_phone": "13800000000",
            "lines": [{"product": p["products"][pi], "quantity": str(q)} for pi, q in w1_lines(i)]}


def step_http_client(p: dict[str, Any], wait_go) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """CLIENTS threads, each with its own keep-alive connection, share the warm-up and timed indices."""
    lat: dict[str, list[float]] = {"create": [], "submit": [], "approve": []}
    errors: list[str] = []
    lock = threading.Lock()

    def call(conn, method, path, token, body=None):  # type: ignore[no-untyped-def]
        data = json.dumps(body).encode() if body is not None else b""
        conn.request(method, path, body=data, headers={"Authorization": f"Bearer {token}",
                                                       "Content-Type": "application/json"})
        r = conn.getresponse()
        payload = r.read()
        if r.status >= 400:
            raise RuntimeError(f"{method} {path} -> {r.status} {payload[:300]!r}")
        return json.loads(payload)

    def order(conn, i, record):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        number = call(conn, "POST", "/api/v1/orders", p["bench_sales"], order_body(p, i))["number"]
        t1 = time.perf_counter()
        call(conn, "POST", f"/api/v1/orders/{number}/submit", p["bench_sales"])
        t2 = time.perf_counter()
        call(conn, "POST", f"/api/v1/orders/{number}/approve", p["bench_reviewer"], {})
        t3 = time.perf_counter()
        if record:
            with lock:
                lat["create"].append((t1 - t) * 1000)
                lat["submit"].append((t2 - t1) * 1000)
                lat["approve"].append((t3 - t2) * 1000)

    def client(ids, record):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection("127.0.0.1", p["port"], timeout=120)
        try:
            for i in ids:
                order(conn, i, record)
        except Exception as e:  # noqa: BLE001 - reported, the run is then marked failed
            with lock:
                errors.append(repr(e))
        finally:
            conn.close()

    def batch(ids, record):  # type: ignore[no-untyped-def]
        threads = [threading.Thread(target=client, args=(part, record)) for part in split(ids, CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    batch(p["warmup"], False)
    wait_go()
    t0 = time.time()
    batch(p["indices"], True)
    t1 = time.time()
    if errors:
        raise RuntimeError(f"{len(errors)} client errors, first: {errors[0]}")
    return {"t0": t0, "t1": t1, "n": len(p["indices"]), "per_call": {k: percentiles(v) for k, v in lat.items()},
            "lat_order": []}


def gunicorn_start(url: str, port: int) -> subprocess.Popen:
    env = django_env(url)
    env["ORDERTAKING_CONN_MAX_AGE"] = "600"
    proc = subprocess.Popen([os.path.join(os.path.dirname(PY), "gunicorn"), "ordertaking.wsgi:application",
                             "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level",
                             "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/api/v1/openapi.json")
            if c.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    err = proc.stderr.read().decode(errors="replace")[-3000:] if proc.stderr else ""
    raise RuntimeError(f"gunicorn did not answer /api/v1/openapi.json below 500:\n{err}")


def worker_rss(master: int) -> list[float]:
    """Peak RSS (VmHWM, MB) of the gunicorn workers, children of the master."""
    out = []
    try:
        with open(f"/proc/{master}/task/{master}/children") as f:
            kids = f.read().split()
    except OSError:
        return out
    for pid in kids:
        try:
            with open(f"/proc/{pid}/status") as f:
                out += [round(int(line.split()[1]) / 1024, 1) for line in f if line.startswith("VmHWM:")]
        except OSError:
            pass
    return out


def measure(kind: str, tpl: str, n: int, runs: int, run_name: str = "bench_w1_http") -> dict[str, Any]:
    from .w1 import WARMUP, clone, indices

    results = []
    for _r in range(runs):
        url = clone(kind, tpl, run_name)
        params = run_step("http_tokens", url, {})
        port = free_port()
        server = gunicorn_start(url, port)
        try:
            warm, timed = indices(n)
            res = run_workers("http_client", url, [{**params, "port": port, "warmup": warm, "indices": timed}])
            res["server_worker_peak_rss_mb"] = worker_rss(server.pid)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        res["check"] = run_step("w1_verify", url, {"n": n + WARMUP, "services": True})
        results.append(res)
    return {"runs": results, "orders_per_s": summary([r["orders_per_s"] for r in results]),
            "clients": CLIENTS, "gunicorn_workers": WORKERS}
