"""Inquiry pages (P2.1, P3.2): list, record, detail with hand-over / convert / close, edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
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


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/forbidden.html", status=403)


@login_required
def inquiry_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.has_perm("accounts.inquiry_record") or selectors.sees_all_inquiries(request.user)):
        return _forbidden(request)
    can_all = selectors.sees_all_inquiries(request.user)
    scope = "all" if can_all and request.GET.get("scope") == "all" else "mine"
    channel = request.GET.get("channel", "") if request.GET.get("channel", "") in Inquiry.Channel.values else ""
    state = request.GET.get("state", "") if request.GET.get("state", "") in Inquiry.State.values else ""
    special = request.GET.get("special") == "1"
    sort = request.GET.get("sort", "-received")
    q = request.GET.get("q", "")
    qs = selectors.inquiry_list(user=request.user, scope=scope, channel=channel, state=state, q=q,
                                special=special, sort=sort)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    context = {"page": page, "scope": scope, "can_all": can_all, "channel": channel, "state": state, "q": q,
               "special": special, "sort": sort, "query": params.urlencode(), "sort_query": sort_params.urlencode(),
               "channels": Inquiry.Channel.choices, "states": Inquiry.State.choices,
               "can_record": request.user.has_perm("accounts.inquiry_record")}
    template = "inquiries/list.html#results" if getattr(request, "htmx", False) else "inquiries/list.html"
    return render(request, template, context)


def _form_page(request: HttpRequest, inquiry: Inquiry | None) -> HttpResponse:
    if not request.user.has_perm("accounts.inquiry_record"):
        return _forbidden(request)
    status = 200
    if request.method == "POST":
        form = InquiryForm(request.POST, user=request.user)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in FORM_FIELDS}
            try:
                if inquiry is None:
                    inquiry = services.inquiry_record(actor=request.user, **data)  # type: ignore[arg-type]
                    messages.success(request, _("Inquiry %(inquiry)s recorded.") % {"inquiry": inquiry})
                else:
                    services.inquiry_update(inquiry=inquiry, actor=request.user, **data)  # type: ignore[arg-type]
                    messages.success(request, _("Inquiry saved."))
                return redirect("inquiries:detail", pk=inquiry.pk)
            except PermissionDenied:
                return _forbidden(request)
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, str(e.message))
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
def inquiry_new(request: HttpRequest) -> HttpResponse:
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
        if customer is not None:
            contacts = list(customer.contacts.order_by("-is_primary", "id"))
    return contacts


@login_required
def inquiry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    if not states.can_move(inquiry.state, "update"):
        messages.error(request, _("This inquiry can no longer be changed."))
        return redirect("inquiries:detail", pk=pk)
    return _form_page(request, inquiry)


def _detail(request: HttpRequest, inquiry: Inquiry, *, handover: HandoverForm | None = None,
            close: CloseForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    order_url = ""
    if inquiry.order_id:
        try:
            order_url = reverse("orders:detail", args=[inquiry.order.number])  # type: ignore[union-attr]
        except NoReverseMatch:
            order_url = ""
    active = states.can_move(inquiry.state, "update")
    context = {
        "inquiry": inquiry,
        "contact_visible": selectors.inquiry_contact_visible(user, inquiry),  # P4.1.c
        "events": timeline(inquiry),
        "order_url": order_url,
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
def inquiry_handover(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_handover(inquiry=inquiry, actor=request.user,  # type: ignore[arg-type]
                                      to=form.cleaned_data["to"], note=form.cleaned_data["note"],
                                      special_needs=form.cleaned_data["special_needs"])
            messages.success(request, _("Handed over to %(rep)s.") % {"rep": form.cleaned_data["to"]})
            return redirect("inquiries:detail", pk=pk)
        except PermissionDenied:
            return _forbidden(request)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e.message))
            return _detail(request, inquiry, handover=form, status=e.status)
    return _detail(request, inquiry, handover=form, status=422)


@login_required
@require_POST
def inquiry_convert(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    try:
        order = services.inquiry_convert(inquiry=inquiry, actor=request.user)  # type: ignore[arg-type]
    except PermissionDenied:
        return _forbidden(request)
    except DomainError as e:
        messages.error(request, _("Could not convert: %(error)s") % {"error": e.message})
        return redirect("inquiries:detail", pk=pk)
    messages.success(request, _("Draft order %(number)s created from the inquiry.") % {"number": order.number})
    try:
        return redirect("orders:detail", order.number)
    except NoReverseMatch:
        return redirect("inquiries:detail", pk=pk)


@login_required
@require_POST
def inquiry_close(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = _get(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.inquiry_close(inquiry=inquiry, actor=request.user,  # type: ignore[arg-type]
                                   reason=form.cleaned_data["reason"])
            messages.success(request, _("Inquiry closed."))
            return redirect("inquiries:detail", pk=pk)
        except PermissionDenied:
            return _forbidden(request)
        except DomainError as e:
            form.add_error("reason" if e.field == "reason" else None, str(e.message))
            return _detail(request, inquiry, close=form, status=e.status)
    return _detail(request, inquiry, close=form, status=422)
