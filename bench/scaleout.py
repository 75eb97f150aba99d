"""Scale-out on one machine (docs/scaling.md, driven by scripts/scaleout.sh): two gunicorn application
servers (127.0.0.1:8201 and :8202, 2 sync workers each) behind nginx on :8200 (round robin, its own
configuration, pid and logs under /var/tmp/ot-scaleout/), two huey consumers on Redis database 5, reads
that may lag on the streaming replica (port 5433, started by the shell script); then the proofs.

    python -m bench scaleout up DB         # the servers, nginx and the consumers on the database DB
    python -m bench scaleout prove-all DB  # DB made afresh with W1's setup, the stack on it, every proof
    python -m bench scaleout down          # stops exactly what `up` started (its pid files)

prove-all writes bench/results/scaleout.json:
  a. W1 over HTTP through nginx across both servers (8 clients): numbers unique and gap-free, totals right,
     every order approved, each server's share from nginx's access log; the same load on one server
     alone, for the honest comparison (two cores: no speed-up to expect); credit limits under approvals
     racing on both servers; one Idempotency-Key sent to both servers at once gives one order.
  b. every periodic task enqueued twice at once on the Redis queue: each runs once (the run records and
     the consumers' logs), the other copy is cancelled; a job re-run on purpose runs again.
  c. the statistics page requested over HTTP through nginx is read from the replica: the replica's own
     statement log and table scan counters grow, the primary's do not.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from .data import w1_lines
from .env import PY, ROOT, db_url, django_env, psql, save
from .runner import run_workers

STATE = Path(os.environ.get("SCALE_STATE_DIR", "/var/tmp/ot-scaleout"))
NGINX = os.environ.get("SCALE_NGINX", "/usr/sbin/nginx")
NGINX_PORT = 8200
APP_PORTS = (8201, 8202)
APP_WORKERS = 2
CONSUMERS = ("huey-a", "huey-b")
REPLICA_PORT = int(os.environ.get("SCALE_REPLICA_PORT", "5433"))
REPLICA_LOG = Path(os.environ.get("SCALE_REPLICA_DIR", "/var/tmp/ot-scale-replica")) / "replica.log"
REDIS_URL = os.environ.get("SCALE_REDIS_URL", "redis://127.0.0.1:6379/5")
TEMPLATE = "ot_scaleout_tpl"
# Uploads on an S3-compatible endpoint on this machine: moto's server, when it is installed in the venv
# (`uv pip install --python .venv/bin/python 'moto[server]'`); without it uploads stay per server (not proved).
S3_PORT = 8209
S3_BUCKET = "ot-scaleout"
CLIENTS = 8
CREDIT_CUSTOMERS = 5
# What each of the few customers may still take on when the credit run starts: about six orders' worth,
# so most of the run's orders for them are held and the approvals compete for the last of the limit.
CREDIT_HEADROOM = Decimal("50000.00")


# ------------------------------------------------------------------ the stack


def stack_env(db: str) -> dict[str, str]:
    env = django_env(db_url("pg", db))
    env.update({
        "DATABASE_REPLICA_URL": f"postgresql://postgres@127.0.0.1:{REPLICA_PORT}/{db}",
        "HUEY_REDIS_URL": REDIS_URL,
        "ORDERTAKING_CACHE_URL": REDIS_URL,
        "ORDERTAKING_CONN_MAX_AGE": "600",
        "ORDERTAKING_BACKUP_DIR": str(STATE / "backups"),  # the nightly backup job runs in proof b
    })
    if s3_available():
        env.update({"ORDERTAKING_S3_BUCKET": S3_BUCKET, "ORDERTAKING_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
                    "ORDERTAKING_S3_REGION": "us-east-1", "ORDERTAKING_S3_ACCESS_KEY_ID": "scaleout",
                    "ORDERTAKING_S3_SECRET_ACCESS_KEY": "scaleout", "ORDERTAKING_S3_ADDRESSING_STYLE": "path"})
    return env


def s3_available() -> bool:
    return (Path(PY).parent / "moto_server").exists()


def _s3_client():  # type: ignore[no-untyped-def]
    import boto3

    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{S3_PORT}", region_name="us-east-1",
                        aws_access_key_id="scaleout", aws_secret_access_key="scaleout")


def _pidfile(name: str) -> Path:
    return STATE / f"{name}.pid"


def _spawn(name: str, args: list[str], env: dict[str, str]) -> int:
    with open(STATE / f"{name}.log", "ab") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    _pidfile(name).write_text(str(proc.pid))
    return proc.pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie of ours counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def nginx_conf() -> str:
    tmp = STATE / "nginx-tmp"
    upstreams = "\n".join(f"        server 127.0.0.1:{p};" for p in APP_PORTS)
    return f"""# written by bench/scaleout.py: round robin over the two application servers
