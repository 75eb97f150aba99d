"""Reads of orders scoped to a user (P4.2.a, P4.2.c).

A sales rep sees the orders they sell or entered; holders of `order_view_all` see all;
anyone else gets NotFound (404), never a hint that the order exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.audit.selectors import timeline
from ordertaking.common.errors import NotFound
from ordertaking.common.links import order_url
from ordertaking.common.prepared import Prepared
from ordertaking.common.queues import Queue
from ordertaking.common.sql import RowsColumn
from ordertaking.confidentiality.events import events_masked
from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import Lens
from ordertaking.customers.models import Customer

from .models import Order, OrderLine
from .numbering import parse_number
from .permissions import may_enter_orders, may_view_all
from .states import OrderState


def _lines_and_products() -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("product")


def lines_with_products() -> Prefetch:
    """The order's lines with their products in one query; `order.lines.all()` then reads the
    cache (Meta.ordering keeps them by position). Services that read the lines more than once in
    a transaction (completeness, snapshot, review facts) prefetch them once with this."""
    return Prefetch("lines", queryset=_lines_and_products())


# The lines of one order with their products, as `lines_with_products()` reads them (Meta.ordering: by position).
_LINES: Prepared[OrderLine] = Prepared(lambda order_id: _lines_and_products().filter(order_id=order_id))


# The same lines read as one column of the order's locking query (common/sql.py:RowsColumn).
_LINES_COLUMN = RowsColumn(OrderLine, related=("product",), order_by="position")
_NOT_READ = object()


def lines_annotations() -> dict[str, Any]:
    """The order's lines with their products as a column of the caller's locking query: `lines_prefetch` then
    takes them from it instead of reading them (the submission's and the approval's lock, issue 14)."""
    return {"lines_rows": _LINES_COLUMN.subquery(_lines_and_products().filter(order_id=OuterRef("pk")))}


def lines_prefetch(order: Order) -> None:
    """`prefetch_related_objects([order], lines_with_products())`, by a read compiled once per process, or from
    the `lines_annotations()` column its lock read: the services that lock an order and read its lines several
    times (submission, approval, change) call this; `order.lines.all()` then reads the cache. Nothing happens
    when the lines are already there. The column is used once, right after the lock: taken off the order, so
    lines written later in the transaction are read from the database."""
    column = order.__dict__.pop("lines_rows", _NOT_READ)
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    if "lines" in cache:
        return
    lines_cache_set(order, _LINES.all(order_id=order.pk) if column is _NOT_READ else
                    _LINES_COLUMN.rows(column, order._state.db or "default"))


def lines_cache_set(order: Order, lines: list[OrderLine]) -> None:
    """`order.lines.all()` is now `lines` (by position, products joined, as a read gives them), each pointing at
    the order: what `lines_prefetch` read, or what the service that wrote them holds (order_create)."""
    for line in lines:
        OrderLine.order.field.set_cached_value(line, order)
    qs = order.lines.all()
    qs._result_cache = lines
    qs._prefetch_done = True  # type: ignore[attr-defined]
    order.__dict__.setdefault("_prefetched_objects_cache", {})["lines"] = qs


def order_lines(order: Order) -> list[OrderLine]:
    """The order's lines by position, products joined: from the cache when the caller prefetched them
    with `lines_with_products()` in this transaction, else one query (the order object is not changed)."""
    if "lines" in getattr(order, "_prefetched_objects_cache", {}):
        return list(order.lines.all())
    return _LINES.all(order_id=order.pk)

# Sort keys of the list page and API → ORDER BY; each has an index (models.py) or rides the customer's.
SORTS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "customer": ("customer__name", "-id"),
    "created": ("created_at", "id"),
    "delivery": ("delivery_date", "id"),
    "total": ("total_amount", "id"),
    "state": ("state", "-created_at"),
}
NUMBER_PART_RE = re.compile(r"^[0-9][0-9-]*$")
DEFAULT_SORT = "-created"


def _scope(user: Any) -> str:
    """How much of the orders `user` sees: "all", their "own" (sold or entered) or "none"."""
    if may_view_all(user):
        return "all"
    return "own" if may_enter_orders(user) else "none"


def _scoped(qs: QuerySet[Order], scope: str, user_id: int | None) -> QuerySet[Order]:
    if scope == "all":
        return qs
    if scope == "own":
        return qs.filter(Q(sales_rep_id=user_id) | Q(entered_by_id=user_id))
    return qs.none()


def visible_orders(user: Any) -> QuerySet[Order]:
    return _scoped(Order.objects.all(), _scope(user), user.pk)


def customer_orders(*, user: Any, customer_id: int, limit: int = 50) -> list[Order]:
    """A customer's orders (P4.1.a purchase history), newest first, as the user may see them."""
    return list(visible_orders(user).filter(customer_id=customer_id).select_related("sales_rep")
                .order_by("-created_at", "-id")[:limit])


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def order_order_by(sort: str) -> tuple[str, ...]:
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "created", DEFAULT_SORT
    fields = SORTS[key]
    if sort.startswith("-"):
        return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    return fields


