"""Writes of customer feedback (P6.1.c, P3.2): the satisfaction survey after acceptance, and complaints
and disputes through their handling workflow, deadline, reminder and escalation. Each write locks its
row, checks the capability and the state table, and records its audit event in the same transaction.

The customer acts on their own page without an account: `actor=None` with `via_portal=True` — the
portal's link (checked by the page) is their authority, and the event names no staff member.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import override

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.labels import CUSTOMER_ACTOR
from ordertaking.audit.selectors import timeline_for
from ordertaking.audit.services import event_record
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.mail import mail_after_commit
from ordertaking.common.numbering import next_in_series
from ordertaking.customers.models import Customer
from ordertaking.fulfilment.services import calendar_load
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.ops.jobs import job_register, job_run, run_item
from ordertaking.orders.models import Order

from . import rules
from .models import Complaint, ComplaintNote, Survey
from .selectors import ACCEPTED_STATES
from .states import COMPLAINT, OPEN, SURVEY

# How the customer's private link is made for a mail (portal hands it down: portal_link_for(order, actor)
# -> absolute URL or ""). Set by this app's ready() from the portal app below us.
_link_for: Callable[[Order, Any], str] | None = None


def portal_link_maker_set(fn: Callable[[Order, Any], str] | None) -> None:
    global _link_for
    _link_for = fn


def _customer_link(order: Order, actor: Any) -> str:
    if _link_for is None:
        return ""
    try:
        with transaction.atomic():
            return _link_for(order, actor) or ""
    except Exception:  # a link that cannot be made never stops the survey or the complaint
        return ""


def complaint_days() -> int:
    """P3.2: working days a complaint has from being received (or reopened) to being resolved."""
    return int(getattr(settings, "ORDERTAKING_COMPLAINT_DAYS", 5))


def _by(actor: Any, via_portal: bool) -> dict[str, Any]:
    """Who an event names: the staff member, or the customer through their private link (no user)."""
    return {"actor": None, "actor_name": CUSTOMER_ACTOR} if via_portal else {"actor": actor}


def _require(actor: Any, capability: str, message: Any) -> None:
    if actor is None or not actor.has_perm(f"accounts.{capability}"):
        raise PermissionDenied(message, code="permission_denied")


def customer_email(order: Order | None, customer: Customer) -> str:
    """The customer's address for this order: its contact of that name, else the primary contact."""
    contacts = list(customer.contacts.exclude(email="").order_by("-is_primary", "id"))
    if order is not None and order.contact_name:
        for c in contacts:
            if c.name == order.contact_name:
                return str(c.email)
    return str(contacts[0].email) if contacts else ""


