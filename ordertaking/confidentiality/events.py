"""P4.1.c on the audit log (`/audit/`, `GET /api/v1/audit/events`): an event's before, after, changes
and note can carry a customer's confidential data (a contact's phone, an order's delivery address, the
credit code, the invoicing details, the e-mail a private link was sent to). The log shows them as the
one rule says: in full only to a reader holding a duty for that event's customer; masked for everyone
else — auditors included, who hold no duty — with a "reveal" button (logged) under a grant in force.

Masking happens on READ, in memory: the stored event is never touched, so its hash and the chain
(`verify-audit`) stay what was recorded. Handed to the audit app in `ConfidentialityConfig.ready`
(`audit.selectors.event_reader_set`); the customer of each event is found through the subjects the
apps above hand down (`duties.subject_customers_add`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from ordertaking.audit.labels import event_changes, show_note
from ordertaking.common.errors import NotFound

from . import duties, rules
from .models import Field
from .selectors import Lens

# The keys under which events store a customer's confidential values, and which field of the rule each is.
KEY_FIELDS: dict[str, str] = {
    "contact_name": Field.CONTACT_NAME, "told_contact": Field.CONTACT_NAME, "agreed_with": Field.CONTACT_NAME,
    # the person at the customer who inspected, raised an issue or accepted its result (P2.5.c/d), and who
    # signed the delivery voucher (P2.5.b) with the IP address they signed from (masked like a phone)
    "customer_name": Field.CONTACT_NAME, "signer_name": Field.CONTACT_NAME, "ip_address": Field.PHONE,
    # the person at the customer a contingency plan says was told (P5.2.a)
    "notified_person": Field.CONTACT_NAME,
    "phone": Field.PHONE, "contact_phone": Field.PHONE, "mobile": Field.PHONE,
    "email": Field.EMAIL, "contact_email": Field.EMAIL, "sent_to": Field.EMAIL,
    "address": Field.ADDRESS, "detail": Field.ADDRESS, "delivery_address": Field.ADDRESS,
    "agreed_place": Field.ADDRESS,
    "credit_code": Field.CREDIT_CODE,
    "taxpayer_number": Field.INVOICING, "invoice_address": Field.INVOICING, "invoice_phone": Field.INVOICING,
    "invoice_bank_account": Field.INVOICING,
}
# Events about a customer's contact person name them by "name" (and in their note).
CONTACT_ACTION_PREFIX = "customer.contact_"
CONTACT_LISTS = frozenset({"contacts"})
# The signed-for tracking event (P2.4.c, kind "delivered"): its "place" is the door, its note who signed.
SIGNED_FOR = "shipment.tracked"
# The scan of a voucher signed on paper (P2.5.b) carries the signer's name and hand, and the name it was uploaded
# under may name the signer too: that file name follows the signer's name, in the signing and in its upload.
PAPER_SIGNED = "delivery_voucher.signed_on_paper"
SCAN_ADDED, SCAN_KIND = "attachment.added", "voucher_scan"
SOURCE = "audit"


@dataclass(frozen=True)
class EventShape:
    """How one event holds confidential data beyond `KEY_FIELDS`: `contact` — its record is a contact's
    ("name" is the contact's name); `keys` — more keys that are confidential in this event; `note` — the
    field its note (message) is, when the note itself is a confidential value."""

    contact: bool = False
    keys: Mapping[str, str] = dc_field(default_factory=dict)
    note: str | None = None


PLAIN = EventShape()


def event_shape(action: str, after: Any) -> EventShape:
    if action.startswith(CONTACT_ACTION_PREFIX):
        return EventShape(contact=True, note=Field.CONTACT_NAME)
    if action == SIGNED_FOR and isinstance(after, dict) and after.get("tracking") == "delivered":
        return EventShape(keys={"place": Field.ADDRESS}, note=Field.CONTACT_NAME)
    if action == PAPER_SIGNED or (action == SCAN_ADDED and isinstance(after, dict)
                                  and after.get("attachment_kind") == SCAN_KIND):
        return _SCAN_NAMED
    return PLAIN


_SCAN_NAMED = EventShape(keys={"file_name": Field.CONTACT_NAME})


def note_confidential_q() -> Q:
    """The events whose note may be a confidential value (a superset of `event_shape(...).note`, by action
    only, so the audit log's free-text search excludes them with its action index): the search never looks
    in their message, whoever reads (P4.1.c; docs/conventions.md)."""
    return Q(action__startswith=CONTACT_ACTION_PREFIX) | Q(action=SIGNED_FOR)


def notes_unsearched_q(q: str) -> Q:
    """The events whose note the audit log's search for `q` must not look into: the notes that are confidential
    values (`note_confidential_q`) and, when `q` names a customer's contact — a name, phone or e-mail, a part of
    one, or text holding one (`duties.known_value_named`) — every note, since free text shows that value masked
    (`note_masked`): a hit would tell which note holds it."""
    return Q(pk__isnull=False) if duties.known_value_named(q) else note_confidential_q()


def key_field(key: str, *, contact: bool = False, shape: EventShape = PLAIN) -> str | None:
    """The confidential field an event's `key` holds, or None (a person's "name" only in a contact's record)."""
    if (contact or shape.contact) and key == "name":
        return Field.CONTACT_NAME
    return shape.keys.get(key) or KEY_FIELDS.get(key)


def _mask_one(field: str, key: str, value: Any) -> Any:
    if isinstance(value, str):
        return rules.mask(field, value, key=key)
    if isinstance(value, list):
        return [_mask_one(field, key, v) for v in value]
    return value


def masked_payload(payload: Any, hidden: Callable[[str], bool], *, contact: bool = False,
                   shape: EventShape = PLAIN) -> tuple[Any, set[str]]:
    """A copy of an event's before/after with every confidential value the reader may not see masked,
    at any depth, and the keys (top level) it masked. `hidden(field)` says whether a field is masked."""
    masked_keys: set[str] = set()

    def walk(value: Any, in_contact: bool, top: bool) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                field = key_field(str(k), contact=in_contact, shape=shape if top else PLAIN)
                if field is not None and hidden(field) and v not in (None, ""):
                    out[k] = _mask_one(field, str(k), v)
                    if top:
                        masked_keys.add(str(k))
                    elif v != out[k]:
                        masked_keys.add("")
                else:
                    out[k] = walk(v, in_contact or k in CONTACT_LISTS, False)
            return out
        if isinstance(value, list):
            return [walk(v, in_contact, False) for v in value]
        return value

    return walk(payload, contact or shape.contact, True), masked_keys


def _customers_of(events: list[Any]) -> dict[tuple[str, str], Any]:
    ids: dict[str, set[str]] = {}
    for ev in events:
        ids.setdefault(ev.subject_type, set()).add(str(ev.subject_id))
    found: dict[tuple[str, str], Any] = {}
    for subject_type, subject_ids in ids.items():
        for subject_id, customer in duties.subject_customers(subject_type, sorted(subject_ids)).items():
            found[(subject_type, str(subject_id))] = customer
    return found


def note_masked(note: str, known: Sequence[tuple[str, str]], hidden: Callable[[str], bool]) -> str:
    """A free-text note with each of the customer's known values it names (`duties.known_values`: a contact's
    name, phone, e-mail) masked where the reader may not see that field, as the value is masked anywhere else."""
    named = sorted(((f, v) for f, v in known if v and v in note and hidden(f)), key=lambda fv: -len(fv[1]))
    if not named:
        return note
    masks: dict[str, str] = {}
    for field, value in named:
        masks.setdefault(value, str(rules.mask(field, value)))
    # One pass, the longest value first at each place: a value is never masked again inside another's mask.
    return re.compile("|".join(re.escape(v) for v in masks)).sub(lambda m: masks[m.group(0)], note)


def _known_of(customers: Any) -> dict[int, list[tuple[str, str]]]:
    return duties.known_values(sorted({c.pk for c in customers if c is not None}))


def _note_read(ev: Any, shape: EventShape, known: list[tuple[str, str]], hidden: Callable[[str], bool]) -> None:
    """The event's note as the reader may see it: masked whole when it is itself a confidential value (its
    shape says so), else with the customer's known values masked where it names them."""
    if not ev.message:
        return
    if shape.note:
        message = rules.mask(shape.note, ev.message) if hidden(shape.note) else ev.message
    else:
        message = note_masked(ev.message, known, hidden)
    if message != ev.message:
        ev.message = message
        ev.note = show_note(message)


def events_masked(events: list[Any]) -> list[Any]:
    """Every confidential value of the described events masked, whoever reads (a timeline shown to a reader
    its page already found without a duty for the subject's customer)."""
    customers = _customers_of(events) if events else {}
    known = _known_of(customers.values())
    for ev in events:
        shape = event_shape(ev.action, ev.after)
        before, masked_b = masked_payload(ev.before, lambda f: True, shape=shape)
        after, masked_a = masked_payload(ev.after, lambda f: True, shape=shape)
        customer = customers.get((ev.subject_type, str(ev.subject_id)))
        _note_read(ev, shape, known.get(customer.pk, []) if customer is not None else [], lambda f: True)
        if masked_b or masked_a:
            ev.before, ev.after = before, after
            ev.changes = event_changes(before, after)
    return events


def events_read(user: Any, events: list[Any], *, lens: Lens | None = None) -> None:
    """Mask, in place and in memory, what `user` may not see of each described event (P4.1.c)."""
    if not events:
        return
    from .templatetags.confidential import reveal_html

    lens = lens or Lens(user)
    may_reveal_here = user.has_perm("accounts.audit_view")  # the reveal finds the value in the audit log
    customers = _customers_of(events)
    known = _known_of(customers.values())
    for ev in events:
        customer = customers.get((ev.subject_type, str(ev.subject_id)))
        shape = event_shape(ev.action, ev.after)

        def hidden(field: str, customer: Any = customer) -> bool:
            return not lens.sees(customer, field)

        before, masked_b = masked_payload(ev.before, hidden, shape=shape)
        after, masked_a = masked_payload(ev.after, hidden, shape=shape)
        _note_read(ev, shape, known.get(customer.pk, []) if customer is not None else [], hidden)
        if not (masked_b or masked_a):
            continue
        ev.before, ev.after = before, after
        ev.changes = event_changes(before, after)
        ev.confidential_masked = True
        if customer is None or lens.grant_id(customer) is None or not may_reveal_here:
            continue
        for change in ev.changes:  # under a grant: each masked top-level value can be revealed, logged
            key = change["key"]
            field = key_field(key, shape=shape)
            if field is None:
                continue
            if key in masked_a and change["after"]:
                change["after_html"] = reveal_html(field, change["after"], source=SOURCE, ref=ev.pk,
                                                   key=f"after.{key}")
            if key in masked_b and change["before"]:
                change["before_html"] = reveal_html(field, change["before"], source=SOURCE, ref=ev.pk,
                                                    key=f"before.{key}")


def reveal_event_value(user: Any, ref: str, key: str) -> tuple[Any, str, Any]:
    """What the reveal action finds in an audit event (`before.phone`, `after.delivery_address`)."""
    from ordertaking.audit.models import AuditEvent

    side, _sep, name = str(key).partition(".")
    ev = AuditEvent.objects.filter(pk=ref).first() if str(ref).isdigit() and len(str(ref)) < 19 else None
    if ev is None or not user.has_perm("accounts.audit_view") or side not in ("before", "after"):
        raise NotFound(_("Nothing to reveal here."))
    payload = ev.before if side == "before" else ev.after
    value = payload.get(name) if isinstance(payload, dict) else None
    field = key_field(name, shape=event_shape(ev.action, ev.after))
    customer = duties.subject_customers(ev.subject_type, [str(ev.subject_id)]).get(str(ev.subject_id))
    if field is None or customer is None or not isinstance(value, str) or not value:
        raise NotFound(_("Nothing to reveal here."))
    return customer, field, value
