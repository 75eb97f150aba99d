"""Reads of the review scoped to a user (P2.3, P3.3): the queues, one order's review panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from ordertaking.common.errors import NotFound
from ordertaking.common.findings import Finding
from ordertaking.common.links import order_url
from ordertaking.common.queues import Queue
from ordertaking.orders.models import Order
from ordertaking.orders.permissions import order_authors_each
from ordertaking.orders.selectors import order_get, visible_orders  # the one order visibility (P4.2.a, P4.1.c)
from ordertaking.orders.states import OrderState, can_move

from . import rules
from .checks import order_findings
from .models import ReviewDecision, ReviewFinding, SpecialApproval
from .permissions import review_sod_refusal, special_approval_can_decide, special_approval_sod_refusal
from .services import covering_approvals


def _can(user: Any, capability: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(f"accounts.{capability}"))


def order_for_review(*, user: Any, number: str) -> Order:
    """The order by its number (P2.2.c), or NotFound when it does not exist or is not the user's to see."""
    return order_get(user=user, number=number)  # one read of an order by number, compiled once


def special_approval_for(*, user: Any, pk: int) -> SpecialApproval:
    """A special approval the user may see: leaders and the order center see all; others their orders'."""
    qs = SpecialApproval.objects.select_related("order", "requested_by", "decided_by")
    if not (_can(user, "special_approval_decide") or _can(user, "order_review")):
        qs = qs.filter(order__in=visible_orders(user))
    sa = qs.filter(pk=pk).first()
    if sa is None:
        raise NotFound(_("No such special approval."), code="not_found")
    return sa


# --- one order's review panel -------------------------------------------------------------

@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    covered: bool


def current_findings(order: Order, *, live: bool) -> list[Finding]:
    """Live checks (what a reviewer opening the order sees), or the stored ones of the revision."""
    if live:
        return order_findings(order)
    return [f.finding() for f in ReviewFinding.objects.filter(order_id=order.pk, revision=order.revision)]


def review_panel_context(*, order: Order, user: Any) -> dict[str, Any]:
    """Everything `review/_panel.html` shows; the checks are re-run live for a reviewer (P2.3.a/b)."""
    is_reviewer = _can(user, "order_review")
    submitted = order.state == OrderState.SUBMITTED
    live = submitted and (is_reviewer or _can(user, "special_approval_decide"))
    findings = current_findings(order, live=live)
    approvals = list(SpecialApproval.objects.filter(order_id=order.pk)
                     .select_related("requested_by", "decided_by").order_by("requested_at"))
    # a granted 特批 keeps covering its findings after approval: the panel of an approved order
    # must not show them as open again
    covered = ({c for a in covering_approvals(order) for c in a.finding_codes}
               if order.state != OrderState.DRAFT else set())
    rows = [FindingRow(f, f.blocking and f.code in covered) for f in findings]
    open_blocking = rules.uncovered_blocking(findings, covered)
    open_request = next((a for a in approvals if a.state == SpecialApproval.State.REQUESTED), None)
    # P2.3.c: the same predicate as the services; the reason is shown instead of the buttons.
    sod_reason = review_sod_refusal(order, user) if is_reviewer and (submitted or can_move(order.state, "return")) \
        else None
    reviewer_ok = is_reviewer and sod_reason is None
    may_ask = _can(user, "special_approval_request") and (
        is_reviewer or user.pk in (order.sales_rep_id, order.entered_by_id))
    return {
        "findings": rows,
        "live": live,
        "open_blocking_count": len(open_blocking),
        "decisions": list(ReviewDecision.objects.filter(order_id=order.pk).select_related("reviewer")
                          .order_by("decided_at", "id")),
        "special_approvals": approvals,
        "open_request": open_request,
        "is_reviewer": is_reviewer,
        "sod_blocked": sod_reason is not None,
        "sod_reason": sod_reason,
        "can_approve": reviewer_ok and submitted and not open_blocking,
        "approve_blocked": reviewer_ok and submitted and bool(open_blocking),
        # P5.3: only the legal adviser's opinion unblocks these, never a special approval
        "legal_blocked": any(f.code in rules.NOT_COVERABLE for f in open_blocking),
        "can_return": reviewer_ok and can_move(order.state, "return"),
        "can_request_special": may_ask and submitted and bool(rules.coverable(open_blocking))
        and open_request is None,
        "can_decide_special": open_request is not None and special_approval_can_decide(open_request, user),
        "errors": {},
        "values": {},
    }


# --- queues -------------------------------------------------------------------------------

def review_queue(*, user: Any, q: str = "", blocking: str = "", special: str = "",
                 sales_rep: str = "", sort: str = "submitted_at") -> QuerySet[Order]:
    """Orders pending review (待审核), oldest first (P3.3); one query with counts, no N+1."""
    if not _can(user, "order_review"):
        return Order.objects.none()
    findings_sq = (ReviewFinding.objects.filter(order_id=OuterRef("pk"), revision=OuterRef("revision"),
                                                blocking=True)
                   .order_by().values("order_id").annotate(n=Count("id")).values("n"))
    sa_sq = (SpecialApproval.objects.filter(order_id=OuterRef("pk"), revision=OuterRef("revision"))
             .order_by("-requested_at").values("state")[:1])
    qs = (Order.objects.filter(state=OrderState.SUBMITTED)
          .select_related("customer", "sales_rep")
          .annotate(blocking_count=Subquery(findings_sq), special_state=Subquery(sa_sq)))
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(customer__name__icontains=q))
    if blocking == "yes":
        qs = qs.filter(blocking_count__gt=0)
    elif blocking == "no":
        qs = qs.filter(Q(blocking_count__isnull=True) | Q(blocking_count=0))
    if special in {s.value for s in SpecialApproval.State}:
        qs = qs.filter(special_state=special)
    elif special == "none":
        qs = qs.filter(special_state__isnull=True)
    if sales_rep.isdigit():
        qs = qs.filter(sales_rep_id=int(sales_rep))
    orderings = {
        "submitted_at": ("submitted_at", "id"), "-submitted_at": ("-submitted_at", "-id"),
        "total_amount": ("total_amount", "id"), "-total_amount": ("-total_amount", "-id"),
        "number": ("number",), "-number": ("-number",),
        "customer": ("customer__name", "id"), "-customer": ("-customer__name", "-id"),
    }
    return qs.order_by(*orderings.get(sort, orderings["submitted_at"]))