def _two_languages(build: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """A customer mail: Chinese first, then English (the customer has no language setting)."""
    parts = []
    for lang in ("zh-hans", "en"):
        with override(lang):
            parts.append(build())
    return f"{parts[0][0]} / {parts[1][0]}", parts[0][1] + "\n\n-----\n\n" + parts[1][1]


# --- the satisfaction survey (P6.1.c) -----------------------------------------------------------------

def _survey_mail(survey: Survey, order: Order, link: str) -> None:
    def build() -> tuple[str, str]:
        subject = _("How satisfied are you with order %(order)s?") % {"order": order.number}
        body = _("Dear %(name)s,\n\nThank you for accepting order %(order)s. Please tell us in one minute how "
                 "satisfied you are with the product, the delivery and our service (1 to 5):\n%(link)s\n\n"
                 "%(company)s") % {"name": order.contact_name or order.customer.name, "order": order.number,
                                   "link": link or _("(ask your sales contact for your order's page)"),
                                   "company": settings.ORDERTAKING_COMPANY_NAME}
        return subject, body

    subject, body = _two_languages(build)
    mail_after_commit(subject=subject, body=body, to=[survey.sent_to])


def survey_invite(*, order: Order, actor: Any = None, send: bool = True) -> Survey:
    """P6.1.c 客户满意度调查: once the order is accepted (P2.5.c), its customer is invited to the survey —
    by mail with the link to their order's page, where the survey shows as a section. Once per order:
    a second call returns the survey already offered. `actor` is whoever accepted (None: the customer
    on their page, or the system's job)."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("customer", "sales_rep").get(pk=order.pk)
        existing = Survey.objects.filter(order=order).first()
        if existing is not None:
            return existing
        if order.state not in ACCEPTED_STATES:
            raise InvalidTransition(_("The survey is offered once the customer has accepted the order."),
                                    field="state", code="invalid_transition")
        email = customer_email(order, order.customer)
        survey = Survey.objects.create(order=order, customer=order.customer, sales_rep=order.sales_rep,
                                       invited_by=actor if getattr(actor, "pk", None) else None,
                                       sent_to=email if send else "")
        event_record(actor=actor, action="survey.invited", subject=order, clause="P6.1.c",
                     after={"sent_to": survey.sent_to})
        if send and email:
            _survey_mail(survey, order, _customer_link(order, actor))
    return survey


def _scores(values: dict[str, Any]) -> dict[str, int]:
    out = {}
    for aspect in rules.ASPECTS:
        problem = rules.score_error(values.get(aspect))
        if problem == "required":
            raise ValidationFailed(_("Choose a score from 1 to 5."), field=aspect, code="required")
        if problem:
            raise ValidationFailed(_("A score is a whole number from 1 to 5."), field=aspect, code="not_a_score")
        out[aspect] = int(str(values[aspect]).strip())
    return out


def survey_answer(*, survey: Survey, actor: Any = None, via_portal: bool = False, overall: Any = None,
                  product: Any = None, delivery: Any = None, service: Any = None, comment: str = "") -> Survey:
    """P6.1.c: the customer's answers — overall and per aspect (product, delivery, service) 1 to 5 and a
    comment — given once, on their page (`via_portal`), or recorded by customer service from a call
    (complaint_record: P3.2 customer service records what customers say). The rep is told."""
    if not via_portal:
        _require(actor, "complaint_record", _("Only customer service or the sales rep records a customer's answers "
                                              "(P3.2)."))
    scores = _scores({"overall": overall, "product": product, "delivery": delivery, "service": service})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationFailed(_("At most 2,000 characters."), field="comment")
    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("order", "sales_rep").get(pk=survey.pk)
        survey.state = SURVEY.check(survey.state, "answer")
        for aspect, value in scores.items():
            setattr(survey, aspect, value)
        survey.comment = comment
        survey.answered_at = timezone.now()
        survey.answered_by = None if via_portal else actor
        survey.save()
        event_record(**_by(actor, via_portal), action="survey.answered", subject=survey.order,
                     clause="P6.1.c", after={f"{a}_score": v for a, v in scores.items()}, message=comment)
        notify(recipients=[survey.sales_rep], kind="survey_answered", actor=None if via_portal else actor,
               subject=survey.order, url=reverse("feedback:surveys") + f"?q={survey.order.number}",
               params={"order": survey.order.number, "score": scores["overall"]})
    return survey


def surveys_invite_missing(*, today: date | None = None) -> list[int]:
    """The daily job's sweep: every accepted order without a survey is invited (the acceptance code
    calls survey_invite itself; this catches orders accepted by a path that did not, e.g. before
    this chapter existed). Returns the ids of the orders invited."""
    day = today or timezone.localdate()
    ids = list(Order.objects.filter(state__in=ACCEPTED_STATES, survey__isnull=True).order_by("id")
               .values_list("pk", flat=True))
    done: list[int] = []
    with job_run(SURVEY_JOB, day=day) as run:
        for pk in ids:
            def invite(pk: int = pk) -> int:
                survey_invite(order=Order.objects.get(pk=pk), actor=None)
                return pk
            if run_item(run, f"order {pk}", invite):
                done.append(pk)
    return done


# --- complaints and disputes (P3.2) -------------------------------------------------------------------

def _complaint_locked(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",)).select_related("customer", "order", "handler")
            .get(pk=complaint.pk))


def _url(complaint: Complaint) -> str:
    return reverse("feedback:complaint", args=[complaint.number])


def _params(complaint: Complaint, **more: Any) -> dict[str, Any]:
    order = complaint.order.number if complaint.order is not None else complaint.customer.name
    return {"order": order, "complaint": complaint.number,
            "customer": complaint.customer.name, **more}


def may_record_for(actor: Any, customer: Customer, order: Order | None) -> bool:
    """complaint_record: customer service for every customer; a sales rep for their own customers and orders."""
    if actor is None or not actor.has_perm("accounts.complaint_record"):
        return False
    if actor.has_perm("accounts.feedback_view_all") or actor.has_perm("accounts.complaint_handle"):
        return True
    return customer.sales_rep_id == actor.pk or (order is not None and order.sales_rep_id == actor.pk)


def _clean_new(kind: str, category: str, source: str, description: str) -> str:
    if kind not in Complaint.Kind.values:
        raise ValidationFailed(_("Choose complaint or dispute."), field="kind")
    if category not in Complaint.Category.values:
        raise ValidationFailed(_("Choose what it is about."), field="category")
    if source not in Complaint.Source.values:
        raise ValidationFailed(_("Say how it reached us."), field="source")
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(_("Describe the complaint."), field="description", code="required")
    if len(description) > 5000:
        raise ValidationFailed(_("At most 5,000 characters."), field="description")
    return description


def complaint_record(*, actor: Any = None, customer: Customer | None = None, order: Order | None = None,
                     kind: str = Complaint.Kind.COMPLAINT, category: str, description: str,
                     source: str = Complaint.Source.PHONE, contact_name: str = "", contact: str = "",
                     via_portal: bool = False) -> Complaint:
    """P3.2 投诉和纠纷: a complaint or dispute, from the customer's page (`via_portal`: about the order of
    their link) or recorded by customer service or the rep (complaint_record). Its deadline is
    ORDERTAKING_COMPLAINT_DAYS working days (fulfilment's calendar); customer service is told."""
    if via_portal:
        if order is None:
            raise ValidationFailed(_("A complaint from the customer's page is about its order."), field="order")
        source = Complaint.Source.PORTAL
    description = _clean_new(kind, category, source, description)
    if customer is None and order is not None:
        customer = order.customer
    if customer is None:
        raise ValidationFailed(_("Choose the customer."), field="customer", code="required")
    if order is not None and order.customer_id != customer.pk:
        raise ValidationFailed(_("That order is not this customer's."), field="order")
    if not via_portal:
        if source == Complaint.Source.PORTAL:
            raise ValidationFailed(_("Say how it reached us."), field="source")
        if not may_record_for(actor, customer, order):
            raise PermissionDenied(_("Only customer service, or the customer's own sales rep, records complaints "
                                     "(P3.2)."))
    today = timezone.localdate()
    with transaction.atomic():
        if order is not None:
            order = Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)
        n = next_in_series(f"TS-{today:%Y%m%d}")
        complaint = Complaint.objects.create(
            number=f"TS-{today:%Y%m%d}-{n:03d}", kind=kind, category=category, customer=customer, order=order,
            source=source, contact_name=(contact_name or "").strip()[:100], contact=(contact or "").strip()[:200],
            description=description, due_date=rules.complaint_due(today, complaint_days(), calendar_load().after),
            created_by=None if via_portal else actor)
        who = None if via_portal else actor
        after = {"complaint": complaint.number, "complaint_kind": kind, "complaint_category": category,
                 "complaint_source": source, "due_date": complaint.due_date.isoformat()}
        if order is not None:
            after["order"] = order.number
        event_record(**_by(actor, via_portal), action="complaint.recorded", subject=complaint, clause="P3.2",
                     after=after, message=description)
        if order is not None:
            event_record(**_by(actor, via_portal), action="complaint.recorded", subject=order, clause="P3.2",
                         after={"complaint": complaint.number, "complaint_kind": kind,
                                "complaint_category": category})
        notify(recipients=recipients_with_role(Role.CUSTOMER_SERVICE, capability="complaint_handle"),
               kind="complaint_received", actor=who, subject=complaint, url=_url(complaint),
               params=_params(complaint, reason=description[:200]))
    return complaint


