"""Every write to the customer archive (P2.1.c, P4.1.a): customers, contacts, addresses.

Each service checks `customer_manage` (P3.1, P3.2), validates with the pure rules in
`rules.py`, and writes its audit event with the customer as subject in the same
transaction, so the customer's timeline shows every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.audit.services import changes, event_record
from ordertaking.catalog.models import Region
from ordertaking.common.errors import Conflict, PermissionDenied, ValidationFailed

from . import rules, validators
from .models import Contact, Customer, CustomerAddress, InvoiceType
from .selectors import customer_visible

CUSTOMER_FIELDS = ("name", "kind", "credit_code", "industry", "size", "region", "city", "status", "sales_rep",
                   "preferences", "notes")
CONTACT_FIELDS = ("name", "title", "phone", "email", "is_primary")
ADDRESS_FIELDS = ("label", "region", "city", "detail", "is_default")


def _require_manage(actor: User) -> None:
    if not actor.has_perm("accounts.customer_manage"):
        raise PermissionDenied(_("You may not create or edit customers."), field=None)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Plain values for the audit log: foreign keys by their label, so the timeline reads well."""
    out: dict[str, Any] = {}
    for f in fields:
        value = getattr(obj, f)
        if hasattr(value, "pk"):
            value = str(value)
        out[f] = value
    return out


# --- validation (P2.1.c information collected accurately; P2.3.a genuine customer) -----------------

def _check_texts(model: Any, values: Mapping[str, Any], *, prefix: str = "") -> None:
    """Text that the database would refuse (NUL characters, too long, not text) is refused here,
    naming its field, so bad input is a 422 and never a 500."""
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a model field (e.g. contacts): checked elsewhere
            continue
        max_length = getattr(field, "max_length", None)
        if field.get_internal_type() not in ("CharField", "TextField", "EmailField"):
            continue
        if value is None:
            continue
        if not isinstance(value, str) or "\x00" in value:
            raise ValidationFailed(_("Enter text."), code="invalid_text", field=f"{prefix}{name}")
        if max_length and len(value.strip()) > max_length:
            raise ValidationFailed(_("At most %(n)s characters.") % {"n": max_length}, code="too_long",
                                   field=f"{prefix}{name}")


def _clean_credit_code(code: str | None, *, field: str = "credit_code") -> str | None:
    code = rules.normalize_credit_code(code or "")
    if not code:
        return None
    message = validators.credit_code_error(code)
    if message is not None:
        raise ValidationFailed(message, code="invalid_credit_code", field=field)
    return code