def special_queue(*, user: Any, state: str = SpecialApproval.State.REQUESTED) -> QuerySet[SpecialApproval]:
    """Special approvals for leaders (P2.3.c); waiting ones by default, oldest first."""
    if not _can(user, "special_approval_decide"):
        return SpecialApproval.objects.none()
    qs = SpecialApproval.objects.select_related("order", "order__customer", "order__sales_rep",
                                                "requested_by", "decided_by")
    if state in {s.value for s in SpecialApproval.State}:
        qs = qs.filter(state=state)
    return qs.order_by("requested_at", "id")


def my_special_requests(*, user: Any) -> QuerySet[SpecialApproval]:
    return (SpecialApproval.objects.filter(requested_by_id=user.pk).select_related("order")
            .order_by("-requested_at"))


def age_days(since: Any, *, today: date | None = None) -> int | None:
    if since is None:
        return None
    return ((today or timezone.localdate()) - timezone.localtime(since).date()).days


def last_return_opinion() -> Subquery:
    """The opinion of the order's latest return (P2.3.c), as a subquery on the order's pk: the
    sales rep's "returned to me" card shows it (orders.selectors.home_queues)."""
    opinion = ReviewDecision.objects.filter(order=OuterRef("pk"), outcome="returned").order_by("-decided_at")
    return Subquery(opinion.values("opinion")[:1])


def home_queues(user: Any) -> list[Queue]:
    queues: list[Queue] = []
    if _can(user, "order_review"):
        qs = review_queue(user=user)
        items = [{"label": o.number, "url": order_url(o.number), "meta": o.customer.name, "is_order": True}
                 for o in qs[:5]]
        queues.append(Queue(key="review", title=_("Review queue"), count=qs.count(), items=items,
                            url=reverse("review:queue"), empty_text=_("No orders waiting for review.")))
    if _can(user, "special_approval_decide"):
        sq = special_queue(user=user).exclude(requested_by_id=user.pk)
        items = [{"label": a.order.number, "url": reverse("review:special_queue") + f"#sa-{a.pk}",
                  "meta": a.requested_by, "is_order": True} for a in sq[:5]]
        queues.append(Queue(key="special_waiting", title=_("Special approvals waiting for me"), count=sq.count(),
                            items=items, url=reverse("review:special_queue"),
                            empty_text=_("No special approvals waiting.")))
    if _can(user, "special_approval_request") and not _can(user, "order_review"):
        # Requests whose order still waits for review: waiting for a leader, or decided and now
        # back with the reviewer.
        mine = my_special_requests(user=user).filter(order__state=OrderState.SUBMITTED)
        items = [{"label": a.order.number, "url": order_url(a.order.number), "meta": a.get_state_display(),
                  "is_order": True} for a in mine[:5]]
        queues.append(Queue(key="special_mine", title=_("My special approval requests"),
                            count=mine.count(), items=items,
                            empty_text=_("You have not asked for special approval.")))
    return queues


def special_cards(approvals: list[SpecialApproval], *, user: Any) -> list[dict[str, Any]]:
    """Each special approval with the stored findings of the revision it is about (one query for all)."""
    order_ids = {a.order_id for a in approvals}
    by_key: dict[tuple[int, int], list[ReviewFinding]] = {}
    for f in ReviewFinding.objects.filter(order_id__in=order_ids).order_by("order_id", "line", "id"):
        by_key.setdefault((f.order_id, f.revision), []).append(f)
    may_decide = _can(user, "special_approval_decide")
    waiting = [a for a in approvals if a.state == SpecialApproval.State.REQUESTED]
    authors = order_authors_each(list({a.order_id: a.order for a in waiting}.values())) if may_decide else {}
    refusals = {a.pk: special_approval_sod_refusal(a, user, authors[a.order_id]) for a in waiting} \
        if may_decide else {}
    return [{
        "sa": a,
        "order": a.order,
        "findings": [{"f": f, "covered": f.code in a.finding_codes}
                     for f in by_key.get((a.order_id, a.revision), [])],
        "can_decide": may_decide and a.state == SpecialApproval.State.REQUESTED and refusals[a.pk] is None,
        "sod_reason": refusals.get(a.pk),
        "own_request": a.requested_by_id == user.pk,
        "errors": {},
        "values": {},
    } for a in approvals]


# --- the duty handed down to confidentiality (ReviewConfig.ready) ----------------------------------------

REVIEWING = gettext_lazy("order center reviewing the customer's order")


def review_duty_scope(user: Any) -> set[int]:
    """The customers with an order waiting for review, for those who review orders (P2.3.a)."""
    if not user.has_perm("accounts.order_review"):
        return set()
    return set(Order.objects.filter(state=OrderState.SUBMITTED).values_list("customer_id", flat=True).distinct())


def review_duty(user: Any, customer: Any, field: str) -> Any:
    """P4.1.c, P2.3.a: the reviewer checks that the customer information is genuine and complete."""
    return REVIEWING if customer.pk in review_duty_scope(user) else None
