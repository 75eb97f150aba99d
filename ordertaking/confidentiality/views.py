"""The confidentiality pages (P4.1.c): the reveal action (HTMX), access requests and their decision,
the reveal log for auditors, the customer's consent; a card for the customer page. Thin: parse, call
one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list

from . import duties, selectors, services
from .forms import AccessRequestForm, ConsentForm, DecisionForm, RevealFilterForm, RevokeForm
from .models import AccessRequest, RevealLog

PAGE_SIZE = 25
HttpRequest = AuthedRequest


def _customer(request: HttpRequest, pk: Any) -> Any:
    """The customer by the string reference of our models (this app sits below customers), 404 unless
    the user may see it."""
    model = AccessRequest._meta.get_field("customer").related_model
    customer = model._default_manager.select_related("sales_rep").filter(pk=pk).first() if str(pk).isdigit() else None
    if customer is None or not duties.customer_visible(request.user, customer):
        raise Http404(_("Customer not found."))
    return customer


def _request(request: HttpRequest, pk: Any) -> AccessRequest:
    try:
        return selectors.access_request_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e


@login_required
@require_POST
def reveal(request: HttpRequest) -> HttpResponse:
    """HTMX: one masked value shown in full and logged; a refusal says why, in place."""
    try:
        value, _log = services.reveal_value(actor=request.user, source=request.POST.get("source", ""),
                                            ref=request.POST.get("ref", ""), key=request.POST.get("key", ""),
                                            channel=RevealLog.Channel.PAGE)
    except DomainError as e:
        return HttpResponse(format_html('<span class="conf-value text-danger small">{}</span>', e.message),
                            status=e.status)
    return HttpResponse(format_html('<span class="conf-value conf-revealed" title="{}">{}</span>',
                                    _("Revealed; the reveal is logged"), value))


@login_required
@require_GET
def customer_card(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The customer page's card: what the user sees and why, their request or grant, consents."""
    customer = _customer(request, customer_id)
    lens = selectors.lens_for(request)
    context = {
        "customer": customer,
        "sees": lens.sees(customer, "phone"),
        "duty": lens.duty(customer, "phone"),
        "grant": selectors.grants_in_force(request.user).filter(customer_id=customer.pk).order_by(
            "-expires_at").first(),
        "open_request": selectors.open_request(user=request.user, customer=customer),
        "consents": selectors.consents_of(customer),
        "can_request": request.user.has_perm("accounts.customer_view"),
        "can_consent": request.user.has_perm("accounts.consent_record"),
    }
    return render(request, "confidentiality/_customer_card.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def request_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = AccessRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                req = services.access_request_create(actor=request.user, customer=customer,
                                                     reason=form.cleaned_data["reason"],
                                                     days=form.cleaned_data["days"])
            except PermissionDenied:
                raise
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Access requested: the customer's sales rep's leader or leadership "
                                            "decides."))
                return redirect("confidentiality:request", pk=req.pk)
        status = 422
    return render(request, "confidentiality/request_form.html", {"form": form, "customer": customer},
                  status=status)


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    mine = request.GET.get("mine") == "1"
    qs = selectors.access_request_list(user=request.user, state=state, mine=mine)
    context = {**list_page(request, qs, page_size=PAGE_SIZE).context(), "state": state, "mine": mine,
               "states": [("in_force", _("in force")), ("expired", _("expired")),
                          *AccessRequest.State.choices],
               "to_decide": list(selectors.requests_to_decide(request.user)[:50])
               if selectors.may_decide_some(request.user) else [],
               "can_decide": selectors.may_decide_some(request.user)}
    return render_list(request, "confidentiality/requests.html", context)


def _detail_context(request: HttpRequest, req: AccessRequest, **extra: Any) -> dict[str, Any]:
    may_decide = req.state == AccessRequest.State.REQUESTED and selectors.may_decide(request.user, req)
    refusal = selectors.decide_refusal(request.user, req)
    in_force = req.in_force()
    may_revoke = in_force and (req.requested_by_id == request.user.pk or (refusal is None or refusal[0] != (
        "permission_denied")))
    return {"req": req, "may_decide": may_decide, "in_force": in_force, "may_revoke": may_revoke,
            "sod": refusal[1] if refusal and refusal[0] == "segregation_of_duties" else "",
            "decision_form": extra.get("decision_form") or DecisionForm(initial={"days": req.days}),
            "revoke_form": extra.get("revoke_form") or RevokeForm(), **extra}


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    return render(request, "confidentiality/request.html", _detail_context(request, req))


@login_required
@require_POST
@domain_errors
def request_decide(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    req = _request(request, pk)
    if verb not in ("grant", "refuse"):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_decide(actor=request.user, request=req, grant=verb == "grant",
                                           days=form.cleaned_data.get("days"),
                                           comment=form.cleaned_data.get("comment", ""))
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Access granted.") if verb == "grant" else _("Access refused."))
            return redirect("confidentiality:request", pk=req.pk)
    return render(request, "confidentiality/request.html", _detail_context(request, req, decision_form=form),
                  status=422)


@login_required
@require_POST
@domain_errors
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    services.access_request_withdraw(actor=request.user, request=req)
    messages.success(request, _("Request withdrawn."))
    return redirect("confidentiality:request", pk=req.pk)


@login_required
@require_POST
@domain_errors
def request_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.access_grant_revoke(actor=request.user, request=req, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Grant revoked: the data is masked again for its holder."))
            return redirect("confidentiality:request", pk=req.pk)
    return render(request, "confidentiality/request.html", _detail_context(request, req, revoke_form=form),
                  status=422)


@login_required
@require_GET
def reveal_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.reveal_log_view"):
        return forbidden(request)
    form = RevealFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.reveal_list(user=request.user, user_id=f.get("user"), customer_id=f.get("customer"),
                               field=f.get("field", ""), basis=f.get("basis", ""), channel=f.get("channel", ""),
                               date_from=f.get("date_from"), date_to=f.get("date_to"))
    return render_list(request, "confidentiality/reveals.html",
                       {**list_page(request, qs, page_size=50).context(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def consent_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    if not request.user.has_perm("accounts.consent_record"):
        return forbidden(request, _("Sales and customer service record a customer's consent."))
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.consent_record(actor=request.user, customer=customer, **form.cleaned_data)
            except PermissionDenied:
                raise
            except DomainError as e:
                put_error(form, e)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect("customers:detail", pk=customer.pk)  # the customer page, by its URL name
        status = 422
    return render(request, "confidentiality/consent_form.html", {"form": form, "customer": customer},
                  status=status)