def _handler_ok(user: Any) -> bool:
    return bool(user is not None and user.is_active and user.has_perm("accounts.complaint_handle"))


def complaint_assign(*, complaint: Complaint, actor: Any, handler: Any, note: str = "") -> Complaint:
    """P3.2: customer service or the order center (complaint_handle) gives the complaint to a handler who
    holds complaint_handle (also to reassign). The handler is told."""
    _require(actor, "complaint_handle", _("Only customer service or the order center assigns complaints (P3.2)."))
    if not _handler_ok(handler):
        raise ValidationFailed(_("Choose someone of customer service or the order center."), field="handler")
    with transaction.atomic():
        c = _complaint_locked(complaint)
        before = {"complaint_state": c.state, "handler": str(c.handler) if c.handler_id else ""}
        c.state = COMPLAINT.check(c.state, "assign")
        c.handler = handler
        c.save(update_fields=["state", "handler", "updated_at"])
        event_record(actor=actor, action="complaint.assigned", subject=c, clause="P3.2", before=before,
                     after={"complaint_state": c.state, "handler": str(handler)}, message=(note or "").strip())
        notify(recipients=[handler], kind="complaint_assigned", actor=actor, subject=c, url=_url(c),
               params=_params(c, due=c.due_date.isoformat()))
    return c


