"""Reads of customer feedback (P6.1.c, P3.2), scoped to the reader: who sees which complaints and
surveys, the queues, the list filters, and the satisfaction averages by period and rep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue
from ordertaking.confidentiality.events import events_read
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.selectors import Lens
from ordertaking.orders.models import Order

from .models import Complaint, ComplaintNote, Survey
from .states import COMPLAINT, OPEN

C = Complaint.State


def may_view_all(user: Any) -> bool:
    return bool(user and user.has_perm("accounts.feedback_view_all"))


def may_handle(user: Any) -> bool:
    return bool(user and user.has_perm("accounts.complaint_handle"))


def may_record(user: Any) -> bool:
    return bool(user and user.has_perm("accounts.complaint_record"))


def may_see_complaints(user: Any) -> bool:
    return may_view_all(user) or may_handle(user) or may_record(user)


def complaints_visible(user: Any) -> QuerySet[Complaint]:
    """feedback_view_all: every complaint; a handler: theirs too; a sales rep (complaint_record): those of
    their customers and orders."""
    if may_view_all(user):
        return Complaint.objects.all()
    q = Q(pk__in=[])
    if may_handle(user):
        q |= Q(handler_id=user.pk)
    if may_record(user):
        q |= Q(customer__sales_rep_id=user.pk) | Q(order__sales_rep_id=user.pk) | Q(created_by_id=user.pk)
    if not (may_handle(user) or may_record(user)):
        return Complaint.objects.none()
    return Complaint.objects.filter(q)


def complaint_for(user: Any, number: str) -> Complaint:
    c = (complaints_visible(user).select_related("customer", "order", "handler", "created_by")
         .filter(number=(number or "").strip().upper()).first())
    if c is None:
        raise NotFound(_("No complaint %(number)s.") % {"number": number})
    return c


def complaint_contact_field(value: str) -> str:
    """A complainant's "how to reach them" is an e-mail address or a phone number (P4.1.c: masked as such)."""
    return Field.EMAIL if "@" in (value or "") else Field.PHONE


def complaint_contact(c: Complaint, lens: Lens) -> dict[str, Any]:
    """The complainant's name and how to reach them as the lens's user sees them (P4.1.c: in full for whoever
    handles or recorded the customer's open complaint, or holds another duty for the customer; else masked)."""
    return {"contact_name": lens.show(c.customer, Field.CONTACT_NAME, c.contact_name),
            "contact": lens.show(c.customer, complaint_contact_field(c.contact), c.contact)}


def reveal_complaint(user: Any, ref: str, key: str) -> tuple[Any, str, Any]:
    """What the reveal action finds on a complaint (handed down to confidentiality in FeedbackConfig.ready)."""
    if key not in ("contact_name", "contact"):
        raise NotFound(_("Nothing to reveal here."))
    c = complaint_for(user, str(ref)[:40])
    field = Field.CONTACT_NAME if key == "contact_name" else complaint_contact_field(c.contact)
    return c.customer, field, getattr(c, key)


def complaint_filter(qs: QuerySet[Complaint], *, state: str = "", kind: str = "", category: str = "",
                     handler: int | None = None, due: str = "", q: str = "", today: date | None = None,
                     mine_for: Any = None) -> QuerySet[Complaint]:
    """The list's filters. `state` may also be "open" (every state that waits for the company);
    `due` "overdue" or "soon" (due within the next two days)."""
    today = today or timezone.localdate()
    if state == "open":
        qs = qs.filter(state__in=OPEN)
    elif state in C.values:
        qs = qs.filter(state=state)
    if kind in Complaint.Kind.values:
        qs = qs.filter(kind=kind)
    if category in Complaint.Category.values:
        qs = qs.filter(category=category)
    if handler:
        qs = qs.filter(handler_id=handler)
    if mine_for is not None:
        qs = qs.filter(handler_id=mine_for.pk)
    if due == "overdue":
        qs = qs.filter(state__in=OPEN, due_date__lt=today)
    elif due == "soon":
        qs = qs.filter(state__in=OPEN, due_date__gte=today, due_date__lte=today + timedelta(days=2))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(order__number__icontains=q) | Q(customer__name__icontains=q)
                       | Q(description__icontains=q))
    return qs


def complaint_list(user: Any, **filters: Any) -> QuerySet[Complaint]:
    return complaint_filter(complaints_visible(user), **filters).select_related(
        "customer", "order", "handler").order_by("-created_at", "-id")


