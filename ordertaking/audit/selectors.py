from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent
from .services import subject_key


def timeline_for(subject: models.Model) -> QuerySet[AuditEvent]:
    """Every event about one subject, oldest first."""
    subject_type, subject_id = subject_key(subject)
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related(
        "actor").order_by("at", "id")
