"""Inquiry pages (P2.1, P3.2): list, record, detail with hand-over / convert / close, edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import DomainError, NotFound
from ordertaking.common.links import order_url
from ordertaking.common.masking import mask_name
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.confidentiality.events import events_masked
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.confidentiality.selectors import sees as confidential_sees
from ordertaking.customers.selectors import customers_visible

from . import selectors, services, states
from .forms import CloseForm, HandoverForm, InquiryForm
from .models import Inquiry

PAGE_SIZE = 25
FORM_FIELDS = ("channel", "customer", "company_name", "contact_name", "contact_phone", "contact_email", "region",
               "city", "address", "product", "specification", "quantity", "service_requirements",
               "wanted_delivery_date", "needs_analysis", "notes", "special_needs")


def _get(request: HttpRequest, pk: int) -> Inquiry:
    try:
        return selectors.inquiry_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e


@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.has_perm("accounts.inquiry_record") or selectors.sees_all_inquiries(request.user)):
        return forbidden(request)
    can_all = selectors.sees_all_inquiries(request.user)
    scope = "all" if can_all and request.GET.get("scope") == "all" else "mine"
    channel = request.GET.get("channel", "") if request.GET.get("channel", "") in Inquiry.Channel.values else ""
    state = request.GET.get("state", "") if request.GET.get("state", "") in Inquiry.State.values else ""
    special = request.GET.get("special") == "1"
    sort = request.GET.get("sort", "-received")
    q = request.GET.get("q", "")
    qs = selectors.inquiry_list(user=request.user, scope=scope, channel=channel, state=state, q=q,
                                special=special, sort=sort)
    listed = list_page(request, qs, page_size=PAGE_SIZE)
    lens = lens_for(request)
    for inq in listed.page.object_list:  # P4.1.c: the contact's name as this user may see it
        inq.contact_shown = (inq.contact_name if selectors.inquiry_contact_visible(request.user, inq, lens)
                             else mask_name(inq.contact_name))
    context = {**listed.context(), "scope": scope, "can_all": can_all,
               "channel": channel, "state": state, "q": q, "special": special, "sort": sort,
               "channels": Inquiry.Channel.choices, "states": Inquiry.State.choices,
               "can_record": request.user.has_perm("accounts.inquiry_record")}
    return render_list(request, "inquiries/list.html", context)


def _form_page(request: AuthedRequest, inquiry: Inquiry | None) -> HttpResponse:
    if not request.user.has_perm("accounts.inquiry_record"):
        return forbidden(request)
    status = 200
    if request.method == "POST":
        form = InquiryForm(request.POST, user=request.user)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in FORM_FIELDS}
            try:
                if inquiry is None:
                    inquiry = services.inquiry_record(actor=request.user, **data)
                    messages.success(request, _("Inquiry %(inquiry)s recorded.") % {"inquiry": inquiry})
                else:
                    services.inquiry_update(inquiry=inquiry, actor=request.user, **data)
                    messages.success(request, _("Inquiry saved."))
                return redirect("inquiries:detail", pk=inquiry.pk)
            except DomainError as e:
                if e.status == 403:
                    raise
                put_error(form, e)
        status = 422
    elif inquiry is None:
        form = InquiryForm(user=request.user, initial={
            "channel": Inquiry.Channel.PHONE, "customer": request.GET.get("customer") or None})
    else:
        initial: dict[str, Any] = {k: getattr(inquiry, k) for k in FORM_FIELDS}
        initial["region"] = inquiry.region.code if inquiry.region else None
        initial["product"] = inquiry.product.code if inquiry.product else None
        initial["customer"] = inquiry.customer_id
        form = InquiryForm(user=request.user, initial=initial)
    return render(request, "inquiries/form.html",
                  {"form": form, "inquiry": inquiry, "contacts": _contacts_of(request, form["customer"].value())},
                  status=status)


@login_required
@domain_errors
def inquiry_new(request: AuthedRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@require_GET
def customer_contacts(request: HttpRequest) -> HttpResponse:
    """The chosen customer's contacts, to pick who is calling (HTMX, on the inquiry form)."""
    return render(request, "inquiries/form.html#contacts",
                  {"contacts": _contacts_of(request, request.GET.get("customer", ""))})