def _check_duplicate(code: str | None, *, exclude_pk: Any = None) -> None:
    """P2.1.c: one archive entry per company; the message names the existing customer."""
    if not code:
        return
    qs = Customer.objects.filter(credit_code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.first()
    if existing is not None:
        raise Conflict(
            _("A customer with this unified social credit code already exists: %(name)s (#%(pk)s).")
            % {"name": existing.name, "pk": existing.pk},
            code="duplicate_customer", field="credit_code", details={"customer_id": existing.pk,
                                                                      "customer_name": existing.name})


def _clean_phone(phone: str, *, field: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        raise ValidationFailed(_("A phone number is required."), code="required", field=field)
    message = validators.phone_error(phone)
    if message is not None:
        raise ValidationFailed(message, code="invalid_phone", field=field)
    return rules.normalize_phone(phone)


def _clean_email(email: str, *, field: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(_("Enter a valid email address."), code="invalid_email", field=field) from None
    return email


def _required(value: Any, *, field: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(_("This field is required."), code="required", field=field)
    return value.strip() if isinstance(value, str) else value


def _clean_sales_rep(rep: User | None) -> User | None:
    if rep is not None and not rep.has_role(Role.SALES):
        raise ValidationFailed(_("The sales rep must hold the sales role."), code="not_sales", field="sales_rep")
    return rep


def _clean_contact(data: Mapping[str, Any], *, prefix: str) -> dict[str, Any]:
    _check_texts(Contact, data, prefix=prefix)
    return {
        "name": _required(data.get("name"), field=f"{prefix}name"),
        "title": (data.get("title") or "").strip(),
        "phone": _clean_phone(data.get("phone") or "", field=f"{prefix}phone"),
        "email": _clean_email(data.get("email") or "", field=f"{prefix}email"),
        "is_primary": bool(data.get("is_primary")),
    }


def _clean_address(data: Mapping[str, Any], *, prefix: str) -> dict[str, Any]:
    _check_texts(CustomerAddress, data, prefix=prefix)
    region = data.get("region")
    if not isinstance(region, Region):
        raise ValidationFailed(_("Choose a province."), code="required", field=f"{prefix}region")
    return {
        "label": (data.get("label") or "").strip(),
        "region": region,
        "city": _required(data.get("city"), field=f"{prefix}city"),
        "detail": _required(data.get("detail"), field=f"{prefix}detail"),
        "is_default": bool(data.get("is_default")),
    }


def _check_kind(kind: Any, credit_code: str | None) -> str:
    """P5.3 消费者: an enterprise or an individual (consumer); a person has no unified social credit code."""
    kind = kind or Customer.Kind.ENTERPRISE
    if kind not in Customer.Kind.values:
        raise ValidationFailed(_("Choose enterprise or individual."), code="invalid_choice", field="kind")
    if kind == Customer.Kind.INDIVIDUAL and credit_code:
        raise ValidationFailed(_("An individual has no unified social credit code: leave it empty."),
                               code="individual_credit_code", field="credit_code")
    return str(kind)


def _check_sizes(values: Mapping[str, Any]) -> None:
    size = values.get("size")
    if size and size not in Customer.Size.values:
        raise ValidationFailed(_("Unknown size."), code="invalid_choice", field="size")
    status = values.get("status")
    if status and status not in Customer.Status.values:
        raise ValidationFailed(_("Unknown status."), code="invalid_choice", field="status")


# --- customers --------------------------------------------------------------------------------------

def customer_create(*, actor: User, name: str, credit_code: str | None = None, industry: str = "",
                    kind: str = Customer.Kind.ENTERPRISE,
                    size: str = "", region: Region | None = None, city: str = "",
                    status: str = Customer.Status.PROSPECT, sales_rep: User | None = None,
                    preferences: str = "", notes: str = "", contacts: Iterable[Mapping[str, Any]] = (),
                    addresses: Iterable[Mapping[str, Any]] = ()) -> Customer:
    """P2.1.c: a new entry in the customer archive, directly or from an inquiry.

    A sales rep who creates a customer without naming a rep becomes its rep (P3.1 develops customers).
    """
    _require_manage(actor)
    _check_texts(Customer, {"name": name, "credit_code": credit_code, "industry": industry, "city": city,
                            "preferences": preferences, "notes": notes, "size": size, "status": status})
    name = _required(name, field="name")
    code = _clean_credit_code(credit_code)
    kind = _check_kind(kind, code)
    _check_sizes({"size": size, "status": status})
    if sales_rep is None and actor.has_role(Role.SALES):
        sales_rep = actor
    sales_rep = _clean_sales_rep(sales_rep)
    clean_contacts = [_clean_contact(c, prefix=f"contacts.{i}.") for i, c in enumerate(contacts)]
    clean_addresses = [_clean_address(a, prefix=f"addresses.{i}.") for i, a in enumerate(addresses)]
    with transaction.atomic():
        _check_duplicate(code)
        try:
            with transaction.atomic():
                customer = Customer.objects.create(
                    name=name, kind=kind, credit_code=code, industry=(industry or "").strip(), size=size or "",
                    region=region, city=(city or "").strip(), status=status, sales_rep=sales_rep,
                    preferences=preferences or "", notes=notes or "", created_by=actor)
        except IntegrityError:
            # Someone else saved the same code between our check and our insert.
            _check_duplicate(code)
            raise
        for c in _one_flagged(clean_contacts, "is_primary"):
            Contact.objects.create(customer=customer, **c)
        for a in _one_flagged(clean_addresses, "is_default"):
            CustomerAddress.objects.create(customer=customer, **a)
        event_record(actor=actor, action="customer.created", subject=customer, clause="P2.1.c",
                     after={k: v for k, v in _snapshot(customer, CUSTOMER_FIELDS).items() if v not in (None, "")})
    return customer


def _one_flagged(rows: list[dict[str, Any]], flag: str) -> list[dict[str, Any]]:
    """At most one primary contact / default address; the first one if none is flagged."""
    seen = False
    for row in rows:
        if row[flag] and not seen:
            seen = True
        else:
            row[flag] = False
    if rows and not seen:
        rows[0][flag] = True
    return rows


def _lock_customer(customer: Customer, actor: User) -> Customer:
    _require_manage(actor)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer_visible(user=actor, customer=locked):
        raise PermissionDenied(_("This customer belongs to another sales rep."))
    return locked


def customer_update(*, customer: Customer, actor: User, **fields: Any) -> Customer:
    """Change the basic information or classification (P4.1.a updated regularly, P4.1.b).

    The event keeps only the fields that changed, before and after.
    """
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    _check_texts(Customer, fields)
    with transaction.atomic():
        locked = _lock_customer(customer, actor)
        before = _snapshot(locked, CUSTOMER_FIELDS)
        if "name" in fields:
            fields["name"] = _required(fields["name"], field="name")
        if "credit_code" in fields:
            fields["credit_code"] = _clean_credit_code(fields["credit_code"])
            _check_duplicate(fields["credit_code"], exclude_pk=locked.pk)
        if "status" in fields and not fields["status"]:
            raise ValidationFailed(_("This field is required."), code="required", field="status")
        if "sales_rep" in fields:
            _clean_sales_rep(fields["sales_rep"])
        if "kind" in fields or "credit_code" in fields:
            fields["kind"] = _check_kind(fields.get("kind", locked.kind),
                                         fields.get("credit_code", locked.credit_code))
        _check_sizes(fields)
        for k in ("industry", "city", "preferences", "notes", "size"):
            if k in fields and fields[k] is None:
                fields[k] = ""
        for k, v in fields.items():
            setattr(locked, k, v.strip() if isinstance(v, str) and k != "notes" else v)
        after = _snapshot(locked, CUSTOMER_FIELDS)
        old, new = changes(before, after)
        if not new:
            return locked
        locked.save()
        event_record(actor=actor, action="customer.updated", subject=locked, clause="P4.1.a",
                     before=old, after=new)
    return locked


# --- invoicing details 开票信息 (issue 11) --------------------------------------------------------------

INVOICING_FIELDS = ("invoice_title", "invoice_address", "invoice_phone", "invoice_bank", "invoice_bank_account",
                    "invoice_type")


def may_edit_invoicing(actor: User, customer: Customer) -> bool:
    """Who keeps a customer's invoicing details: those who edit the customer (sales for their own,
    customer service, the order center, the administrator), and finance, which issues the invoices."""
    if actor.has_perm("accounts.finance_manage"):
        return True
    return bool(actor.has_perm("accounts.customer_manage") and customer_visible(user=actor, customer=customer))


def customer_invoicing_update(*, customer: Customer, actor: User, **fields: Any) -> Customer:
    """P3.6: the customer's 开票信息 (title, address and phone, bank and account, invoice type wanted).
    The taxpayer number is the unified social credit code, changed with the customer's basic
    information. The event keeps what changed; phone and account are masked on timelines for those
    who do not see contact details (common/masking.py CONTACT_KEYS)."""
    unknown = set(fields) - set(INVOICING_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    _check_texts(Customer, fields)
    values = {k: ("" if v is None else v.strip()) for k, v in fields.items()}
    if "invoice_type" in values and values["invoice_type"] not in InvoiceType.values:
        raise ValidationFailed(_("Choose the general or the special VAT invoice."), code="invalid_choice",
                               field="invoice_type")
    if values.get("invoice_phone"):
        message = validators.phone_error(values["invoice_phone"])
        if message is not None:
            raise ValidationFailed(message, code="invalid_phone", field="invoice_phone")
        values["invoice_phone"] = rules.normalize_phone(values["invoice_phone"])
    if values.get("invoice_bank_account") and not rules.bank_account_valid(values["invoice_bank_account"]):
        raise ValidationFailed(_("Enter the bank account number: 8 to 40 digits."), code="invalid_bank_account",
                               field="invoice_bank_account")
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if not may_edit_invoicing(actor, locked):
            raise PermissionDenied(_("You may not change this customer's invoicing details."))
        before = _snapshot(locked, INVOICING_FIELDS)
        for k, v in values.items():
            setattr(locked, k, v)
        old, new = changes(before, _snapshot(locked, INVOICING_FIELDS))
        if not new:
            return locked
        locked.save(update_fields=[*values, "updated_at"])
        event_record(actor=actor, action="customer.invoicing_updated", subject=locked, clause="P3.6",
                     before=old, after=new)
    return locked


# --- contacts and addresses -------------------------------------------------------------------------

def contact_add(*, customer: Customer, actor: User, name: str, phone: str, title: str = "", email: str = "",
                is_primary: bool = False) -> Contact:
    data = _clean_contact({"name": name, "phone": phone, "title": title, "email": email,
                           "is_primary": is_primary}, prefix="")
    with transaction.atomic():
        locked = _lock_customer(customer, actor)
        if not locked.contacts.exists():
            data["is_primary"] = True
        elif data["is_primary"]:
            locked.contacts.update(is_primary=False)
        contact = Contact.objects.create(customer=locked, **data)
        event_record(actor=actor, action="customer.contact_added", subject=locked, clause="P2.1.c",
                     after=_snapshot(contact, CONTACT_FIELDS))
    return contact


def contact_update(*, contact: Contact, actor: User, **fields: Any) -> Contact:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    with transaction.atomic():
        locked_customer = _lock_customer(contact.customer, actor)
        locked = Contact.objects.select_for_update().get(pk=contact.pk, customer=locked_customer)
        before = _snapshot(locked, CONTACT_FIELDS)
        merged = {**before, **fields}
        data = _clean_contact(merged, prefix="")
        if data["is_primary"] and not locked.is_primary:
            locked_customer.contacts.exclude(pk=locked.pk).update(is_primary=False)
        for k, v in data.items():
            setattr(locked, k, v)
        old, new = changes(before, _snapshot(locked, CONTACT_FIELDS))
        if new:
            locked.save()
            event_record(actor=actor, action="customer.contact_updated", subject=locked_customer,
                         clause="P2.1.c", before=old, after=new, message=locked.name)
    return locked


def contact_remove(*, contact: Contact, actor: User) -> None:
    with transaction.atomic():
        locked_customer = _lock_customer(contact.customer, actor)
        locked = Contact.objects.select_for_update().get(pk=contact.pk, customer=locked_customer)
        before = _snapshot(locked, CONTACT_FIELDS)
        locked.delete()
        if before["is_primary"]:
            nxt = locked_customer.contacts.order_by("id").first()
            if nxt is not None:
                nxt.is_primary = True
                nxt.save(update_fields=["is_primary"])
        event_record(actor=actor, action="customer.contact_removed", subject=locked_customer,
                     clause="P2.1.c", before=before, message=before["name"])


def address_add(*, customer: Customer, actor: User, region: Region | None, city: str, detail: str,
                label: str = "", is_default: bool = False) -> CustomerAddress:
    data = _clean_address({"region": region, "city": city, "detail": detail, "label": label,
                           "is_default": is_default}, prefix="")
    with transaction.atomic():
        locked = _lock_customer(customer, actor)
        if not locked.addresses.exists():
            data["is_default"] = True
        elif data["is_default"]:
            locked.addresses.update(is_default=False)
        address = CustomerAddress.objects.create(customer=locked, **data)
        event_record(actor=actor, action="customer.address_added", subject=locked, clause="P2.1.c",
                     after=_snapshot(address, ADDRESS_FIELDS))
    return address


def address_update(*, address: CustomerAddress, actor: User, **fields: Any) -> CustomerAddress:
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field."), code="unknown_field", field=sorted(unknown)[0])
    with transaction.atomic():
        locked_customer = _lock_customer(address.customer, actor)
        locked = CustomerAddress.objects.select_for_update().select_related("region").get(
            pk=address.pk, customer=locked_customer)
        before = _snapshot(locked, ADDRESS_FIELDS)
        current = {f: getattr(locked, f) for f in ADDRESS_FIELDS}
        data = _clean_address({**current, **fields}, prefix="")
        if data["is_default"] and not locked.is_default:
            locked_customer.addresses.exclude(pk=locked.pk).update(is_default=False)
        for k, v in data.items():
            setattr(locked, k, v)
        old, new = changes(before, _snapshot(locked, ADDRESS_FIELDS))
        if new:
            locked.save()
            event_record(actor=actor, action="customer.address_updated", subject=locked_customer,
                         clause="P2.1.c", before=old, after=new)
    return locked


def address_remove(*, address: CustomerAddress, actor: User) -> None:
    with transaction.atomic():
        locked_customer = _lock_customer(address.customer, actor)
        locked = CustomerAddress.objects.select_for_update().get(pk=address.pk, customer=locked_customer)
        before = _snapshot(locked, ADDRESS_FIELDS)
        locked.delete()
        if before["is_default"]:
            nxt = locked_customer.addresses.order_by("id").first()
            if nxt is not None:
                nxt.is_default = True
                nxt.save(update_fields=["is_default"])
        event_record(actor=actor, action="customer.address_removed", subject=locked_customer,
                     clause="P2.1.c", before=before)


def customer_edit(*, customer: Customer, actor: User, fields: Mapping[str, Any],
                  contacts: Iterable[Mapping[str, Any]] = (), addresses: Iterable[Mapping[str, Any]] = ()) -> Customer:
    """The edit page in one transaction: basic fields, then each contact and address row.

    A row is a dict with `id` (None for a new row), `delete` and the fields. Each change goes
    through its own service so it writes its own event; one refusal rolls back all of them.
    Field names in errors are `contacts.<i>.<field>` / `addresses.<i>.<field>` by row position.
    """
    with transaction.atomic():
        locked = customer_update(customer=customer, actor=actor, **dict(fields))
        for group, rows in (("contacts", contacts), ("addresses", addresses)):
            for i, row in enumerate(rows):
                data = {k: v for k, v in row.items() if k not in ("id", "delete")}
                try:
                    _edit_row(locked, actor, group, row.get("id"), bool(row.get("delete")), data)
                except ValidationFailed as e:
                    raise ValidationFailed(e.message, code=e.code, field=f"{group}.{i}.{e.field}") from e
    return locked


def _edit_row(customer: Customer, actor: User, group: str, pk: Any, delete: bool, data: dict[str, Any]) -> None:
    if group == "contacts":
        if pk is None:
            if not delete:
                contact_add(customer=customer, actor=actor, **data)
            return
        contact = customer.contacts.filter(pk=pk).first()
        if contact is None:
            raise ValidationFailed(_("Contact not found."), code="not_found", field="name")
        if delete:
            contact_remove(contact=contact, actor=actor)
        else:
            contact_update(contact=contact, actor=actor, **data)
        return
    if pk is None:
        if not delete:
            address_add(customer=customer, actor=actor, **data)
        return
    address = customer.addresses.filter(pk=pk).first()
    if address is None:
        raise ValidationFailed(_("Address not found."), code="not_found", field="detail")
    if delete:
        address_remove(address=address, actor=actor)
    else:
        address_update(address=address, actor=actor, **data)
