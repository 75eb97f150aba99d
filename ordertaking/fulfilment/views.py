"""Execution pages (P2.4.a, P3.3): the department task board (tablet-friendly, HTMX start/complete),
the order center's progress view, the assignment rules, the working-day calendar (administrator),
and the order page's Tasks card (loaded as a partial, like review's panel)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.common.errors import DomainError, NotFound
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.orders import selectors as orders_selectors

from . import selectors, services
from .forms import HolidayForm, ReassignForm, RuleForm
from .models import DEPARTMENT_CHOICES, AssignmentRule, Holiday, Task

BOARD_PAGE = 30


def _task(request: HttpRequest, pk: int) -> Task:
    task = selectors.tasks_visible(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404("no such task")
    return task


def _board_filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    return {"state": g.get("state", "live"), "due": g.get("due", ""), "kind": g.get("kind", ""),
            "department": g.get("department", ""), "mine": g.get("mine") == "1", "order": g.get("order", "")[:30]}


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """A department's task board (P2.4.a): its members' tasks, due first, overdue highlighted; the
    order center, leadership and audit see every department's (P3.3)."""
    user: Any = request.user
    if not (user.has_perm("accounts.task_work") or selectors.may_see_all(user)):
        return forbidden(request, _("The task board is for the departments that carry out orders."))
    f = _board_filters(request)
    today = timezone.localdate()
    qs = selectors.task_filter(selectors.tasks_visible(user), today=today, user=user, **f).order_by("due_date", "id")
    page = list_page(request, qs, page_size=BOARD_PAGE)
    return render_list(request, "fulfilment/board.html", {
        **page.context(), "f": f, "today": today, "states": Task.State.choices, "kinds": Task.Kind.choices,
        "departments": DEPARTMENT_CHOICES, "see_all": selectors.may_see_all(user),
        "workable": {t.pk for t in page.page if services.may_work(user, t)}})


def _row(request: HttpRequest, task: Task) -> HttpResponse:
    task = _task(request, task.pk)
    return render(request, "fulfilment/board.html#task-card", {
        "t": task, "today": timezone.localdate(), "workable": {task.pk} if services.may_work(request.user, task)
        else set()})


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("fulfilment:board"))
def task_start(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    services.task_start(task=task, actor=request.user)
    if getattr(request, "htmx", False):
        return _row(request, task)
    messages.success(request, _("Task started."))
    return redirect(request.POST.get("next") or reverse("fulfilment:board"))


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("fulfilment:board"))
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    services.task_complete(task=task, actor=request.user, note=request.POST.get("note", "")[:2000])
    if getattr(request, "htmx", False):
        return _row(request, task)
    messages.success(request, _("Task completed."))
    return redirect(request.POST.get("next") or reverse("fulfilment:board"))


