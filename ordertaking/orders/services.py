"""Every write on orders (P2.2): create, update, submit, cancel.

Each service runs in one transaction, locks the order row, checks who acts
(permissions.py) and the move (states.py), and writes its audit event in the same
transaction, so an order and its trail never disagree (P1.3, P4.2.a).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, ProtectedError, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import event_record, head_adopt, head_annotations, stream_new
from ordertaking.catalog.models import DEFAULT_TAX_RATE, PaymentMethod, Product, Region, TaxRate
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.common.findings import Finding
from ordertaking.common.money import vat_split, vat_totals
from ordertaking.common.prepared import Prepared
from ordertaking.customers.models import Customer

from . import numbering, rules
from .models import ContractTerms, IdempotencyKey, Order, OrderLine, OrderRevision
from .permissions import is_responsible, may_enter_orders
from .selectors import lines_cache_set, lines_prefetch
from .states import EDITABLE_STATES, MOVES, OrderState, check_move

MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
MAX_QUANTITY = Decimal("999999999.999")  # max_digits=12, decimal_places=3
MAX_LINES = 200

# Header fields a caller may set, with the length of the text ones (the model's max_length).
TEXT_FIELDS = {"delivery_city": 50, "delivery_address": 255, "customer_reference": 60, "contact_name": 50,
               "contact_phone": 30, "notes": 5000, "contract_terms_text": 5000}
LINE_TEXT_FIELDS = {"name": 200, "specification": 200, "description": 500, "unit": 20}
HEADER_FIELDS = ("customer", "sales_rep", "delivery_date", "delivery_region", *TEXT_FIELDS, "payment_method",
                 "contract_terms")


# --- input checks: bad input is refused with its field, never a 500 or a half-written order -----

def _decimal(value: Any, *, field: str, places: int, maximum: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationFailed(_("Enter a number."), field=field)
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter a number."), field=field) from None
    if not d.is_finite():
        raise ValidationFailed(_("Enter a number."), field=field)
    if abs(d) > maximum:
        raise ValidationFailed(_("The number is too large."), field=field)
    step = Decimal(1).scaleb(-places)
    if d != d.quantize(step):
        raise ValidationFailed(_("Use at most %(places)s decimal places.") % {"places": places}, field=field)
    return d.quantize(step)


def _text(value: Any, *, field: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(_("Enter text."), field=field)
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()  # one line ending, as stored
    if len(value) > max_length:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": max_length}, field=field)
    if "\x00" in value:
        raise ValidationFailed(_("Enter text."), field=field)
    return value


def _instance(value: Any, model: type, *, field: str) -> Any:
    if value is None or isinstance(value, model):
        return value
    raise ValidationFailed(_("Choose a valid value."), field=field)


def _date(value: Any, *, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    raise ValidationFailed(_("Enter a valid date."), field=field)


def _clean_header(values: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in values.items():
        if name == "customer":
            if value is None:
                raise ValidationFailed(_("Choose the customer."), field="customer")
            clean[name] = _instance(value, Customer, field=name)
        elif name == "sales_rep":
            rep = _instance(value, User, field=name)
            # P3.1: an order's sales rep is someone in sales; the page form and the API share this check.
            if rep is not None and not (rep.is_active and rep.has_role(Role.SALES)):
                raise ValidationFailed(_("Choose a sales rep: %(user)s is not in sales.") % {"user": rep},
                                       code="not_a_sales_rep", field=name)
            clean[name] = rep
        elif name == "delivery_date":
            clean[name] = _date(value, field=name)
        elif name == "delivery_region":
            clean[name] = _instance(value, Region, field=name)
        elif name == "payment_method":
            pm = _instance(value, PaymentMethod, field=name)
            if pm is not None and not pm.active:
                raise ValidationFailed(_("This payment method is no longer offered."), field=name)
            clean[name] = pm
        elif name in TEXT_FIELDS:
            clean[name] = _text(value, field=name, max_length=TEXT_FIELDS[name])
        elif name == "contract_terms":
            if value in (None, ""):
                value = ContractTerms.STANDARD
            if value not in ContractTerms.values:
                raise ValidationFailed(_("Choose standard or non-standard contract terms."), code="invalid_choice",
                                       field=name)
            clean[name] = value
        else:
            # State, numbers and totals are never set by a caller (CONVENTIONS.md).
            raise ValidationFailed(_("This field cannot be changed."), field=name, code="read_only")
    return clean


def _check_terms(order: Order) -> None:
    """P5.3: non-standard terms say what departs from the standard contract (the legal adviser reads them);
    standard terms carry no text of their own."""
    if order.contract_terms == ContractTerms.NON_STANDARD and not order.contract_terms_text:
        raise ValidationFailed(_("Write the non-standard terms: what departs from the standard contract."),
                               code="required", field="contract_terms_text")
    if order.contract_terms == ContractTerms.STANDARD:
        order.contract_terms_text = ""


def _tax_rate(value: Any, *, field: str) -> int | None:
    """A VAT rate in percent, one of catalog.TaxRate (13, 9, 6, 3, 0); None when not given."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationFailed(_("Choose a VAT rate: 13%, 9%, 6%, 3% or 0%."), code="invalid_tax_rate", field=field)
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        d = Decimal(-1)
    if not d.is_finite() or d != d.to_integral_value() or int(d) not in TaxRate.values:
        raise ValidationFailed(_("Choose a VAT rate: 13%, 9%, 6%, 3% or 0%."), code="invalid_tax_rate", field=field)
    return int(d)