def public_notes(complaint: Complaint) -> list[ComplaintNote]:
    return list(complaint.notes.filter(public=True).select_related("author").order_by("created_at", "id"))


def complaint_notes(complaint: Complaint) -> list[ComplaintNote]:
    return list(complaint.notes.select_related("author").order_by("created_at", "id"))


def complaint_timeline(complaint: Complaint, user: Any = None) -> list[Any]:
    """The complaint's events; for `user`, read through the one rule (P4.1.c) as the audit log reads them."""
    events: list[Any] = timeline(complaint)
    if user is not None:
        events_read(user, events)
    return events


def available_moves(user: Any, c: Complaint) -> dict[str, bool]:
    """Which buttons the page shows (the services decide; this only mirrors them)."""
    handler = may_handle(user) and c.handler_id == user.pk
    return {
        "assign": may_handle(user) and COMPLAINT.can(c.state, "assign"),
        "investigate": handler and COMPLAINT.can(c.state, "investigate"),
        "resolve": handler and COMPLAINT.can(c.state, "resolve"),
        "note": handler and c.state != C.CONFIRMED,
        "confirm": may_record(user) and COMPLAINT.can(c.state, "confirm"),
        "reopen": may_record(user) and COMPLAINT.can(c.state, "reopen"),
    }


def handlers() -> QuerySet[Any]:
    """Who may be given a complaint: active users holding complaint_handle."""
    from ordertaking.accounts.models import User

    return (User.objects.filter(is_active=True, groups__permissions__codename="complaint_handle",
                                groups__permissions__content_type__app_label="accounts")
            .distinct().order_by("display_name", "username"))


# --- what the customer sees on their page ----------------------------------------------------------

@dataclass(frozen=True)
class Step:
    label: Any
    at: datetime | None
    done: bool


def customer_steps(c: Complaint) -> list[Step]:
    """The handling in the customer's words: received → being handled → resolved → confirmed."""
    handled = c.state not in (C.NEW,)
    return [
        Step(pgettext_lazy("complaint step", "Received"), c.created_at, True),
        Step(gettext_lazy("Being handled"), None, handled),
        Step(gettext_lazy("Resolved"), c.resolved_at, c.state in (C.RESOLVED, C.CONFIRMED)),
        Step(gettext_lazy("Confirmed by you"), c.confirmed_at, c.state == C.CONFIRMED),
    ]


def order_complaints(order: Order) -> list[Complaint]:
    return list(Complaint.objects.filter(order=order).order_by("-created_at", "-id"))


def order_survey(order: Order) -> Survey | None:
    return Survey.objects.filter(order=order).first()


# --- the portal's sections (P6.1.c): shown, and flagged when the customer has something to do ---------

# The states an order is in once the customer accepted it (P2.5.c): a survey may be offered.
ACCEPTED_STATES = frozenset({"accepted", "closed"})


def survey_available(order: Order) -> bool:
    return order.state in ACCEPTED_STATES or Survey.objects.filter(order=order).exists()


def survey_badge(order: Order) -> str:
    answered = Survey.objects.filter(order=order, state=Survey.State.ANSWERED).exists()
    return "" if answered or order.state not in ACCEPTED_STATES else str(gettext_lazy("To answer"))


def complaints_badge(order: Order) -> str:
    waiting = Complaint.objects.filter(order=order, state=C.RESOLVED).count()
    return str(gettext_lazy("To confirm")) if waiting else ""


# --- surveys: results and averages (P6.1.c, P6.2 客户满意度) -------------------------------------------

def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def surveys_visible(user: Any) -> QuerySet[Survey]:
    """feedback_view_all: every survey; a sales rep: those of their own orders."""
    if may_view_all(user):
        return Survey.objects.all()
    if user and user.is_authenticated:
        return Survey.objects.filter(sales_rep_id=user.pk)
    return Survey.objects.none()


def survey_filter(qs: QuerySet[Survey], *, date_from: date | None = None, date_to: date | None = None,
                  rep: int | None = None, state: str = "", q: str = "") -> QuerySet[Survey]:
    if state in Survey.State.values:
        qs = qs.filter(state=state)
    if date_from:
        qs = qs.filter(answered_at__gte=_start(date_from))
    if date_to:
        qs = qs.filter(answered_at__lt=_start(date_to + timedelta(days=1)))
    if rep:
        qs = qs.filter(sales_rep_id=rep)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(order__number__icontains=q) | Q(customer__name__icontains=q))
    return qs


