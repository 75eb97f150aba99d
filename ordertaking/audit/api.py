"""GET /api/v1/audit/events: the audit log, read only (P6.1.a). No write endpoint exists."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ordertaking.common.api import Paged
from ordertaking.common.errors import ValidationFailed

from .labels import action_label, event_changes
from .selectors import (
    DATE_MAX,
    DATE_MIN,
    ID_MAX,
    SORTS,
    AuditProblem,
    audit_verify,
    event_search,
    events_as_read,
    problem_record_name,
)

router = Router()


class EventFilters(Schema):
    action: str = Field("", description="exact dotted action, e.g. order.approved")
    actor_id: int | None = Field(None, ge=1, le=ID_MAX, description="id of the acting user")
    date_from: date | None = Field(None, ge=DATE_MIN, le=DATE_MAX, description="first day (Asia/Shanghai), inclusive")
    date_to: date | None = Field(None, ge=DATE_MIN, le=DATE_MAX, description="last day (Asia/Shanghai), inclusive")
    q: str = Field("", max_length=100, description="search in the subject label (order number, customer) and the "
                                                   "message; never in before/after, nor in a message that is a "
                                                   "confidential value (P4.1.c)")
    clause: str = Field("", max_length=16, description="policy clause, e.g. P2.3.c")
    sort: str = Field("-at", pattern="^(" + "|".join(k.replace("-", "\\-") for k in SORTS) + ")$")


class AuditChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class AuditEventOut(Schema):
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
    changes: list[AuditChangeOut]

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return action_label(obj.action)

    @staticmethod
    def resolve_changes(obj: Any) -> list[dict[str, str]]:
        return [{"field": c["key"], "label": c["field"], "before": c["before"], "after": c["after"]}
                for c in event_changes(obj.before, obj.after)]


class _AsRead:
    """The search's page read through the confidentiality rule (P4.1.c), a page at a time: the reader's
    masking asks its questions once per page, not once per event."""

    def __init__(self, user: Any, qs: Any) -> None:
        self.user, self.qs = user, qs

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, s: slice) -> list[Any]:
        return events_as_read(self.user, self.qs[s])


@router.get("/events", response=list[AuditEventOut], summary="List audit events (read only)")
@paginate(Paged)
def events_list(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    """Needs the `audit_view` capability (P6.1.a); 403 otherwise. Newest first by default. Confidential
    customer data in `before`, `after`, `changes` and `message` comes masked unless the reader holds a
    duty for that customer (P4.1.c); the stored events are unchanged."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationFailed("date_to is before date_from", field="date_to")
    return _AsRead(request.user, event_search(user=request.user, **filters.dict()))


class AuditProblemOut(Schema):
    kind: str = Field(description="changed | removed | inserted | protection")
    record: str = Field(description="what kind of record, in words")
    subject_type: str
    subject_id: str
    subject_label: str
    seq: int | None = Field(None, description="the event's number in its record's chain (first of a range)")
    seq_to: int | None = Field(None, description="last number of a range of removed or inserted events")
    event_id: int | None = None
    action: str = ""
    action_label: str = ""
    at: datetime | None = None
    detail: str


class AuditVerifyOut(Schema):
    ok: bool
    streams: int
    events: int
    seals: int
    last_seal_at: datetime | None
    counts: dict[str, int]
    problems: list[AuditProblemOut]


def _problem_out(p: AuditProblem) -> dict[str, Any]:
    ev = p.event
    return {"kind": p.kind, "record": problem_record_name(p), "subject_type": p.subject_type,
            "subject_id": p.subject_id, "subject_label": p.subject_label, "seq": p.seq, "seq_to": p.seq_to,
            "event_id": ev.pk if ev else None, "action": ev.action if ev else "",
            "action_label": action_label(ev.action) if ev else "", "at": ev.at if ev else None, "detail": p.detail}


@router.get("/verify", response=AuditVerifyOut, summary="Verify the audit log's hash chains and seals")
def audit_verify_get(request: HttpRequest) -> Any:
    """Needs the `audit_verify` capability (the auditor, P6.1.a); 403 otherwise. Recomputes every chain and
    names each event that was changed, removed or inserted; `ok` is true only when there is none."""
    report = audit_verify(user=request.user)
    return {"ok": report.ok, "streams": report.streams, "events": report.events, "seals": report.seals,
            "last_seal_at": report.last_seal_at, "counts": report.counts(),
            "problems": [_problem_out(p) for p in report.problems]}
