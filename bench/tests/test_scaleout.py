"""The scale-out proof's own pieces that run without starting the stack (bench/scaleout.py).

The whole proof (two gunicorn servers, nginx, two huey consumers, the replica) is
`scripts/scaleout.sh prove-all ot_scaleout_run`: it needs root for nginx and the replica, the fixed
ports 8200-8202 and 5433, Redis, and about a minute to start before the first order, so it is not part
of the test run (docs/scaling.md). What is tested here: nginx accepts the configuration the script
writes, and the consumers' log lines are read the way huey writes them.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from bench import scaleout

HUEY_LOG = """\
[2026-12-01 04:13:15,060] INFO:huey:Worker-1:Executing ordertaking.deliveries.tasks.acc_daily: bbdb 3 retries
Executing ordertaking.deliveries.tasks.acc_daily: bbdb 3 retries
[2026-12-01 04:13:15,086] WARNING:huey:Worker-1:Task ordertaking.deliveries.tasks.acc_daily: bbdb 3 retries \
cancelled by ordertaking_periodic_once (pre-execute).
Task ordertaking.deliveries.tasks.acc_daily: bbdb 3 retries cancelled by ordertaking_periodic_once (pre-execute).
[2026-12-01 04:13:15,086] INFO:huey:Worker-2:Executing ordertaking.audit.tasks.audit_seal_daily: 5526
[2026-12-01 04:13:15,092] WARNING:huey:Worker-2:Task 77e4 raised CancelExecution (aborted, will not be retried).
"""


def test_the_consumers_log_is_read_once_per_line_whatever_the_root_logger_repeats():
    assert scaleout.JOB_LINE.findall(HUEY_LOG) == ["acc_daily", "audit_seal_daily"]
    assert scaleout.CANCEL_LINE.findall(HUEY_LOG) == ["acc_daily"]
    assert len(scaleout.LOCKED_LINE.findall(HUEY_LOG)) == 1


@pytest.mark.skipif(not os.path.exists(scaleout.NGINX) or os.geteuid() != 0,
                    reason="needs nginx (/usr/sbin/nginx) and root, as scripts/scaleout.sh does")
def test_nginx_accepts_the_round_robin_configuration(tmp_path, monkeypatch):
    monkeypatch.setattr(scaleout, "STATE", tmp_path)
    (tmp_path / "nginx-tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(scaleout.nginx_conf())
    text = conf.read_text()
    assert all(f"server 127.0.0.1:{p};" in text for p in scaleout.APP_PORTS)
    assert "add_header X-Served-By $upstream_addr always;" in text
    out = subprocess.run([shutil.which("nginx") or scaleout.NGINX, "-t", "-c", str(conf)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