def _require_handler(actor: Any, c: Complaint) -> None:
    _require(actor, "complaint_handle", _("Only customer service or the order center handles complaints (P3.2)."))
    if c.handler_id != actor.pk:
        raise PermissionDenied(_("Only the complaint's handler, %(name)s, does this; assign it to yourself first.")
                               % {"name": c.handler or "—"}, code="not_handler")


def _note(c: Complaint, text: str, author: Any, public: bool) -> ComplaintNote:
    return ComplaintNote.objects.create(complaint=c, text=text, public=public,
                                        author=author if getattr(author, "pk", None) else None)


def complaint_investigate(*, complaint: Complaint, actor: Any, note: str = "") -> Complaint:
    """P3.2: the handler starts the investigation (or takes a reopened complaint up again)."""
    with transaction.atomic():
        c = _complaint_locked(complaint)
        _require_handler(actor, c)
        before = c.state
        c.state = COMPLAINT.check(c.state, "investigate")
        c.save(update_fields=["state", "updated_at"])
        note = (note or "").strip()
        if note:
            _note(c, note, actor, public=True)
        event_record(actor=actor, action="complaint.investigating", subject=c, clause="P3.2",
                     before={"complaint_state": before}, after={"complaint_state": c.state}, message=note)
    return c


def complaint_note_add(*, complaint: Complaint, actor: Any = None, text: str, public: bool = True,
                       via_portal: bool = False) -> ComplaintNote:
    """A progress note: the handler's (public ones the customer reads on their page), or the customer's
    own reply on their page. Not on a confirmed complaint."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write the note."), field="text", code="required")
    if len(text) > 2000:
        raise ValidationFailed(_("At most 2,000 characters."), field="text")
    with transaction.atomic():
        c = _complaint_locked(complaint)
        if not via_portal:
            _require_handler(actor, c)
        if c.state == Complaint.State.CONFIRMED:
            raise InvalidTransition(_("This complaint is closed: the customer confirmed its resolution."),
                                    field="state", code="invalid_transition")
        note = _note(c, text, None if via_portal else actor, public=True if via_portal else bool(public))
        event_record(**_by(actor, via_portal), action="complaint.note_added", subject=c,
                     clause="P3.2", after={"shown_to_customer": note.public}, message=text)
        if via_portal and c.handler_id:
            notify(recipients=[c.handler], kind="complaint_reply", actor=None, subject=c, url=_url(c),
                   params=_params(c, reason=text[:200]))
    return note


def _resolved_mail(c: Complaint, link: str) -> None:
    to = customer_email(c.order, c.customer)

    def build() -> tuple[str, str]:
        subject = _("Your complaint %(number)s is resolved") % {"number": c.number}
        body = _("Dear %(name)s,\n\nWe have resolved your complaint %(number)s:\n%(resolution)s\n\n"
                 "Please confirm on your order's page that this settles it, or tell us that it does not:\n"
                 "%(link)s\n\n%(company)s") % {
            "name": c.contact_name or c.customer.name, "number": c.number, "resolution": c.resolution,
            "link": link or _("(reply to this mail or call us)"), "company": settings.ORDERTAKING_COMPANY_NAME}
        return subject, body

    subject, body = _two_languages(build)
    mail_after_commit(subject=subject, body=body, to=[to])


def complaint_resolve(*, complaint: Complaint, actor: Any, resolution: str) -> Complaint:
    """P3.2: the handler records the resolution; the customer is told by mail and asked to confirm it
    on their page (or by phone to customer service)."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationFailed(_("Write the resolution."), field="resolution", code="required")
    if len(resolution) > 5000:
        raise ValidationFailed(_("At most 5,000 characters."), field="resolution")
    with transaction.atomic():
        c = _complaint_locked(complaint)
        _require_handler(actor, c)
        before = c.state
        c.state = COMPLAINT.check(c.state, "resolve")
        c.resolution = resolution
        c.resolved_at = timezone.now()
        c.save(update_fields=["state", "resolution", "resolved_at", "updated_at"])
        event_record(actor=actor, action="complaint.resolved", subject=c, clause="P3.2",
                     before={"complaint_state": before}, after={"complaint_state": c.state}, message=resolution)
        _resolved_mail(c, _customer_link(c.order, actor) if c.order is not None else "")
    return c