def order_list(*, user: Any, state: str = "", customer_id: int | None = None, date_from: date | None = None,
               date_to: date | None = None, q: str = "", sort: str = DEFAULT_SORT) -> QuerySet[Order]:
    """The orders a user may see, filtered (state, customer, entry date range in Asia/Shanghai, number or
    customer name) and sorted; ready for pagination with the customer and rep joined in."""
    qs = visible_orders(user).select_related("customer", "sales_rep")
    if state:
        qs = qs.filter(state=state)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    q = (q or "").strip()
    if q and parse_number(q.upper()):
        # P2.2.c: a whole order number goes straight to the unique index.
        qs = qs.filter(number=q.upper())
    elif q and q.upper().startswith("SO"):
        # The start of a number: a range scan of the unique index.
        qs = qs.filter(number__startswith=q.upper())
    elif q and NUMBER_PART_RE.match(q):
        # The tail of a number as people read it off a voucher ("1126-0001"): orders table only.
        qs = qs.filter(number__contains=q)
    elif q:
        # A customer's name: match the customers first, then their orders through the
        # (customer, created_at) index. An OR across the join scanned every order (bench W2: 680 ms
        # p95 at 1M lines on PostgreSQL; 29 ms this way).
        qs = qs.filter(customer_id__in=Customer.objects.filter(name__icontains=q).values("pk"))
    return qs.order_by(*order_order_by(sort))


def _by_number() -> QuerySet[Order]:
    return Order.objects.select_related("customer", "sales_rep", "entered_by", "delivery_region", "payment_method",
                                        "approved_by")


def _all_by_number(number: str) -> QuerySet[Order]:
    return _by_number().filter(number=number)


def _own_by_number(number: str, user_id: int) -> QuerySet[Order]:
    return _scoped(_by_number(), "own", user_id).filter(number=number)


# The order by its number as `visible_orders` scopes it, compiled once per process (common/prepared.py):
# every API call on an order starts here.
_BY_NUMBER: dict[str, Prepared[Order]] = {"all": Prepared(_all_by_number), "own": Prepared(_own_by_number)}


def order_get(*, user: Any, number: str, for_detail: bool = False) -> Order:
    """The order by its number (P2.2.c), or NotFound when it does not exist or is not the user's to see."""
    number, scope = (number or "").strip().upper(), _scope(user)
    values = {"number": number, "user_id": user.pk} if scope == "own" else {"number": number}
    order = _BY_NUMBER[scope].first(**values) if scope in _BY_NUMBER else None
    if order is None:
        raise NotFound(_("No order %(number)s.") % {"number": number}, code="not_found")
    return order


# --- timeline -----------------------------------------------------------------------------------

def order_contact_visible(user: Any, order: Order, lens: Lens | None = None) -> bool:
    """P4.1.c: whether `user` sees the order's contact (name, phone) and street address unmasked: the
    order's sales rep and whoever entered it (they took them from the customer), and whoever holds a
    duty for the customer (confidentiality's one rule: its rep, logistics for a shipment they handle …)."""
    if not user or not user.is_authenticated:
        return False
    if user.pk in (order.sales_rep_id, order.entered_by_id):
        return True
    return (lens or Lens(user)).sees(order.customer, Field.PHONE)


