"""Feedback pages for staff (P6.1.c, P3.2): the complaint list and queues, a complaint's handling page,
recording a complaint, the survey results with averages, and the order page's feedback card.
Thin: each calls one service or selector. The customer's own pages are portal_views.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.customers.selectors import customers_visible
from ordertaking.orders.selectors import order_get, visible_orders

from . import selectors, services
from .forms import (
    AssignForm,
    ComplaintFilterForm,
    ComplaintForm,
    ConfirmForm,
    NoteForm,
    ReopenForm,
    ResolveForm,
    SurveyAnswerForm,
    SurveyFilterForm,
)
from .models import Complaint, Survey


def _complaint_back(request: Any, number: str, *args: Any) -> str:
    return reverse("feedback:complaint", args=[number])


# --- complaints -------------------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def complaints(request: AuthedRequest) -> HttpResponse:
    """P3.2: the complaints and disputes the reader may see, with filters (state, kind, category, deadline,
    handler). Customer service's and the order center's queue."""
    user = request.user
    if not selectors.may_see_complaints(user):
        return forbidden(request, _("Customer service, the order center, sales, leadership and auditors see "
                                    "complaints (P3.2)."))
    handlers = list(selectors.handlers())
    form = ComplaintFilterForm(request.GET or None, handlers=handlers)
    filters: dict[str, Any] = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {"state": d["state"], "kind": d["kind"], "category": d["category"], "due": d["due"],
                   "handler": d["handler"], "q": d["q"], "mine_for": user if d["mine"] else None}
    qs = selectors.complaint_list(user, **filters)
    return render_list(request, "feedback/complaints.html", {
        **list_page(request, qs, page_size=50).context(), "form": form, "today": timezone.localdate(),
        "can_record": selectors.may_record(user)})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def complaint_new(request: AuthedRequest) -> HttpResponse:
    """P3.2: customer service (or the customer's rep) records a complaint or dispute received by phone,
    mail, online or on a visit."""
    user = request.user
    if not selectors.may_record(user):
        return forbidden(request, _("Only customer service or the sales rep records complaints (P3.2)."))
    customers = customers_visible(user=user).order_by("name")
    initial: dict[str, Any] = {}
    if request.method == "GET" and request.GET.get("order"):
        try:
            o = order_get(user=user, number=request.GET["order"])
            initial = {"customer": o.customer_id, "order_number": o.number}
        except NotFound:
            pass
    elif request.method == "GET" and str(request.GET.get("customer", "")).isdigit():
        initial = {"customer": int(request.GET["customer"])}
    form = ComplaintForm(request.POST or None, initial=initial, customers=customers)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        order = None
        try:
            if d["order_number"].strip():
                order = visible_orders(user).filter(number=d["order_number"].strip().upper()).first()
                if order is None:
                    raise NotFound(_("No order %(number)s.") % {"number": d["order_number"]}, field="order_number")
            c = services.complaint_record(actor=user, customer=d["customer"], order=order, kind=d["kind"],
                                          category=d["category"], description=d["description"], source=d["source"],
                                          contact_name=d["contact_name"], contact=d["contact"])
        except PermissionDenied:
            raise
        except DomainError as e:
            if e.field == "order":
                e.field = "order_number"
            put_error(form, e)
        else:
            messages.success(request, _("Complaint %(n)s recorded; customer service is told.") % {"n": c.number})
            return redirect("feedback:complaint", number=c.number)
    return render(request, "feedback/complaint_form.html", {"form": form, "complaint_days": services.complaint_days()},
                  status=422 if form.errors else 200)


def _detail_ctx(request: AuthedRequest, c: Complaint, **forms: Any) -> dict[str, Any]:
    user = request.user
    handlers = selectors.handlers()
    return {"complaint": c, "contact_field": selectors.complaint_contact_field(c.contact),
            "moves": selectors.available_moves(user, c), "notes": selectors.complaint_notes(c),
            "steps": selectors.customer_steps(c), "events": selectors.complaint_timeline(c, user),
            "today": timezone.localdate(),
            "assign_form": forms.get("assign_form") or AssignForm(handlers=handlers,
                                                                   initial={"handler": c.handler_id or user.pk}),
            "note_form": forms.get("note_form") or NoteForm(),
            "resolve_form": forms.get("resolve_form") or ResolveForm(),
            "confirm_form": forms.get("confirm_form") or ConfirmForm(),
            "reopen_form": forms.get("reopen_form") or ReopenForm()}


@login_required
@domain_errors
@require_GET
def complaint_detail(request: AuthedRequest, number: str) -> HttpResponse:
    c = selectors.complaint_for(request.user, number)
    return render(request, "feedback/complaint.html", _detail_ctx(request, c))


@login_required
@require_POST
@domain_errors(back=_complaint_back)
def complaint_move(request: AuthedRequest, number: str, verb: str) -> HttpResponse:
    """One step of the handling (P3.2): assign, investigate, note, resolve, confirm, reopen."""
    user = request.user
    c = selectors.complaint_for(user, number)
    forms_by_verb = {"assign": ("assign_form", AssignForm), "note": ("note_form", NoteForm),
                     "resolve": ("resolve_form", ResolveForm), "confirm": ("confirm_form", ConfirmForm),
                     "reopen": ("reopen_form", ReopenForm)}
    if verb == "investigate":
        services.complaint_investigate(complaint=c, actor=user, note=request.POST.get("note", "")[:2000])
        messages.success(request, _("Investigation started."))
        return redirect("feedback:complaint", number=c.number)
    if verb not in forms_by_verb:
        raise NotFound(_("Unknown step."))
    key, cls = forms_by_verb[verb]
    form = cls(request.POST, handlers=selectors.handlers()) if cls is AssignForm else cls(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if verb == "assign":
                services.complaint_assign(complaint=c, actor=user, handler=d["handler"], note=d["note"])
                done = _("Complaint assigned to %(name)s.") % {"name": d["handler"]}
            elif verb == "note":
                services.complaint_note_add(complaint=c, actor=user, text=d["text"], public=d["public"])
                done = _("Note added.")
            elif verb == "resolve":
                services.complaint_resolve(complaint=c, actor=user, resolution=d["resolution"])
                done = _("Complaint resolved; the customer is asked to confirm.")
            elif verb == "confirm":
                services.complaint_confirm(complaint=c, actor=user, how=d["how"], note=d["note"])
                done = _("The customer's confirmation is recorded.")
            else:
                services.complaint_reopen(complaint=c, actor=user, reason=d["reason"])
                done = _("Complaint reopened; the handler is told.")
        except (PermissionDenied, NotFound):
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, done)
            return redirect("feedback:complaint", number=c.number)
    c.refresh_from_db()
    return render(request, "feedback/complaint.html", _detail_ctx(request, c, **{key: form}), status=422)


# --- surveys ----------------------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def surveys(request: AuthedRequest) -> HttpResponse:
    """P6.1.c 客户满意度调查: the answers and their averages, by period and sales rep (feedback_view_all;
    a sales rep sees their own orders')."""
    user = request.user
    from ordertaking.accounts.models import User

    reps = User.objects.filter(pk__in=selectors.surveys_visible(user).values("sales_rep")).order_by("display_name")
    form = SurveyFilterForm(request.GET or None, reps=list(reps))
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("date_from", "date_to", "rep", "state", "q")}
    qs = selectors.survey_list(user, **filters)
    return render_list(request, "feedback/surveys.html", {
        **list_page(request, qs, page_size=50).context(), "form": form,
        "averages": selectors.survey_averages(selectors.survey_filter(selectors.surveys_visible(user), **filters)),
        "by_rep": selectors.survey_averages_by_rep(selectors.survey_filter(selectors.surveys_visible(user),
                                                                            **filters)),
        "can_record": selectors.may_record(user)})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def survey_record(request: AuthedRequest, number: str) -> HttpResponse:
    """Customer service records the answers a customer gave by phone (P3.2, P6.1.c)."""
    user = request.user
    survey = selectors.surveys_visible(user).select_related("order", "customer").filter(
        order__number=(number or "").upper()).first() if selectors.may_record(user) else None
    if survey is None:
        raise NotFound(_("No survey for order %(number)s.") % {"number": number})
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(survey=survey, actor=user, **form.cleaned_data)
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("The customer's answers are recorded."))
            return redirect(reverse("feedback:surveys") + f"?q={survey.order.number}")
    return render(request, "feedback/survey_form.html", {"survey": survey, "form": form},
                  status=422 if form.errors else 200)


# --- the order page's card --------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def order_card(request: AuthedRequest, number: str) -> HttpResponse:
    """The order page's "Customer feedback" card: its survey and its complaints (orders/detail.html
    loads it with hx-get)."""
    user = request.user
    order = order_get(user=user, number=number)
    survey: Survey | None = selectors.order_survey(order)
    complaints = list(selectors.complaints_visible(user).filter(order=order).select_related("handler")
                      .order_by("-created_at", "-id")) if selectors.may_see_complaints(user) else []
    if survey is None and not complaints and not selectors.may_record(user):
        return HttpResponse("")
    return render(request, "feedback/_order_card.html", {
        "order": order, "survey": survey, "complaints": complaints, "can_record": selectors.may_record(user),
        "today": timezone.localdate()})
