"""The customer's acceptance pages (P2.5.c, P2.5.d), reached through the order's private link (portal's
`portal_view`: the token is checked, only the link's own order is reachable): acceptance of each delivered line
by the four criteria on the phone, and the acceptance issues with their progress and the result to accept.
Mounted in ordertaking/urls.py under p/<token>/acceptance/ (the portal sections "Acceptance" and "Issues",
registered in deliveries' ready())."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.common.errors import DomainError, NotFound
from ordertaking.deliveries.models import AcceptanceIssue, Criterion
from ordertaking.portal.pages import portal_view

from . import selectors, services
from .views import entries_from_post


@require_http_methods(["GET", "POST"])
@portal_view
def acceptance(request: Any, token: str) -> HttpResponse:
    """P2.5.c: the customer inspects each delivered line by quantity, specification, quality and performance."""
    order = request.portal_order
    rows = selectors.line_rows(order)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            issues = services.acceptance_record(order=order, entries=entries_from_post(request.POST, rows),
                                                portal_link=request.portal_link,
                                                customer_name=request.POST.get("customer_name", ""))
        except DomainError as e:
            error = e
        else:
            if issues:
                messages.warning(request, _("Thank you. The sales staff have your remarks and will contact you: "
                                            "you can follow the issue here."))
                return redirect("acceptance_portal:issues", token=token)
            messages.success(request, _("Thank you: your acceptance is recorded."))
            return redirect("acceptance_portal:acceptance", token=token)
        rows = selectors.line_rows(order)
    return render(request, "deliveries/acceptance/portal_acceptance.html", {
        "rows": rows, "criteria": Criterion.choices, "error": error,
        "customer_name": request.POST.get("customer_name", "") if request.method == "POST" else order.contact_name,
        "can_inspect": order.state == "delivered" and any(r.can_be_inspected for r in rows),
    }, status=400 if error else 200)


@require_GET
@portal_view
def issues(request: Any, token: str) -> HttpResponse:
    """P2.5.d: the order's acceptance issues, their progress and result, for the customer."""
    items = list(AcceptanceIssue.objects.filter(order=request.portal_order).select_related("line")
                 .prefetch_related("updates").order_by("-opened_at", "-id"))
    return render(request, "deliveries/acceptance/portal_issues.html", {"issues": items})


def _issue(request: Any, number: str) -> AcceptanceIssue:
    try:
        return selectors.issue_of_order(request.portal_order, number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


@require_POST
@portal_view
def issue_answer(request: Any, token: str, number: str) -> HttpResponse:
    """P2.5.d: the customer accepts the result of an issue, or says what is still wrong."""
    issue = _issue(request, number)
    name = request.POST.get("customer_name", "")
    try:
        if request.POST.get("answer") == "accept":
            services.issue_result_accept(issue=issue, portal_link=request.portal_link, customer_name=name)
            messages.success(request, _("Thank you: the issue is closed."))
        else:
            services.issue_result_reject(issue=issue, portal_link=request.portal_link, customer_name=name,
                                         reason=request.POST.get("reason", ""))
            messages.info(request, _("Thank you: the sales staff will continue on the issue."))
    except DomainError as e:
        messages.error(request, str(e.message))
    return redirect("acceptance_portal:issues", token=token)


def acceptance_available(order: Any) -> bool:
    return bool(order.state in selectors.AFTER_DELIVERY or selectors.delivered_quantities(order))


def acceptance_badge(order: Any) -> str:
    if order.state != "delivered":
        return ""
    return str(_("To inspect")) if any(r.can_be_inspected for r in selectors.line_rows(order)) else ""


def issues_available(order: Any) -> bool:
    return AcceptanceIssue.objects.filter(order=order).exists()


def issues_badge(order: Any) -> str:
    waiting = AcceptanceIssue.objects.filter(order=order, state=AcceptanceIssue.State.RESOLVED).exists()
    return str(_("Your answer")) if waiting else ""
