"""`ordertaking`: the administrator's console (serve, migrate, demo data, users, API tokens, backups, keys).

A thin argparse layer over Django: each subcommand parses its arguments, sets Django up
and calls one management command or one service. `main()` returns the exit status so
tests can call it in-process; the console-script wrapper passes it to `sys.exit`.

Exit status: 0 done, 1 the operation was refused (e.g. the user already exists) or, for
verify-audit, the audit log does not verify (backup, restore: the backup failed or does not
verify); 2 bad usage (unknown subcommand, unknown role, unknown user).
"""

from __future__ import annotations

import argparse
import errno
import getpass
import os
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Any

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_WORKERS = 2


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")
    import django

    django.setup()


def _err(message: str) -> None:
    print(f"ordertaking: {message}", file=sys.stderr)


# --- subcommands ---------------------------------------------------------------------------


def bind_busy(bind: str) -> str | None:
    """Why gunicorn could not listen on `bind` ("host:port"), or None when it can.

    Checked before anything else so a second `bin/run` says the port is taken instead of
    announcing a server that then dies on it."""
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    if not port.isdigit():
        return f"{bind!r} is not an address:port"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: TIME_WAIT is not busy
        try:
            s.bind((host, int(port)))
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                return (f"port {port} on {host} is busy: another server (perhaps an earlier bin/run) is "
                        f"listening there. Stop it, or choose another address, "
                        f"e.g. ORDERTAKING_BIND={host}:{int(port) + 1} bin/run")
            return f"cannot listen on {bind}: {e.strerror}"
    return None


def _is_local(bind: str) -> bool:
    host = bind.rpartition(":")[0].strip("[]")
    return host in ("localhost",) or (host.startswith("127.") or host == "::1")


def _warn_demo_logins_beyond_localhost(bind: str) -> None:
    """Anyone who reaches the server can sign in as the administrator with the demo password."""
    if _is_local(bind):
        return
    _django_setup()
    from django.db import DatabaseError

    from ordertaking.demo.loader import DEMO_PASSWORD, demo_logins_open

    try:
        open_logins = demo_logins_open()
    except DatabaseError:  # no tables yet: nobody can sign in at all
        return
    if open_logins:
        line = "!" * 78
        print(f"{line}\nWARNING: serving on {bind}, beyond this machine, while the demo logins "
              f"({', '.join(open_logins)}) still\nsign in with the published password {DEMO_PASSWORD!r}. "
              f"Anyone who reaches this address can act\nas the administrator. Use ORDERTAKING_BIND=127.0.0.1:8000, "
              f"or change those passwords.\n{line}", file=sys.stderr)


def _audit_protected() -> bool:
    """The start-up check (audit.E001): refuse to serve while the audit log's append-only triggers are
    missing or its guard is lowered (P6.1.a); `ordertaking migrate` restores them."""
    _django_setup()
    from django.core.checks import run_checks

    errors = [e for e in run_checks(tags=["audit"]) if e.is_serious()]
    for error in errors:
        _err(f"{error.msg} {error.hint or ''}".strip())
    return not errors