def survey_list(user: Any, **filters: Any) -> QuerySet[Survey]:
    return survey_filter(surveys_visible(user), **filters).select_related("order", "customer", "sales_rep").order_by(
        "-answered_at", "-invited_at", "-id")


def _q1(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Averages:
    count: int
    invited: int
    overall: Decimal | None
    product: Decimal | None
    delivery: Decimal | None
    service: Decimal | None

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.count / self.invited) if self.invited else None


def survey_averages(qs: QuerySet[Survey]) -> Averages:
    """The averages of the answered surveys of `qs` (one query), and how many were invited."""
    agg = qs.aggregate(count=Count("id", filter=Q(state=Survey.State.ANSWERED)), invited=Count("id"),
                       overall=Avg("overall"), product=Avg("product"), delivery=Avg("delivery"),
                       service=Avg("service"))
    return Averages(agg["count"] or 0, agg["invited"] or 0, _q1(agg["overall"]), _q1(agg["product"]),
                    _q1(agg["delivery"]), _q1(agg["service"]))


def survey_averages_by_rep(qs: QuerySet[Survey]) -> list[dict[str, Any]]:
    """Per sales rep: answered count and averages, best overall first (one query)."""
    rows = (qs.filter(state=Survey.State.ANSWERED).values("sales_rep", "sales_rep__display_name",
                                                         "sales_rep__username")
            .annotate(count=Count("id"), overall=Avg("overall"), product=Avg("product"), delivery=Avg("delivery"),
                      service=Avg("service")).order_by("-overall", "sales_rep"))
    return [{"rep_id": r["sales_rep"], "rep": r["sales_rep__display_name"] or r["sales_rep__username"],
             "count": r["count"], "overall": _q1(r["overall"]), "product": _q1(r["product"]),
             "delivery": _q1(r["delivery"]), "service": _q1(r["service"])} for r in rows]


# --- home page queues -------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueItem:
    url: str
    label: str
    meta: str
    state: str = ""
    state_label: str = ""


def _item(c: Complaint, today: date) -> QueueItem:
    late = _("overdue") if c.due_date < today else ""
    detail = " · ".join(p for p in (c.customer.name, _("due %(d)s") % {"d": c.due_date.isoformat()}, late) if p)
    return QueueItem(reverse("feedback:complaint", args=[c.number]), c.number, detail, c.state,
                     str(c.get_state_display()))


def home_queues(user: Any) -> list[Queue]:
    """Customer service and the order center: complaints to assign (new, reopened without handler) and
    the ones they handle; each with its deadline."""
    if not may_handle(user):
        return []
    today = timezone.localdate()
    base = Complaint.objects.select_related("customer").order_by("due_date", "id")
    to_assign = base.filter(state__in=[C.NEW]) if may_view_all(user) else base.none()
    mine = base.filter(handler_id=user.pk, state__in=OPEN)
    url = reverse("feedback:complaints")
    queues = []
    if may_view_all(user):
        queues.append(Queue("complaints_new", gettext_lazy("Complaints to assign"), to_assign.count(),
                            [_item(c, today) for c in to_assign[:5]], url=f"{url}?state=new",
                            empty_text=gettext_lazy("No complaint waits for a handler.")))
    queues.append(Queue("complaints_mine", gettext_lazy("Complaints I handle"), mine.count(),
                        [_item(c, today) for c in mine[:5]], url=f"{url}?mine=1&state=open",
                        empty_text=gettext_lazy("No open complaint is yours.")))
    return queues


# --- the duty handed down to confidentiality (FeedbackConfig.ready) --------------------------------------

HANDLING_COMPLAINT = gettext_lazy("handling the customer's complaint")


def complaint_duty_scope(user: Any) -> set[int]:
    """The customers with an open complaint the user handles or recorded (P3.2)."""
    if not (user.has_perm("accounts.complaint_handle") or user.has_perm("accounts.complaint_record")):
        return set()
    return set(Complaint.objects.filter(Q(handler_id=user.pk) | Q(created_by_id=user.pk), state__in=OPEN)
               .values_list("customer_id", flat=True).distinct())


def complaint_duty(user: Any, customer: Any, field: str) -> Any:
    """P4.1.c: whoever handles a customer's open complaint sees its contacts and addresses."""
    if field not in (Field.CONTACT_NAME, Field.PHONE, Field.EMAIL, Field.ADDRESS):
        return None
    return HANDLING_COMPLAINT if customer.pk in complaint_duty_scope(user) else None