def _build_lines(lines: Iterable[Mapping[str, Any]]) -> list[OrderLine]:
    """Unsaved OrderLines from plain dicts. Product data is copied, so a later catalog change never
    rewrites this order (CONVENTIONS.md, data that must stay true)."""
    built: list[OrderLine] = []
    for i, raw in enumerate(lines, start=1):
        if i > MAX_LINES:
            raise ValidationFailed(_("At most %(n)s lines.") % {"n": MAX_LINES}, field="lines")
        if not isinstance(raw, Mapping):
            raise ValidationFailed(_("Each line must be an object."), field=f"lines.{i}")
        unknown = set(raw) - {"product", "name", "specification", "description", "unit", "quantity", "unit_price",
                              "tax_rate"}
        if unknown:
            raise ValidationFailed(_("Unknown line field."), field=f"lines.{i}.{sorted(unknown)[0]}")
        product = _instance(raw.get("product"), Product, field=f"lines.{i}.product")
        if product is not None and not product.active:
            raise ValidationFailed(_("%(product)s is no longer sold.") % {"product": product},
                                   field=f"lines.{i}.product")
        texts = {k: _text(raw.get(k), field=f"lines.{i}.{k}", max_length=n) for k, n in LINE_TEXT_FIELDS.items()}
        quantity = _decimal(raw.get("quantity"), field=f"lines.{i}.quantity", places=3, maximum=MAX_QUANTITY)
        # The database refuses these too (CheckConstraints); refusing here names the field.
        if quantity is not None and quantity <= 0:
            raise ValidationFailed(_("The quantity must be more than zero."), field=f"lines.{i}.quantity")
        price = _decimal(raw.get("unit_price"), field=f"lines.{i}.unit_price", places=2, maximum=MAX_AMOUNT)
        if price is not None and price < 0:
            raise ValidationFailed(_("The unit price cannot be negative."), field=f"lines.{i}.unit_price")
        rate = _tax_rate(raw.get("tax_rate"), field=f"lines.{i}.tax_rate")
        line = OrderLine(position=i, product=product, quantity=quantity, **texts)
        if product is not None:
            # The catalog's rate, copied like the list price: the tax category is the product's, not a
            # choice made while entering an order.
            if rate is not None and rate != product.tax_rate:
                raise ValidationFailed(_("%(product)s is taxed at %(rate)s%% (the catalog's rate).")
                                       % {"product": product, "rate": product.tax_rate},
                                       code="tax_rate_from_catalog", field=f"lines.{i}.tax_rate")
            line.tax_rate = product.tax_rate
            line.product_code = product.code
            line.name = product.name
            line.specification = texts["specification"] or product.specification
            line.unit = texts["unit"] or product.unit
            line.list_price = product.list_price
            line.unit_price = price if price is not None else product.list_price
        else:
            line.unit_price = price
            line.tax_rate = DEFAULT_TAX_RATE if rate is None else rate
        line.amount = rules.line_amount(line.quantity, line.unit_price)
        if line.amount > MAX_AMOUNT:
            raise ValidationFailed(_("The line amount is too large."), field=f"lines.{i}.quantity")
        line.net_amount, line.tax_amount = vat_split(line.amount, line.tax_rate)
        built.append(line)
    return built


