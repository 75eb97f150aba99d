"""Reads of confidential customer data (P4.1.c): the one rule deciding whether a user sees a customer's
value unmasked, and the lists of requests, grants, reveals and consents.

The rule: a value is shown unmasked on pages, in API answers and in PDFs to whoever holds a **duty**
for that customer and field (`duties.py`). Whoever holds a **grant** in force (an access request
approved, not expired, not revoked) sees it masked with a reveal action, which logs the reveal; an
export carries unmasked what a duty or a grant covers and logs each customer and field it carries.
Everyone else sees it masked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue

from . import duties, rules
from .models import AccessRequest, Consent, Field, RevealLog


@dataclass(frozen=True)
class Basis:
    """Why a user may see a value: a duty (its reason) or a grant (its id)."""

    kind: str  # RevealLog.Basis
    reason: Any = None
    grant_id: int | None = None

    @property
    def duty_words(self) -> str:
        """The duty's words as written (msgid), stored in the reveal log and translated when shown."""
        if self.reason is None:
            return ""
        with translation.override(None):
            return str(self.reason)


def grants_in_force(user: Any, *, now: datetime | None = None) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(requested_by_id=user.pk, state=AccessRequest.State.GRANTED,
                                        expires_at__gt=now or timezone.now())


def duty_for(user: Any, customer: Any, field: str) -> Any:
    """The first duty covering `user` for the customer's `field`, or None."""
    if not user or not user.is_authenticated or customer is None:
        return None
    for fn, _scope in duties.duties():
        reason = fn(user, customer, field)
        if reason:
            return reason
    return None


class Lens:
    """One user's view of confidential data, for one request or export: the duties asked once per
    customer and field, the grants in force read once (one query)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._duty: dict[tuple[int, str], Any] = {}
        self._grants: dict[int, int] | None = None
        self._scopes: dict[int, set[int]] = {}

    def duty(self, customer: Any, field: str) -> Any:
        if customer is None:
            return None
        k = (customer.pk, str(field))
        if k not in self._duty:
            self._duty[k] = self._ask(customer, str(field))
        return self._duty[k]

    def _ask(self, customer: Any, field: str) -> Any:
        if not self.user or not self.user.is_authenticated:
            return None
        for i, (fn, scope) in enumerate(duties.duties()):
            if scope is not None:
                if i not in self._scopes:
                    self._scopes[i] = set(scope(self.user) or ())
                if customer.pk not in self._scopes[i]:
                    continue
            reason = fn(self.user, customer, field)
            if reason:
                return reason
        return None

    def grant_id(self, customer: Any) -> int | None:
        if customer is None or not self.user.is_authenticated:
            return None
        if self._grants is None:
            self._grants = {}
            for customer_id, pk in grants_in_force(self.user).order_by("expires_at").values_list("customer_id",
                                                                                                  "pk"):
                self._grants[customer_id] = pk  # the one lasting longest wins
        return self._grants.get(customer.pk)

    def sees(self, customer: Any, field: str) -> bool:
        """Unmasked on pages, in API answers and PDFs: by duty only."""
        return bool(self.duty(customer, field))

    def basis(self, customer: Any, field: str) -> Basis | None:
        """Duty first, else a grant in force: what reveals and exports are logged under."""
        reason = self.duty(customer, field)
        if reason:
            return Basis(RevealLog.Basis.DUTY, reason=reason)
        grant = self.grant_id(customer)
        return Basis(RevealLog.Basis.GRANT, grant_id=grant) if grant else None

    def may_reveal(self, customer: Any, field: str) -> bool:
        return not self.sees(customer, field) and self.grant_id(customer) is not None

    def show(self, customer: Any, field: str, value: Any, *, key: str = "") -> Any:
        """The value as this user sees it on a page, in an API answer or a PDF (P4.1.c)."""
        return value if self.sees(customer, field) else rules.mask(field, value, key=key)


def lens_for(request_or_user: Any) -> Lens:
    """The lens of a request's user, kept on the request so a page asks each question once."""
    user = getattr(request_or_user, "user", request_or_user)
    cached = getattr(request_or_user, "_confidential_lens", None)
    if isinstance(cached, Lens) and cached.user is user:
        return cached
    lens = Lens(user)
    if user is not request_or_user:
        request_or_user._confidential_lens = lens
    return lens


def sees(user: Any, customer: Any, field: str) -> bool:
    """P4.1.c in one call: does `user` see the customer's `field` unmasked (by duty)."""
    return Lens(user).sees(customer, field)


def show(user: Any, customer: Any, field: str, value: Any, *, key: str = "") -> Any:
    return Lens(user).show(customer, field, value, key=key)


# --- who decides -----------------------------------------------------------------------------------

def rep_leader_id(customer: Any) -> int | None:
    rep = getattr(customer, "sales_rep", None)
    return getattr(rep, "leader_id", None) if rep is not None else None


def may_decide(user: Any, req: AccessRequest) -> bool:
    return bool(user.is_authenticated and decide_refusal(user, req) is None)