user root;
worker_processes 1;
pid {STATE}/nginx.pid;
error_log {STATE}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    log_format scaleout '$msec $upstream_addr $status $request_method $uri';
    upstream ordertaking {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        access_log {STATE}/nginx-access.log scaleout;
        client_max_body_size 25m;
        location / {{
            proxy_pass http://ordertaking;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
            add_header X-Served-By $upstream_addr always;
        }}
    }}
}}
"""


def _wait_http(port: int, path: str = "/api/v1/openapi.json", timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", path)
            if c.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path}; see {STATE}/*.log")


def start_consumers(db: str) -> None:
    for name in CONSUMERS:
        _spawn(name, [PY, "manage.py", "run_huey"], stack_env(db))


def up(db: str, consumers: bool = True) -> dict[str, Any]:
    import redis

    down()
    STATE.mkdir(parents=True, exist_ok=True)
    (STATE / "nginx-tmp").mkdir(exist_ok=True)
    (STATE / "stack.json").write_text(json.dumps({"db": db}))
    redis.Redis.from_url(REDIS_URL).flushdb()  # database 5 is this proof's own: no old queue or claims
    env = stack_env(db)
    if s3_available():
        _spawn("s3", [str(Path(PY).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)], env)
        _wait_http(S3_PORT, "/")
        _s3_client().create_bucket(Bucket=S3_BUCKET)
    gunicorn = str(Path(PY).parent / "gunicorn")
    for k, port in enumerate(APP_PORTS):
        _spawn(f"app-{'ab'[k]}", [gunicorn, "ordertaking.wsgi:application", "-w", str(APP_WORKERS), "-b",
                                  f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"], env)
    if consumers:
        start_consumers(db)
    for port in APP_PORTS:
        _wait_http(port)
    conf = STATE / "nginx.conf"
    conf.write_text(nginx_conf())
    subprocess.run([NGINX, "-c", str(conf), "-g", "daemon on;"], check=True)
    _wait_http(NGINX_PORT)
    pids = {p.stem: int(p.read_text()) for p in sorted(STATE.glob("*.pid"))}
    print(f"up on {db}: nginx :{NGINX_PORT} -> {', '.join(f':{p}' for p in APP_PORTS)}; consumers "
          f"{', '.join(CONSUMERS) if consumers else 'not yet'}; pids {pids}", flush=True)
    return pids


def down() -> list[str]:
    stopped = []
    nginx_pid = _pidfile("nginx")
    if nginx_pid.exists():
        pid = int(nginx_pid.read_text() or 0)
        if pid and _alive(pid):
            os.kill(pid, signal.SIGQUIT)  # nginx's graceful stop; it removes its pid file
            stopped.append(f"nginx {pid}")
        deadline = time.time() + 15
        while pid and _alive(pid) and time.time() < deadline:
            time.sleep(0.2)
        nginx_pid.unlink(missing_ok=True)
    for name in (*CONSUMERS, "app-a", "app-b", "s3"):
        f = _pidfile(name)
        if not f.exists():
            continue
        pid = int(f.read_text())
        if _alive(pid):
            os.killpg(pid, signal.SIGTERM)  # started in its own session: the group is exactly its processes
            deadline = time.time() + 30
            while _alive(pid) and time.time() < deadline:
                time.sleep(0.2)
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
            stopped.append(f"{name} {pid}")
        f.unlink()
    print("stopped: " + (", ".join(stopped) or "nothing was running"), flush=True)
    return stopped


# ------------------------------------------------------------------ helpers


def stack_step(step: str, db: str, params: dict[str, Any]) -> dict[str, Any]:
    """`python -m bench step` with the stack's settings (replica, Redis queue and cache)."""
    out = subprocess.run([PY, "-m", "bench", "step", step, json.dumps(params)], cwd=ROOT, env=stack_env(db),
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _read_from(path: Path, offset: int) -> str:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def served_by(offset: int) -> dict[str, int]:
    """Requests per application server in nginx's access log since `offset`."""
    return dict(Counter(line.split()[1] for line in _read_from(STATE / "nginx-access.log", offset).splitlines()
                        if len(line.split()) > 2))


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Api:
    """One keep-alive connection to one port, bearer token per call."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, token: str, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any], str]:
        data = json.dumps(body).encode() if body is not None else b""
        self.conn.request(method, path, body=data, headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json", **(headers or {})})
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, (json.loads(payload) if payload else {}), r.getheader("X-Served-By") or ""


def order_body(p: dict[str, Any], i: int, customers: list[int]) -> dict[str, Any]:
    """W1's order i (bench/http.py) for one of `customers`."""
    return {"customer": customers[i % len(customers)], "delivery_date": p["delivery_date"],
            "delivery_region": "SH", "delivery_city": "上海市", "delivery_address": "浦东新区张江路1号",
            "payment_method": "PREPAY", "contact_name": "张经理", "contact_phone": "13800000000",
            "lines": [{"product": p["products"][pi], "quantity": str(q)} for pi, q in w1_lines(i)]}


# ------------------------------------------------------------------ a. W1, credit, idempotency


def w1_http(db: str, tokens: dict[str, Any], port: int, n: int, offset: int) -> dict[str, Any]:
    from .w1 import indices

    warm, timed = indices(n, offset)
    mark = _size(STATE / "nginx-access.log")
    before = load()
    res = run_workers("http_client", db_url("pg", db), [{**tokens, "port": port, "warmup": warm, "indices": timed}])
    res["load_before"], res["load_after"] = before, load()
    if port == NGINX_PORT:
        res["served_by"] = served_by(mark)
    return res


def credit_race(db: str, tokens: dict[str, Any], first: int, n: int) -> dict[str, Any]:
    """n orders for a few customers near their limit, 8 clients alternating between server A and B:
    create, submit, and approve what is still awaiting review; the credit gate decides under the row lock."""
    setup = stack_step("scaleout_credit_setup", db, {"customers": CREDIT_CUSTOMERS, "headroom": str(CREDIT_HEADROOM)})
    states: Counter[str] = Counter()
    by_server: Counter[str] = Counter()
    errors: list[str] = []
    lock = threading.Lock()

    def client(k: int, ids: list[int]) -> None:
        api = Api(APP_PORTS[k % 2])
        try:
            for i in ids:
                s, order, _ = api.call("POST", "/api/v1/orders", tokens["bench_sales"],
                                       order_body(tokens, i, setup["customers"]))
                if s != 201:
                    raise RuntimeError(f"create {s} {order}")
                number = order["number"]
                s, order, _ = api.call("POST", f"/api/v1/orders/{number}/submit", tokens["bench_sales"])
                if s != 200:
                    raise RuntimeError(f"submit {s} {order}")
                state = order["state"]
                if state == "submitted":
                    s, order, _ = api.call("POST", f"/api/v1/orders/{number}/approve", tokens["bench_reviewer"], {})
                    if s != 200:
                        raise RuntimeError(f"approve {s} {order}")
                    state = order["state"]
                with lock:
                    states[state] += 1
                    by_server[f"127.0.0.1:{APP_PORTS[k % 2]}"] += 1
        except Exception as e:  # noqa: BLE001 - reported; the proof then fails
            with lock:
                errors.append(repr(e)[:300])

    ids = list(range(first, first + n))
    threads = [threading.Thread(target=client, args=(k, ids[k::CLIENTS])) for k in range(CLIENTS)]
    t = time.time()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"orders": n, "customers": setup["customers"], "limits": setup["limits"],
            "approved_before": setup["approved_before"], "final_states": dict(states),
            "orders_by_server": dict(by_server), "errors": errors, "seconds": round(time.time() - t, 1)}