def _lines_total(lines: list[OrderLine]) -> Decimal:
    total = sum((ln.amount for ln in lines), Decimal("0.00"))
    if total > MAX_AMOUNT:
        raise ValidationFailed(_("The order total is too large."), field="lines")
    return total


def _save_lines(order: Order, lines: list[OrderLine]) -> None:
    order.total_amount = _lines_total(lines)
    # The document's figures are the sums of the lines' (docs/conventions.md "VAT"): they add up.
    order.net_total, order.tax_total, _total = vat_totals((ln.net_amount, ln.tax_amount) for ln in lines)
    for ln in lines:
        ln.order = order
    OrderLine.objects.bulk_create(lines)


# --- snapshots (revisions, audit) ------------------------------------------------------------------

def _ref(obj: Any) -> str | None:
    return str(obj) if obj is not None else None


def order_snapshot(order: Order) -> dict[str, Any]:
    """The order as plain JSON values, frozen into OrderRevision and compared between revisions."""
    header = {
        "number": order.number,
        "customer": _ref(order.customer),
        "customer_id": order.customer_id,
        "sales_rep": _ref(order.sales_rep),
        "delivery_date": order.delivery_date.isoformat() if order.delivery_date else None,
        "delivery_region": _ref(order.delivery_region),
        "delivery_city": order.delivery_city,
        "delivery_address": order.delivery_address,
        "payment_method": _ref(order.payment_method),
        "customer_reference": order.customer_reference,
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "notes": order.notes,
        "contract_terms": order.contract_terms,
        "contract_terms_text": order.contract_terms_text,
        "currency": order.currency,
        "total_amount": str(order.total_amount),
        "net_total": str(order.net_total),
        "tax_total": str(order.tax_total),
    }
    lines = [
        {"position": ln.position, "product_id": ln.product_id, "product_code": ln.product_code, "name": ln.name,
         "specification": ln.specification, "description": ln.description, "unit": ln.unit,
         "quantity": None if ln.quantity is None else str(ln.quantity),
         "unit_price": None if ln.unit_price is None else str(ln.unit_price),
         "list_price": None if ln.list_price is None else str(ln.list_price), "amount": str(ln.amount),
         "tax_rate": ln.tax_rate, "net_amount": str(ln.net_amount), "tax_amount": str(ln.tax_amount)}
        for ln in order.lines.all()  # Meta.ordering: by position (and a prefetched cache is used)
    ]
    return {"revision": order.revision, "header": header, "lines": lines}


def order_facts(order: Order) -> rules.OrderFacts:
    return rules.OrderFacts(
        customer_id=order.customer_id, delivery_date=order.delivery_date,
        delivery_region_id=order.delivery_region_id, delivery_address=order.delivery_address,
        payment_method_id=order.payment_method_id,
        lines=[rules.LineFacts(position=ln.position, product_id=ln.product_id, name=ln.name,
                               description=ln.description, unit=ln.unit, quantity=ln.quantity,
                               unit_price=ln.unit_price)
               for ln in order.lines.all()],  # Meta.ordering: by position
    )


def order_completeness(order: Order) -> list[Finding]:
    """P2.2.a/b: what is missing or wrong, field by field and line by line."""
    return rules.completeness_findings(order_facts(order), today=timezone.localdate())


def _changes_dicts(changes: list[rules.Change]) -> tuple[dict[str, Any], dict[str, Any]]:
    return {c.field: c.before for c in changes}, {c.field: c.after for c in changes}


# --- the services ----------------------------------------------------------------------------------

