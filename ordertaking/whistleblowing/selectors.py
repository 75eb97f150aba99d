"""Reads of whistleblowing (P6.1.b). Who sees what:

- the designated investigators (`whistleblowing_investigate`) see the reports' content — except a report
  that names them (conflict of interest): for them it does not exist;
- leadership (`whistleblowing_oversee`) sees only that each report is handled: receipt code, state, age,
  whether it is overdue — never the content, the reporter or the persons named;
- nobody else sees anything (managers in general, auditors, the administrator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.roles import perm
from ordertaking.common.errors import NotFound, PermissionDenied
from ordertaking.common.queues import Queue

from . import rules
from .models import AccessLog, Evidence, Message, Report
from .states import OPEN, REPORT


def may_investigate(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm("whistleblowing_investigate")))


def may_oversee(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm("whistleblowing_oversee")))


def reports_visible(user: Any) -> QuerySet[Report]:
    """The reports whose content `user` may read: none unless a designated investigator, and never one
    that names them."""
    if not may_investigate(user):
        return Report.objects.none()
    return Report.objects.exclude(named_users=user)


def report_for(user: Any, code: str) -> Report:
    """One report for an investigator: PermissionDenied for anyone else; NotFound for a report that names
    the investigator (it must not even confirm that it exists) or an unknown code."""
    if not may_investigate(user):
        raise PermissionDenied(_("Only the designated investigators read whistleblowing reports (P6.1.b)."))
    r = reports_visible(user).select_related("handler", "entered_by").filter(
        receipt_code=rules.normalise(code)).first()
    if r is None:
        raise NotFound(_("No such report."))
    return r


def overdue_q(now: datetime) -> Q:
    """Open reports past the deadline of their step (uses the index on state, state_since)."""
    q = Q(pk__in=[])
    for state in OPEN:
        days = rules.step_days(state)
        if days is not None:
            q |= Q(state=state, state_since__lt=now - timedelta(days=days))
    return q


def report_list(user: Any, *, state: str = "", overdue: bool = False, q: str = "") -> QuerySet[Report]:
    qs = reports_visible(user).select_related("handler")
    if state == "open":
        qs = qs.filter(state__in=OPEN)
    elif state in Report.State.values:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(overdue_q(timezone.now()))
    if q.strip():
        qs = qs.filter(receipt_code__startswith=rules.normalise(q))
    return qs.order_by("-created_at", "-id")


def oversight_list(user: Any, *, state: str = "", overdue: bool = False) -> QuerySet[Report]:
    """P6.1.b for leadership: only the fields that show the report is handled (`only()` keeps the content
    out of the query itself)."""
    if not may_oversee(user):
        raise PermissionDenied(_("Leadership sees that every whistleblowing report is handled (P6.1.b)."))
    qs = Report.objects.only("receipt_code", "state", "state_since", "created_at", "channel")
    if state == "open":
        qs = qs.filter(state__in=OPEN)
    elif state in Report.State.values:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(overdue_q(timezone.now()))
    return qs.order_by("-created_at", "-id")


def oversight_counts() -> dict[str, int]:
    now = timezone.now()
    return {"open": Report.objects.filter(state__in=OPEN).count(),
            "overdue": Report.objects.filter(overdue_q(now)).count(),
            "closed": Report.objects.exclude(state__in=OPEN).count()}


def status_of(report: Report, now: datetime | None = None) -> dict[str, Any]:
    """What the oversight shows of one report: its age in days, its step's deadline, overdue or not."""
    now = now or timezone.now()
    due = rules.due_at(report.state, report.state_since) if report.state in OPEN else None
    return {"age": max(0, (now - report.created_at).days), "due": due, "overdue": due is not None and due < now}


def thread(report: Report) -> list[Message]:
    return list(report.messages.order_by("created_at", "id"))


def files(report: Report) -> list[Evidence]:
    return list(report.files.order_by("uploaded_at", "id"))


def access_log(report: Report, limit: int = 200) -> list[AccessLog]:
    return list(report.accesses.select_related("user").order_by("-at", "-id")[:limit])


def available_moves(user: Any, report: Report) -> list[str]:
    if not may_investigate(user):
        return []
    return [verb for verb in REPORT.moves if REPORT.can(report.state, verb)]


def evidence_for(user: Any, ref: str) -> Evidence:
    ev = Evidence.objects.select_related("report").filter(ref=str(ref)[:32]).first()
    if ev is None or not reports_visible(user).filter(pk=ev.report_id).exists():
        if not may_investigate(user):
            raise PermissionDenied(_("Only the designated investigators read whistleblowing reports (P6.1.b)."))
        raise NotFound(_("No such file."))
    return ev


@dataclass(frozen=True)
class QueueItem:
    url: str
    label: str
    meta: str
    state: str = ""
    state_label: str = ""


def home_queues(user: Any) -> list[Queue]:
    """Investigators: the open reports (overdue first); leadership: the overdue ones, by code and age."""
    now = timezone.now()
    if may_investigate(user):
        qs = reports_visible(user).filter(state__in=OPEN).order_by("state_since", "id")
        items = []
        for r in qs[:5]:
            st = status_of(r, now)
            meta = _("%(n)s days") % {"n": st["age"]} + (" · " + _("overdue") if st["overdue"] else "")
            items.append(QueueItem(reverse("whistleblowing:detail", args=[r.receipt_code]), r.code_display, meta,
                                   r.state, str(r.get_state_display())))
        return [Queue("whistleblowing_open", gettext_lazy("Whistleblowing reports to handle"), qs.count(), items,
                      url=reverse("whistleblowing:list") + "?state=open",
                      empty_text=gettext_lazy("No report waits."))]
    if may_oversee(user):
        overdue = Report.objects.filter(overdue_q(now)).only("receipt_code", "state", "state_since", "created_at")
        items = [QueueItem(reverse("whistleblowing:oversight") + "?overdue=1", r.code_display,
                           _("%(n)s days") % {"n": status_of(r, now)["age"]}, r.state, str(r.get_state_display()))
                 for r in overdue.order_by("state_since", "id")[:5]]
        return [Queue("whistleblowing_overdue", gettext_lazy("Overdue whistleblowing reports"), overdue.count(),
                      items, url=reverse("whistleblowing:oversight") + "?overdue=1",
                      empty_text=gettext_lazy("Every report is within its deadline."))]
    return []
