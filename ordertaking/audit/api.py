"""GET /api/v1/audit/events: the audit log, read only (P6.1.a). No write endpoint exists."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ordertaking.common.errors import ValidationFailed

from .labels import action_label, event_changes
from .selectors import DATE_MAX, DATE_MIN, ID_MAX, SORTS, event_search

router = Router()


class EventFilters(Schema):
    action: str = Field("", description="exact dotted action, e.g. order.approved")
    actor_id: int | None = Field(None, ge=1, le=ID_MAX, description="id of the acting user")
    date_from: date | None = Field(None, ge=DATE_MIN, le=DATE_MAX, description="first day (Asia/Shanghai), inclusive")
    date_to: date | None = Field(None, ge=DATE_MIN, le=DATE_MAX, description="last day (Asia/Shanghai), inclusive")
    q: str = Field("", max_length=100, description="search in the subject label (order number …) and message")
    clause: str = Field("", max_length=16, description="policy clause, e.g. P2.3.c")
    sort: str = Field("-at", pattern="^(" + "|".join(k.replace("-", "\\-") for k in SORTS) + ")$")


class ChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class EventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    action_label: str
    clause: str
    subject_type: str
    subject_id: str
    subject_label: str
    message: str
    before: Any = None
    after: Any = None
    changes: list[ChangeOut]

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return action_label(obj.action)

    @staticmethod
    def resolve_changes(obj: Any) -> list[dict[str, str]]:
        return [{"field": c["key"], "label": c["field"], "before": c["before"], "after": c["after"]}
                for c in event_changes(obj.before, obj.after)]


@router.get("/events", response=list[EventOut], summary="List audit events (read only)")
@paginate(PageNumberPagination, page_size=50)
def events_list(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    """Needs the `audit_view` capability (P6.1.a); 403 otherwise. Newest first by default."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed("date_to is before date_from", field="date_to")
    return event_search(user=request.user, **filters.dict())
