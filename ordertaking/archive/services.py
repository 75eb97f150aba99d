"""Every write of the archive (P4.1.a/b): verifying a customer's data, maintaining the classification
thresholds, and classifying customers from their order history. Each runs in one transaction, locks
its row, checks the actor, and writes its audit event on the customer (or the thresholds) in it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.accounts.models import User
from ordertaking.audit.services import changes, event_record
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customer_visible
from ordertaking.ops.jobs import job_register, job_run, run_item

from . import rules
from .models import TierThresholds
from .selectors import order_histories, thresholds_current

# What a verification may confirm with the customer (P4.1.a), in the order the form shows them.
CONFIRMABLE = ("basic", "contacts", "addresses", "invoicing", "preferences")
NOTE_MAX = 1000

CLASSIFY_JOB = job_register("customer_classification",
                            gettext_lazy("Customer classification and value tiers (P4.1.b)"))


# --- verification (P4.1.a updated regularly) --------------------------------------------------------

def may_verify(user: Any, customer: Customer) -> bool:
    """Who confirms a customer's data with the customer: those who keep the archive entry (sales for
    their own and unowned customers, customer service, the order center)."""
    return bool(user.is_authenticated and user.has_perm("accounts.customer_manage")
                and customer_visible(user=user, customer=customer))


def customer_verify(*, actor: User, customer: Customer, confirmed: Iterable[str], note: str = "",
                    now: datetime | None = None) -> Customer:
    """P4.1.a: record that the customer's data was confirmed (which parts, by whom, when). Corrections
    are made with the customer's edit functions before; this records the confirmation itself."""
    items = list(dict.fromkeys(confirmed or ()))
    if not items:
        raise ValidationFailed(_("Tick at least one part of the data you confirmed."), code="required",
                               field="confirmed")
    unknown = [i for i in items if i not in CONFIRMABLE]
    if unknown:
        raise ValidationFailed(_("Unknown part of the data."), code="invalid_choice", field="confirmed")
    items = [i for i in CONFIRMABLE if i in items]
    if not isinstance(note, str) or "\x00" in note:
        raise ValidationFailed(_("Enter text."), code="invalid_text", field="note")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": NOTE_MAX}, code="too_long", field="note")
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if not may_verify(actor, locked):
            raise PermissionDenied(_("You may not verify this customer's data."))
        locked.last_verified_at = now or timezone.now()
        locked.last_verified_by = actor
        locked.verified_items = items
        locked.save(update_fields=["last_verified_at", "last_verified_by", "verified_items", "updated_at"])
        event_record(actor=actor, action="customer.verified", subject=locked, clause="P4.1.a",
                     after={"confirmed": items}, message=note)
    return locked


# --- thresholds (P4.1.b, maintained by leadership) --------------------------------------------------

def _clean_thresholds(current: rules.Thresholds, values: dict[str, Any]) -> rules.Thresholds:
    unknown = set(values) - set(rules.Thresholds.FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    merged: dict[str, Any] = {f: getattr(current, f) for f in rules.Thresholds.FIELDS}
    for name, value in values.items():
        if value is None:
            raise ValidationFailed(_("This field is required."), code="required", field=name)
        try:
            if name in ("key_amount", "growing_amount"):
                number = Decimal(str(value))
                if not number.is_finite():
                    raise InvalidOperation
                merged[name] = number.quantize(Decimal("0.01"))
            else:
                if isinstance(value, bool) or (isinstance(value, float | Decimal) and value != int(value)):
                    raise ValueError
                merged[name] = int(value)
        except (InvalidOperation, ValueError, TypeError, OverflowError):
            raise ValidationFailed(_("Enter a number."), code="invalid_number", field=name) from None
    t = rules.Thresholds(**merged)
    problems = rules.thresholds_problems(t)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, code="invalid_thresholds", field=field)
    return t


def _snapshot(t: rules.Thresholds) -> dict[str, Any]:
    return {f: (str(getattr(t, f)) if isinstance(getattr(t, f), Decimal) else getattr(t, f))
            for f in rules.Thresholds.FIELDS}