def _resolver_id(c: Complaint) -> int | None:
    ev = timeline_for(c).filter(action="complaint.resolved").order_by("-at", "-id").first()
    return ev.actor_id if ev is not None else None


def complaint_confirm(*, complaint: Complaint, actor: Any = None, how: str = "", via_portal: bool = False,
                      note: str = "") -> Complaint:
    """P6.1.c: the customer confirms the resolution — on their page, or customer service records how the
    customer confirmed (phone, mail, visit). Whoever resolved it does not record the confirmation of
    their own work (segregation of duties)."""
    if via_portal:
        how = Complaint.Confirmation.PORTAL
    else:
        _require(actor, "complaint_record", _("Only customer service or the sales rep records the customer's "
                                              "confirmation (P3.2)."))
        if how not in Complaint.Confirmation.values or how == Complaint.Confirmation.PORTAL:
            raise ValidationFailed(_("Say how the customer confirmed."), field="how")
    with transaction.atomic():
        c = _complaint_locked(complaint)
        if not via_portal:
            if not may_record_for(actor, c.customer, c.order):
                raise PermissionDenied(_("Only customer service, or the customer's own sales rep, records this."))
            if _resolver_id(c) == actor.pk:
                raise PermissionDenied(_("You resolved this complaint: someone else records the customer's "
                                         "confirmation."), code="segregation_of_duties")
        before = c.state
        c.state = COMPLAINT.check(c.state, "confirm")
        c.confirmed_at = timezone.now()
        c.confirmed_how = how
        c.save(update_fields=["state", "confirmed_at", "confirmed_how", "updated_at"])
        note = (note or "").strip()
        if note:
            _note(c, note, None if via_portal else actor, public=True)
        event_record(**_by(actor, via_portal), action="complaint.confirmed", subject=c, clause="P6.1.c",
                     before={"complaint_state": before}, after={"complaint_state": c.state, "confirmed_how": how},
                     message=note)
    return c


