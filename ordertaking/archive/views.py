"""The archive pages (P4.1.a/b): the customer's page as their whole record, with its sections loaded
by HTMX (each also a plain link), the verification form and queue, the classification thresholds.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.customers import selectors as customer_selectors
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customer_timeline
from ordertaking.customers.views import profile_context
from ordertaking.orders import selectors as order_selectors

from . import selectors, services
from .forms import CONFIRM_CHOICES, ThresholdsForm, VerifyForm

# The sections of the customer's page, in the order of its tabs (key, label, icon).
TABS: list[tuple[str, Any, str]] = [
    ("overview", gettext_lazy("Overview"), "bi-building"),
    ("purchases", gettext_lazy("Purchase history"), "bi-bag-check"),
    ("preferences", gettext_lazy("Preferences"), "bi-star"),
    ("inquiries", gettext_lazy("Inquiries"), "bi-telephone-inbound"),
    ("credit", gettext_lazy("Credit history"), "bi-shield-check"),
]


def _get(request: HttpRequest, pk: int) -> Customer:
    try:
        return customer_selectors.customer_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def _tabs(request: HttpRequest) -> list[tuple[str, Any, str]]:
    sees_credit = request.user.has_perm("accounts.finance_view")
    return [t for t in TABS if t[0] != "credit" or sees_credit]


def _tab_context(request: HttpRequest, customer: Customer, tab: str) -> dict[str, Any]:
    user = request.user
    if tab == "overview":
        return profile_context(request, customer)
    if tab == "purchases":
        return {"summary": selectors.purchase_summary(user=user, customer=customer),
                "orders": order_selectors.customer_orders(user=user, customer_id=customer.pk)}
    if tab == "preferences":
        return {"products": selectors.top_products(user=user, customer=customer),
                "places": selectors.usual_delivery_places(user=user, customer=customer),
                "payments": selectors.usual_payment_methods(user=user, customer=customer)}
    if tab == "inquiries":
        return {"inquiries": selectors.customer_inquiries(user=user, customer=customer)}
    if tab == "credit":
        return {"credit": selectors.customer_credit(user=user, customer=customer)}
    raise Http404


@login_required
def customer_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's page (P4.1.a), mounted as customers:detail: the profile, the derived purchase
    history and preferences, inquiries, credit, the verification and the customer's timeline."""
    customer = _get(request, pk)
    tabs = _tabs(request)
    tab = request.GET.get("tab", "overview")
    if tab not in [t[0] for t in tabs]:
        tab = "overview"
    context = {"customer": customer, "tabs": tabs, "tab": tab, **_tab_context(request, customer, tab)}
    if getattr(request, "htmx", False) and request.GET.get("tab"):
        return render(request, "archive/customer.html#tabs", context)
    labels = dict(CONFIRM_CHOICES)
    context |= {
        "verified_labels": [labels[i] for i in customer.verified_items if i in labels],
        "events": customer_timeline(customer, user=request.user, lens=lens_for(request)),  # masked (P4.1.c)
        "verify_due": selectors.is_verification_due(customer),
        "verify_after_days": selectors.verify_after_days(),
        "can_verify": services.may_verify(request.user, customer),
        "verify_form": VerifyForm(),
        "can_manage": request.user.has_perm("accounts.customer_manage"),
    }
    return render(request, "archive/customer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def customer_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    """P4.1.a: confirm the customer's data (the form; saved by `services.customer_verify`)."""
    customer = _get(request, pk)
    if not services.may_verify(request.user, customer):
        return forbidden(request, _("You may not verify this customer's data."))
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid():
            try:
                services.customer_verify(actor=request.user, customer=customer, **form.cleaned_data)
            except ValidationFailed as e:
                put_error(form, e)
            else:
                messages.success(request, _("Verification recorded."))
                return redirect("customers:detail", pk=customer.pk)
        status = 422
    else:
        form = VerifyForm()
    return render(request, "archive/verify.html", {"customer": customer, "form": form,
                                                   "verify_after_days": selectors.verify_after_days()},
                  status=status)


class VerificationFilter(forms.Form):
    mine = forms.BooleanField(required=False)


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    """P4.1.a: the customers whose data is due for verification (a sales rep's own; others may see all
    they see, or only their own)."""
    if not request.user.has_perm("accounts.customer_view"):
        return forbidden(request)
    is_sales = request.user.has_role("sales")  # type: ignore[union-attr]
    mine = is_sales or request.GET.get("mine") == "1"
    qs = selectors.verification_due(user=request.user, mine=mine)
    context = {**list_page(request, qs, page_size=25).context(), "mine": mine, "is_sales": is_sales,
               "verify_after_days": selectors.verify_after_days()}
    return render_list(request, "archive/verification.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def thresholds(request: AuthedRequest) -> HttpResponse:
    """P4.1.b: the classification thresholds, changed by leadership (`customer_tier_manage`); every
    user who sees customers may read them (they explain the classes on the customer pages)."""
    if not request.user.has_perm("accounts.customer_view"):
        return forbidden(request)
    row = selectors.thresholds_current()
    can_manage = request.user.has_perm("accounts.customer_tier_manage")
    status = 200
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, _("Only leadership maintains the classification thresholds."))
        form = ThresholdsForm(request.POST)
        if form.is_valid():
            try:
                services.tier_thresholds_update(actor=request.user, **form.cleaned_data)
            except ValidationFailed as e:
                put_error(form, e)
            else:
                result = services.classification_refresh(actor=request.user)
                messages.success(request, _("Thresholds saved; %(n)s customers classified, %(changed)s changed.")
                                 % {"n": result["customers"], "changed": result["changed"]})
                return redirect("archive:thresholds")
        status = 422
    else:
        form = ThresholdsForm(initial={f: getattr(row, f) for f in ThresholdsForm.base_fields})
    counts = selectors.class_counts()
    return render(request, "archive/thresholds.html",
                  {"form": form, "row": row, "can_manage": can_manage, "events": timeline(row),
                   "counts": counts}, status=status)


@login_required
@require_POST
@domain_errors(back=lambda request: reverse("archive:thresholds"))
def classification_refresh(request: AuthedRequest) -> HttpResponse:
    """P4.1.b on demand: classify every customer now (leadership)."""
    result = services.classification_refresh(actor=request.user)
    messages.success(request, _("%(n)s customers classified, %(changed)s changed.")
                     % {"n": result["customers"], "changed": result["changed"]})
    return redirect("archive:thresholds")