def cmd_serve(args: argparse.Namespace) -> int:
    """Replace this process with gunicorn; whitenoise (in settings.MIDDLEWARE) serves /static/."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")
    problem = bind_busy(args.bind)
    if problem:
        _err(problem)
        return 1
    if not _audit_protected():
        return 1
    if args.check:
        return 0
    _warn_demo_logins_beyond_localhost(args.bind)
    argv = [
        sys.executable, "-m", "gunicorn", "ordertaking.wsgi:application",
        "--bind", args.bind,
        "--workers", str(args.workers),
        "--access-logfile", "-",
        # Each request is short; a slow PDF/Excel export must not be killed at the default 30 s.
        "--timeout", str(args.timeout),
    ]
    print(f"Serving on http://{args.bind}/ with {args.workers} workers (Ctrl+C stops).", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover - execv does not return


def cmd_migrate(args: argparse.Namespace) -> int:
    # Migrations run as the tables' owner when DATABASE_MIGRATE_URL names one; the application itself
    # then connects as a runtime role that owns nothing (docs/deploy.md, "Security notes").
    if os.environ.get("DATABASE_MIGRATE_URL"):
        os.environ["DATABASE_URL"] = os.environ["DATABASE_MIGRATE_URL"]
    _django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_load_demo(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("load_demo", verbosity=args.verbosity)
    except CommandError as e:
        _err(str(e))
        return 1
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password is not None:
        return str(args.password)
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            _err("the two passwords differ")
            return None
        return first
    # No terminal (a script, CI): the password is the first line on standard input.
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def cmd_create_user(args: argparse.Namespace) -> int:
    _django_setup()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from ordertaking.accounts.models import User
    from ordertaking.accounts.roles import Role
    from ordertaking.accounts.services import user_create
    from ordertaking.common.errors import DomainError

    roles = [r.strip().replace("-", "_") for r in args.role]
    known = [r.value for r in Role]
    unknown = [r for r in roles if r not in known]
    if unknown:
        _err(f"unknown role(s): {', '.join(unknown)}. Known roles: {', '.join(known)}")
        return 2
    if User.objects.filter(username=args.username).exists():
        _err(f"user {args.username!r} already exists")
        return 1
    # The role grant is audited with the administrator who ran it; only the very first administrator,
    # created before any exists, is recorded as made by the system.
    actor = None
    if User.objects.filter(is_active=True, groups__name=Role.ADMIN).exists():
        actor = _console_actor(args.by)
        if actor is None:
            return 2
    password = _read_password(args)
    if not password:
        _err("a password is needed (--password, or type it at the prompt, or one line on stdin)")
        return 2
    try:
        validate_password(password, user=User(username=args.username, display_name=args.name or ""))
    except ValidationError as exc:
        _err("password refused: " + " ".join(exc.messages))
        return 1
    try:
        user = user_create(username=args.username, password=password, roles=roles,
                           display_name=args.name or "", email=args.email or "",
                           is_superuser=args.superuser, actor=actor)
    except DomainError as exc:
        _err(str(exc))
        return 1
    print(f"Created user {user.username} with role(s): {', '.join(roles)}")
    return 0


def _console_actor(by: str | None) -> Any:
    """The administrator acting at the console (P3, issue 8): `--by USERNAME`, else the account named
    like the operating-system user. It must be an active account holding user management (the
    administrator's role). The shell is trusted to say who sits at it; the audit log records that account."""
    from ordertaking.accounts.models import User

    username = by or getpass.getuser()
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None or not actor.has_perm("accounts.user_manage"):
        how = "" if by else f" (none given: tried the OS user {username!r})"
        _err(f"--by must name an active administrator account{how}")
        return None
    return actor


def cmd_issue_token(args: argparse.Namespace) -> int:
    _django_setup()
    from ordertaking.accounts.models import User
    from ordertaking.accounts.services import api_token_issue
    from ordertaking.common.errors import DomainError

    user = User.objects.filter(username=args.username, is_active=True).first()
    if user is None:
        _err(f"no active user {args.username!r}")
        return 2
    actor = _console_actor(args.by)
    if actor is None:
        return 2
    try:
        # The audit log records the administrator who ran the command, not the token's owner (P3).
        token, raw = api_token_issue(user=user, name=args.name, actor=actor)
    except DomainError as exc:
        _err(str(exc))
        return 1
    print(f"Token {token.name!r} for {user.username} (shown once, store it now):", file=sys.stderr)
    # Only the token on stdout, so scripts can do TOKEN=$(ordertaking issue-token ...).
    print(raw)
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    """Recompute every hash chain of the audit log and check it against the stream heads and the seals
    (P6.1.a). Exit 0 when everything verifies, 1 when any event was changed, removed or inserted, or the
    append-only protection is missing; each finding names the record and the event."""
    _django_setup()
    from django.utils import translation

    from ordertaking.audit.selectors import audit_chains_verify
    from ordertaking.audit.triggers import triggers_missing

    with translation.override("en"):  # the console speaks English, like every other subcommand
        report = audit_chains_verify()
    last_seal = f"{report.last_seal_at:%Y-%m-%d %H:%M:%S} UTC" if report.last_seal_at else "never"
    print(f"{report.events} events in {report.streams} streams, {report.seals} seals (last: {last_seal}).")
    for missing in triggers_missing():
        print(f"PROTECTION: {missing} is missing or disabled; run `ordertaking migrate`.")
    for problem in report.problems:
        if problem.kind != "protection":
            print(problem)
    if report.ok:
        print("The audit log verifies: no event was changed, removed or inserted.")
        return 0
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items() if n)
    _err(f"the audit log does NOT verify: {counts}")
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    """Make a backup now (P4.2.b): database + uploaded files + checksum manifest, recorded and shown on
    the administrator's backup page; with --verify also restored into a scratch database and checked."""
    _django_setup()
    from pathlib import Path

    from ordertaking.ops.backup import backup_run

    record = backup_run(check_restore=args.verify, prune=False,
                        destination=Path(args.dir) if args.dir else None)
    if not record.succeeded:
        _err(f"backup failed: {record.error}")
        return 1
    print(f"Backup {record.name}: {record.tables} tables, {record.rows} rows, {record.size_bytes} bytes.")
    if record.restore_ok is not None:
        print("Restore check: " + ("verified." if record.restore_ok else "FAILED\n" + record.restore_report))
        return 0 if record.restore_ok else 1
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into an EMPTY database (--database-url) and verify it: checksums, row counts
    and the audit log's hash chains. Never touches the database the settings point at."""
    _django_setup()
    from pathlib import Path

    from ordertaking.common.errors import ValidationFailed
    from ordertaking.ops.backup import BackupError, backup_restore

    try:
        report = backup_restore(Path(args.backup), database_url=args.database_url)
    except (BackupError, ValidationFailed) as exc:
        _err(f"restore refused: {exc}")
        return 1
    print(f"Restored {report.tables} tables, {report.rows} rows.")
    print(report.audit_output.strip())
    for problem in report.problems:
        _err(problem)
    if report.ok:
        print("The restored database verifies: every table's row count matches the backup and the audit log "
              "verifies.")
        return 0
    return 1


