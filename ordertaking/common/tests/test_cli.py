"""The administrator's console `ordertaking` (ordertaking/cli.py), called in-process via main()."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ordertaking import cli
from ordertaking.accounts.models import ApiToken, User
from ordertaking.accounts.services import api_token_authenticate
from ordertaking.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]
GOOD_PASSWORD = "Kf7-ordertaking-2026"


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("serve", "migrate", "load-demo", "create-user", "issue-token", "manage"):
        assert name in out


def test_an_unknown_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_serve_starts_gunicorn_with_two_workers_on_localhost_by_default(monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "bind_busy", lambda bind: None)  # whatever else listens on 8000 here
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append((path, argv)))
    monkeypatch.delenv("ORDERTAKING_BIND", raising=False)
    assert cli.main(["serve"]) == 0
    (path, argv), = calls
    assert path == sys.executable
    assert argv[1:4] == ["-m", "gunicorn", "ordertaking.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--workers") + 1] == "2"


@pytest.mark.django_db  # beyond localhost, serve looks for open demo logins (demo/tests/test_demo_load.py)
def test_serve_takes_another_address_and_worker_count(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    cli.main(["serve", "--bind", "0.0.0.0:9000", "--workers", "4"])
    argv = calls[0]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[argv.index("--workers") + 1] == "4"


def test_serve_on_a_busy_port_says_so_and_starts_nothing(monkeypatch, capsys):
    """A second bin/run while the first serves: a clear message, not "Serving on …" and a crash."""
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append(argv))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--bind", f"127.0.0.1:{port}"]) == 1
        assert cli.main(["serve", "--check", "--bind", f"127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is busy" in err and "ORDERTAKING_BIND=" in err
    assert "Serving on" not in err and calls == []
    assert cli.main(["serve", "--check", "--bind", f"127.0.0.1:{port}"]) == 0  # free again


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_really_serves_pages_and_static_files_through_whitenoise(tmp_path):
    """The real thing: gunicorn in a subprocess, static files from our own server (no CDN)."""
    port = _free_port()
    env = {**os.environ, "ORDERTAKING_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ordertaking.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "ordertaking.cli", "migrate", "-v", "0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    proc = subprocess.Popen([sys.executable, "-m", "ordertaking.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        css = login = None
        deadline = time.monotonic() + 180  # a loaded 2-core CI machine boots workers slowly
        while time.monotonic() < deadline:
            try:
                css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/ot/app.css", timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        assert css is not None, "gunicorn did not answer within 180 s"
        assert css.status == 200
        assert b"table-dense" in css.read()
        login = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10)
        assert login.status == 200
        assert b"csrfmiddlewaretoken" in login.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.django_db
def test_migrate_reports_the_database_is_up_to_date(capsys):
    assert cli.main(["migrate"]) == 0
    assert "No migrations to apply" in capsys.readouterr().out


@pytest.mark.django_db
def test_create_user_with_two_roles_and_a_display_name(capsys):
    rc = cli.main(["create-user", "ann", "--role", "sales", "--role", "finance", "--password", GOOD_PASSWORD,
                   "--name", "安销售"])
    assert rc == 0
    user = User.objects.get(username="ann")
    assert user.role_names == ["finance", "sales"]
    assert user.display_name == "安销售"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_superuser
    assert AuditEvent.objects.filter(action="user.created", subject_id=str(user.pk)).exists()
    assert "ann" in capsys.readouterr().out


@pytest.mark.django_db
def test_create_user_with_an_unknown_role_lists_the_known_ones_and_creates_nothing(capsys):
    rc = cli.main(["create-user", "bob", "--role", "sales", "--role", "boss", "--password", GOOD_PASSWORD])
    assert rc == 2
    err = capsys.readouterr().err
    assert "boss" in err
    for known in ("sales", "customer_service", "order_center", "finance", "leadership", "auditor", "admin"):
        assert known in err
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.django_db
def test_create_user_reads_the_password_from_stdin_without_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(GOOD_PASSWORD + "\n"))
    assert cli.main(["create-user", "carol", "--role", "order-center"]) == 0
    user = User.objects.get(username="carol")
    assert user.check_password(GOOD_PASSWORD)
    assert user.role_names == ["order_center"]


@pytest.mark.django_db
def test_create_user_prompts_twice_on_a_terminal_and_refuses_a_mismatch(monkeypatch, capsys):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([GOOD_PASSWORD, "something-else-2026"])
    monkeypatch.setattr(sys, "stdin", Tty())
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["create-user", "dave", "--role", "auditor"]) == 2
    assert "differ" in capsys.readouterr().err
    assert not User.objects.filter(username="dave").exists()


@pytest.mark.django_db
def test_create_user_refuses_a_weak_password(capsys):
    assert cli.main(["create-user", "erin", "--role", "sales", "--password", "12345678"]) == 1
    assert "password refused" in capsys.readouterr().err
    assert not User.objects.filter(username="erin").exists()


@pytest.mark.django_db
def test_create_user_refuses_an_existing_username(capsys, sales_rep):
    assert cli.main(["create-user", sales_rep.username, "--role", "sales", "--password", GOOD_PASSWORD]) == 1
    assert "already exists" in capsys.readouterr().err
    assert User.objects.filter(username=sales_rep.username).count() == 1


@pytest.mark.django_db
def test_create_user_admin_superuser_gets_the_admin_site():
    assert cli.main(["create-user", "root2", "--role", "admin", "--superuser", "--password", GOOD_PASSWORD]) == 0
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.is_staff


@pytest.mark.django_db
def test_issue_token_prints_a_working_token_once_on_stdout(capsys, sales_rep, admin_user_role):
    assert cli.main(["issue-token", sales_rep.username, "--name", "ERP sync", "--by", admin_user_role.username]) == 0
    captured = capsys.readouterr()
    raw = captured.out.strip()
    assert raw.startswith(ApiToken.PREFIX)
    assert api_token_authenticate(raw) == sales_rep
    token = ApiToken.objects.get(user=sales_rep)
    assert token.name == "ERP sync"
    assert raw not in (token.key_hash, token.hint)  # only the hash is stored
    assert "shown once" in captured.err
    assert AuditEvent.objects.filter(action="api_token.issued", subject_id=str(sales_rep.pk)).exists()


@pytest.mark.django_db
def test_issue_token_for_an_unknown_user_is_a_usage_error(capsys):
    assert cli.main(["issue-token", "nobody", "--name", "x"]) == 2
    assert "nobody" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_issue_token_needs_a_name(capsys, sales_rep):
    with pytest.raises(SystemExit) as exc:
        cli.main(["issue-token", sales_rep.username])
    assert exc.value.code == 2
    assert not ApiToken.objects.exists()


def test_the_console_script_is_declared_in_pyproject():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["scripts"]["ordertaking"] == "ordertaking.cli:main"
