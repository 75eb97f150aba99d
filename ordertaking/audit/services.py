"""Writing audit events. Every service that changes state calls `event_record` inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.utils import timezone

from .models import AuditEvent


class AuditOutsideTransaction(RuntimeError):
    """An event must be written in the same transaction as the change it records."""


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def event_record(*, actor: Any, action: str, subject: models.Model, clause: str = "",
                 before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                 message: str = "", label: str | None = None) -> AuditEvent:
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"{action}: call event_record inside transaction.atomic()")
    subject_type, subject_id = subject_key(subject)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor_obj,
        actor_name=str(actor_obj) if actor_obj else "system",
        action=action,
        clause=clause,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=(label if label is not None else str(subject))[:100],
        before=before,
        after=after,
        message=message,
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value differs, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