def idempotency_race(tokens: dict[str, Any], first: int, keys: int, run: str) -> dict[str, Any]:
    """Each key: the same body with the same Idempotency-Key to server A and server B at the same moment."""
    answers: dict[int, list[tuple[int, str, str]]] = {j: [] for j in range(keys)}
    lock = threading.Lock()

    def send(j: int, port: int, barrier: threading.Barrier) -> None:
        api = Api(port)
        body = order_body(tokens, first + j, tokens["customers"])
        barrier.wait()
        try:
            s, out, _ = api.call("POST", "/api/v1/orders", tokens["bench_sales"], body,
                                 {"Idempotency-Key": f"scaleout-{run}-{j}"})
            got = (s, out.get("number", json.dumps(out)[:200]), str(port))
        except Exception as e:  # noqa: BLE001 - reported
            got = (0, repr(e)[:200], str(port))
        with lock:
            answers[j].append(got)

    threads = []
    for j in range(keys):
        barrier = threading.Barrier(2)
        threads += [threading.Thread(target=send, args=(j, port, barrier)) for port in APP_PORTS]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    per_key = []
    for j in range(keys):
        statuses = sorted(s for s, _n, _p in answers[j])
        numbers = {n for _s, n, _p in answers[j]}
        per_key.append({"key": f"scaleout-{run}-{j}", "statuses": statuses, "numbers": sorted(numbers),
                        "created_by": next((p for s, _n, p in answers[j] if s == 201), None)})
    ok = all(k["statuses"] == [200, 201] and len(k["numbers"]) == 1 for k in per_key)
    created_on = Counter(k["created_by"] for k in per_key)
    return {"keys": keys, "one_order_per_key_same_number": ok, "created_on_port": dict(created_on),
            "per_key": per_key if not ok else per_key[:3]}