@login_required
@require_http_methods(["GET", "POST"])
def task_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """改派 with a reason (P2.4.a)."""
    task = _task(request, pk)
    user: Any = request.user
    if not (user.has_perm("accounts.task_assign") or services.may_work(user, task)):
        return forbidden(request, _("Only the order processing center or the task's department reassigns it."))
    form = ReassignForm(request.POST or None, department=task.department,
                        initial={"assignee": task.assignee_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.task_reassign(task=task, actor=user, assignee=form.cleaned_data["assignee"],
                                   reason=form.cleaned_data["reason"], department=form.cleaned_data["department"])
        except NotFound as e:
            raise Http404(str(e.message)) from e
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Task reassigned."))
            return redirect(request.POST.get("next") or reverse("fulfilment:board"))
    return render(request, "fulfilment/reassign.html", {"task": task, "form": form,
                                                        "central": user.has_perm("accounts.task_assign"),
                                                        "next": request.GET.get("next", "")},
                  status=422 if request.method == "POST" else 200)


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    """P3.3 进度汇总: each department's open, due and overdue tasks, and the orders in execution with
    their task progress (filter by order state, late only, number or customer)."""
    user: Any = request.user
    if not selectors.may_see_all(user):
        return forbidden(request, _("The execution progress is for the order processing center and leadership."))
    today = timezone.localdate()
    g = request.GET
    f = {"q": g.get("q", "")[:50], "late": g.get("late") == "1", "state": g.get("state", "")}
    orders = selectors.orders_progress(today=today)
    if f["q"]:
        from django.db.models import Q

        orders = orders.filter(Q(number__icontains=f["q"]) | Q(customer__name__icontains=f["q"]))
    if f["late"]:
        orders = orders.filter(task_overdue__gt=0)  # type: ignore[misc]  # annotated by orders_progress
    if f["state"]:
        orders = orders.filter(state=f["state"])
    page = list_page(request, orders, page_size=25)
    from ordertaking.orders.states import OrderState

    return render_list(request, "fulfilment/progress.html", {
        **page.context(), "f": f, "departments": selectors.department_progress(today=today), "today": today,
        "order_states": [(s.value, s.label) for s in OrderState if s.value in (
            "approved", "in_execution", "partly_shipped", "shipped", "delivered", "cancelled")]})


@login_required
@require_GET
def order_tasks(request: HttpRequest, number: str) -> HttpResponse:
    """The order page's Tasks card (orders/detail.html loads it): who does what by when (P2.4.a)."""
    try:
        order = orders_selectors.order_get(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    tasks = selectors.order_tasks(order)
    user: Any = request.user
    return render(request, "fulfilment/_order_tasks.html", {
        "order": order, "tasks": tasks, "today": timezone.localdate(),
        "workable": {t.pk for t in tasks if services.may_work(user, t)},
        "can_reassign": user.has_perm("accounts.task_assign")})


# --- assignment rules (order center) -----------------------------------------------------------------

def _rule_values(form: RuleForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not (user.has_perm("accounts.assignment_rule_manage") or selectors.may_see_all(user)):
        return forbidden(request, _("Only the order processing center maintains assignment rules."))
    rows = AssignmentRule.objects.select_related("category", "region", "assignee").order_by("task_kind", "id")
    return render(request, "fulfilment/rules.html", {"rules": rows,
                                                     "can_edit": user.has_perm("accounts.assignment_rule_manage")})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user: Any = request.user
    if not user.has_perm("accounts.assignment_rule_manage"):
        return forbidden(request, _("Only the order processing center maintains assignment rules."))
    rule = AssignmentRule.objects.filter(pk=pk).first() if pk else None
    if pk and rule is None:
        raise Http404("no such rule")
    initial = ({f: getattr(rule, f) for f in services.RULE_FIELDS} if rule
               else {"active": True, "strategy": AssignmentRule.Strategy.NONE})
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST and rule is not None:
            services.rule_delete(actor=user, rule=rule)
            messages.success(request, _("Assignment rule removed."))
            return redirect("fulfilment:rules")
        if form.is_valid():
            try:
                services.rule_save(actor=user, values=_rule_values(form), rule=rule)
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Assignment rule saved."))
                return redirect("fulfilment:rules")
    return render(request, "fulfilment/rule_form.html", {"form": form, "rule": rule},
                  status=422 if request.method == "POST" else 200)


# --- the working-day calendar (administrator) -------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The administrator maintains the public holidays and make-up working days (P2.4.a)."""
    user: Any = request.user
    if not user.has_perm("accounts.calendar_manage"):
        return forbidden(request, _("Only the administrator maintains the working-day calendar."))
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            row = Holiday.objects.filter(pk=request.POST.get("delete") or 0).first()
            if row is None:
                raise Http404("no such day")
            services.holiday_delete(actor=user, holiday=row)
            messages.success(request, _("Calendar day removed."))
            return redirect(f"{reverse('fulfilment:calendar')}?year={row.date.year}")
        if form.is_valid():
            try:
                saved = services.holiday_save(actor=user, day=form.cleaned_data["date"], kind=form.cleaned_data["kind"],
                                              name=form.cleaned_data["name"])
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Calendar day saved."))
                return redirect(f"{reverse('fulfilment:calendar')}?year={saved.date.year}")
    days = Holiday.objects.filter(date__year=year).order_by("date")
    return render(request, "fulfilment/calendar.html", {"form": form, "days": days, "year": year},
                  status=422 if request.method == "POST" else 200)