def order_contact(order: Order, user: Any, lens: Lens | None = None) -> dict[str, Any]:
    """The order's contact and street address as `user` sees them (pages, API, PDFs; P4.1.c)."""
    visible = order_contact_visible(user, order, lens)
    if visible:
        return {"contact_name": order.contact_name, "contact_phone": order.contact_phone,
                "delivery_address": order.delivery_address, "visible": True}
    return {"contact_name": mask(Field.CONTACT_NAME, order.contact_name),
            "contact_phone": mask(Field.PHONE, order.contact_phone),
            "delivery_address": mask(Field.ADDRESS, order.delivery_address), "visible": False}


def reveal_order(user: Any, ref: str, key: str) -> tuple[Any, str, Any]:
    """What the reveal action finds on an order (handed down to confidentiality in OrdersConfig.ready)."""
    fields = {"contact_name": Field.CONTACT_NAME, "contact_phone": Field.PHONE, "delivery_address": Field.ADDRESS}
    if key not in fields:
        raise NotFound(_("Nothing to reveal here."))
    order = order_get(user=user, number=ref)
    return order.customer, fields[key], getattr(order, key)


def order_timeline(order: Order, *, masked: bool = False) -> list[Any]:
    """Every event about the order with its translated `description` and the `changes` it made
    (P4.2.a, P6.1.a), as every timeline shows them (audit.selectors.timeline).
    `masked`: contact details in the changes are masked (P4.1.c, common/masking.py)."""
    described: list[Any] = timeline(order)
    return events_masked(described) if masked else described


# --- home queues ------------------------------------------------------------------------------------

@dataclass
class QueueItem:
    url: str
    label: str
    meta: str
    is_order: bool = True


def _items(orders: list[Order], meta: Any) -> list[QueueItem]:
    return [QueueItem(url=order_url(o.number), label=o.number, meta=meta(o)) for o in orders]


def home_queues(user: Any, *, last_opinion: Subquery | None = None) -> list[Queue]:
    """Sales work: my drafts, orders returned to me, mine awaiting review. `last_opinion`, a
    subquery on the order's pk, gives each returned order its review opinion (the review app
    above passes it in: review.selectors.last_return_opinion)."""
    if not may_enter_orders(user):
        return []
    mine = Order.objects.filter(Q(sales_rep_id=user.pk) | Q(entered_by_id=user.pk)).select_related("customer")
    counts = mine.aggregate(
        drafts=Count("id", filter=Q(state=OrderState.DRAFT)),
        returned=Count("id", filter=Q(state=OrderState.RETURNED)),
        submitted=Count("id", filter=Q(state=OrderState.SUBMITTED)),
    )
    list_url = reverse("orders:list")
    drafts = list(mine.filter(state=OrderState.DRAFT).order_by("-updated_at")[:5])
    returned_qs = mine.filter(state=OrderState.RETURNED).order_by("-updated_at")
    if last_opinion is not None:
        returned_qs = returned_qs.annotate(last_opinion=last_opinion)
    returned = list(returned_qs[:5])
    waiting = list(mine.filter(state=OrderState.SUBMITTED).order_by("submitted_at")[:5])

    def short(text: str | None) -> str:
        text = (text or "").strip()
        return text if len(text) <= 16 else text[:15] + "…"

    return [
        Queue(key="orders_drafts", title=_("My drafts"), count=counts["drafts"],
              items=_items(drafts, lambda o: o.customer.name), url=f"{list_url}?state=draft",
              empty_text=_("No drafts.")),
        Queue(key="orders_returned", title=_("Returned to me"), count=counts["returned"],
              items=_items(returned, lambda o: short(getattr(o, "last_opinion", "")) or o.customer.name),
              url=f"{list_url}?state=returned", empty_text=_("Nothing returned.")),
        Queue(key="orders_awaiting_review", title=_("Awaiting review"), count=counts["submitted"],
              items=_items(waiting, lambda o: o.customer.name), url=f"{list_url}?state=submitted",
              empty_text=_("Nothing awaiting review.")),
    ]