# ------------------------------------------------------------------ b. periodic jobs


# huey's own log lines ("[time] INFO:huey:Worker-1:..."; Django's root handler repeats them without the prefix)
JOB_LINE = re.compile(r"^\[[^]]+\] \w+:huey:[\w-]+:Executing ordertaking\.[\w.]+\.tasks\.(\w+): ", re.M)
CANCEL_LINE = re.compile(r"^\[[^]]+\] \w+:huey:[\w-]+:Task ordertaking\.[\w.]+\.tasks\.(\w+): .* cancelled by "
                         r"ordertaking_periodic_once", re.M)
LOCKED_LINE = re.compile(r"^\[[^]]+\] \w+:huey:[\w-]+:Task (\S+) raised CancelExecution", re.M)


def _jobs_settle(db: str, since: str, timeout: float = 300) -> dict[str, Any]:
    """Wait until the queue is empty and no run that started since `since` is still going."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(3)
        state = stack_step("scaleout_jobs_state", db, {"since": since})
        if state["pending"] == 0 and state["unfinished"] == 0:
            time.sleep(3)  # the last copy's cancel line
            return state
    raise RuntimeError(f"the jobs did not finish in {timeout:.0f} s: {state}")


def periodic_once(db: str) -> dict[str, Any]:
    """The consumers start only now: on start each queues the credit monitoring's catch-up of missed days,
    whose rating changes would otherwise have met W1's orders (a real effect, not this proof's subject)."""
    started = stack_step("scaleout_jobs_state", db, {"since": "2000-01-01T00:00:00+00:00"})["now"]
    start_consumers(db)
    time.sleep(5)
    _jobs_settle(db, started)
    marks = {name: _size(STATE / f"{name}.log") for name in CONSUMERS}
    enq = stack_step("scaleout_jobs_enqueue", db, {})
    state = _jobs_settle(db, enq["at"])
    executed: dict[str, Counter[str]] = {}
    cancelled: dict[str, Counter[str]] = {}
    stood_down = 0  # JobAlreadyRunning: the advisory lock, behind the slot claim
    for name in CONSUMERS:
        text = _read_from(STATE / f"{name}.log", marks[name])
        for m in JOB_LINE.finditer(text):
            executed.setdefault(m.group(1), Counter())[name] += 1
        for m in CANCEL_LINE.finditer(text):
            cancelled.setdefault(m.group(1), Counter())[name] += 1
        stood_down += len(LOCKED_LINE.findall(text))
    tasks = {}
    for t in enq["tasks"]:
        ex, ca = executed.get(t, Counter()), cancelled.get(t, Counter())
        tasks[t] = {"picked_up": dict(ex), "cancelled": dict(ca),
                    "ran": sum(ex.values()) - sum(ca.values())}
    runs = state["runs"]
    rerun = stack_step("scaleout_job_rerun", db, {})
    ok = (all(v["ran"] == 1 and sum(v["cancelled"].values()) == 1 for v in tasks.values())
          and all(r["runs"] == 1 for r in runs.values()) and rerun["ok"])
    return {"enqueued_twice": len(enq["tasks"]), "tasks": tasks, "run_records_since_enqueue": runs,
            "stood_down_on_the_advisory_lock": stood_down, "rerun": rerun, "ok": ok}


# ------------------------------------------------------------------ c. statistics from the replica


def _statement_lines() -> int:
    if not REPLICA_LOG.exists():
        return 0
    pat = re.compile(rb"(statement|execute [^:]*):")
    with open(REPLICA_LOG, "rb") as f:
        return sum(1 for line in f if pat.search(line))


def _scans(db: str, port: int) -> dict[str, int]:
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", db, "-tAc",
                          "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                          "WHERE relname ~ '^(orders|reports|customers|catalog|accounts_user$)'"],
                         check=True, capture_output=True, text=True).stdout
    return {r.split("|")[0]: int(r.split("|")[1]) for r in out.split() if "|" in r}


def _login(username: str, password: str) -> tuple[str, str]:
    """Sign in through nginx with the login form; returns the session cookie and the server that answered."""
    c = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=60)
    c.request("GET", "/login/")
    r = c.getresponse()
    page = r.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", r.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not csrf or not token:
        raise RuntimeError("no CSRF token on the login page")
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token.group(1)})
    c.request("POST", "/login/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                     "Cookie": f"csrftoken={csrf.group(1)}",
                                                     "Referer": f"http://127.0.0.1:{NGINX_PORT}/login/"})
    r = c.getresponse()
    r.read()
    session = re.search(r"sessionid=([^;]+)", r.getheader("Set-Cookie") or "")
    if r.status != 302 or not session:
        raise RuntimeError(f"sign-in refused: HTTP {r.status}")
    return session.group(1), r.getheader("X-Served-By") or ""


def statistics_from_replica(db: str) -> dict[str, Any]:
    session, login_server = _login("bench_leader", "Bench-pass-2026!")
    primary0, replica0, lines0 = _scans(db, 5432), _scans(db, REPLICA_PORT), _statement_lines()
    pages = []
    for _ in range(2):  # round robin: one request on each server, with the one session both read from the database
        c = http.client.HTTPConnection("127.0.0.1", NGINX_PORT, timeout=120)
        t = time.perf_counter()
        c.request("GET", "/reports/statistics/", headers={"Cookie": f"sessionid={session}"})
        r = c.getresponse()
        r.read()
        pages.append({"status": r.status, "served_by": r.getheader("X-Served-By"),
                      "ms": round((time.perf_counter() - t) * 1000)})
    lines1 = _statement_lines()
    time.sleep(11)  # PostgreSQL flushes an idle connection's table counters within 10 s
    primary1, replica1 = _scans(db, 5432), _scans(db, REPLICA_PORT)

    def delta(a: dict[str, int], b: dict[str, int], prefix: tuple[str, ...]) -> dict[str, int]:
        return {k: b[k] - a.get(k, 0) for k in sorted(b) if k.startswith(prefix) and b[k] != a.get(k, 0)}

    stats_tables = ("orders_", "reports_", "customers_", "catalog_")
    primary_delta, replica_delta = delta(primary0, primary1, stats_tables), delta(replica0, replica1, stats_tables)
    ok = (all(p["status"] == 200 for p in pages) and len({p["served_by"] for p in pages}) == 2
          and lines1 > lines0 and sum(replica_delta.values()) > 0 and not primary_delta)
    return {"signed_in_on": login_server, "pages": pages, "replica_statements_logged": lines1 - lines0,
            "table_scans_on_replica": replica_delta, "table_scans_on_primary": primary_delta, "ok": ok}


# ------------------------------------------------------------------ d. uploads shared


def uploads_shared(tokens: dict[str, Any], number: str) -> dict[str, Any]:
    """A file attached to an order through server A is downloaded through server B, and it is in the bucket."""
    if not s3_available():
        return {"ok": None, "why": "moto's server is not installed: uploads not proved (docs/scaling.md)"}
    content = f"装箱单 {number}: scale-out upload {time.time()}\n".encode()
    boundary = "ot-scaleout-boundary"
    body = b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="packing-list.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n".encode(), content, f"\r\n--{boundary}--\r\n".encode()])
    a = http.client.HTTPConnection("127.0.0.1", APP_PORTS[0], timeout=60)
    a.request("POST", f"/api/v1/attachments/order/{number}", body=body,
              headers={"Authorization": f"Bearer {tokens['bench_sales']}",
                       "Content-Type": f"multipart/form-data; boundary={boundary}"})
    r = a.getresponse()
    created = json.loads(r.read() or b"{}")
    if r.status != 201:
        return {"ok": False, "upload_status": r.status, "answer": created}
    b = http.client.HTTPConnection("127.0.0.1", APP_PORTS[1], timeout=60)
    b.request("GET", f"/api/v1/attachments/files/{created['id']}/content",
              headers={"Authorization": f"Bearer {tokens['bench_sales']}"})
    r2 = b.getresponse()
    got = r2.read()
    keys = [o["Key"] for o in _s3_client().list_objects_v2(Bucket=S3_BUCKET).get("Contents", [])]
    return {"uploaded_through": APP_PORTS[0], "downloaded_through": APP_PORTS[1], "download_status": r2.status,
            "same_bytes": got == content, "objects_in_bucket": len(keys),
            "ok": r2.status == 200 and got == content and len(keys) >= 1}


# ------------------------------------------------------------------ the whole proof


def prove_all(db: str, n: int = 1000, credit_orders: int = 200, keys: int = 20) -> dict[str, Any]:
    from .w1 import WARMUP, clone, template

    if not db.startswith("ot_scaleout"):
        raise SystemExit("the database name must start with ot_scaleout")
    down()
    t0 = time.time()
    template("pg", TEMPLATE)
    clone("pg", TEMPLATE, db)
    for _ in range(60):  # the replica replays the new database before the servers read from it
        if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1" and subprocess.run(
                ["psql", "-h", "127.0.0.1", "-p", str(REPLICA_PORT), "-U", "postgres", "-d", db, "-tAc", "SELECT 1"],
                capture_output=True).returncode == 0:
            break
        time.sleep(1)
    up(db, consumers=False)  # the consumers join for proof b
    tokens = stack_step("http_tokens", db, {})
    out: dict[str, Any] = {"db": db, "setup_seconds": round(time.time() - t0, 1), "clients": CLIENTS,
                           "app_servers": len(APP_PORTS), "workers_per_server": APP_WORKERS}
    print("a. W1 over HTTP through nginx, both servers ...", flush=True)
    two = w1_http(db, tokens, NGINX_PORT, n, 0)
    two["check"] = stack_step("w1_verify", db, {"n": n + WARMUP, "services": True})
    print(f"   {two['orders_per_s']} orders/s, served by {two['served_by']}, check ok={two['check']['ok']}", flush=True)
    print("   the same on server A alone ...", flush=True)
    one = w1_http(db, tokens, APP_PORTS[0], n, n + WARMUP)
    one["check"] = stack_step("w1_verify", db, {"n": 2 * (n + WARMUP), "services": True})
    print(f"   {one['orders_per_s']} orders/s, check ok={one['check']['ok']}", flush=True)
    out["w1_two_servers_via_nginx"], out["w1_one_server"] = two, one
    first = 2 * (n + WARMUP)
    print("   credit limits under approvals racing on both servers ...", flush=True)
    credit = credit_race(db, tokens, first, credit_orders)
    print("   one Idempotency-Key to both servers at once ...", flush=True)
    idem = idempotency_race(tokens, first + credit_orders, keys, db)
    total = first + credit_orders + keys
    check = stack_step("w3_verify", db, {"n": total, "customers": credit["customers"]})
    idem["database"] = stack_step("scaleout_idempotency_check", db,
                                  {"keys": [f"scaleout-{db}-{j}" for j in range(keys)]})
    idem["ok"] = idem["one_order_per_key_same_number"] and idem["database"]["ok"]
    credit["check"] = check
    credit["ok"] = check["ok"] and not credit["errors"]
    out["credit_race"], out["idempotency"] = credit, idem
    print(f"   credit ok={credit['ok']} (states {credit['final_states']}); idempotency ok={idem['ok']}", flush=True)
    print("b. every periodic task enqueued twice ...", flush=True)
    out["periodic_once"] = periodic_once(db)
    print(f"   ok={out['periodic_once']['ok']}", flush=True)
    print("c. statistics from the replica over HTTP ...", flush=True)
    out["statistics_from_replica"] = statistics_from_replica(db)
    print(f"   ok={out['statistics_from_replica']['ok']}", flush=True)
    print("d. uploads shared through S3 ...", flush=True)
    out["uploads_shared"] = uploads_shared(tokens, idem["per_key"][0]["numbers"][0])
    print(f"   ok={out['uploads_shared']['ok']}", flush=True)
    out["ok"] = all([two["check"]["ok"], one["check"]["ok"], len(two["served_by"]) == 2, credit["ok"], idem["ok"],
                     out["periodic_once"]["ok"], out["statistics_from_replica"]["ok"],
                     out["uploads_shared"]["ok"] is not False])
    path = save("scaleout", out)
    print(json.dumps({k: v for k, v in out.items() if k in ("ok",)}), f"-> {path}", flush=True)
    return out


# ------------------------------------------------------------------ steps run inside Django (the stack's settings)


def step_scaleout_credit_setup(p: dict[str, Any]) -> dict[str, Any]:
    """A low limit on a few customers: what they already owe plus a small headroom (benchmark setup, as W3)."""
    from ordertaking.credit.models import CustomerCredit

    from .data import w1_context

    ids = [c.pk for c in w1_context()["customers"][:p["customers"]]]
    before, limits = {}, {}
    for c in CustomerCredit.objects.filter(customer_id__in=ids):
        before[str(c.customer_id)] = str(c.approved_uninvoiced)
        limits[str(c.customer_id)] = str(c.approved_uninvoiced + Decimal(p["headroom"]))
        CustomerCredit.objects.filter(pk=c.pk).update(credit_limit=c.approved_uninvoiced + Decimal(p["headroom"]))
    return {"customers": ids, "limits": limits, "approved_before": before}


def step_scaleout_idempotency_check(p: dict[str, Any]) -> dict[str, Any]:
    from ordertaking.orders.models import IdempotencyKey

    rows = list(IdempotencyKey.objects.filter(key__in=p["keys"]).values_list("key", "order__number"))
    per_key = Counter(k for k, _n in rows)
    return {"keys_stored": len(per_key), "orders": len({n for _k, n in rows}),
            "ok": len(per_key) == len(p["keys"]) and set(per_key.values()) == {1} and len(rows) == len(p["keys"])}


def step_scaleout_jobs_enqueue(p: dict[str, Any]) -> dict[str, Any]:
    """Every periodic task of the project on the queue twice, back to back, as two consumers' schedulers do."""
    from django.utils import timezone
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    at = timezone.now()
    tasks = sorted(HUEY._registry.periodic_tasks, key=lambda t: t.name)
    for t in tasks:
        HUEY.enqueue(type(t)())
        HUEY.enqueue(type(t)())
    return {"at": at.isoformat(), "tasks": [t.name for t in tasks]}