def tier_thresholds_update(*, actor: User, **values: Any) -> TierThresholds:
    """P4.1.b: leadership (`customer_tier_manage`) changes the classification thresholds; the event
    keeps what changed. The customers are classified again by `classification_refresh`."""
    if not actor.has_perm("accounts.customer_tier_manage"):
        raise PermissionDenied(_("Only leadership maintains the classification thresholds."))
    with transaction.atomic():
        thresholds_current()
        row = TierThresholds.objects.select_for_update().get(pk=1)
        before = row.as_rule()
        after = _clean_thresholds(before, values)
        old, new = changes(_snapshot(before), _snapshot(after))
        if not new:
            return row
        for f in rules.Thresholds.FIELDS:
            setattr(row, f, getattr(after, f))
        row.updated_at = timezone.now()
        row.updated_by = actor
        row.save()
        event_record(actor=actor, action="tier_thresholds.updated", subject=row, clause="P4.1.b",
                     before=old, after=new)
    return row


# --- classification (P4.1.b) ------------------------------------------------------------------------

def customer_classify(*, customer_id: int, history: rules.History, today: date, t: rules.Thresholds,
                      now: datetime | None = None, actor: User | None = None) -> bool:
    """One customer's frequency class and value tier from its history; when either changes, the
    change is an event on the customer's timeline. Returns whether it changed. The customer row is
    locked, so two runs at once record a change once."""
    frequency = rules.purchase_frequency(history.orders_in_period, t)
    tier = rules.value_tier(history, today=today, t=t)
    with transaction.atomic():
        c = Customer.objects.select_for_update().get(pk=customer_id)
        changed = (c.purchase_frequency, c.value_tier) != (frequency, tier)
        before = {"purchase_frequency": c.purchase_frequency, "value_tier": c.value_tier}
        c.purchase_frequency, c.value_tier = frequency, tier
        c.orders_in_period = history.orders_in_period
        c.classified_at = now or timezone.now()
        c.save(update_fields=["purchase_frequency", "value_tier", "orders_in_period", "classified_at"])
        if changed:
            event_record(actor=actor, action="customer.classified", subject=c, clause="P4.1.b", before=before,
                         after={"purchase_frequency": frequency, "value_tier": tier,
                                "orders_in_period": history.orders_in_period,
                                "amount_in_period": str(history.amount_in_period)})
    return changed


def classification_refresh(*, actor: User | None = None, today: date | None = None,
                           customer_ids: list[int] | None = None, raise_on_failures: bool = False) -> dict[str, int]:
    """P4.1.b: classify every customer (or those given) again from its order history with the
    thresholds in force: the scheduled job (no actor) and leadership's "recompute now". Customers
    whose class and tier stay are updated in bulk (their count of orders, the time); each change is
    its own item (ops.jobs): locked, saved and recorded on the customer's timeline."""
    if actor is not None and not actor.has_perm("accounts.customer_tier_manage"):
        raise PermissionDenied(_("Only leadership recomputes the classification on demand."))
    today = today or timezone.localdate()
    now = timezone.now()
    t = thresholds_current().as_rule()
    histories = order_histories(today=today, t=t, customer_ids=customer_ids)
    empty = rules.History(orders_in_period=0, amount_in_period=Decimal("0.00"), last_order_on=None)
    qs = Customer.objects.order_by("pk")
    if customer_ids is not None:
        qs = qs.filter(pk__in=customer_ids)
    to_change: list[tuple[int, rules.History]] = []
    quiet: dict[int, list[int]] = defaultdict(list)
    total = 0
    for pk, frequency, tier, n in qs.values_list("pk", "purchase_frequency", "value_tier", "orders_in_period"):
        total += 1
        h = histories.get(pk, empty)
        new = (rules.purchase_frequency(h.orders_in_period, t), rules.value_tier(h, today=today, t=t))
        if (frequency, tier) != new:
            to_change.append((pk, h))
        elif n != h.orders_in_period:
            quiet[h.orders_in_period].append(pk)
    with job_run(CLASSIFY_JOB, day=today, raise_on_failures=raise_on_failures) as run:
        for n, pks in quiet.items():
            for i in range(0, len(pks), 1000):
                Customer.objects.filter(pk__in=pks[i:i + 1000]).update(orders_in_period=n)
        qs.update(classified_at=now)
        changed = 0
        for pk, h in to_change:
            if run_item(run, f"customer {pk}", partial(customer_classify, customer_id=pk, history=h, today=today,
                                                       t=t, now=now, actor=actor)):
                changed += 1
    return {"customers": total, "changed": changed}
