"""Staff pages of acceptance (P2.5.c), acceptance issues and compensation (P2.5.d): the card on the order page,
the acceptance form (on the customer's behalf), the issue queue with deadlines, the issue page with its steps,
leadership's compensation queue. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import DomainError, NotFound
from ordertaking.common.links import order_url
from ordertaking.common.pages import domain_errors, forbidden, list_page, render_list
from ordertaking.confidentiality.events import events_masked
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.deliveries.models import AcceptanceIssue, Compensation, Criterion, IssueClass
from ordertaking.deliveries.selectors import people_visible
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import order_contact_visible

from . import selectors, services

HttpRequest = AuthedRequest
PAGE_SIZE = 25


def _order(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.order_for(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def _issue(request: HttpRequest, number: str) -> AcceptanceIssue:
    try:
        return selectors.issue_for(request.user, number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def verdicts_from_post(post: Any, line_id: int) -> dict[str, dict[str, Any]]:
    """The four criteria of one line from a form: `l<id>-<criterion>` = accept|reject, `l<id>-<criterion>-note`.
    A criterion left unanswered is absent (the service says which)."""
    out: dict[str, dict[str, Any]] = {}
    for c in Criterion.values:
        choice = post.get(f"l{line_id}-{c}", "")
        if choice in ("accept", "reject"):
            out[c] = {"accepted": choice == "accept", "note": post.get(f"l{line_id}-{c}-note", "")}
    return out


def entries_from_post(post: Any, rows: list[selectors.LineRow]) -> list[tuple[Any, dict[str, Any]]]:
    """The lines the form inspects: those with at least one criterion answered."""
    entries = []
    for row in rows:
        if not row.can_be_inspected:
            continue
        v = verdicts_from_post(post, row.line.pk)
        if v:
            entries.append((row.line, v))
    return entries


@login_required
@require_GET
def acceptance_card(request: HttpRequest, number: str) -> HttpResponse:
    """The order page's acceptance card (orders/detail.html loads it once the order is shipped)."""
    order = _order(request, number)
    rows = selectors.line_rows(order)
    show = order.state in selectors.AFTER_DELIVERY or any(r.delivered for r in rows)
    return render(request, "deliveries/acceptance/_card.html", {
        "order": order, "rows": rows, "show": show, "issues": selectors.order_issues(order) if show else [],
        "can_record": selectors.may_record(request.user, order) and order.state == "delivered"
        and any(r.can_be_inspected for r in rows),
        "can_close": order.state == "accepted" and (selectors.may_record(request.user, order)
                                                  or request.user.has_perm("accounts.finance_manage")),
        "paid": selectors.order_paid_in_full(order) if order.state == "accepted" else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def acceptance_form(request: HttpRequest, number: str) -> HttpResponse:
    """P2.5.c on the customer's behalf: each delivered line by the four criteria, with notes."""
    order = _order(request, number)
    if not selectors.may_record(request.user, order):
        return forbidden(request, _("Only the order's sales rep or the order processing center records acceptance "
                                    "on the customer's behalf."))
    rows = selectors.line_rows(order)
    error: DomainError | None = None
    if request.method == "POST":
        try:
            issues = services.acceptance_record(order=order, entries=entries_from_post(request.POST, rows),
                                                actor=request.user,
                                                customer_name=request.POST.get("customer_name", ""))
        except DomainError as e:
            error = e
        else:
            if issues:
                messages.warning(request, _("Recorded. Acceptance issue opened: %(issues)s.")
                                 % {"issues": ", ".join(i.number for i in issues)})
            else:
                messages.success(request, _("Acceptance recorded."))
            return redirect(order_url(order.number))
    return render(request, "deliveries/acceptance/form.html", {
        "order": order, "rows": rows, "criteria": Criterion.choices, "error": error, "post": request.POST,
        "customer_name": request.POST.get("customer_name", "") if request.method == "POST"
        else (order.contact_name if order_contact_visible(request.user, order) else ""),  # P4.1.c
    }, status=400 if error else 200)


@login_required
@require_POST
@domain_errors(back=lambda request, number: order_url(number))
def order_close(request: HttpRequest, number: str) -> HttpResponse:
    order = _order(request, number)
    services.order_close(order=order, actor=request.user)
    messages.success(request, _("Order closed."))
    return redirect(order_url(order.number))


# --- issues ------------------------------------------------------------------------------------------------

@login_required
@require_GET
def issue_list(request: HttpRequest) -> HttpResponse:
    """The queue of acceptance issues with their deadlines (P2.5.d)."""
    if not selectors.may_see_issues(request.user):
        return forbidden(request)
    f = {k: request.GET.get(k, "") for k in ("state", "issue_class", "due", "order")}
    if "state" not in request.GET:
        f["state"] = "open"
    qs = selectors.issue_list(request.user, state=f["state"], issue_class=f["issue_class"], due=f["due"],
                              order=f["order"])
    listed = list_page(request, qs, page_size=PAGE_SIZE)
    return render_list(request, "deliveries/acceptance/issues.html", {
        **listed.context(), "f": f, "states": AcceptanceIssue.State.choices, "classes": IssueClass.choices,
        "today": timezone.localdate()}, partial="issue-table")


def _issue_context(request: HttpRequest, issue: AcceptanceIssue) -> dict[str, Any]:
    user = request.user
    handler = selectors.may_handle(user, issue)
    comps = list(issue.compensations.select_related("requested_by", "decided_by", "credit_note"))
    for c in comps:
        c.refusal = services.compensation_decide_refusal(c, user)  # type: ignore[attr-defined]
    S = AcceptanceIssue.State
    # P4.1.c: the people at the customer (who raised it, who accepted the result, the contact prefilled, the
    # history's names) in full only for whoever sees the order's contact
    visible = people_visible(user, issue.order, lens_for(request))
    events = [e for e in timeline(issue.order) if (e.after or {}).get("issue") == issue.number]
    return {
        "issue": issue, "order": issue.order, "updates": selectors.issue_updates(issue), "compensations": comps,
        "names_visible": visible,
        "contact_prefill": issue.order.contact_name if visible else "",
        "today": timezone.localdate(),
        "can_classify": selectors.may_classify(user, issue) and issue.state == S.OPEN,
        "can_analyse": handler and issue.is_major and issue.state in (S.OPEN, S.ANALYSED),
        "can_solve": handler and issue.is_major and issue.state in (S.ANALYSED, S.SOLUTION),
        "can_resolve": handler and ((not issue.is_major and issue.state == S.OPEN)
                                    or (issue.is_major and issue.state == S.SOLUTION)),
        "can_progress": handler and issue.is_open,
        "can_record_result": selectors.may_record(user, issue.order) and issue.state == S.RESOLVED,
        "can_request_compensation": user.has_perm("accounts.compensation_request")
        and (issue.order.sales_rep_id == user.pk or user.has_role("order_center"))
        and not any(c.state == Compensation.State.REQUESTED for c in comps),
        "department_labels": _department_labels(),
        "responsible_department_label": dict(_department_labels()).get(issue.responsible_department, ""),
        "classes": IssueClass.choices,
        "events": events if visible else events_masked(events),
    }


def _department_labels() -> list[tuple[str, str]]:
    from ordertaking.accounts.roles import ROLE_LABELS

    return [(str(d), str(ROLE_LABELS[d])) for d in services.DEPARTMENTS]


@login_required
@require_GET
def issue_detail(request: HttpRequest, number: str) -> HttpResponse:
    issue = _issue(request, number)
    return render(request, "deliveries/acceptance/issue.html", _issue_context(request, issue))


def _issue_back(request: HttpRequest, number: str, **kwargs: Any) -> str:
    return reverse("deliveries:issue", args=[number])


ISSUE_ACTIONS = {
    "classify": lambda r, i: services.issue_classify(issue=i, actor=r.user, issue_class=r.POST.get("issue_class", "")),
    "analyse": lambda r, i: services.issue_analyse(issue=i, actor=r.user, cause=r.POST.get("cause", ""),
                                                   responsible_department=r.POST.get("responsible_department", "")),
    "solve": lambda r, i: services.issue_solve(issue=i, actor=r.user, solution=r.POST.get("solution", "")),
    "progress": lambda r, i: services.issue_progress_add(issue=i, actor=r.user, text=r.POST.get("text", "")),
    "resolve": lambda r, i: services.issue_resolve(issue=i, actor=r.user, result=r.POST.get("result", "")),
    "result_accept": lambda r, i: services.issue_result_accept(issue=i, actor=r.user,
                                                               customer_name=r.POST.get("customer_name", "")),
    "result_reject": lambda r, i: services.issue_result_reject(issue=i, actor=r.user,
                                                               customer_name=r.POST.get("customer_name", ""),
                                                               reason=r.POST.get("reason", "")),
    "compensation": lambda r, i: services.compensation_request(issue=i, actor=r.user, amount=r.POST.get("amount"),
                                                               basis=r.POST.get("basis", "")),
}


@login_required
@require_POST
@domain_errors(back=_issue_back)
def issue_act(request: HttpRequest, number: str, verb: str) -> HttpResponse:
    """One step of the issue (the verb names the service); a refusal is shown on the issue page."""
    issue = _issue(request, number)
    action = ISSUE_ACTIONS.get(verb)
    if action is None:
        raise Http404(verb)
    action(request, issue)
    messages.success(request, _("Saved."))
    return redirect(_issue_back(request, issue.number))


COMPENSATION_ACTIONS = {
    "approve": lambda r, c: services.compensation_approve(compensation=c, actor=r.user,
                                                          comment=r.POST.get("comment", "")),
    "refuse": lambda r, c: services.compensation_refuse(compensation=c, actor=r.user,
                                                        comment=r.POST.get("comment", "")),
    "withdraw": lambda r, c: services.compensation_withdraw(compensation=c, actor=r.user),
}


@login_required
@require_POST
@domain_errors(back=lambda request, number, pk, verb: reverse("deliveries:issue", args=[number]))
def compensation_act(request: HttpRequest, number: str, pk: int, verb: str) -> HttpResponse:
    issue = _issue(request, number)
    comp = selectors.compensation_for(request.user, pk)
    if comp.issue_id != issue.pk or verb not in COMPENSATION_ACTIONS:
        raise Http404(verb)
    COMPENSATION_ACTIONS[verb](request, comp)
    messages.success(request, _("Saved."))
    return redirect(_issue_back(request, issue.number))


@login_required
@require_GET
def compensation_queue(request: HttpRequest) -> HttpResponse:
    """Leadership's queue: compensations waiting for approval, oldest first (never one's own)."""
    if not request.user.has_perm("accounts.compensation_approve"):
        return forbidden(request)
    listed = list_page(request, selectors.compensations_waiting(request.user), page_size=PAGE_SIZE)
    return render_list(request, "deliveries/acceptance/compensations.html", listed.context(),
                       partial="comp-table")
