"""Order execution in the JSON API (P2.4.a, P3.3): tasks at /api/v1/tasks, the assignment rules at
/api/v1/assignment-rules (order center), the working-day calendar at /api/v1/holidays (administrator).
The same services and selectors as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ordertaking.accounts.models import User
from ordertaking.common.api import Mapped, NonNull, Paged, PatchIn, choice
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed

from . import selectors, services
from .models import DEPARTMENT_CHOICES, AssignmentRule, Holiday, Task

router = Router()
rules_router = Router()
holidays_router = Router()

DEPARTMENTS = [c for c, _l in DEPARTMENT_CHOICES]


def enum(values: list[str]) -> Any:
    """A schema enum (json_schema_extra) of plain strings."""
    return {"enum": list(values)}


class TaskOut(Schema):
    id: int
    order_number: str
    line_position: int | None = None
    kind: str = choice(Task.Kind)
    department: str = Field(..., json_schema_extra=enum(DEPARTMENTS))
    assignee: str | None = Field(None, description="the responsible person's username; null: the department")
    requirements: str
    quantity: Decimal | None = None
    planned_start: date
    due_date: date
    date_clamped: bool = Field(..., description="the backward plan fell before today and was moved to today")
    overdue: bool
    state: str = choice(Task.State)
    note: str
    started_at: datetime | None = None
    done_at: datetime | None = None


def _task_out(t: Task) -> dict[str, Any]:
    return {"id": t.pk, "order_number": t.order.number, "line_position": t.line_position, "kind": t.kind,
            "department": t.department, "assignee": t.assignee.username if t.assignee else None,
            "requirements": t.requirements, "quantity": t.quantity, "planned_start": t.planned_start,
            "due_date": t.due_date, "date_clamped": t.date_clamped,
            "overdue": t.is_live and t.due_date < timezone.localdate(), "state": t.state, "note": t.note,
            "started_at": t.started_at, "done_at": t.done_at}


def _visible(request: HttpRequest, task_id: int) -> Task:
    task = selectors.tasks_visible(request.user).filter(pk=task_id).first()
    if task is None:
        raise NotFound("That task does not exist.", code="not_found")
    return task


@router.get("", response=list[TaskOut], summary="Tasks one may see, filtered (P2.4.a, P3.3)")
@paginate(Paged)
def task_list(request: HttpRequest, state: str = "", due: str = "", kind: str = "", department: str = "",
              mine: bool = False, order: str = "") -> Mapped:
    """`state`: a task state or `live` (to do + in progress); `due`: `overdue`, `today`, `week`."""
    if state and state not in (*Task.State.values, "live"):
        raise ValidationFailed("Unknown state.", field="state")
    if due and due not in ("overdue", "today", "week"):
        raise ValidationFailed("due is overdue, today or week.", field="due")
    if kind and kind not in Task.Kind.values:
        raise ValidationFailed("Unknown task kind.", field="kind")
    if department and department not in DEPARTMENTS:
        raise ValidationFailed("Unknown department.", field="department")
    qs = selectors.task_filter(selectors.tasks_visible(request.user), state=state, due=due, kind=kind,
                               department=department, mine=mine, user=request.user, order=order[:30])
    return Mapped(qs.order_by("due_date", "id"), _task_out)


@router.get("/{task_id}", response=TaskOut)
def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    return _task_out(_visible(request, task_id))


class CompleteIn(Schema):
    note: str = Field("", max_length=2000)


class ReassignIn(Schema):
    assignee: str | None = Field(None, description="username of the new responsible person; null: the department")
    reason: str = Field(..., description="why (required, P2.4.a)")
    department: str | None = Field(None, json_schema_extra=enum(DEPARTMENTS),
                                   description="another department (order center only)")


@router.post("/{task_id}/start", response=TaskOut)
def task_start(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = services.task_start(task=_visible(request, task_id), actor=request.user)
    return _task_out(_visible(request, task.pk))


@router.post("/{task_id}/complete", response=TaskOut)
def task_complete(request: HttpRequest, task_id: int, payload: CompleteIn) -> dict[str, Any]:
    task = services.task_complete(task=_visible(request, task_id), actor=request.user, note=payload.note)
    return _task_out(_visible(request, task.pk))


@router.post("/{task_id}/reassign", response=TaskOut)
def task_reassign(request: HttpRequest, task_id: int, payload: ReassignIn) -> dict[str, Any]:
    task = _visible(request, task_id)
    assignee = None
    if payload.assignee:
        assignee = User.objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise ValidationFailed("No such user.", field="assignee", code="unknown")
    services.task_reassign(task=task, actor=request.user, assignee=assignee, reason=payload.reason,
                           department=payload.department)
    return _task_out(_visible(request, task.pk))


# --- assignment rules -------------------------------------------------------------------------------------

class RuleOut(Schema):
    id: int
    name: str
    task_kind: str = Field(..., json_schema_extra=enum(["", *Task.Kind.values]))
    category_id: int | None = None
    product_kind: str = Field(..., json_schema_extra=enum(["", "product", "service"]))
    region_id: int | None = None
    city: str
    department: str = Field(..., json_schema_extra=enum(DEPARTMENTS))
    strategy: str = choice(AssignmentRule.Strategy)
    assignee: str | None = None
    active: bool


class RuleIn(Schema):
    name: str = Field(..., max_length=100)
    task_kind: str = Field("", json_schema_extra=enum(["", *Task.Kind.values]))
    category_id: int | None = None
    product_kind: str = Field("", json_schema_extra=enum(["", "product", "service"]))
    region_id: int | None = None
    city: str = Field("", max_length=50)
    department: str = Field(..., json_schema_extra=enum(DEPARTMENTS))
    strategy: str = choice(AssignmentRule.Strategy, AssignmentRule.Strategy.NONE)
    assignee: str | None = Field(None, description="username of the default assignee (strategy fixed)")
    active: bool = True


class RulePatch(PatchIn):
    name: NonNull[str] = Field(None, max_length=100)
    task_kind: NonNull[str] = None
    category_id: int | None = None
    product_kind: NonNull[str] = None
    region_id: int | None = None
    city: NonNull[str] = Field(None, max_length=50)
    department: NonNull[str] = None
    strategy: NonNull[str] = None
    assignee: str | None = None
    active: NonNull[bool] = None


def _rule_out(r: AssignmentRule) -> dict[str, Any]:
    return {"id": r.pk, "name": r.name, "task_kind": r.task_kind, "category_id": r.category_id,
            "product_kind": r.product_kind, "region_id": r.region_id, "city": r.city, "department": r.department,
            "strategy": r.strategy, "assignee": r.assignee.username if r.assignee else None, "active": r.active}


def _rule_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    for key in ("category", "region"):
        if f"{key}_id" in values:
            values[key] = values.pop(f"{key}_id")
    if "assignee" in values:
        name = values["assignee"]
        if name:
            user = User.objects.filter(username=name).first()
            if user is None:
                raise ValidationFailed("No such user.", field="assignee", code="unknown")
            values["assignee"] = user.pk
    return values


def _may_read_rules(request: HttpRequest) -> None:
    user: Any = request.user
    if not (user.has_perm("accounts.assignment_rule_manage") or selectors.may_see_all(user)):
        raise PermissionDenied("Only the order processing center maintains assignment rules.")


def _rule(rule_id: int) -> AssignmentRule:
    rule = AssignmentRule.objects.select_related("assignee").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("That assignment rule does not exist.")
    return rule


@rules_router.get("", response=list[RuleOut])
@paginate(Paged)
def rule_list(request: HttpRequest) -> Mapped:
    _may_read_rules(request)
    return Mapped(AssignmentRule.objects.select_related("assignee").order_by("id"), _rule_out)


@rules_router.post("", response={201: RuleOut}, summary="Create an assignment rule (P2.4.a)")
def rule_create(request: HttpRequest, payload: RuleIn) -> Status:
    rule = services.rule_save(actor=request.user, values=_rule_values(payload.dict()))  # type: ignore[arg-type]
    return Status(201, _rule_out(_rule(rule.pk)))


@rules_router.get("/{rule_id}", response=RuleOut)
def rule_detail(request: HttpRequest, rule_id: int) -> dict[str, Any]:
    _may_read_rules(request)
    return _rule_out(_rule(rule_id))


@rules_router.patch("/{rule_id}", response=RuleOut)
def rule_update(request: HttpRequest, rule_id: int, payload: RulePatch) -> dict[str, Any]:
    _may_read_rules(request)
    rule = services.rule_save(actor=request.user, rule=_rule(rule_id),  # type: ignore[arg-type]
                              values=_rule_values(payload.dict(exclude_unset=True)))
    return _rule_out(_rule(rule.pk))


@rules_router.delete("/{rule_id}", response={204: None})
def rule_delete(request: HttpRequest, rule_id: int) -> Status[None]:
    _may_read_rules(request)
    services.rule_delete(actor=request.user, rule=_rule(rule_id))  # type: ignore[arg-type]
    return Status(204, None)


# --- the working-day calendar --------------------------------------------------------------------------

class HolidayOut(Schema):
    id: int
    date: date
    kind: str = choice(Holiday.Kind)
    name: str


class HolidayIn(Schema):
    date: date
    kind: str = choice(Holiday.Kind, Holiday.Kind.HOLIDAY)
    name: str = Field(..., max_length=50)


def _holiday_out(h: Holiday) -> dict[str, Any]:
    return {"id": h.pk, "date": h.date, "kind": h.kind, "name": h.name}


def _holiday(holiday_id: int) -> Holiday:
    row = Holiday.objects.filter(pk=holiday_id).first()
    if row is None:
        raise NotFound("That calendar day does not exist.")
    return row


@holidays_router.get("", response=list[HolidayOut], summary="The working-day calendar (P2.4.a)")
@paginate(Paged)
def holiday_list(request: HttpRequest, year: int | None = None) -> Mapped:
    """Anyone signed in may read it (due dates are counted in it); the administrator maintains it."""
    qs = Holiday.objects.order_by("date")
    if year is not None:
        if not 1900 <= year <= 2200:
            raise ValidationFailed("Enter a year between 1900 and 2200.", field="year")
        qs = qs.filter(date__year=year)
    return Mapped(qs, _holiday_out)


@holidays_router.post("", response={201: HolidayOut})
def holiday_create(request: HttpRequest, payload: HolidayIn) -> Status:
    row = services.holiday_save(actor=request.user, day=payload.date, kind=payload.kind,  # type: ignore[arg-type]
                                name=payload.name)
    return Status(201, _holiday_out(row))


@holidays_router.put("/{holiday_id}", response=HolidayOut)
def holiday_update(request: HttpRequest, holiday_id: int, payload: HolidayIn) -> dict[str, Any]:
    if not request.user.has_perm("accounts.calendar_manage"):
        raise PermissionDenied("Only the administrator maintains the working-day calendar.")
    row = services.holiday_save(actor=request.user, day=payload.date, kind=payload.kind,  # type: ignore[arg-type]
                                name=payload.name, holiday=_holiday(holiday_id))
    return _holiday_out(row)


@holidays_router.delete("/{holiday_id}", response={204: None})
def holiday_delete(request: HttpRequest, holiday_id: int) -> Status[None]:
    if not request.user.has_perm("accounts.calendar_manage"):
        raise PermissionDenied("Only the administrator maintains the working-day calendar.")
    services.holiday_delete(actor=request.user, holiday=_holiday(holiday_id))  # type: ignore[arg-type]
    return Status(204, None)