def _contacts_of(request: HttpRequest, raw: Any) -> list[Any]:
    contacts: list[Any] = []
    raw = str(raw or "")
    if raw.isdigit() and request.user.has_perm("accounts.inquiry_record"):
        customer = customers_visible(user=request.user).filter(pk=int(raw)).first()
        # P4.1.c: the picker shows the contacts in full, so only to whoever sees them by duty
        if customer is not None and confidential_sees(request.user, customer, Field.PHONE):
            contacts = list(customer.contacts.order_by("-is_primary", "id"))
    return contacts


@login_required
@domain_errors
def inquiry_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    if not states.can_move(inquiry.state, "update"):
        messages.error(request, _("This inquiry can no longer be changed."))
        return redirect("inquiries:detail", pk=pk)
    return _form_page(request, inquiry)


def _detail(request: HttpRequest, inquiry: Inquiry, *, handover: HandoverForm | None = None,
            close: CloseForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    order_link = order_url(inquiry.order.number) if inquiry.order else ""
    active = states.can_move(inquiry.state, "update")
    contact_visible = selectors.inquiry_contact_visible(user, inquiry)  # P4.1.c
    events = timeline(inquiry)
    context = {
        "inquiry": inquiry,
        "contact_visible": contact_visible,
        "events": events if contact_visible else events_masked(events),
        "order_url": order_link,
        "handover_form": handover or HandoverForm(initial={
            "special_needs": inquiry.special_needs,
            # P2.1.b: to whoever has it, else the customer's own sales rep
            "to": inquiry.assigned_to_id or (inquiry.customer.sales_rep_id if inquiry.customer else None)}),
        "close_form": close or CloseForm(),
        "can_handover": active and user.has_perm("accounts.inquiry_handover"),
        "can_convert": states.can_move(inquiry.state, "convert") and user.has_perm("accounts.order_enter"),
        "can_edit": active and user.has_perm("accounts.inquiry_record"),
        "can_close": active and user.has_perm("accounts.inquiry_record"),
    }
    return render(request, "inquiries/detail.html", context, status=status)


@login_required
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(request, pk))


@login_required
@require_POST
@domain_errors
def inquiry_handover(request: AuthedRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_handover(inquiry=inquiry, actor=request.user, to=form.cleaned_data["to"],
                                      note=form.cleaned_data["note"],
                                      special_needs=form.cleaned_data["special_needs"])
            messages.success(request, _("Handed over to %(rep)s.") % {"rep": form.cleaned_data["to"]})
            return redirect("inquiries:detail", pk=pk)
        except DomainError as e:
            if e.status == 403:
                raise
            put_error(form, e)
            return _detail(request, inquiry, handover=form, status=e.status)
    return _detail(request, inquiry, handover=form, status=422)


@login_required
@require_POST
@domain_errors(back=lambda request, pk: reverse("inquiries:detail", args=[pk]))
def inquiry_convert(request: AuthedRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    order = services.inquiry_convert(inquiry=inquiry, actor=request.user)
    messages.success(request, _("Draft order %(number)s created from the inquiry.") % {"number": order.number})
    return redirect("orders:detail", order.number)


@login_required
@require_POST
@domain_errors
def inquiry_close(request: AuthedRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_close(inquiry=inquiry, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Inquiry closed."))
            return redirect("inquiries:detail", pk=pk)
        except DomainError as e:
            if e.status == 403:
                raise
            put_error(form, e, fields=["reason"])
            return _detail(request, inquiry, close=form, status=e.status)
    return _detail(request, inquiry, close=form, status=422)
