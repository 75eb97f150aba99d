"""Reads of inquiries scoped to the user (P2.1, P3.2).

Those with `inquiry_view_all` (customer service, leadership, auditors) see every inquiry; anyone
else sees the inquiries they received or that were handed to them. Others get 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.common.errors import NotFound
from ordertaking.common.queues import Queue
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.selectors import sees as confidential_sees

from .models import Inquiry

SORTS = {"received": "received_at", "-received": "-received_at", "state": "state", "-state": "-state",
         "channel": "channel", "-channel": "-channel", "wanted": "wanted_delivery_date",
         "-wanted": "-wanted_delivery_date"}


def sees_all_inquiries(user: Any) -> bool:
    return bool(user.has_perm("accounts.inquiry_view_all"))


def inquiries_visible(*, user: Any) -> QuerySet[Inquiry]:
    if not user.is_authenticated:
        return Inquiry.objects.none()
    qs = Inquiry.objects.all()
    if not sees_all_inquiries(user):
        qs = qs.filter(Q(received_by=user) | Q(assigned_to=user))
    return qs


def inquiry_visible(*, user: Any, inquiry: Inquiry) -> bool:
    return sees_all_inquiries(user) or user.pk in (inquiry.received_by_id, inquiry.assigned_to_id)


def inquiry_contact_visible(user: Any, inquiry: Inquiry, lens: Any = None) -> bool:
    """P4.1.c: whether `user` sees the inquiry's contact unmasked: whoever received it or had it handed
    over (they handle it), and whoever holds a duty for its customer (confidentiality's one rule)."""
    if not user or not user.is_authenticated:
        return False
    if user.pk in (inquiry.received_by_id, inquiry.assigned_to_id):
        return True
    if not inquiry.customer_id:
        return False
    return bool(lens.sees(inquiry.customer, Field.PHONE) if lens is not None
                else confidential_sees(user, inquiry.customer, Field.PHONE))


# --- the duty handed down to confidentiality (InquiriesConfig.ready) ------------------------------------

HANDLING_INQUIRY = gettext_lazy("customer service handling the customer's inquiry")


def _handling(user: Any) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(Q(received_by_id=user.pk) | Q(assigned_to_id=user.pk),
                                  customer__isnull=False).exclude(
        state__in=(Inquiry.State.CLOSED, Inquiry.State.CONVERTED))


def inquiry_duty_scope(user: Any) -> set[int]:
    """The customers whose open inquiry a customer service user received or handles."""
    if not user.has_role(Role.CUSTOMER_SERVICE):
        return set()
    return set(_handling(user).values_list("customer_id", flat=True))


def inquiry_duty(user: Any, customer: Any, field: str) -> Any:
    """P4.1.c: customer service sees a customer's contacts and addresses while handling its inquiry."""
    if field not in (Field.CONTACT_NAME, Field.PHONE, Field.EMAIL, Field.ADDRESS):
        return None
    if customer.pk in inquiry_duty_scope(user):
        return HANDLING_INQUIRY
    return None


def inquiry_list(*, user: Any, scope: str = "mine", channel: str = "", state: str = "", q: str = "",
                 special: bool = False, sort: str = "-received") -> QuerySet[Inquiry]:
    """`scope="mine"`: received by me or handed to me; `"all"`: everything I may see."""
    qs = inquiries_visible(user=user).select_related("customer", "received_by", "assigned_to", "product", "order")
    if scope != "all":
        qs = qs.filter(Q(received_by=user) | Q(assigned_to=user))
    if channel:
        qs = qs.filter(channel=channel)
    if state:
        qs = qs.filter(state=state)
    if special:
        qs = qs.filter(special_needs=True)
    q = (q or "").strip()
    if q:
        filters = Q(company_name__icontains=q) | Q(customer__name__icontains=q) | Q(contact_name__icontains=q) | Q(
            specification__icontains=q)
        digits = q.upper().removeprefix("INQ-")
        if digits.isdigit():
            filters |= Q(pk=int(digits))
        qs = qs.filter(filters)
    return qs.order_by(SORTS.get(sort, "-received_at"), "-id")


def inquiry_get(*, user: Any, pk: Any) -> Inquiry:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Inquiry not found.")) from None
    inquiry = inquiries_visible(user=user).select_related(
        "customer", "received_by", "assigned_to", "product", "region", "order").filter(pk=pk).first()
    if inquiry is None:
        raise NotFound(_("Inquiry not found."))
    return inquiry


def sales_reps() -> QuerySet[User]:
    """Who an inquiry may be handed to (P2.1.b: the responsible sales staff)."""
    return User.objects.filter(groups__name=Role.SALES, is_active=True).order_by("username")


@dataclass
class QueueItem:
    url: str
    label: str
    meta: str
    is_order: bool = False


def _items(qs: QuerySet[Inquiry]) -> list[QueueItem]:
    out = []
    for inq in qs[:5]:
        who = inq.customer.name if inq.customer else inq.company_name
        flag = " ★" if inq.special_needs else ""
        out.append(QueueItem(url=reverse("inquiries:detail", args=[inq.pk]), label=f"{inq}{flag} · {who}"[:60],
                             meta=timezone.localtime(inq.received_at).strftime("%m-%d")))
    return out


def home_queues(user: Any) -> list[Queue]:
    """Home page cards: sales see what was handed to them (P2.1.b); customer service what they
    received and have not handed over yet, special needs first (P3.2)."""
    queues: list[Queue] = []
    if not user.is_authenticated:
        return queues
    base = Inquiry.objects.select_related("customer")
    if user.has_role(Role.SALES):
        qs = base.filter(assigned_to=user, state=Inquiry.State.HANDED_OVER).order_by("-special_needs",
                                                                                     "-received_at")
        queues.append(Queue(key="inquiries_handed_to_me", title=gettext_lazy("Inquiries handed to me"),
                            count=qs.count(), items=_items(qs),
                            url=reverse("inquiries:list") + "?state=handed_over",
                            empty_text=gettext_lazy("No inquiries waiting for you.")))
    if user.has_role(Role.CUSTOMER_SERVICE):
        qs = base.filter(received_by=user, state=Inquiry.State.OPEN).order_by("-special_needs", "-received_at")
        queues.append(Queue(key="inquiries_to_hand_over",
                            title=gettext_lazy("Inquiries I received, not yet handed over"),
                            count=qs.count(), items=_items(qs), url=reverse("inquiries:list") + "?state=open",
                            empty_text=gettext_lazy("Everything handed over.")))
        special = base.filter(special_needs=True, state=Inquiry.State.OPEN).order_by("-received_at")
        queues.append(Queue(key="inquiries_special_open", title=gettext_lazy("Special needs not yet handed over"),
                            count=special.count(), items=_items(special),
                            url=reverse("inquiries:list") + "?scope=all&state=open&special=1",
                            empty_text=gettext_lazy("No special needs waiting.")))
    return queues
