"""The rules of whistleblowing (P6.1.b), plain functions.

- Receipt codes and passwords come from `secrets` over an alphabet without look-alikes (no 0/O, 1/I/L):
  12 characters of 31 ≈ 59 bits for the code, 16 ≈ 79 bits for the password. Neither is derived from
  anything, so codes cannot be enumerated.
- Every open report has a deadline in its current step (settings.ORDERTAKING_WHISTLEBLOWING_DAYS, calendar
  days); past it, the daily job escalates it once per step.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters: no 0 O 1 I L
CODE_LENGTH = 12
PASSWORD_LENGTH = 16


def new_code() -> str:
    """P6.1.b: a receipt code that cannot be guessed."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def grouped(text: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud on the phone and to copy."""
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def normalise(text: str) -> str:
    """What the reporter typed, as stored: separators and spaces dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def step_days(state: str) -> int | None:
    """P6.1.b: how many days a report may stay in `state` (None: a closed report has no deadline)."""
    days = getattr(settings, "ORDERTAKING_WHISTLEBLOWING_DAYS", {})
    value = days.get(str(state))
    return int(value) if value is not None else None


def due_at(state: str, since: datetime) -> datetime | None:
    days = step_days(state)
    return since + timedelta(days=days) if days is not None else None


def is_overdue(state: str, since: datetime, now: datetime) -> bool:
    due = due_at(state, since)
    return due is not None and due < now


def escalation_due(*, state: str, since: datetime, now: datetime, escalated_state: str) -> bool:
    """P6.1.b every report is handled: overdue in its step and not yet escalated in this step."""
    return is_overdue(state, since, now) and escalated_state != str(state)


def limits() -> dict[str, int]:
    return {"submit_ip": 5, "login_ip": 10, "login_code": 5, "window_minutes": 15,
            **getattr(settings, "ORDERTAKING_WHISTLEBLOWING_LIMITS", {})}