def decide_refusal(user: Any, req: AccessRequest) -> tuple[str, str] | None:
    """(code, message) when `user` may not decide `req`: the role (403 permission_denied) or their own
    request (403 segregation_of_duties)."""
    refusal = rules.decide_permission_refusal(
        decider_id=user.pk, may_decide_all=user.has_perm("accounts.confidential_access_decide"),
        rep_leader_id=rep_leader_id(req.customer))
    if refusal:
        return "permission_denied", refusal
    refusal = rules.decide_sod_refusal(decider_id=user.pk, requester_id=req.requested_by_id)
    if refusal:
        return "segregation_of_duties", refusal
    return None


def may_decide_some(user: Any) -> bool:
    """Leadership, or a leader with a team (the reps whose customers' requests they decide)."""
    if not user.is_authenticated:
        return False
    return user.has_perm("accounts.confidential_access_decide") or user.team.exists()


def requests_to_decide(user: Any) -> QuerySet[AccessRequest]:
    """The requests waiting for `user`'s decision: all of them for leadership, those on their team's
    customers for a leader; never their own."""
    qs = AccessRequest.objects.filter(state=AccessRequest.State.REQUESTED).exclude(requested_by_id=user.pk)
    if not user.has_perm("accounts.confidential_access_decide"):
        qs = qs.filter(customer__sales_rep__leader_id=user.pk)
    return qs.select_related("customer", "requested_by").order_by("requested_at", "id")


def access_request_list(*, user: Any, state: str = "", mine: bool = False) -> QuerySet[AccessRequest]:
    """A user's own requests; deciders see those they decide (all for leadership, their team's for a
    leader) and auditors with `reveal_log_view` see all."""
    qs = AccessRequest.objects.select_related("customer", "requested_by", "decided_by", "revoked_by")
    if mine or not (user.has_perm("accounts.confidential_access_decide") or user.has_perm(
            "accounts.reveal_log_view")):
        scope = Q(requested_by_id=user.pk)
        if not mine and user.team.exists():
            scope |= Q(customer__sales_rep__leader_id=user.pk)
        qs = qs.filter(scope)
    if state == "in_force":
        qs = qs.filter(state=AccessRequest.State.GRANTED, expires_at__gt=timezone.now())
    elif state == "expired":
        qs = qs.filter(state=AccessRequest.State.GRANTED, expires_at__lte=timezone.now())
    elif state in AccessRequest.State.values:
        qs = qs.filter(state=state)
    return qs.order_by("-requested_at", "-id")


def access_request_get(*, user: Any, pk: Any) -> AccessRequest:
    req = access_request_list(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    if req is None:
        raise NotFound(_("No such access request."))
    return req


def customer_requests(*, user: Any, customer: Any) -> list[AccessRequest]:
    """The user's own requests for the customer (to show on the customer page)."""
    return list(AccessRequest.objects.filter(customer_id=customer.pk, requested_by_id=user.pk).order_by(
        "-requested_at", "-id")[:5])


def open_request(*, user: Any, customer: Any) -> AccessRequest | None:
    return AccessRequest.objects.filter(customer_id=customer.pk, requested_by_id=user.pk,
                                        state=AccessRequest.State.REQUESTED).first()


# --- the reveal log --------------------------------------------------------------------------------

def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def reveal_list(*, user: Any, user_id: int | None = None, customer_id: int | None = None, field: str = "",
                basis: str = "", channel: str = "", date_from: date | None = None,
                date_to: date | None = None) -> QuerySet[RevealLog]:
    """The reveal log for auditors and leadership (`reveal_log_view`), filtered; nobody else sees it."""
    if not user.is_authenticated or not user.has_perm("accounts.reveal_log_view"):
        return RevealLog.objects.none()
    qs = RevealLog.objects.select_related("user", "customer", "grant")
    if user_id:
        qs = qs.filter(user_id=user_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if field in Field.values:
        qs = qs.filter(field=field)
    if basis in RevealLog.Basis.values:
        qs = qs.filter(basis=basis)
    if channel in RevealLog.Channel.values:
        qs = qs.filter(channel=channel)
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return qs.order_by("-at", "-id")


# --- consent ---------------------------------------------------------------------------------------

def consents_of(customer: Any) -> list[Consent]:
    return list(Consent.objects.filter(customer_id=customer.pk).select_related("recorded_by").order_by(
        "-recorded_at", "-id"))


# --- home queue ------------------------------------------------------------------------------------

def home_queues(user: Any) -> list[Queue]:
    """The access requests waiting for the user's decision (leadership; a leader for their team's customers)."""
    if not user.is_authenticated or not may_decide_some(user):
        return []
    qs = requests_to_decide(user)
    items = [{"label": r.customer.name, "url": reverse("confidentiality:request", args=[r.pk]),
              "meta": f"{r.requested_by} · {r.reason[:40]}", "is_order": False} for r in qs[:5]]
    return [Queue(key="access_requests", title=_l("Access requests to decide"), count=qs.count(), items=items,
                  url=reverse("confidentiality:requests"), empty_text=_l("No request waits for your decision."))]


def grants_ending(*, now: datetime | None = None, within: timedelta = timedelta(days=1)) -> list[int]:
    """The grants in force ending within `within` whose holder was not told yet (the daily job)."""
    now = now or timezone.now()
    return list(AccessRequest.objects.filter(state=AccessRequest.State.GRANTED, expires_at__gt=now,
                                             expires_at__lte=now + within, expiry_told_at__isnull=True)
                .order_by("expires_at", "id").values_list("pk", flat=True))
