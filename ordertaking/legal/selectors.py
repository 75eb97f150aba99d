"""Reads of the legal app scoped to a user (P5.3): the legal adviser's queue, one order's legal panel, the
compliance reviews."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.common.errors import NotFound
from ordertaking.common.links import order_url
from ordertaking.common.queues import Queue
from ordertaking.orders.models import Order
from ordertaking.orders.selectors import visible_orders
from ordertaking.orders.states import OrderState

from . import rules
from .checks import amount_threshold, order_legal_facts
from .models import ComplianceItem, ComplianceReview, LegalReview, LegalThreshold
from .services import legal_sod_refusal


def _can(user: Any, capability: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(f"accounts.{capability}"))


def may_see_legal(user: Any) -> bool:
    return _can(user, "legal_review") or _can(user, "compliance_review_view")


# --- the legal adviser's queue ------------------------------------------------------------------------

def legal_queue(*, user: Any, state: str = LegalReview.State.PENDING, q: str = "") -> QuerySet[LegalReview]:
    """Flagged revisions (the pending ones by default: orders whose approval waits for the legal opinion,
    oldest first). Pending ones count only while their order is still pending review in that revision."""
    if not may_see_legal(user):
        return LegalReview.objects.none()
    qs = LegalReview.objects.select_related("order", "order__customer", "order__sales_rep", "decided_by")
    if state == LegalReview.State.PENDING:
        qs = qs.filter(state=state, order__revision=F("revision"),
                       order__state__in=(OrderState.SUBMITTED, OrderState.CREDIT_HOLD))
    elif state in LegalReview.State.values:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(Q(order__number__icontains=q) | Q(order__customer__name__icontains=q))
    if state == LegalReview.State.PENDING:
        return qs.order_by("flagged_at", "id")
    return qs.order_by("-flagged_at", "-id")


def queue_rows(reviews: list[LegalReview]) -> list[dict[str, Any]]:
    return [{"review": r, "order": r.order, "reasons": rules.reasons_text(r.reasons, r.details),
             "reason_labels": [str(rules.Reason(c).label) for c in r.reasons if c in rules.Reason.values]}
            for r in reviews]


# --- one order's legal panel -----------------------------------------------------------------------------

def order_for_legal(*, user: Any, number: str) -> Order:
    order = visible_orders(user).select_related("customer", "sales_rep").filter(number=number).first()
    if order is None:
        raise NotFound(_("No order %(number)s.") % {"number": number}, code="not_found")
    return order


def legal_panel_context(*, order: Order, user: Any) -> dict[str, Any]:
    """What `legal/_panel.html` shows: the current revision's flags and reasons, every revision's opinion,
    and the opinion form for a legal adviser who is no party to the order."""
    reviews = list(LegalReview.objects.filter(order_id=order.pk).select_related("decided_by")
                   .order_by("-revision"))
    current = next((r for r in reviews if r.revision == order.revision), None)
    live_reasons: list[str] = []
    if current is None and order.state in (OrderState.SUBMITTED, OrderState.CREDIT_HOLD):
        facts = order_legal_facts(order, with_review=False)
        live_reasons = [str(c) for c in rules.legal_reasons(facts)]
        live_text = rules.reasons_text(live_reasons, rules.reason_details(facts))
    else:
        live_text = ""
    is_adviser = _can(user, "legal_review")
    sod = legal_sod_refusal(order, user) if is_adviser and current is not None else None
    pending = (current is not None and current.state == LegalReview.State.PENDING
               and order.state in (OrderState.SUBMITTED, OrderState.CREDIT_HOLD))
    return {
        "order": order,
        "reviews": [{"r": r, "reasons": rules.reasons_text(r.reasons, r.details)} for r in reviews],
        "current": current,
        "live_reasons": live_text,
        "pending": pending,
        "can_decide": is_adviser and pending and sod is None,
        "sod_reason": sod if pending else None,
        "errors": {},
        "values": {},
        "shown": bool(reviews or live_reasons),
    }


# --- the threshold ----------------------------------------------------------------------------------------

def threshold_history(limit: int = 20) -> list[LegalThreshold]:
    return list(LegalThreshold.objects.select_related("set_by").order_by("-set_at", "-id")[:limit])


def threshold_now() -> Any:
    return amount_threshold()


# --- compliance reviews ------------------------------------------------------------------------------------

def compliance_reviews(*, user: Any) -> QuerySet[ComplianceReview]:
    if not _can(user, "compliance_review_view"):
        return ComplianceReview.objects.none()
    answered = Count("items", filter=~Q(items__result=""))
    return (ComplianceReview.objects.select_related("assignee", "completed_by", "signed_off_by")
            .annotate(item_count=Count("items"), answered_count=answered).order_by("-period_start"))


def compliance_review_get(*, user: Any, pk: int) -> ComplianceReview:
    review = compliance_reviews(user=user).filter(pk=pk).first()
    if review is None:
        raise NotFound(_("No such compliance review."), code="not_found")
    return review


def compliance_items(review: ComplianceReview) -> list[dict[str, Any]]:
    items = list(ComplianceItem.objects.filter(review=review).select_related("follow_up_owner", "answered_by")
                 .order_by("position"))
    return [{"item": it, "title": rules.CHECKLIST_WORDS.get(it.key, (it.key, ""))[0],
             "guidance": rules.CHECKLIST_WORDS.get(it.key, ("", ""))[1]} for it in items]


def follow_up_owners() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(groups__name=Role.ADMIN).order_by("username").distinct()


# --- the home queue -------------------------------------------------------------------------------------

def home_queues(user: Any) -> list[Queue]:
    queues: list[Queue] = []
    if _can(user, "legal_review"):
        qs = legal_queue(user=user)
        items = [{"label": r.order.number, "url": order_url(r.order.number, "legal-panel"),
                  "meta": r.order.customer.name, "is_order": True} for r in qs[:5]]
        queues.append(Queue(key="legal_review", title=_("Waiting for my legal opinion"), count=qs.count(),
                            items=items, url=reverse("legal:queue"),
                            empty_text=_("No orders waiting for a legal opinion.")))
    if _can(user, "compliance_review_manage"):
        mine = ComplianceReview.objects.exclude(state=ComplianceReview.State.SIGNED_OFF)
        mine = (mine.filter(Q(assignee_id=user.pk, state=ComplianceReview.State.IN_PROGRESS))
                if user.has_role(Role.LEGAL) else mine.filter(state=ComplianceReview.State.COMPLETED))
        items = [{"label": str(r), "url": reverse("legal:compliance", args=[r.pk]),
                  "meta": r.get_state_display()} for r in mine.order_by("period_start")[:5]]
        if items:
            queues.append(Queue(key="compliance_reviews", title=_("Compliance reviews"), count=mine.count(),
                                items=items, url=reverse("legal:compliance_list"),
                                empty_text=_("No compliance review waiting.")))
    return queues
