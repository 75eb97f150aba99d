"""Audit rows for tests: chained like event_record's, but with a chosen time (services never choose one)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.services import _append


def shanghai(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hh, mm), timezone.get_fixed_timezone(8 * 60))


def event(*, actor: Any, action: str = "order.submitted", label: str = "SO-20261126-0001", at: datetime | None = None,
          subject_type: str = "orders.order", subject_id: str = "1", clause: str = "P2.2.a",
          before: Any = None, after: Any = None, message: str = "") -> AuditEvent:
    return _append(at=at or timezone.now(), actor_id=actor.pk if actor else None,
                   actor_name=str(actor) if actor else "system", action=action, clause=clause,
                   subject_type=subject_type, subject_id=subject_id, subject_label=label, before=before, after=after,
                   message=message)