def cmd_field_key(args: argparse.Namespace) -> int:
    """Print a new random key for ORDERTAKING_FIELD_KEYS (docs/deploy.md). Needs no database."""
    from ordertaking.common.sealed import key_new

    print(key_new())
    return 0


def sealed_columns() -> list[tuple[Any, str, Callable[[Any], str]]]:
    """Every column that keeps secrets sealed (common/sealed.py), with how the console names one of its rows:
    `reseal-secrets` goes through each (a test checks that no sealed column is missing here)."""
    from ordertaking.logistics.models import Carrier
    from ordertaking.notifications.models import DepartmentWebhook

    return [(DepartmentWebhook, "secret", lambda hook: f"department webhook {hook.pk} ({hook.department})"),
            (Carrier, "webhook_secret", lambda carrier: f"carrier {carrier.pk} ({carrier.code}) webhook key")]


def cmd_reseal_secrets(args: argparse.Namespace) -> int:
    """Re-encrypt every secret kept in the database under the first key of ORDERTAKING_FIELD_KEYS (key rotation:
    put the new key first, keep the old ones, run this, then drop the old ones). Exit 1 when a secret does not
    decrypt with any configured key: that one is left as it is and named; the others are re-encrypted."""
    _django_setup()
    from ordertaking.common.sealed import column_reseal

    done, failed = 0, 0
    for model, field, describe in sealed_columns():
        n, problems = column_reseal(model, field, describe)
        done += n
        failed += len(problems)
        for problem in problems:
            _err(problem)
    print(f"{done} secret(s) re-encrypted under the first key." + (f" {failed} could not be." if failed else ""))
    return 1 if failed else 0