def step_scaleout_jobs_state(p: dict[str, Any]) -> dict[str, Any]:
    from datetime import datetime

    from django.utils import timezone
    from huey.contrib.djhuey import HUEY

    from ordertaking.ops.models import JobRun

    since = datetime.fromisoformat(p["since"])
    runs: dict[str, dict[str, Any]] = {}
    for r in JobRun.objects.filter(started_at__gte=since).order_by("pk"):
        x = runs.setdefault(r.job, {"runs": 0, "days": [], "succeeded": []})
        x["runs"] += 1
        x["days"].append(str(r.day) if r.day else None)
        x["succeeded"].append(r.succeeded)
    unfinished = JobRun.objects.filter(started_at__gte=since, finished_at__isnull=True).count()
    return {"pending": HUEY.pending_count(), "unfinished": unfinished, "runs": runs,
            "now": timezone.now().isoformat()}


def step_scaleout_job_rerun(p: dict[str, Any]) -> dict[str, Any]:
    """Re-run on purpose (the job's own function, as the console or a test calls it): it runs again and
    finds nothing new to do. The scheduled copies are what the slot claim holds back, not this."""
    from django.utils import timezone

    from ordertaking.ops.models import JobRun
    from ordertaking.tracking.jobs import RISK_JOB, risk_run

    today = timezone.localdate()
    runs = JobRun.objects.filter(job=RISK_JOB, day=today)
    before = runs.count()
    result = risk_run(today=today)
    return {"job": RISK_JOB, "day": str(today), "result": result, "runs_today_before": before,
            "runs_today": runs.count(), "all_succeeded": all(r.succeeded for r in runs),
            "ok": runs.count() == before + 1 and all(r.succeeded for r in runs)}


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m bench scaleout")
    sub = ap.add_subparsers(dest="cmd", required=True)
    u = sub.add_parser("up", help="two app servers, nginx, two consumers on DB")
    u.add_argument("db")
    pa = sub.add_parser("prove-all", help="DB afresh with W1's setup, the stack on it, every proof")
    pa.add_argument("db")
    pa.add_argument("--orders", type=int, default=1000, help="timed W1 orders per run (after 100 warm-up)")
    pa.add_argument("--credit-orders", type=int, default=200)
    pa.add_argument("--keys", type=int, default=20, help="Idempotency-Keys sent to both servers at once")
    sub.add_parser("down", help="stop what up started")
    a = ap.parse_args(argv)
    if a.cmd == "up":
        up(a.db)
    elif a.cmd == "down":
        down()
    else:
        out = prove_all(a.db, a.orders, a.credit_orders, a.keys)
        return 0 if out["ok"] else 1
    return 0