def complaint_reopen(*, complaint: Complaint, actor: Any = None, reason: str, via_portal: bool = False) -> Complaint:
    """P6.1.c: the customer says the resolution does not settle it — on their page, or through customer
    service. The complaint goes back to its handler with a new deadline; the handler is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say what is still wrong."), field="reason", code="required")
    if not via_portal:
        _require(actor, "complaint_record", _("Only customer service or the sales rep records this (P3.2)."))
    today = timezone.localdate()
    with transaction.atomic():
        c = _complaint_locked(complaint)
        if not via_portal and not may_record_for(actor, c.customer, c.order):
            raise PermissionDenied(_("Only customer service, or the customer's own sales rep, records this."))
        before = {"complaint_state": c.state, "due_date": c.due_date.isoformat()}
        c.state = COMPLAINT.check(c.state, "reopen")
        c.reopen_count += 1
        c.due_date = rules.complaint_due(today, complaint_days(), calendar_load().after)
        c.reminded_on = None
        c.escalated_at = None
        c.save(update_fields=["state", "reopen_count", "due_date", "reminded_on", "escalated_at", "updated_at"])
        who = None if via_portal else actor
        _note(c, reason, who, public=True)
        event_record(**_by(actor, via_portal), action="complaint.reopened", subject=c, clause="P6.1.c", before=before,
                     after={"complaint_state": c.state, "due_date": c.due_date.isoformat()}, message=reason)
        recipients: list[Any] = [c.handler] if c.handler is not None else list(
            recipients_with_role(Role.CUSTOMER_SERVICE, capability="complaint_handle"))
        notify(recipients=recipients, kind="complaint_reopened", actor=who, subject=c, url=_url(c),
               params=_params(c, reason=reason[:200]))
    return c


# --- deadline: reminder and escalation (the daily job) ------------------------------------------------

COMPLAINT_JOB = job_register("complaint_deadlines", _lazy("Complaint deadline reminders and escalations"))
SURVEY_JOB = job_register("survey_invitations", _lazy("Satisfaction survey invitations"))


def _escalation_recipients(c: Complaint) -> list[User]:
    """The handler's leader; without a handler (or a leader), customer service's leaders; else every
    leadership user."""
    if c.handler_id and c.handler is not None and c.handler.leader_id:
        leader = c.handler.leader
        if leader is not None and leader.is_active:
            return [leader]
    cs_leaders = list(User.objects.filter(team__groups__name=Role.CUSTOMER_SERVICE, team__is_active=True,
                                          is_active=True).distinct().order_by("pk"))
    if cs_leaders:
        return cs_leaders
    return list(User.objects.filter(groups__name=Role.LEADERSHIP, is_active=True).distinct().order_by("pk"))


def complaint_deadline_check(*, complaint_id: int, today: date) -> str:
    """P3.2 one complaint on the day: the handler (unassigned: customer service) is reminded once from the
    working day before its deadline; once the deadline has passed, it is escalated once (audited).
    Under the complaint's lock, so two runs never both send. Returns what was done ("" nothing)."""
    cal = calendar_load()
    with transaction.atomic():
        c = (Complaint.objects.select_for_update(of=("self",)).select_related("handler__leader", "customer", "order")
             .filter(pk=complaint_id).first())
        if c is None:
            return ""
        still_open = c.state in OPEN
        if rules.escalation_due(due=c.due_date, today=today, escalated=c.escalated_at is not None,
                                still_open=still_open):
            to: list[Any] = list(_escalation_recipients(c))
            c.escalated_at = timezone.now()
            c.save(update_fields=["escalated_at", "updated_at"])
            event_record(actor=None, action="complaint.escalated", subject=c, clause="P3.2",
                         after={"escalated_to": ", ".join(str(u) for u in to), "due_date": c.due_date.isoformat()})
            notify(recipients=to, kind="complaint_escalated", subject=c, url=_url(c),
                   params=_params(c, due=c.due_date.isoformat(), handler=str(c.handler or "—")))
            return "escalated"
        if rules.reminder_due(due=c.due_date, today=today, before=cal.before, reminded_on=c.reminded_on,
                              still_open=still_open):
            to = [c.handler] if c.handler is not None else list(
                recipients_with_role(Role.CUSTOMER_SERVICE, capability="complaint_handle"))
            c.reminded_on = today
            c.save(update_fields=["reminded_on", "updated_at"])
            notify(recipients=to, kind="complaint_due", subject=c, url=_url(c),
                   params=_params(c, due=c.due_date.isoformat()))
            return "reminded"
    return ""


def complaints_deadline_run(*, today: date | None = None) -> dict[str, int]:
    """The daily run (feedback/tasks.py), recorded as a JobRun; each complaint in its own transaction."""
    day = today or timezone.localdate()
    ids = list(Complaint.objects.filter(state__in=OPEN).order_by("due_date", "id").values_list("pk", flat=True))
    counts = {"reminded": 0, "escalated": 0}
    with job_run(COMPLAINT_JOB, day=day) as run:
        for pk in ids:
            done = run_item(run, f"complaint {pk}", functools.partial(complaint_deadline_check, complaint_id=pk,
                                                                      today=day))
            if done:
                counts[done] += 1
    return counts
