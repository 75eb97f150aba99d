"""One search box for orders (P4.2.c: anyone entitled can look up an order's state at any time).

The box takes what people type, in either language, and reads each word as the first of these it is:
- an order number, whole (SO20261126-0001), its start (SO202611) or its tail (1126-0001);
- a date (2026-11-26), a month (2026-11), a year (2026) or a range of them (2026-11-01..2026-11-15, also ~):
  the day the order was entered, as on the order list;
- a state, by its name in Chinese or English (已通过, approved, "pending review" needs the filter);
- a delivery province (广东, 广东省, Guangdong);
- a sales rep (display name, full name or user name);
- anything else: a customer's name or a product's name or code (both, each word must match one).
The filters beside the box (state, rep, province, product, dates) do the same explicitly. The page shows
how the box was understood, so a word taken the wrong way is seen at once.

Scope: the orders the user may see (`orders.selectors.visible_orders`): a sales rep their own, the roles
that see every order all of them. Speed (docs/performance.md, W2): every condition is an indexed lookup —
the unique number index, (customer, created_at), (sales_rep, state, created_at), the lines'
(product_id, order_id) of migration 0003 — and customers and products are matched first in their small
tables, never by a LIKE across the order join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.catalog.models import Product, Region
from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order, OrderLine
from ordertaking.orders.numbering import parse_number
from ordertaking.orders.selectors import visible_orders
from ordertaking.orders.states import OrderState

from .selectors import _aware as _day_start
from .statistics import PROVINCES, map_name

NUMBER_TAIL_RE = re.compile(r"^[0-9]{3,}-?[0-9]*$")
DAY_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
YEAR_RE = re.compile(r"^(19|20)\d{2}$")
RANGE_RE = re.compile(r"^(.+?)(?:\.\.|~|～)(.+)$")
MAX_WORDS = 8
MAX_MATCHES = 200  # customers or products one word may stand for


@dataclass
class Criteria:
    """What to look for; every part narrows the result (AND)."""

    numbers: list[tuple[str, str]] = field(default_factory=list)  # (how: exact|prefix|contains, text)
    date_from: date | None = None
    date_to: date | None = None
    states: list[str] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    rep_ids: list[int] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    understood: list[tuple[str, str]] = field(default_factory=list)  # (what, value) shown to the user


def _day(text: str) -> tuple[date, date] | None:
    """A day or a month as [first, last] day, or None."""
    m = DAY_RE.match(text)
    try:
        if m:
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        m = MONTH_RE.match(text)
        if m:
            first = date(int(m[1]), int(m[2]), 1)
            nxt = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
            return first, nxt - timedelta(days=1)
        if YEAR_RE.match(text):
            return date(int(text), 1, 1), date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def _state_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for value, label in OrderState.choices:
                names[str(label).lower()] = value
    for value in OrderState.values:
        names[value] = value
    return names


def _region(word: str) -> Region | None:
    w = word.strip().lower()
    english = {en.lower(): zh for zh, en in PROVINCES.values()}
    for r in Region.objects.all():
        if w in (r.name.lower(), map_name(r.code, r.name).lower()) or english.get(w) == map_name(r.code, r.name):
            return r
    return None


def _rep(word: str) -> User | None:
    """A sales rep called so (display name, user name, or full name either way round, without spaces)."""
    w = word.lower()
    for u in User.objects.filter(groups__name=Role.SALES).distinct():
        names = {str(u), u.username, u.first_name + u.last_name, u.last_name + u.first_name}
        if w in {n.replace(" ", "").lower() for n in names if n}:
            return u
    return None


def clean_text(text: str) -> str:
    """What a database can compare: no NUL (PostgreSQL refuses it) and no lone surrogate."""
    return (text or "").replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")


def search_parse(q: str) -> Criteria:
    """Read the box, word by word (see the module's docstring)."""
    c = Criteria()
    q = clean_text(q)
    states = _state_names()
    for word in (q or "").split()[:MAX_WORDS]:
        upper = word.upper()
        rng = RANGE_RE.match(word)
        if parse_number(upper):
            c.numbers.append(("exact", upper))
            c.understood.append((_("Order number"), upper))
        elif upper.startswith("SO") and upper[2:].replace("-", "").isdigit():
            c.numbers.append(("prefix", upper))
            c.understood.append((_("Order number starts with"), upper))
        elif rng and _day(rng[1]) and _day(rng[2]):
            c.date_from, c.date_to = _day(rng[1])[0], _day(rng[2])[1]  # type: ignore[index]
            c.understood.append((_("Entered"), f"{c.date_from} – {c.date_to}"))
        elif _day(word):
            c.date_from, c.date_to = _day(word)  # type: ignore[misc]
            c.understood.append((_("Entered"), word if c.date_from == c.date_to else f"{c.date_from} – {c.date_to}"))
        elif NUMBER_TAIL_RE.match(word):
            c.numbers.append(("contains", word))
            c.understood.append((_("Order number contains"), word))
        elif word.lower() in states:
            c.states.append(states[word.lower()])
            c.understood.append((_("State"), str(OrderState(states[word.lower()]).label)))
        elif (region := _region(word)) is not None:
            c.region_ids.append(region.pk)
            c.understood.append((_("Delivery province"), region.name))
        elif (rep := _rep(word)) is not None:
            c.rep_ids.append(rep.pk)
            c.understood.append((_("Sales rep"), str(rep)))
        else:
            c.words.append(word)
            c.understood.append((_("Customer or product"), word))
    return c


def _word_condition(word: str) -> Q:
    """Orders of a customer whose name holds the word, or with a line of a product named or coded so."""
    customers = list(Customer.objects.filter(name__icontains=word).values_list("pk", flat=True)[:MAX_MATCHES])
    products = list(Product.objects.filter(Q(name__icontains=word) | Q(code__iexact=word))
                    .values_list("pk", flat=True)[:MAX_MATCHES])
    cond = Q(pk__in=[])
    if customers:
        cond |= Q(customer_id__in=customers)
    if products:
        cond |= Q(pk__in=OrderLine.objects.filter(product_id__in=products).values("order_id"))
    return cond


def order_search(*, user: Any, q: str = "", state: str = "", rep_id: int | None = None,
                 region_id: int | None = None, product_id: int | None = None, date_from: date | None = None,
                 date_to: date | None = None) -> tuple[QuerySet[Order], Criteria]:
    """The orders the user may see that match the box and the filters, newest first, with what the box
    was understood as."""
    c = search_parse(q)
    qs = visible_orders(user).select_related("customer", "sales_rep", "delivery_region")
    for how, text in c.numbers:
        qs = qs.filter(**{"number": text} if how == "exact" else
                       {"number__startswith": text} if how == "prefix" else {"number__contains": text})
    states = [*c.states, *([state] if state else [])]
    for s in set(states):
        qs = qs.filter(state=s)
    for rid in {*c.rep_ids, *([rep_id] if rep_id else [])}:
        qs = qs.filter(sales_rep_id=rid)
    for gid in {*c.region_ids, *([region_id] if region_id else [])}:
        qs = qs.filter(delivery_region_id=gid)
    if product_id:
        qs = qs.filter(pk__in=OrderLine.objects.filter(product_id=product_id).values("order_id"))
    d_from = max(filter(None, [c.date_from, date_from]), default=None)
    d_to = min(filter(None, [c.date_to, date_to]), default=None)
    if d_from:
        qs = qs.filter(created_at__gte=_day_start(d_from))
    if d_to:
        qs = qs.filter(created_at__lt=_day_start(d_to + timedelta(days=1)))
    for word in c.words:
        qs = qs.filter(_word_condition(word))
    return qs.order_by("-created_at", "-id"), c
