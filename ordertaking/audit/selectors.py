"""Reads of the audit log (P6.1.a supervision, P4.2.a order information trail)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ordertaking.common.errors import PermissionDenied, ValidationFailed

from .models import AuditEvent
from .services import subject_key

# Dates a filter may name: wide enough for any real record, narrow enough that a day's bounds
# (midnight in Shanghai, the next midnight, both in UTC) never leave Python's date range.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(9998, 12, 31)
# Ids fit the database's 64-bit integer; a larger number is bad input, not a 500.
ID_MAX = 2**63 - 1

SORTS = {"at": ("at", "id"), "-at": ("-at", "-id"), "action": ("action", "-at", "-id"),
         "actor": ("actor_name", "-at", "-id"), "subject": ("subject_label", "-at", "-id")}


def timeline_for(subject: models.Model) -> QuerySet[AuditEvent]:
    """Every event about one subject, oldest first."""
    subject_type, subject_id = subject_key(subject)
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related(
        "actor").order_by("at", "id")


def actors_of(subject: models.Model, actions: tuple[str, ...]) -> set[int]:
    """The ids of everyone who did one of `actions` to `subject` (who wrote what is read from the
    trail itself, which nobody can rewrite)."""
    return actors_of_each([subject], actions).get(subject_key(subject)[1], set())


def actors_of_each(subjects: list[models.Model], actions: tuple[str, ...]) -> dict[str, set[int]]:
    """`actors_of` for several subjects of one model in one query, by subject id."""
    if not subjects:
        return {}
    subject_type = subject_key(subjects[0])[0]
    rows = (AuditEvent.objects.filter(subject_type=subject_type, subject_id__in=[str(s.pk) for s in subjects],
                                      action__in=actions, actor_id__isnull=False)
            .order_by().values_list("subject_id", "actor_id").distinct())
    out: dict[str, set[int]] = {}
    for subject_id, actor_id in rows:
        out.setdefault(subject_id, set()).add(actor_id)
    return out


def _start_of(day: date) -> datetime:
    """Midnight of `day` in the company's time zone (dates on screen are Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def event_search(*, user: Any, action: str = "", actor_id: int | None = None, date_from: date | None = None,
                 date_to: date | None = None, q: str = "", clause: str = "", sort: str = "-at",
                 ) -> QuerySet[AuditEvent]:
    """The audit log as one supervisor sees it (P6.1.a): only holders of `audit_view` read it."""
    if not user.has_perm("accounts.audit_view"):
        raise PermissionDenied("reading the audit log needs the audit_view capability (P6.1.a)")
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and not DATE_MIN <= day <= DATE_MAX:
            raise ValidationFailed(f"{name} must lie between {DATE_MIN} and {DATE_MAX}", field=name)
    if actor_id is not None and not 1 <= actor_id <= ID_MAX:
        raise ValidationFailed("actor_id is not a user id", field="actor_id")
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    if q:
        q = q.strip()
        qs = qs.filter(models.Q(subject_label__icontains=q) | models.Q(message__icontains=q))
    if clause:
        qs = qs.filter(clause__iexact=clause.strip())
    return qs.order_by(*SORTS.get(sort, SORTS["-at"]))


def known_actions() -> list[str]:
    """Every action written so far, for the filter menu."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


# subject type -> (url name, whether the URL takes the label (order number) or the id)
SUBJECT_URLS = {
    "orders.order": ("orders:detail", "label"),
    "customers.customer": ("customers:detail", "id"),
    "inquiries.inquiry": ("inquiries:detail", "id"),
}


def subject_url(event: AuditEvent) -> str:
    """A link to the subject's page, when it has one (order numbers are links everywhere)."""
    target = SUBJECT_URLS.get(event.subject_type)
    if target is None:
        return ""
    name, arg = target
    try:
        return reverse(name, args=[event.subject_label if arg == "label" else event.subject_id])
    except NoReverseMatch:
        return ""
