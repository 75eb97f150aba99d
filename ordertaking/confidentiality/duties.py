"""Who sees a customer's confidential data by duty (P4.1.c: "internal staff see customer information
only for work"). A duty is a function `fn(user, customer, field) -> reason | None`: the reason is a
short lazily translated phrase without parameters (the reveal log stores its words and shows them in
the reader's language). The customer's own sales rep is this app's duty; the chapters above hand
theirs down in their `AppConfig.ready` with `duty_add` (inquiries: customer service handling the
customer's inquiry; logistics: the delivery contact of a shipment they handle; finance: invoicing
details). Also handed down: how a reveal finds a value (`reveal_source_add`) and whether a user may
see a customer at all (`customer_visible_set`), both by the customers app and the chapters above."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Field

Duty = Callable[[Any, Any, str], Any]
# source(user, ref, key) -> (customer, field, value); raises NotFound for what the user may not see
Source = Callable[[Any, str, str], tuple[Any, str, Any]]

# each duty with its optional scope: scope(user) -> the ids of the customers it may cover for that user
# (asked once per page or export, so a list of customers costs one query per duty, not one per row)
_DUTIES: list[tuple[Duty, Callable[[Any], Any] | None]] = []
_SOURCES: dict[str, Source] = {}
_VISIBLE: list[Callable[[Any, Any], bool]] = []
# subject type of an audit event ("orders.order") -> fn(subject ids) -> {subject id: its customer}
_SUBJECT_CUSTOMERS: dict[str, Callable[[list[str]], dict[str, Any]]] = {}

SALES_REP = _("sales rep of the customer")


def rep_duty(user: Any, customer: Any, field: str) -> Any:
    """The customer's own sales rep sees all of its data (P3.1: they develop and keep the customer)."""
    if customer is not None and user.pk is not None and getattr(customer, "sales_rep_id", None) == user.pk:
        return SALES_REP
    return None


def duty_add(fn: Duty, *, scope: Callable[[Any], Any] | None = None) -> None:
    """Hand a duty down (once, from an `AppConfig.ready`). `scope(user)`, when given, returns the ids of
    the customers the duty may cover for `user` (empty when the user's role has no such duty): a page
    listing many customers asks it once and calls `fn` only for those."""
    if all(f is not fn for f, _s in _DUTIES):
        _DUTIES.append((fn, scope))


def duties() -> tuple[tuple[Duty, Callable[[Any], Any] | None], ...]:
    return ((rep_duty, None), *_DUTIES)


def reveal_source_add(name: str, fn: Source) -> None:
    """How the reveal action finds a masked value: `name` is what the page's button sends."""
    _SOURCES[name] = fn


def reveal_source(name: str) -> Source | None:
    return _SOURCES.get(name)


def customer_visible_set(fn: Callable[[Any, Any], bool]) -> None:
    """The customers app's answer to "may this user see this customer at all" (404 otherwise)."""
    _VISIBLE[:] = [fn]


def customer_visible(user: Any, customer: Any) -> bool:
    return all(fn(user, customer) for fn in _VISIBLE) if _VISIBLE else bool(user.is_authenticated)


def subject_customers_add(subject_type: str, fn: Callable[[list[str]], dict[str, Any]]) -> None:
    """How the audit log finds the customer an event is about (P4.1.c: the rule is per customer):
    `fn(ids)` answers {subject id: customer} for many subjects of one type in one query. An event whose
    subject no app names here has no customer, and its confidential values stay masked for everyone."""
    _SUBJECT_CUSTOMERS[subject_type] = fn


def subject_customers_of(model: Any, path: str = "customer") -> Callable[[list[str]], dict[str, Any]]:
    """The usual `subject_customers_add` answer: the customer at `path` of each `model` row, one query."""
    def find(ids: list[str]) -> dict[str, Any]:
        pks = [i for i in ids if str(i).isdigit() and len(str(i)) < 19]
        rows = model.objects.filter(pk__in=pks).select_related(path) if path else model.objects.filter(pk__in=pks)
        return {str(row.pk): (getattr(row, path) if path else row) for row in rows}
    return find


def subject_customers(subject_type: str, ids: list[str]) -> dict[str, Any]:
    fn = _SUBJECT_CUSTOMERS.get(subject_type)
    return fn(ids) if fn is not None and ids else {}


# What a note typed about a customer may name: its contacts' names, phones and e-mails (the customers app).
_KNOWN: list[Callable[[list[int]], dict[int, list[tuple[str, str]]]]] = []


def known_values_add(fn: Callable[[list[int]], dict[int, list[tuple[str, str]]]]) -> None:
    """`fn(customer ids)` answers {customer id: [(field, value), ...]} in one query: the confidential values a
    person may type into a free-text note about that customer, which the audit log masks where they appear."""
    if fn not in _KNOWN:
        _KNOWN.append(fn)


_NAMED: list[Callable[[str], bool]] = []


def known_named_add(fn: Callable[[str], bool]) -> None:
    """`fn(text)`: whether a search text names a known value of any customer (a part of one, or the whole)."""
    if fn not in _NAMED:
        _NAMED.append(fn)


def known_value_named(text: str) -> bool:
    return any(fn(text) for fn in _NAMED)


def known_values(customer_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Each customer's known values, each once, in a stable order (`events.note_masked` orders them by length)."""
    found: dict[int, set[tuple[str, str]]] = {}
    for fn in _KNOWN if customer_ids else ():
        for pk, values in fn(customer_ids).items():
            found.setdefault(pk, set()).update((f, v) for f, v in values if v and len(v) >= 2)
    return {pk: sorted(values) for pk, values in found.items()}


ALL_FIELDS = tuple(Field.values)
