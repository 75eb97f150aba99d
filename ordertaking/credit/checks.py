"""Credit findings for the review (P5.1, P3.6): review_findings_refresh calls
`order_credit_findings(order)` and stores them with its own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Value

from ordertaking.common.findings import Finding
from ordertaking.common.prepared import Prepared
from ordertaking.common.sql import Present
from ordertaking.customers.models import Customer
from ordertaking.orders.models import Order
from ordertaking.orders.states import OrderState

from . import rules
from .models import CreditHold, CustomerCredit
from .selectors import guarantee_covers, holds_since_approval, released_allowance_of


@dataclass(frozen=True)
class CreditFacts:
    """What the credit findings need from the database, read once per check."""

    credit: CustomerCredit | None
    guarantee_ok: bool
    allowance: Decimal
    open_hold: bool


def credit_row_locked(customer: Customer | int, **annotations: Any) -> CustomerCredit:
    """The customer's credit row, locked FOR UPDATE (call inside atomic), created on first use. Every writer
    of the row takes it here. `annotations`: columns the caller reads with the row in the same statement.

    The common case is the one locking SELECT. A customer's first use inserts the row with ON CONFLICT DO
    NOTHING: of two transactions creating it at once, PostgreSQL makes the second wait for the first and
    insert nothing (no error, no savepoint), and the SELECT after it then locks the first one's row."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    rows = CustomerCredit.objects.select_for_update(of=("self",)).filter(customer_id=customer_id)
    rows = rows.annotate(**annotations)
    row = rows.first()
    if row is None:
        CustomerCredit.objects.bulk_create([CustomerCredit(customer_id=customer_id)], ignore_conflicts=True)
        row = rows.get()
    return row


def _credit_with_holds(lock: bool) -> Prepared[CustomerCredit]:
    """The customer's credit row (locked, with `lock`) and whether the order has any hold: for an order never
    approved, whose holds are all of its current approval round. Compiled once per process."""
    def build(customer_id: int, order_id: int) -> QuerySet[CustomerCredit]:
        rows = CustomerCredit.objects.filter(customer_id=customer_id).annotate(
            order_has_holds=Exists(CreditHold.objects.filter(order_id=order_id)))
        return rows.select_for_update(of=("self",)) if lock else rows

    return Prepared(build)


_FIRST_ROUND = {False: _credit_with_holds(False), True: _credit_with_holds(True)}


def credit_joined(orders: QuerySet[Order], *, lock: bool) -> QuerySet[Order]:
    """An order's own query (its lock) that also reads the customer's credit row, and whether the order has
    any hold, in the same statement: `order_credit_facts` then reads nothing more for an order in its first
    approval round. `lock=True` (the approval): the credit row is locked with the order, FOR UPDATE OF both,
    so the credit gate checks and moves the very row read here and approvals for one customer are serialised
    (P5.1). PostgreSQL locks only rows of an inner join: an order whose customer has no credit row yet is not
    found by the locking query; `credit_row_ensure` the row and ask again."""
    orders = orders.select_related("customer__credit").annotate(
        credit_joined=Value(lock), credit_order_has_holds=Present(CreditHold.objects.filter(order_id=OuterRef("pk"))))
    if lock:
        orders = orders.filter(customer__credit__isnull=False).select_for_update(of=("self", "customer__credit"))
    return orders


def credit_row_ensure(customer_id: int) -> None:
    """The customer's credit row exists (created on first use, as `credit_row_locked` does)."""
    CustomerCredit.objects.bulk_create([CustomerCredit(customer_id=customer_id)], ignore_conflicts=True)


def _joined_credit(order: Order, lock: bool) -> tuple[CustomerCredit | None, bool]:
    """The credit row and the first round's "has holds" as the order's own query read them (`credit_joined`)."""
    joined = getattr(order, "credit_joined", None)
    if joined is None or (lock and not joined):
        raise RuntimeError("order_credit_facts(joined=True): the order was not read by credit_joined(lock=lock)")
    # A customer with no credit row: the outer join read none (and the locking query found no order at all).
    return getattr(order.customer, "credit", None), bool(order.credit_order_has_holds)  # type: ignore[attr-defined]


def order_credit_facts(order: Order, *, lock: bool = False, joined: bool = False) -> CreditFacts:
    """One query in the common case: the customer's credit row, with whether the order has holds of this
    approval round (read only when it has). `lock=True` (the approval, under the order's lock) reads the
    row FOR UPDATE, created on first use (`credit_row_locked`), so the credit gate checks and moves the very
    row read here. `joined=True`: the order is the one its `credit_joined` query (with the same `lock`) read just
    now in this transaction, so the row is in hand (an instance refreshed since keeps the query's columns but not
    its customer: say so only right after that query)."""
    credit: CustomerCredit | None = None
    has = False
    first_round = order.approved_total <= 0 or order.approved_at is None  # every hold is of this round
    if joined:  # the order's own query read the row (locked, if asked)
        credit, has = _joined_credit(order, lock)
        if not first_round and credit is not None and credit.is_evaluated:
            has = holds_since_approval(order).exists()
    else:
        if first_round:
            credit = _FIRST_ROUND[lock].first(customer_id=order.customer_id, order_id=order.pk)
        if not first_round or (credit is None and lock):  # a later round, or the row's first use
            has_holds = {"order_has_holds": Exists(holds_since_approval(order))}
            credit = (credit_row_locked(order.customer_id, **has_holds) if lock else
                      CustomerCredit.objects.filter(customer_id=order.customer_id).annotate(**has_holds).first())
        has = bool(credit is not None and credit.order_has_holds)  # type: ignore[attr-defined]  # annotated above
    if credit is None or not credit.is_evaluated:
        return CreditFacts(credit=credit, guarantee_ok=False, allowance=Decimal("0"), open_hold=False)
    holds = list(holds_since_approval(order).order_by("-created_at", "-id")) if has else []
    return CreditFacts(
        credit=credit,
        guarantee_ok=not credit.guarantee_required or guarantee_covers(order=order),
        allowance=released_allowance_of(holds),
        open_hold=order.state == OrderState.CREDIT_HOLD and any(h.state == CreditHold.State.OPEN for h in holds),
    )


def order_credit_findings(order: Order, facts: CreditFacts | None = None) -> list[Finding]:
    """The credit findings; pass `facts` to reuse what the caller already read in this transaction."""
    facts = facts if facts is not None else order_credit_facts(order)
    credit = facts.credit
    evaluated = credit is not None and credit.is_evaluated
    found = rules.approval_findings(
        evaluated=evaluated, on_stop=bool(credit and credit.on_stop),
        guarantee_required=bool(credit and credit.guarantee_required), guarantee_ok=facts.guarantee_ok,
        rating=credit.rating if credit else "")
    if credit is None or not evaluated:
        return found
    pm = order.payment_method
    if pm is not None:
        found.extend(rules.terms_finding(kind=pm.kind, term_days=pm.term_days, allowed_kinds=credit.payment_kinds,
                                         max_term_days=credit.max_term_days, rating=credit.rating))
    excess = rules.limit_check(exposure=credit.exposure, order_amount=order.exposure_delta,
                               limit=credit.credit_limit, allowed_excess=facts.allowance)
    if excess > 0 or facts.open_hold:
        found.append(rules.limit_finding(exposure=credit.exposure, order_amount=order.total_amount,
                                         limit=credit.credit_limit, excess=excess))
    return found