def cmd_manage(args: argparse.Namespace) -> int:
    """Any Django management command (collectstatic, run_huey, check --deploy, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ordertaking.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ordertaking manage", *args.rest])
    return 0


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ordertaking",
        description="Administer the ordertaking order management system.",
        epilog="Settings come from the environment (DATABASE_URL, DJANGO_SECRET_KEY, "
               "ORDERTAKING_PRODUCTION, ORDERTAKING_ALLOWED_HOSTS, HUEY_REDIS_URL); see docs/deploy.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("serve", help=f"serve the web application with gunicorn (default {DEFAULT_BIND})")
    p.add_argument("--bind", default=os.environ.get("ORDERTAKING_BIND", DEFAULT_BIND),
                   help="address:port to listen on (default %(default)s)")
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="worker processes (default %(default)s)")
    p.add_argument("--timeout", type=int, default=120, help="worker timeout in seconds (default %(default)s)")
    p.add_argument("--check", action="store_true",
                   help="only check that the address is free (exit status 1 when busy), then stop")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="create or upgrade the database tables")
    p.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("load-demo", help="load the demo company, users, customers and orders (once; safe to repeat)")
    p.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    p.set_defaults(func=cmd_load_demo)

    p = sub.add_parser("create-user", help="create a staff user with one or more roles")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, metavar="ROLE",
                   help="a role of P3, repeatable: sales, customer_service, order_center, production, "
                        "logistics, finance, leadership, auditor, admin")
    p.add_argument("--password", help="the password (default: prompt, or one line on stdin without a terminal)")
    p.add_argument("--name", help="display name, e.g. 王销售")
    p.add_argument("--email", help="e-mail address")
    p.add_argument("--superuser", action="store_true", help="also a Django superuser (full admin site access)")
    p.add_argument("--by", metavar="ADMIN", help="the administrator creating it (default: the account named "
                   "like the OS user; not needed for the first administrator); recorded in the audit log")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("issue-token", help="issue an API token for a user and print it once")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="what the token is for, e.g. 'ERP sync'")
    p.add_argument("--by", metavar="ADMIN", help="the administrator issuing it (default: the account named "
                   "like the OS user); recorded in the audit log")
    p.set_defaults(func=cmd_issue_token)

    p = sub.add_parser("verify-audit", help="recompute the audit log's hash chains and seals; exit 1 on any "
                                            "changed, removed or inserted event")
    p.set_defaults(func=cmd_verify_audit)

    p = sub.add_parser("backup", help="back up the database and uploaded files now, with a checksum manifest")
    p.add_argument("--dir", help="where to write it (default ORDERTAKING_BACKUP_DIR, var/backups)")
    p.add_argument("--verify", action="store_true", help="also restore it into a scratch database and verify it")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into an empty database and verify it")
    p.add_argument("backup", help="the backup directory (ordertaking-YYYYMMDDTHHMMSSZ)")
    p.add_argument("--database-url", required=True, help="the EMPTY target database, e.g. "
                   "sqlite:////srv/restore.sqlite3 or postgres://postgres@127.0.0.1/ordertaking_restore")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("field-key", help="print a new random key for ORDERTAKING_FIELD_KEYS")
    p.set_defaults(func=cmd_field_key)

    p = sub.add_parser("reseal-secrets", help="re-encrypt the secrets kept in the database (department webhooks, "
                                              "carriers' webhook keys) under the first key of ORDERTAKING_FIELD_KEYS")
    p.set_defaults(func=cmd_reseal_secrets)

    # Handled before parsing (see main); listed here so --help shows it.
    sub.add_parser("manage", help="run any Django management command (e.g. collectstatic, run_huey, check --deploy)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(argv) if argv is not None else sys.argv[1:]
    if argv[:1] == ["manage"]:
        # Everything after `manage` belongs to Django, --help included.
        return cmd_manage(argparse.Namespace(rest=argv[1:]))
    parser = build_parser()
    args: Any = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
