"""Writes of order execution (P2.4.a 任务分配, P3.3): the tasks an approved order becomes, their
moves, reassignment, cancellation and replanning after a change, the assignment rules and the
working-day calendar. Every write locks, checks the capability, moves through states.TASK and writes
its audit event on the order in the same transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ordertaking.accounts.models import User
from ordertaking.audit.services import event_record
from ordertaking.catalog.models import Category, Region
from ordertaking.common.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.common.prepared import Prepared
from ordertaking.common.progress import FirstApproval, order_progress_changed
from ordertaking.common.refdata import refdata_cached, refdata_models
from ordertaking.notifications.selectors import role_members
from ordertaking.notifications.services import notify
from ordertaking.ops.jobs import job_register, job_run, run_item
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.selectors import order_lines
from ordertaking.orders.states import EXECUTION_STATES, MOVES, check_move
from ordertaking.review.models import ReviewDecision
from ordertaking.review.services import Approval

from . import rules
from .models import DEPARTMENT_CHOICES, AssignmentRule, Holiday, Task
from .states import LIVE_STATES, TASK

DEPARTMENTS = frozenset(code for code, _label in DEPARTMENT_CHOICES)

# --- hooks for the apps above: production creates its production orders from the new tasks -------------

TasksCreatedHandler = Callable[[Order, list[Task], Any, bool], Iterable[Any] | None]
_tasks_created_handlers: list[TasksCreatedHandler] = []


def tasks_created_handler_add(handler: TasksCreatedHandler) -> None:
    """`handler(order, tasks, actor, first)` runs inside the approval's (or the replan's) transaction after the
    tasks are created; tasks are only the NEW ones; `first`: the order's first approval (nothing of the order's
    execution exists yet, so the handler need not look). It returns the production orders it made of them: a
    first approval hands them on with the tasks (common.progress.FirstApproval), so no one reads them back."""
    if handler not in _tasks_created_handlers:
        _tasks_created_handlers.append(handler)


# --- the calendar ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date]
    workdays: frozenset[date]

    def before(self, day: date, n: int) -> date:
        return rules.working_days_before(day, n, self.holidays, self.workdays)

    def after(self, day: date, n: int) -> date:
        return rules.add_working_days(day, n, self.holidays, self.workdays)

    def is_working_day(self, day: date) -> bool:
        return rules.is_working_day(day, self.holidays, self.workdays)


_CALENDAR: Prepared[Holiday] = Prepared(lambda: Holiday.objects.only("date", "kind").order_by())


def _calendar_read() -> Calendar:
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day in _CALENDAR.all():
        (workdays if day.kind == Holiday.Kind.WORKDAY else holidays).add(day.date)
    return Calendar(frozenset(holidays), frozenset(workdays))


def calendar_load() -> Calendar:
    """The maintained calendar (a few dozen rows a year: read whole). Inside an approval, read once per process
    and reference data version (common/refdata.py; apps.py names the table)."""
    return refdata_cached("fulfilment.calendar", _calendar_read)


def _require(actor: Any, capability: str, message: str) -> None:
    if not actor.has_perm(f"accounts.{capability}"):
        raise PermissionDenied(message, code="permission_denied")


def holiday_save(*, actor: User, day: date, kind: str, name: str, holiday: Holiday | None = None) -> Holiday:
    """The administrator maintains the working-day calendar (P2.4.a: China's holidays change every year)."""
    _require(actor, "calendar_manage", _("Only the administrator maintains the working-day calendar."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Name the day (for example 国庆节)."), field="name", code="required")
    if kind not in Holiday.Kind.values:
        raise ValidationFailed(_("Choose public holiday or make-up working day."), field="kind")
    if kind == Holiday.Kind.WORKDAY and day.weekday() < 5:
        raise ValidationFailed(_("A make-up working day is a Saturday or Sunday."), field="date",
                               code="workday_on_weekday")
    with transaction.atomic():
        row = Holiday.objects.select_for_update().filter(pk=holiday.pk).first() if holiday else Holiday()
        if row is None:
            raise NotFound(_("That calendar day does not exist."))
        if Holiday.objects.filter(date=day).exclude(pk=row.pk).exists():
            raise ValidationFailed(_("That date is already in the calendar."), field="date", code="duplicate")
        before = {"date": row.date.isoformat(), "day_kind": row.kind, "name": row.name} if row.pk else None
        row.date, row.kind, row.name = day, kind, name
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ValidationFailed(_("That date is already in the calendar."), field="date",
                                   code="duplicate") from None
        event_record(actor=actor, action="calendar.day_saved", subject=row, clause="P2.4.a", before=before,
                     after={"date": day.isoformat(), "day_kind": kind, "name": name})
    return row


def holiday_delete(*, actor: User, holiday: Holiday) -> None:
    _require(actor, "calendar_manage", _("Only the administrator maintains the working-day calendar."))
    with transaction.atomic():
        row = Holiday.objects.select_for_update().filter(pk=holiday.pk).first()
        if row is None:
            raise NotFound(_("That calendar day does not exist."))
        event_record(actor=actor, action="calendar.day_removed", subject=row, clause="P2.4.a",
                     before={"date": row.date.isoformat(), "day_kind": row.kind, "name": row.name})
        row.delete()


# --- assignment rules -----------------------------------------------------------------------------------

RULE_FIELDS = ("name", "task_kind", "category", "product_kind", "region", "city", "department", "strategy",
               "assignee", "active")


def _rule_snapshot(rule: AssignmentRule) -> dict[str, Any]:
    return {"name": rule.name, "task_kind": rule.task_kind, "category": rule.category.name if rule.category else "",
            "product_kind": rule.product_kind, "region": rule.region.name if rule.region else "",
            "city": rule.city, "department": rule.department, "strategy": rule.strategy,
            "assignee": str(rule.assignee) if rule.assignee else "", "active": rule.active}


def _member(user_id: Any, department: str) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True, groups__name=department).first()


def rule_save(*, actor: User, values: Mapping[str, Any], rule: AssignmentRule | None = None) -> AssignmentRule:
    """The order center maintains the assignment rules (P2.4.a). `values` holds RULE_FIELDS (ids or
    objects for category, region, assignee); absent keys keep the rule's value."""
    _require(actor, "assignment_rule_manage", _("Only the order processing center maintains assignment rules."))
    with transaction.atomic():
        row = AssignmentRule.objects.select_for_update().filter(pk=rule.pk).first() if rule else AssignmentRule()
        if row is None:
            raise NotFound(_("That assignment rule does not exist."))
        before = _rule_snapshot(row) if row.pk else None
        v = dict(values)
        if "name" in v:
            row.name = str(v["name"] or "").strip()[:100]
        if not row.name:
            raise ValidationFailed(_("Give the rule a name."), field="name", code="required")
        if "task_kind" in v:
            if (v["task_kind"] or "") not in ("", *Task.Kind.values):
                raise ValidationFailed(_("Unknown task kind."), field="task_kind")
            row.task_kind = v["task_kind"] or ""
        if "product_kind" in v:
            if (v["product_kind"] or "") not in ("", "product", "service"):
                raise ValidationFailed(_("Choose product or service."), field="product_kind")
            row.product_kind = v["product_kind"] or ""
        for key, model in (("category", Category), ("region", Region)):
            if key in v:
                ref = v[key]
                ref_id = getattr(ref, "pk", ref)
                if ref_id in (None, ""):
                    setattr(row, key, None)
                else:
                    found = model.objects.filter(pk=ref_id).first() if str(ref_id).isdigit() else None
                    if found is None:
                        raise ValidationFailed(_("Choose one from the list."), field=key, code="unknown")
                    setattr(row, key, found)
        if "city" in v:
            row.city = str(v["city"] or "").strip()[:50]
        if row.city and row.region_id is None:
            raise ValidationFailed(_("A city needs its province."), field="region", code="city_needs_region")
        if "department" in v:
            row.department = str(v["department"] or "")
        if row.department not in DEPARTMENTS:
            raise ValidationFailed(_("Choose the department."), field="department", code="required")
        if "strategy" in v:
            if v["strategy"] not in AssignmentRule.Strategy.values:
                raise ValidationFailed(_("Choose how the person is chosen."), field="strategy")
            row.strategy = v["strategy"]
        if "assignee" in v:
            ref = v["assignee"]
            ref_id = getattr(ref, "pk", ref)
            row.assignee = None
            if ref_id not in (None, ""):
                found_user = _member(ref_id, row.department) if str(ref_id).isdigit() else None
                if found_user is None:
                    raise ValidationFailed(_("The default assignee must be an active member of the department."),
                                           field="assignee", code="not_in_department")
                row.assignee = found_user
        elif row.assignee_id and _member(row.assignee_id, row.department) is None:
            raise ValidationFailed(_("The default assignee must be an active member of the department."),
                                   field="assignee", code="not_in_department")
        if row.strategy == AssignmentRule.Strategy.FIXED and row.assignee_id is None:
            raise ValidationFailed(_("Choose the default assignee."), field="assignee", code="required")
        if row.strategy != AssignmentRule.Strategy.FIXED:
            row.assignee = None
        if "active" in v:
            row.active = bool(v["active"])
        row.save()
        event_record(actor=actor, action="assignment_rule.saved", subject=row, clause="P2.4.a", before=before,
                     after=_rule_snapshot(row))
    return row


def rule_delete(*, actor: User, rule: AssignmentRule) -> None:
    _require(actor, "assignment_rule_manage", _("Only the order processing center maintains assignment rules."))
    with transaction.atomic():
        row = AssignmentRule.objects.select_for_update().filter(pk=rule.pk).first()
        if row is None:
            raise NotFound(_("That assignment rule does not exist."))
        event_record(actor=actor, action="assignment_rule.removed", subject=row, clause="P2.4.a",
                     before=_rule_snapshot(row))
        row.delete()


def _live_load(user_ids: Iterable[int]) -> dict[int, int]:
    return dict(Task.objects.filter(assignee_id__in=list(user_ids), state__in=LIVE_STATES)
                .values("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n"))


# Read at every approval (P2.4.a): compiled once per process (common/prepared.py), and inside an approval kept
# per process behind the reference data version (common/refdata.py). Without the round-robin pointer, which
# moves at every order without moving the version: round robin reads it again under the rule's lock.
_ACTIVE_RULES: Prepared[AssignmentRule] = Prepared(
    lambda: AssignmentRule.objects.filter(active=True).defer("last_assignee").order_by("id"))


class _Assigner:
    """Chooses department and person for the tasks of one order (P2.4.a), counting the tasks it has
    handed out so far so least-loaded spreads one order's tasks too."""

    def __init__(self) -> None:
        self.rules = refdata_models("fulfilment.active_rules", _ACTIVE_RULES.all)
        self.members: dict[str, list[int]] = {}
        self.extra: dict[int, int] = {}

    def _members(self, department: str) -> list[int]:
        if department not in self.members:  # the active members, in id order (the read its notification makes)
            self.members[department] = [u.pk for u in role_members(department)]
        return self.members[department]

    def assign(self, facts: rules.TaskFacts) -> tuple[str, int | None]:
        rule = rules.rule_choose(self.rules, facts)
        if rule is None:
            return rules.DEFAULT_DEPARTMENT[facts.task_kind], None
        assert isinstance(rule, AssignmentRule)
        chosen: int | None = None
        if rule.strategy == AssignmentRule.Strategy.FIXED:
            chosen = rule.assignee_id if rule.assignee_id in self._members(rule.department) else None
        elif rule.strategy == AssignmentRule.Strategy.ROUND_ROBIN:
            locked = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
            chosen = rules.pick_round_robin(self._members(rule.department), locked.last_assignee_id)
            if chosen is not None:
                AssignmentRule.objects.filter(pk=rule.pk).update(last_assignee_id=chosen)
        elif rule.strategy == AssignmentRule.Strategy.LEAST_LOADED:
            members = self._members(rule.department)
            load = _live_load(members)
            chosen = rules.pick_least_loaded(members, {m: load.get(m, 0) + self.extra.get(m, 0) for m in members})
        if chosen is not None:
            self.extra[chosen] = self.extra.get(chosen, 0) + 1
        return rule.department, chosen


# --- creating an order's tasks --------------------------------------------------------------------------

def _qty(value: Decimal | None) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def _line_text(line: OrderLine) -> str:
    what = " ".join(x for x in (line.product_code, line.name, line.specification) if x)
    qty = _qty(line.quantity)
    return f"{line.position}. {what}" + (f" × {qty} {line.unit}".rstrip() if qty else "")


def _shipping_text(order: Order, lines: list[OrderLine]) -> str:
    place = " ".join(x for x in (order.delivery_region.name if order.delivery_region else "", order.delivery_city,
                                 order.delivery_address) if x)
    who = " ".join(x for x in (order.contact_name, order.contact_phone) if x)
    return "\n".join(x for x in (place, who, *(_line_text(ln) for ln in lines)) if x)


def _opinion(order: Order) -> str:
    decision = (ReviewDecision.objects.filter(order=order, outcome=ReviewDecision.Outcome.APPROVED)
                .order_by("-decided_at", "-id").first())
    return decision.opinion.strip() if decision else ""


def _is_service(line: OrderLine) -> bool:
    return bool(line.product and line.product.kind == "service")


def _needs_production(line: OrderLine) -> bool:
    return bool(line.product and line.product.kind != "service" and line.product.needs_production)


@dataclass
class _Wanted:
    kind: str
    line: OrderLine | None
    span: rules.Span
    requirements: str


def _wanted_tasks(order: Order, lines: list[OrderLine], today: date, cal: Calendar,
                  opinion: str | None = None) -> list[_Wanted]:
    """The tasks an order needs (P2.4.a) with their backward plan; pure apart from the opinion read
    (`opinion`: the approval's, when the caller has it)."""
    opinion = _opinion(order) if opinion is None else opinion.strip()
    transit = order.delivery_region.transit_days if order.delivery_region else None
    produced = [ln for ln in lines if _needs_production(ln)]
    plan = rules.order_plan(delivery_date=order.delivery_date, transit_days=transit,
                            lead_days=[ln.product.production_lead_days for ln in produced if ln.product],
                            today=today, holidays=cal.holidays, workdays=cal.workdays)

    def text(*parts: str) -> str:
        return "\n".join(p for p in (*parts, opinion) if p)

    wanted: list[_Wanted] = []
    for ln in produced:
        lead = ln.product.production_lead_days if ln.product else 0
        wanted.append(_Wanted(Task.Kind.PRODUCTION, ln, plan.production[lead], text(_line_text(ln))))
        wanted.append(_Wanted(Task.Kind.INSPECTION, ln, plan.inspection, text(_line_text(ln))))
    goods = [ln for ln in lines if not _is_service(ln)]
    if goods:
        wanted.append(_Wanted(Task.Kind.SHIPPING, None, plan.shipping, text(_shipping_text(order, goods))))
    for ln in lines:
        if _is_service(ln):
            wanted.append(_Wanted(Task.Kind.SERVICE, ln, plan.service, text(_line_text(ln))))
    return wanted


def _facts(order: Order, kind: str, line: OrderLine | None) -> rules.TaskFacts:
    product = line.product if line else None
    return rules.TaskFacts(task_kind=kind, category_id=product.category_id if product else None,
                           product_kind=product.kind if product else "",
                           region_id=order.delivery_region_id, city=order.delivery_city or "")


def _notify_assigned(tasks: list[Task], actor: Any) -> None:
    """Tell each assignee of their new task (P2.4.a); an unassigned task tells its department. Inside
    the transaction: the notifications app writes the in-app rows now and mails after commit."""
    departments: dict[str, list[Any]] = {}  # one query per department, not per unassigned task (approval path)
    for task in tasks:
        if task.assignee_id:
            recipients = [task.assignee]
        else:
            if task.department not in departments:
                departments[task.department] = role_members(task.department)
            recipients = departments[task.department]
        notify(recipients=recipients, kind="task_assigned", subject=task.order, actor=actor,
               url=order_url(task.order.number),
               params={"order": task.order.number, "task": task.kind, "due": task.due_date.isoformat()})


def _create(order: Order, wanted: list[_Wanted], actor: Any) -> list[Task]:
    assigner = _Assigner()
    tasks: list[Task] = []
    for w in wanted:
        department, assignee_id = assigner.assign(_facts(order, w.kind, w.line))
        tasks.append(Task(order=order, line=w.line, line_position=w.line.position if w.line else None, kind=w.kind,
                          department=department, assignee_id=assignee_id, requirements=w.requirements,
                          quantity=w.line.quantity if w.line else None, planned_start=w.span.planned_start,
                          due_date=w.span.due_date, date_clamped=w.span.clamped))
    created = Task.objects.bulk_create(tasks)
    # The objects are complete (the order is the caller's; the database gave the ids): only the assignees,
    # whom the notification needs, are read, in one query.
    assignees = User.objects.in_bulk({t.assignee_id for t in created if t.assignee_id})
    for t in created:
        if t.assignee_id:
            t.assignee = assignees[t.assignee_id]
    return created


def _counts(tasks: Iterable[Task]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in tasks:
        key = f"{t.kind}_tasks"
        counts[key] = counts.get(key, 0) + 1
    return counts


def order_tasks_create(approval: Approval) -> None:
    """The approval handler (registered in FulfilmentConfig.ready)."""
    order_tasks_make(approval.order, approval.actor, opinion=approval.decision.opinion, first=approval.first)


def order_tasks_make(order: Order, actor: Any, *, opinion: str | None = None, first: bool = False) -> list[Task]:
    """The approved order becomes its tasks (P2.4.a), each with its responsible party, requirements and time
    nodes. Runs inside review.order_approve's transaction with the order locked (its lines and region as
    the approval read them). `first`: the order's first approval, so it has no tasks yet."""
    if not first and Task.objects.filter(order=order).exclude(state=Task.State.CANCELLED).exists():
        return []  # approved again after a change: order_tasks_replan adapts the tasks instead
    lines = order_lines(order)  # the approval prefetched them with their products
    if order.delivery_region_id and not Order.delivery_region.is_cached(order):
        order = Order.objects.select_related("delivery_region").get(pk=order.pk)
    tasks = _create(order, _wanted_tasks(order, lines, timezone.localdate(), calendar_load(), opinion), actor)
    if tasks:
        after: dict[str, Any] = _counts(tasks)
        if any(t.date_clamped for t in tasks):
            after["date_clamped"] = True
        event_record(actor=actor, action="tasks.created", subject=order, clause="P2.4.a", after=after)
        _notify_assigned(tasks, actor)
    made = [po for handler in _tasks_created_handlers for po in handler(order, tasks, actor, first) or ()]
    if tasks:
        order_progress_changed(order=order, actor=actor,
                               first=FirstApproval(tuple(tasks), tuple(made)) if first else None)
    return tasks


# --- moves ----------------------------------------------------------------------------------------------

def _lock(task: Task) -> tuple[Task, Order]:
    """The task and its order, locked in the one order every writer here uses: the order first, then
    its tasks (approval, cancel and replan lock the order and then the tasks), so no two writers wait
    on each other in a circle."""
    # A task never changes its order: the caller's task names it (read only for a task without one); the
    # locked row must agree.
    order_id = task.order_id or Task.objects.filter(pk=task.pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("That task does not exist."))
    order = Order.objects.select_for_update().get(pk=order_id)
    locked = (Task.objects.select_for_update(of=("self",)).select_related("assignee")
              .filter(pk=task.pk).first())
    if locked is None or locked.order_id != order_id:
        raise NotFound(_("That task does not exist."))
    locked.order = order
    return locked, order


def may_work(actor: Any, task: Task) -> bool:
    """P2.4.a: a task is worked by its department's members (their role) — the assignee or a colleague."""
    if not actor.is_active:
        return False
    if task.department == "order_center":
        return bool(actor.has_perm("accounts.task_assign"))
    return bool(actor.has_perm("accounts.task_work") and actor.has_role(task.department))


def _require_work(actor: Any, task: Task) -> None:
    if not may_work(actor, task):
        raise PermissionDenied(_("Only the task's department works on it."), code="not_your_department")


def _task_after(task: Task, **extra: Any) -> dict[str, Any]:
    return {"task_kind": task.kind, "line": task.line_position, **extra} if task.line_position else {
        "task_kind": task.kind, **extra}


def _refresh(task: Task, locked: Task) -> Task:
    for f in ("state", "started_at", "done_at", "assignee_id", "department", "note", "planned_start", "due_date",
              "quantity", "requirements", "date_clamped"):
        setattr(task, f, getattr(locked, f))
    return task


def task_start(*, task: Task, actor: Any) -> Task:
    """开始执行 (P2.4.a). The order's first started task moves it approved → in execution."""
    with transaction.atomic():
        locked, order = _lock(task)
        _require_work(actor, locked)
        if order.state not in EXECUTION_STATES:
            raise InvalidTransition(_("The order is not in execution."), field="state", code="order_not_live")
        before = locked.state
        locked.state = TASK.check(locked.state, "start")
        locked.started_at = timezone.now()
        if locked.assignee_id is None:
            locked.assignee = actor  # whoever starts an unassigned task takes it on
        locked.save(update_fields=["state", "started_at", "assignee", "updated_at"])
        event_record(actor=actor, action="task.started", subject=order, clause=TASK.clause("start"),
                     before={"task_state": before}, after=_task_after(locked, task_state=locked.state))
        if order.state == "approved":
            _order_start(order, actor)
        order_progress_changed(order=order, actor=actor)
    return _refresh(task, locked)


def _order_start(order: Order, actor: Any) -> None:
    before = order.state
    order.state = check_move(order.state, "start")
    order.save(update_fields=["state", "updated_at"])
    event_record(actor=actor, action="order.execution_started", subject=order, clause=MOVES["start"][2],
                 before={"state": before}, after={"state": order.state})


def task_complete(*, task: Task, actor: Any, note: str = "") -> Task:
    """完成 (P2.4.a): the task is done; a note says what was done (optional)."""
    with transaction.atomic():
        locked, order = _lock(task)
        _require_work(actor, locked)
        before = locked.state
        locked.state = TASK.check(locked.state, "complete")
        now = timezone.now()
        locked.started_at = locked.started_at or now
        locked.done_at = now
        locked.note = (note or "").strip()
        if locked.assignee_id is None:
            locked.assignee = actor
        locked.save(update_fields=["state", "started_at", "done_at", "note", "assignee", "updated_at"])
        event_record(actor=actor, action="task.completed", subject=order, clause=TASK.clause("complete"),
                     before={"task_state": before}, after=_task_after(locked, task_state=locked.state),
                     message=locked.note)
        if order.state == "approved":
            _order_start(order, actor)
        order_progress_changed(order=order, actor=actor)
    return _refresh(task, locked)


def task_reassign(*, task: Task, actor: Any, assignee: User | None, reason: str,
                  department: str | None = None) -> Task:
    """改派 (P2.4.a): another responsible person (or department), always with a reason. The order
    center reassigns any task, to any department; a department's member only within their department.
    The new assignee must be an active member of the department; nobody reassigns a task to themself
    unless they are its department's member (SoD: the order center assigns, it does not take tasks)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the task is reassigned."), field="reason", code="reason_required")
    with transaction.atomic():
        locked, order = _lock(task)
        central = actor.has_perm("accounts.task_assign")
        if not central and not may_work(actor, locked):
            raise PermissionDenied(_("Only the order processing center or the task's department reassigns it."),
                                   code="not_your_department")
        if locked.state not in LIVE_STATES:
            raise InvalidTransition(_("Only a task still to do or in progress can be reassigned."), field="state")
        target_dept = department or locked.department
        if target_dept not in DEPARTMENTS:
            raise ValidationFailed(_("Choose the department."), field="department")
        if target_dept != locked.department and not central:
            raise PermissionDenied(_("Only the order processing center moves a task to another department."),
                                   code="department_change", field="department")
        new_user: User | None = None
        if assignee is not None:
            new_user = _member(getattr(assignee, "pk", assignee), target_dept)
            if new_user is None:
                raise ValidationFailed(_("The new assignee must be an active member of the department."),
                                       field="assignee", code="not_in_department")
        if new_user is None and target_dept == locked.department and locked.assignee_id is None:
            raise ValidationFailed(_("Choose the new assignee."), field="assignee", code="required")
        if new_user is not None and new_user.pk == locked.assignee_id and target_dept == locked.department:
            raise ValidationFailed(_("The task is already assigned to that person."), field="assignee",
                                   code="unchanged")
        before = {"department": locked.department, "assignee": str(locked.assignee) if locked.assignee else ""}
        locked.department = target_dept
        locked.assignee = new_user
        locked.save(update_fields=["department", "assignee", "updated_at"])
        event_record(actor=actor, action="task.reassigned", subject=order, clause="P2.4.a", before=before,
                     after=_task_after(locked, department=locked.department,
                                       assignee=str(new_user) if new_user else ""), message=reason)
        _notify_assigned([locked], actor)
        order_progress_changed(order=order, actor=actor)
    return _refresh(task, locked)


def order_tasks_cancel(*, order: Order, actor: Any, reason: str) -> list[Task]:
    """The order is cancelled after approval (P2.4): its open tasks are cancelled in the caller's
    transaction (amendments calls this with the order locked). Done tasks stay done."""
    reason = (reason or "").strip()
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=order.pk).first()  # the order first, then its tasks
        tasks = list(Task.objects.select_for_update().filter(order=order, state__in=LIVE_STATES).order_by("id"))
        for t in tasks:
            t.state = TASK.check(t.state, "cancel")
        Task.objects.bulk_update(tasks, ["state"]) if tasks else None
        if tasks:
            after: dict[str, Any] = _counts(tasks)
            event_record(actor=actor, action="tasks.cancelled", subject=order, clause=TASK.clause("cancel"),
                         after=after, message=reason)
    return tasks


def order_tasks_replan(*, order: Order, actor: Any) -> dict[str, list[Task]]:
    """After a change is approved (P2.3 → P2.4.a), the tasks follow the order: open tasks take the
    new dates, quantities and requirements; tasks for removed lines are cancelled; new lines get their
    tasks; done tasks stay as they were. A task is matched to its line by the line itself, else by
    the line's position and product (a change rewrites the lines). Returns created/updated/cancelled."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("delivery_region").get(pk=order.pk)
        lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("position"))
        existing = list(Task.objects.select_for_update(of=("self",)).filter(order=order)
                        .exclude(state=Task.State.CANCELLED).select_related("line").order_by("id"))
        wanted = _wanted_tasks(order, lines, timezone.localdate(), calendar_load())
        by_line = {ln.pk: ln for ln in lines}

        def key_of_task(t: Task) -> tuple[str, int | None]:
            if t.line_id is not None and t.line_id in by_line:
                return t.kind, t.line_id
            if t.line_position is not None:
                for ln in lines:
                    if ln.position == t.line_position and t.line is None:
                        return t.kind, ln.pk
                return t.kind, -1  # its line is gone
            return t.kind, None

        pool: dict[tuple[str, int | None], Task] = {}
        for t in existing:
            pool.setdefault(key_of_task(t), t)
        created_wanted: list[_Wanted] = []
        updated: list[Task] = []
        for w in wanted:
            key = (w.kind, w.line.pk if w.line else None)
            if key not in pool:
                created_wanted.append(w)
                continue
            t = pool.pop(key)
            if t.state == Task.State.DONE:
                continue
            t.line = w.line
            t.line_position = w.line.position if w.line else None
            t.quantity = w.line.quantity if w.line else None
            t.requirements = w.requirements
            t.planned_start, t.due_date, t.date_clamped = w.span.planned_start, w.span.due_date, w.span.clamped
            t.save(update_fields=["line", "line_position", "quantity", "requirements", "planned_start",
                                  "due_date", "date_clamped", "updated_at"])
            updated.append(t)
        cancelled = [t for t in pool.values() if t.state in LIVE_STATES]
        for t in cancelled:
            t.state = TASK.check(t.state, "cancel")
            t.save(update_fields=["state", "updated_at"])
        created = _create(order, created_wanted, actor) if created_wanted else []
        after: dict[str, Any] = {"created": len(created), "updated": len(updated), "cancelled": len(cancelled)}
        event_record(actor=actor, action="tasks.replanned", subject=order, clause="P2.4.a", after=after)
        _notify_assigned(created, actor)
        for handler in _tasks_created_handlers:
            if created:
                handler(order, created, actor, False)
        order_progress_changed(order=order, actor=actor)
    return {"created": created, "updated": updated, "cancelled": cancelled}


# --- overdue (the daily job) -----------------------------------------------------------------------------

TASK_OVERDUE_JOB = job_register("task_overdue", _lazy("Overdue task notices"))


def _notify_overdue(task: Task, day: date) -> None:
    """The assignee (unassigned: the department) and the order's sales rep (P2.4.d follows the order)."""
    recipients = [task.assignee] if task.assignee_id else role_members(task.department)
    recipients.append(task.order.sales_rep)
    notify(recipients=recipients, kind="task_overdue", subject=task.order, url=order_url(task.order.number),
           params={"order": task.order.number, "task": task.kind, "due": task.due_date.isoformat()})


def task_overdue_notify(*, task_id: int, today: date) -> bool:
    """P2.4.a: one overdue task tells its assignee (unassigned: its department) — at most once a day,
    under the task's lock so two runs never both send."""
    with transaction.atomic():
        task = (Task.objects.select_for_update(of=("self",)).select_related("order", "order__sales_rep", "assignee")
                .filter(pk=task_id).first())
        if task is None or not rules.is_overdue(task.due_date, task.state, today):
            return False
        if task.overdue_notified_on is not None and task.overdue_notified_on >= today:
            return False
        _notify_overdue(task, today)
        Task.objects.filter(pk=task.pk).update(overdue_notified_on=today)
    return True


def tasks_overdue_notify(*, today: date | None = None) -> list[int]:
    """The daily run (fulfilment/tasks.py), recorded as a JobRun; each task in its own transaction.
    Returns the ids of the tasks notified."""
    day = today or timezone.localdate()
    candidates = list(Task.objects.filter(state__in=LIVE_STATES, due_date__lt=day)
                      .filter(Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lt=day))
                      .order_by("id").values_list("pk", flat=True))
    done: list[int] = []
    with job_run(TASK_OVERDUE_JOB, day=day) as run:
        for pk in candidates:
            if run_item(run, f"task {pk}", functools.partial(task_overdue_notify, task_id=pk, today=day)):
                done.append(pk)
    return done