def order_create(*, actor: User, customer: Customer, sales_rep: User | None = None,
                 delivery_date: date | None = None, delivery_region: Region | None = None,
                 delivery_city: str = "", delivery_address: str = "", payment_method: PaymentMethod | None = None,
                 customer_reference: str = "", contact_name: str = "", contact_phone: str = "", notes: str = "",
                 contract_terms: str = ContractTerms.STANDARD, contract_terms_text: str = "",
                 lines: Iterable[Mapping[str, Any]] = ()) -> Order:
    """Enter a draft order (P2.2.b) and give it its number on first save (P2.2.c).

    A draft may be incomplete (the completeness check runs on submit), but what it holds must be
    valid: no negative quantities, no retired products, no numbers that do not fit.
    """
    if not may_enter_orders(actor):
        raise PermissionDenied(_("You may not enter orders."))
    header = _clean_header({
        "customer": customer, "sales_rep": sales_rep, "delivery_date": delivery_date,
        "delivery_region": delivery_region, "delivery_city": delivery_city, "delivery_address": delivery_address,
        "payment_method": payment_method, "customer_reference": customer_reference,
        "contact_name": contact_name, "contact_phone": contact_phone, "notes": notes,
        "contract_terms": contract_terms, "contract_terms_text": contract_terms_text,
    })
    built = _build_lines(lines)
    total = _lines_total(built)
    rep = header.pop("sales_rep", None)
    with transaction.atomic():
        # P2.2.c: the number is taken in the transaction that inserts the order, so a rollback
        # gives it back and the day's sequence stays gap-free.
        number, clock = numbering.next_number_at()
        order = Order(number=number, entered_by=actor, state=OrderState.DRAFT, total_amount=total, **header)
        order.net_total, order.tax_total, _total = vat_totals((ln.net_amount, ln.tax_amount) for ln in built)
        _check_terms(order)
        if rep is not None:
            order.sales_rep = rep
        else:  # the customer's rep, else whoever enters it (by id: no query for the user row)
            order.sales_rep_id = customer.sales_rep_id or actor.pk
        order.save()
        stream_new(order, clock)  # the order's first event creates its audit stream (the clock: the database's)
        _save_lines(order, built)
        event_record(actor=actor, action="order.created", subject=order, clause="P2.2.c",
                     after={"number": order.number, "customer": str(customer), "lines": len(built),
                            "total_amount": str(order.total_amount)})
    # The lines just written (their figures already to their places) are the order's lines, as a read would give
    # them: whoever shows the new order (the API's answer) reads none back.
    lines_cache_set(order, built)
    return order


def _replay(existing: IdempotencyKey, request_hash: str) -> tuple[Order, bool]:
    if existing.request_hash != request_hash:
        raise Conflict(_("This Idempotency-Key was already used for a different order."),
                       code="idempotency_key_reused", field="Idempotency-Key")
    return existing.order, False


def order_create_idempotent(*, actor: User, key: str, request_hash: str, **kwargs: Any) -> tuple[Order, bool]:
    """`order_create` for a client that may retry: the same key and request give the same order
    (created=False) instead of a duplicate; the same key with another request is a Conflict."""
    if not key or len(key) > 200:
        raise ValidationFailed(_("The Idempotency-Key must have 1 to 200 characters."), field="Idempotency-Key")
    existing = IdempotencyKey.objects.select_related("order").filter(user=actor, key=key).first()
    if existing is not None:
        return _replay(existing, request_hash)
    try:
        with transaction.atomic():
            order = order_create(actor=actor, **kwargs)
            IdempotencyKey.objects.create(user=actor, key=key, request_hash=request_hash, order=order)
    except IntegrityError:
        # A concurrent retry with the same key won the race; ours rolled back, number included.
        existing = IdempotencyKey.objects.select_related("order").filter(user=actor, key=key).first()
        if existing is None:
            raise
        return _replay(existing, request_hash)
    return order, True


def _lock_queryset(**annotations: Any) -> QuerySet[Order]:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins
    # (delivery_region, payment_method); only the order row needs the lock. `annotations`: columns a
    # caller wants read in the same statement (review's facts about the customer, say). The order's audit
    # stream head comes along, so its first event of the transaction needs no locking read of its own.
    return Order.objects.select_for_update(of=("self",)).select_related(
        "customer", "sales_rep", "entered_by", "delivery_region", "payment_method").annotate(
        **head_annotations(Order), **annotations)


_LOCK: Prepared[Order] = Prepared(lambda pk: _lock_queryset().filter(pk=pk))
# The submission's lock, per shape the caller gives its query (a function, the same on every call).
_SUBMISSION_LOCKS: dict[Callable[[QuerySet[Order]], QuerySet[Order]] | None, Prepared[Order]] = {}


