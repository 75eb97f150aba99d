"""The customer's own feedback pages under their private link (P6.1.c, P3.2), sections of the portal:
"Satisfaction survey" (once the order is accepted) and "Complaints" (file one, follow its progress,
confirm the resolution or say it does not settle it). No account: `portal_view` checks the link and
hands the order; every write goes through the same services as the staff pages, `via_portal=True`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ordertaking.common.errors import DomainError
from ordertaking.common.pages import put_error
from ordertaking.portal.pages import portal_view

from . import selectors, services
from .forms import PortalComplaintForm, PortalReplyForm, SurveyAnswerForm
from .models import Complaint


def _order(request: HttpRequest) -> Any:
    return request.portal_order  # type: ignore[attr-defined]


@portal_view
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """P6.1.c: the survey — overall, product, delivery, service 1 to 5 and a comment — once."""
    order = _order(request)
    s = selectors.order_survey(order)
    if s is None and order.state in selectors.ACCEPTED_STATES:
        s = services.survey_invite(order=order, actor=None, send=False)  # opened before the mail went out
    form = SurveyAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST" and s is not None:
        if form.is_valid():
            try:
                services.survey_answer(survey=s, via_portal=True, **form.cleaned_data)
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Thank you: your answers are recorded."))
                return redirect("feedback_portal:survey", token=token)
        status = 422
    return render(request, "feedback/portal_survey.html", {"survey": s, "form": form, "scores": range(5, 0, -1)},
                  status=status)


def _complaints_ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    order = _order(request)
    rows = [{"complaint": c, "steps": selectors.customer_steps(c), "notes": selectors.public_notes(c)}
            for c in Complaint.objects.filter(order=order).order_by("-created_at", "-id")]
    return {"rows": rows, "form": extra.pop("form", None) or PortalComplaintForm(),
            "reply_form": PortalReplyForm(), **extra}


@portal_view
@require_http_methods(["GET", "POST"])
def complaints(request: HttpRequest, token: str) -> HttpResponse:
    """P3.2: the customer files a complaint or dispute about this order and follows each one's progress."""
    order = _order(request)
    form = PortalComplaintForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = services.complaint_record(order=order, via_portal=True, kind=d["kind"], category=d["category"],
                                              description=d["description"], contact_name=d["contact_name"],
                                              contact=d["contact"])
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Your complaint %(n)s is received; we answer within %(days)s working days.")
                                 % {"n": c.number, "days": services.complaint_days()})
                return redirect("feedback_portal:complaints", token=token)
        return render(request, "feedback/portal_complaints.html", _complaints_ctx(request, form=form), status=422)
    return render(request, "feedback/portal_complaints.html", _complaints_ctx(request))


@portal_view
@require_POST
def complaint_step(request: HttpRequest, token: str, number: str, verb: str) -> HttpResponse:
    """The customer confirms the resolution, says it does not settle it (reopen), or adds a reply."""
    c = Complaint.objects.filter(order=_order(request), number=(number or "").upper()).first()
    if c is None or verb not in ("confirm", "reopen", "reply"):
        raise Http404(_("No such complaint."))
    form = PortalReplyForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        if verb == "confirm":
            services.complaint_confirm(complaint=c, via_portal=True, note=text)
            messages.success(request, _("Thank you for confirming."))
        elif verb == "reopen":
            services.complaint_reopen(complaint=c, via_portal=True, reason=text)
            messages.success(request, _("We are on it again; your handler is told."))
        else:
            services.complaint_note_add(complaint=c, via_portal=True, text=text)
            messages.success(request, _("Your message is sent to your handler."))
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("feedback_portal:complaints", token=token)
