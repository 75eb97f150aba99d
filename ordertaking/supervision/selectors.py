"""Reads of supervision inspections (P6.1.a), scoped to the reader: auditors and leadership see every
inspection (inspection_view); a department sees the rectification tasks given to it (rectification_work:
a user's department is their business role)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue

from .models import Department, Finding, Inspection, InspectionSample, RectificationTask
from .states import OPEN, WITH_DEPARTMENT

T = RectificationTask.State


def user_departments(user: Any) -> set[str]:
    """The departments a user works in: their business roles (P3)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(user.role_names) & set(Department.values)


def may_manage(user: Any) -> bool:
    return bool(user and user.has_perm("accounts.inspection_manage"))


def may_view(user: Any) -> bool:
    return bool(user and (user.has_perm("accounts.inspection_view") or may_manage(user)))


def may_work(user: Any) -> bool:
    return bool(user and user.has_perm("accounts.rectification_work"))


# --- inspections -----------------------------------------------------------------------------------------

def inspections_visible(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.all() if may_view(user) else Inspection.objects.none()


def inspection_list(user: Any, *, state: str = "", q: str = "", date_from: date | None = None,
                    date_to: date | None = None) -> QuerySet[Inspection]:
    """The inspections, newest first, with their counts (one query). `date_from`/`date_to`: periods that
    overlap these days."""
    qs = inspections_visible(user)
    if state in Inspection.State.values:
        qs = qs.filter(state=state)
    if date_from:
        qs = qs.filter(period_to__gte=date_from)
    if date_to:
        qs = qs.filter(period_from__lte=date_to)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q))
    return (qs.select_related("created_by")
            .annotate(n_samples=Count("samples", distinct=True), n_findings=Count("findings", distinct=True),
                      n_open_tasks=Count("tasks", filter=~Q(tasks__state=T.CLOSED), distinct=True))
            .order_by("-created_at", "-id"))


def inspection_for(user: Any, number: str) -> Inspection:
    insp = (inspections_visible(user).select_related("created_by")
            .filter(number=(number or "").strip().upper()).first())
    if insp is None:
        raise NotFound(_("No inspection %(number)s.") % {"number": number})
    return insp


def inspection_samples(insp: Inspection) -> list[InspectionSample]:
    return list(insp.samples.select_related("order__customer", "order__sales_rep").order_by("position"))


def inspection_findings(insp: Inspection) -> list[Finding]:
    return list(insp.findings.select_related("order", "created_by").prefetch_related("tasks")
                .order_by("created_at", "id"))


def inspection_tasks(insp: Inspection) -> list[RectificationTask]:
    return list(insp.tasks.select_related("finding__order", "responsible").order_by("deadline", "id"))


def inspection_timeline(insp: Inspection) -> list[Any]:
    return timeline(insp)


def regions() -> list[str]:
    """The sales regions the reps have (for the scope and the strata)."""
    from ordertaking.accounts.models import User

    return list(User.objects.exclude(region="").filter(groups__name="sales").values_list("region", flat=True)
                .distinct().order_by("region"))


# --- rectification tasks ---------------------------------------------------------------------------------

def tasks_visible(user: Any) -> QuerySet[RectificationTask]:
    """inspection_view: every task; rectification_work: those of one's departments, and one's own."""
    if may_view(user):
        return RectificationTask.objects.all()
    if not may_work(user):
        return RectificationTask.objects.none()
    return RectificationTask.objects.filter(Q(department__in=user_departments(user)) | Q(responsible_id=user.pk))


def task_list(user: Any, *, state: str = "", department: str = "", due: str = "", q: str = "",
              today: date | None = None) -> QuerySet[RectificationTask]:
    """`state` may be "open" (not closed); `due` "overdue" (with the department past its deadline)."""
    today = today or timezone.localdate()
    qs = tasks_visible(user)
    if state == "open":
        qs = qs.filter(state__in=OPEN)
    elif state in T.values:
        qs = qs.filter(state=state)
    if department in Department.values:
        qs = qs.filter(department=department)
    if due == "overdue":
        qs = qs.filter(state__in=WITH_DEPARTMENT, deadline__lt=today)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(inspection__number__icontains=q)
                       | Q(finding__order__number__icontains=q) | Q(finding__description__icontains=q))
    return qs.select_related("inspection", "finding__order", "responsible").order_by("deadline", "id")