def _lock(order: Order) -> Order:
    locked = _LOCK.get(pk=order.pk)
    head_adopt(locked)
    return locked


def _submission_lock(order: Order, shape: Callable[[QuerySet[Order]], QuerySet[Order]] | None) -> Order:
    prepared = _SUBMISSION_LOCKS.get(shape)
    if prepared is None:
        def build(pk: int) -> QuerySet[Order]:
            latest = OrderRevision.objects.filter(order_id=OuterRef("pk")).order_by("-revision").values("revision")
            rows = _lock_queryset(latest_revision=Subquery(latest[:1]))
            return (shape(rows) if shape else rows).filter(pk=pk)

        prepared = _SUBMISSION_LOCKS[shape] = Prepared(build)
    locked = prepared.get(pk=order.pk)
    head_adopt(locked)
    return locked


def order_update(*, order: Order, actor: User, changes: Mapping[str, Any] | None = None,
                 lines: Iterable[Mapping[str, Any]] | None = None) -> Order:
    """Change the header (only the fields given) and, when `lines` is given, replace the lines.

    Only in DRAFT or RETURNED, only by those responsible for the order. The first edit after a
    return opens the next revision, so the submitted revision stays as the reviewer saw it.
    """
    changes = dict(changes or {})
    header = _clean_header(changes)
    built = _build_lines(lines) if lines is not None else None
    with transaction.atomic():
        order = _lock(order)
        if not is_responsible(order, actor):
            raise PermissionDenied(_("You may not change this order."))
        if order.state not in EDITABLE_STATES:
            label = OrderState(order.state).label
            raise InvalidTransition(_("This order cannot be changed while it is %(state)s.") % {"state": label},
                                    field="state")
        _refuse_if_approved_before(order)
        before = order_snapshot(order)
        if "sales_rep" in header and header["sales_rep"] is None:
            # "No choice" means the customer's rep, as on entry; an order always has a rep.
            header["sales_rep"] = (header.get("customer") or order.customer).sales_rep or order.sales_rep
        for name, value in header.items():
            setattr(order, name, value)
        _check_terms(order)
        if built is not None:
            order.lines.all().delete()
            _save_lines(order, built)
        opened_revision = None
        if order.state == OrderState.RETURNED and order.revisions.filter(revision=order.revision).exists():
            order.revision += 1
            opened_revision = order.revision
        order.save()
        after = order_snapshot(order)
        diff = rules.revision_diff(before, after)
        if diff or opened_revision:
            b, a = _changes_dicts(diff)
            if opened_revision:
                # a change of the revision number, not a note: a note would be stored in the writer's
                # language and shown as such to every reader (Chinese in the English interface)
                b, a = {**b, "revision": opened_revision - 1}, {**a, "revision": opened_revision}
            event_record(actor=actor, action="order.updated", subject=order, clause="P2.2.b", before=b, after=a)
    return order


def _refuse_if_approved_before(order: Order) -> None:
    """An order that was approved holds exposure and may have tasks, production and shipments on its
    lines: it changes only through a change request (in place, line by line) and is cancelled only
    through a cancellation after approval, never by the draft's edit or cancel."""
    if order.approved_total > 0:
        raise Conflict(_("This order was approved: change it through its change request, or ask for its "
                         "cancellation."), code="approved_before", field="state")


# P2.3, change after approval: what a change may touch (the customer, the rep and the payment terms stay).
CHANGE_FIELDS = ("delivery_date", "delivery_region", "delivery_city", "delivery_address", "customer_reference",
                 "contact_name", "contact_phone", "notes")


def _next_revision(order: Order) -> int:
    return (order.revisions.order_by("-revision").values_list("revision", flat=True).first() or 0) + 1


