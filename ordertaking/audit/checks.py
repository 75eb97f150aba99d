"""System check (P6.1.a): the audit log's append-only protection must be in force.

Runs with every `manage.py check`, `runserver`, `manage.py migrate` and `ordertaking serve`.
A missing trigger is an error, not a warning: without it anyone with the database can
rewrite history, and only `verify-audit` would tell afterwards.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from .triggers import triggers_missing


@register("audit")
def audit_triggers_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        missing = triggers_missing()
    except Exception:  # noqa: BLE001 - no database to look at (PostgreSQL down, DB access not allowed here):
        return []      # a check must not break unrelated commands; verify-audit still reports it

    if not missing:
        return []
    return [Error(
        "The audit log's append-only protection is not in force: missing or disabled "
        + ", ".join(missing) + ". Audit events can be edited or deleted without a trace.",
        hint="Run `ordertaking migrate` (or `manage.py migrate --skip-checks`): it re-creates the triggers "
             "and raises the guard. Then run `ordertaking verify-audit` to see whether events were touched.",
        id="audit.E001",
    )]