def task_for(user: Any, number: str) -> RectificationTask:
    t = (tasks_visible(user).select_related("inspection", "finding__order", "finding__created_by", "responsible",
                                            "responded_by", "verified_by", "created_by")
         .filter(number=(number or "").strip().upper()).first())
    if t is None:
        raise NotFound(_("No rectification task %(number)s.") % {"number": number})
    return t


def task_timeline(task: RectificationTask) -> list[Any]:
    return timeline(task)


def responsible_choices(department: str = "") -> QuerySet[Any]:
    """Who may be named responsible: active users of a department (holding rectification_work)."""
    from ordertaking.accounts.models import User

    qs = User.objects.filter(is_active=True, groups__permissions__codename="rectification_work",
                             groups__permissions__content_type__app_label="accounts")
    if department:
        qs = qs.filter(groups__name=department)
    return qs.distinct().order_by("display_name", "username")


# --- home page queues --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    url: str
    label: str
    meta: str
    state: str = ""
    state_label: str = ""


def _item(t: RectificationTask, today: date) -> QueueItem:
    late = _("overdue") if t.state in WITH_DEPARTMENT and t.deadline < today else ""
    order = t.finding.order.number if t.finding.order is not None else t.inspection.number
    meta = " · ".join(p for p in (order, str(t.get_department_display()),
                                  _("due %(d)s") % {"d": t.deadline.isoformat()}, late) if p)
    return QueueItem(reverse("supervision:task", args=[t.number]), t.number, meta, t.state,
                     str(t.get_state_display()))


def home_queues(user: Any) -> list[Queue]:
    """A department: its rectification tasks to answer. An auditor: answers to verify, and overdue tasks."""
    today = timezone.localdate()
    url = reverse("supervision:tasks")
    queues = []
    base = RectificationTask.objects.select_related("finding__order", "inspection").order_by("deadline", "id")
    if may_work(user) and user_departments(user):
        mine = base.filter(Q(department__in=user_departments(user)) | Q(responsible_id=user.pk),
                           state__in=WITH_DEPARTMENT)
        queues.append(Queue("rectification_mine", gettext_lazy("Rectification for my department"), mine.count(),
                            [_item(t, today) for t in mine[:5]], url=f"{url}?state=open",
                            empty_text=gettext_lazy("No rectification task waits for your department.")))
    if may_manage(user):
        verify = base.filter(state=T.RESPONDED)
        queues.append(Queue("rectification_verify", gettext_lazy("Rectification to verify"), verify.count(),
                            [_item(t, today) for t in verify[:5]], url=f"{url}?state=responded",
                            empty_text=gettext_lazy("No answer waits for verification.")))
        late = base.filter(state__in=WITH_DEPARTMENT, deadline__lt=today)
        queues.append(Queue("rectification_overdue", gettext_lazy("Overdue rectification"), late.count(),
                            [_item(t, today) for t in late[:5]], url=f"{url}?due=overdue",
                            empty_text=gettext_lazy("No rectification task is overdue.")))
    return queues


def overdue(task: RectificationTask, today: date | None = None) -> bool:
    return task.state in WITH_DEPARTMENT and task.deadline < (today or timezone.localdate())


def default_deadline(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=14)


def rectification_on_time(*, date_from: date, date_to: date) -> dict[str, tuple[int, int]]:
    """For P6.2's risk control: per department, the rectification tasks whose deadline falls in the period
    and how many of them were closed (verified) by the end of their deadline day, company time. One query.
    {department: (due, closed_on_time)}; a department without tasks due is absent."""
    out: dict[str, list[int]] = {}
    rows = RectificationTask.objects.filter(deadline__gte=date_from, deadline__lte=date_to).values_list(
        "department", "deadline", "closed_at")
    for department, deadline, closed_at in rows:
        counts = out.setdefault(department, [0, 0])
        counts[0] += 1
        if closed_at is not None and timezone.localtime(closed_at).date() <= deadline:
            counts[1] += 1
    return {d: (c[0], c[1]) for d, c in out.items()}