def order_amend(*, order: Order, actor: User, changes: Mapping[str, Any] | None = None,
                lines: Iterable[Mapping[str, Any]] | None = None,
                floors: Mapping[int, Decimal] | None = None, restore_revision: int | None = None) -> Order:
    """The orders half of a change after approval (P2.3 again): edit an approved order's header and
    lines IN PLACE, inside the caller's transaction (amendments' services call this, never a page).

    Lines keep their identity, because tasks, production orders, shipments and invoices refer to
    them: a line given with its `id` is updated, one without is added at the next line number, an
    existing line left out is removed. `floors` (line id → quantity) is what was already shipped,
    produced or invoiced of each line: a line is never reduced below it, nor removed while it is
    above zero. The first edit opens the next revision (the approved one stays as approved);
    `restore_revision` puts back the number of the revision whose content is being restored
    (a withdrawn change). The edit is an `order.updated` event: its author is a party (P2.3.c)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_amend runs inside an amendments service's transaction")
    changes = dict(changes or {})
    refused = sorted(set(changes) - set(CHANGE_FIELDS))
    if refused:
        raise ValidationFailed(_("This field cannot be changed after approval."), field=refused[0],
                               code="read_only")
    header = _clean_header(changes)
    floors = dict(floors or {})
    with transaction.atomic(savepoint=False):
        order = _lock(order)
        if not is_responsible(order, actor):
            raise PermissionDenied(_("You may not change this order."))
        if order.approved_total <= 0:
            raise InvalidTransition(_("Only an approved order is changed by a change request."), field="state",
                                    code="invalid_transition")
        lines_prefetch(order)
        before = order_snapshot(order)
        for name, value in header.items():
            setattr(order, name, value)
        if lines is not None:
            _amend_lines(order, list(lines), floors)
            amended = list(order.lines.all())
            order.total_amount = _lines_total(amended)
            order.net_total, order.tax_total, _total = vat_totals((ln.net_amount, ln.tax_amount) for ln in amended)
        if restore_revision is not None:
            order.revision = restore_revision
        elif order.revisions.filter(revision=order.revision).exists():
            order.revision = _next_revision(order)
        order.save()
        lines_prefetch(order)
        after = order_snapshot(order)
        b, a = _changes_dicts(rules.revision_diff(before, after))
        if before["revision"] != after["revision"]:
            b, a = {**b, "revision": before["revision"]}, {**a, "revision": after["revision"]}
        if b or a:
            event_record(actor=actor, action="order.updated", subject=order, clause="P2.3", before=b, after=a)
    return order


def _amend_lines(order: Order, wanted: list[Mapping[str, Any]], floors: Mapping[int, Decimal]) -> None:
    existing = {ln.pk: ln for ln in order.lines.all()}
    if len(wanted) > MAX_LINES:
        raise ValidationFailed(_("At most %(n)s lines.") % {"n": MAX_LINES}, field="lines")
    kept: set[int] = set()
    to_update: list[OrderLine] = []
    to_create: list[OrderLine] = []
    next_position = max((ln.position for ln in existing.values()), default=0) + 1
    for i, raw in enumerate(wanted, start=1):
        if not isinstance(raw, Mapping):
            raise ValidationFailed(_("Each line must be an object."), field=f"lines.{i}")
        raw = dict(raw)
        line_id, position = raw.pop("id", None), raw.pop("position", None)
        built = _build_lines([raw])[0]
        if line_id not in (None, ""):
            try:
                current = existing.get(int(line_id))
            except (TypeError, ValueError):
                current = None
            if current is None or current.pk in kept:
                raise ValidationFailed(_("That line is not on this order."), field=f"lines.{i}")
            kept.add(current.pk)
            floor = floors.get(current.pk, Decimal("0"))
            if built.quantity is not None and built.quantity < floor:
                raise ValidationFailed(
                    _("Line %(line)s cannot go below %(n)s: that much is already shipped, produced or invoiced.")
                    % {"line": current.position, "n": floor.normalize()},
                    field=f"lines.{i}.quantity", code="below_done")
            same_product = built.product_id == current.product_id
            for name in ("product", "product_code", "name", "specification", "description", "unit", "quantity",
                         "unit_price", "amount"):
                setattr(current, name, getattr(built, name))
            if not same_product:  # the list price at entry is the product's, when the product changes
                current.list_price = built.list_price
            # The VAT rate copied at entry stays with the line unless its product changes or a free line is
            # given another rate; the split follows the amount by the one rule (docs/conventions.md "VAT").
            if not same_product or raw.get("tax_rate") not in (None, ""):
                current.tax_rate = built.tax_rate
            current.net_amount, current.tax_amount = vat_split(current.amount, current.tax_rate)
            to_update.append(current)
        else:
            if position not in (None, "") and int(position) not in {ln.position for ln in existing.values()}:
                built.position = int(position)  # a restored line takes its old number back
            else:
                built.position = next_position
                next_position += 1
            built.order = order
            to_create.append(built)
    removed = [ln for pk, ln in existing.items() if pk not in kept]
    for ln in removed:
        if floors.get(ln.pk, Decimal("0")) > 0:
            raise ValidationFailed(
                _("Line %(line)s cannot be removed: part of it is already shipped, produced or invoiced.")
                % {"line": ln.position}, field="lines", code="below_done")
    try:
        with transaction.atomic():
            OrderLine.objects.filter(pk__in=[ln.pk for ln in removed]).delete()
    except ProtectedError as e:
        raise Conflict(_("A removed line still has work recorded against it: reduce it instead."),
                       code="line_in_use", field="lines") from e
    OrderLine.objects.bulk_update(to_update, ["product", "product_code", "name", "specification", "description",
                                              "unit", "quantity", "unit_price", "list_price", "amount", "tax_rate",
                                              "net_amount", "tax_amount"])
    OrderLine.objects.bulk_create(to_create)
    if hasattr(order, "_prefetched_objects_cache"):
        order._prefetched_objects_cache.pop("lines", None)


def order_submission_record(*, order: Order, actor: User, verb: str = "submit",
                            shape: Callable[[QuerySet[Order]], QuerySet[Order]] | None = None) -> Order:
    """The orders half of submitting for review (P2.2.a): only a complete order; freezes the
    revision the reviewer sees and moves the order to SUBMITTED. The hand-off to review (P2.2 →
    P2.3) is `review.services.order_submit`, which calls this inside its transaction and then runs
    the review's checks and the credit check: call that one, not this. `shape`: what the caller adds to the
    order's locking query to read in the same statement (review's facts, the customer's credit row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("order_submission_record runs inside review.services.order_submit's transaction")
    with transaction.atomic(savepoint=False):
        order = _submission_lock(order, shape)
        if not is_responsible(order, actor):
            raise PermissionDenied(_("You may not submit this order."))
        if verb not in ("submit", "change"):
            raise ValueError(verb)
        # "change": an approved order's change goes back through review (P2.3) as a new revision.
        target = check_move(order.state, verb)
        # Completeness, the snapshot and the review facts all read the lines: one query for all three.
        lines_prefetch(order)
        findings = order_completeness(order)
        if findings:
            raise ValidationFailed(
                _("The order is incomplete: %(n)s item(s) to complete before it can be submitted.")
                % {"n": len(findings)},
                code="incomplete", details=[f.as_dict() for f in findings])
        if order.latest_revision == order.revision:  # type: ignore[attr-defined]  # annotated by _lock
            # Returned and sent back unchanged: still a new revision for the reviewer.
            order.revision += 1
        snapshot = order_snapshot(order)
        OrderRevision.objects.create(order=order, revision=order.revision, snapshot=snapshot, created_by=actor)
        from_state = order.state
        order.state = target
        order.submitted_at = timezone.now()
        order.save(update_fields=["revision", "state", "submitted_at", "updated_at"])  # nothing else moves here
        # What changed since the returned revision is already on the timeline, edit by edit
        # (order.updated): the submission records only the move, not that diff a second time.
        event_record(actor=actor, action="order.submitted", subject=order, clause=MOVES[verb][2],
                     before={"state": from_state}, after={"state": target, "revision": order.revision})
    return order


def order_cancel(*, order: Order, actor: User, reason: str) -> Order:
    """Cancel a draft or returned order; the reason is mandatory and kept (P4.2.a)."""
    reason = _text(reason, field="reason", max_length=2000)
    with transaction.atomic():
        order = _lock(order)
        if not is_responsible(order, actor):
            raise PermissionDenied(_("You may not cancel this order."))
        target = check_move(order.state, "cancel")
        _refuse_if_approved_before(order)
        if not reason:
            raise ValidationFailed(_("Give the reason for the cancellation."), field="reason", code="required")
        from_state = order.state
        order.state = target
        order.cancel_reason = reason
        order.save()
        event_record(actor=actor, action="order.cancelled", subject=order, clause=MOVES["cancel"][2],
                     before={"state": from_state}, after={"state": target}, message=reason)
    return order
