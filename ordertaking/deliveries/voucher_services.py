"""Writes of deliveries (P2.5). Each write locks the order row first (every service that can move the
order takes it in the same order: order, then its vouchers), checks who acts and the state table, and
records its event on the order in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.accounts.models import User
from ordertaking.attachments.models import Attachment
from ordertaking.attachments.services import attachment_add
from ordertaking.audit.labels import CUSTOMER_ACTOR
from ordertaking.audit.services import event_record
from ordertaking.common.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.progress import FirstApproval, order_progress_changed
from ordertaking.logistics.models import Shipment
from ordertaking.logistics.states import GONE
from ordertaking.orders.models import Order
from ordertaking.orders.states import MOVES, check_move
from ordertaking.portal.selectors import link_from_token

from . import voucher_rules as rules
from . import voucher_selectors as selectors
from .models import DeliveryVoucher, VoucherLine
from .voucher_states import VOUCHER

SIGNATURE_WORDS = {
    "not_png": _("The signature could not be read: draw it again."),
    "too_large": _("The signature image is too large."),
    "blank": _("Draw your signature in the box first."),
}


def _order_locked(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("customer", "sales_rep").get(pk=order.pk)


def _voucher_locked(voucher: DeliveryVoucher) -> DeliveryVoucher:
    return DeliveryVoucher.objects.select_for_update(of=("self",)).select_related("shipment").get(pk=voucher.pk)


def voucher_number(shipment: Shipment) -> str:
    """交付凭证 JF-<order>-<nn>, the shipment's SHP-<order>-<nn> with its own prefix: one voucher per shipment."""
    rest = shipment.number[4:] if shipment.number.startswith("SHP-") else shipment.number
    return f"JF-{rest}"


# --- the voucher of each dispatched shipment ------------------------------------------------------------

def vouchers_follow(*, order: Order, actor: Any = None, first: FirstApproval | None = None) -> list[DeliveryVoucher]:
    """P2.5.b: every dispatched shipment of the order has its delivery voucher, open for the customer's
    signature, its lines copied from the shipment. Handed down to the execution chapter's progress
    hand-off (common/progress.py) in deliveries' ready(): it runs in logistics' dispatch transaction,
    after the order row was locked there. An order's first approval has no shipment yet (`first`)."""
    if first is not None:
        return []
    missing = list(Shipment.objects.filter(order=order, state__in=GONE, voucher__isnull=True)
                   .prefetch_related("lines__order_line").order_by("id"))
    made = []
    for shipment in missing:
        voucher = DeliveryVoucher.objects.create(number=voucher_number(shipment), shipment=shipment, order=order)
        VoucherLine.objects.bulk_create([
            VoucherLine(voucher=voucher, order_line=sl.order_line, position=sl.order_line.position,
                        product_code=sl.order_line.product_code, name=sl.order_line.name or sl.order_line.description,
                        specification=sl.order_line.specification, unit=sl.order_line.unit, quantity=sl.quantity)
            for sl in sorted(shipment.lines.all(), key=lambda sl: sl.order_line.position)])
        event_record(actor=actor, action="delivery_voucher.issued", subject=order, clause="P2.5.b",
                     after={"voucher": voucher.number, "shipment": shipment.number,
                            "voucher_state": voucher.state})
        made.append(voucher)
    return made


def _require_record(actor: User, order: Order) -> None:
    if not selectors.may_record(actor, order):
        raise PermissionDenied(_("Only the order's sales rep or the order processing center may record the "
                                 "delivery (P2.5.b)."))


def voucher_documents_set(*, voucher: DeliveryVoucher, actor: User, documents: list[str]) -> DeliveryVoucher:
    """P2.5.b 向客户提供产品说明书、质量检验报告、服务记录: which documents go to the customer with the goods,
    ticked by the rep while the voucher is open (the customer signs for them with the goods)."""
    wanted = list(dict.fromkeys(documents or []))
    unknown = [d for d in wanted if d not in DeliveryVoucher.Handed.values]
    if unknown:
        raise ValidationFailed(_("Unknown document: %(d)s.") % {"d": ", ".join(map(str, unknown))},
                               field="documents")
    wanted = [d for d in DeliveryVoucher.Handed.values if d in wanted]  # the list's own order
    with transaction.atomic():
        order = _order_locked(voucher.order)
        _require_record(actor, order)
        voucher = _voucher_locked(voucher)
        if voucher.is_signed:
            raise InvalidTransition(_("This delivery voucher is signed: it cannot change."), field="state",
                                    code="invalid_transition")
        before = list(voucher.documents)
        if before != wanted:
            voucher.documents = wanted
            voucher.save(update_fields=["documents"])
            event_record(actor=actor, action="delivery_voucher.documents_set", subject=order, clause="P2.5.b",
                         before={"documents": before}, after={"voucher": voucher.number, "documents": wanted})
    return voucher


def _content(voucher: DeliveryVoucher, order: Order, *, signer_name: str, signed_at: datetime,
             method: str) -> bytes:
    lines = [{"position": ln.position, "product_code": ln.product_code, "name": ln.name,
              "specification": ln.specification, "unit": ln.unit, "quantity": ln.quantity}
             for ln in VoucherLine.objects.filter(voucher=voucher).order_by("position")]
    return rules.canonical(number=voucher.number, order=order.number, shipment=voucher.shipment.number,
                           customer=order.customer.name, lines=lines, documents=voucher.documents,
                           signer_name=signer_name, signed_at=signed_at, method=method)


def voucher_content_hash(voucher: DeliveryVoucher, signature: bytes) -> str:
    """The hash of a signed voucher recomputed from its rows and the signature's bytes (a check anyone
    can run: equal to `content_hash` and to the signing event's sha256 while nothing was tampered with)."""
    if voucher.signed_at is None:
        return ""
    return rules.content_hash(_content(voucher, voucher.order, signer_name=voucher.signer_name,
                                       signed_at=voucher.signed_at, method=voucher.state), signature)


def _deliver_if_done(order: Order, actor: Any, after: dict[str, Any]) -> dict[str, Any]:
    """The order's move `deliver` (P2.5.b) once it is fully shipped and every voucher is signed; the
    signing event carries the move (before/after state)."""
    states = list(DeliveryVoucher.objects.filter(order=order).values_list("state", flat=True))
    if not rules.order_delivered(order_state=order.state, vouchers=states):
        return {}
    before = order.state
    order.state = check_move(order.state, "deliver")
    order.save(update_fields=["state", "updated_at"])
    after["state"] = order.state
    return {"state": before}


def voucher_sign(*, voucher: DeliveryVoucher, signer_name: str, signature: bytes, ip: str | None = None,
                 user_agent: str = "", token: str = "") -> DeliveryVoucher:
    """P2.5.b 客户签署交付凭证: the customer signs on their own page through their private link (`token`,
    checked again here under the link's lock; the demo and tests sign without one) — the name they type
    and the signature they draw, with the time, their IP
    address and browser. The sha256 of the voucher's content and the signature goes on the audit chain
    with the event. A voucher is signed once: a second signing is refused (409)."""
    name = rules.signer_name_clean(signer_name)
    if not name:
        raise ValidationFailed(_("Type your name."), field="signer_name")
    problem = rules.signature_problem(signature)
    if problem:
        raise ValidationFailed(SIGNATURE_WORDS[problem], field="signature", code=f"signature_{problem}")
    with transaction.atomic():
        order = _order_locked(voucher.order)
        if token:  # the link again, under its lock: one revoked a moment ago signs nothing
            link = link_from_token(token, for_update=True)
            if link.order_id != order.pk:
                raise NotFound(_("No delivery voucher %(number)s.") % {"number": voucher.number}, code="not_found")
        voucher = _voucher_locked(voucher)
        voucher.state = VOUCHER.check(voucher.state, "sign")
        now = timezone.now()
        digest = rules.content_hash(_content(voucher, order, signer_name=name, signed_at=now, method=voucher.state),
                                    signature)
        voucher.signer_name, voucher.signature, voucher.signed_at = name, signature, now
        voucher.signer_ip = ip or None
        voucher.signer_agent = (user_agent or "")[:300]
        voucher.content_hash = digest
        voucher.save()
        after: dict[str, Any] = {"voucher": voucher.number, "voucher_state": voucher.state, "signer_name": name,
                                 "ip_address": voucher.signer_ip or "", "browser": voucher.signer_agent,
                                 "sha256": digest}
        before = _deliver_if_done(order, None, after)
        event_record(actor=None, actor_name=CUSTOMER_ACTOR, action="delivery_voucher.signed", subject=order,
                     clause=MOVES["deliver"][2], before={"voucher_state": "open", **before}, after=after)
        if before:
            order_progress_changed(order=order, actor=None)
    return voucher


def voucher_paper_record(*, voucher: DeliveryVoucher, actor: User, file: Any, signer_name: str,
                         signed_at: datetime | None = None) -> DeliveryVoucher:
    """P2.5.b 纸质交付凭证: the customer signed the paper voucher on site; the order's sales rep (or the
    order processing center, `delivery_record`) uploads its scan (a PDF or an image, checked like every
    attachment) with the name written on it and when it was signed. The sha256 over the voucher's content
    and the scan's bytes goes on the audit chain; from then on the voucher counts as signed and its scan
    can no longer be removed."""
    name = rules.signer_name_clean(signer_name)
    if not name:
        raise ValidationFailed(_("Give the name the customer signed with."), field="signer_name")
    if file is None:
        raise ValidationFailed(_("Choose the scan of the signed voucher."), field="file")
    now = timezone.now()
    when = signed_at or now
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > now + timedelta(minutes=10):
        raise ValidationFailed(_("The signing cannot be in the future."), field="signed_at")
    stored: list[Any] = []
    try:
        with transaction.atomic():
            order = _order_locked(voucher.order)
            _require_record(actor, order)
            voucher = _voucher_locked(voucher)
            voucher.state = VOUCHER.check(voucher.state, "sign_on_paper")
            shipped = voucher.shipment.shipped_at
            if shipped is not None and when < shipped - timedelta(minutes=10):
                raise ValidationFailed(_("The voucher cannot be signed before the goods left."), field="signed_at")
            scan = attachment_add(actor=actor, target=voucher, file=file, kind=Attachment.Kind.VOUCHER_SCAN,
                                  order=order, may=lambda _actor, _target: True)
            stored.append(scan.file)
            with scan.file.open("rb") as f:
                data = f.read()
            digest = rules.content_hash(_content(voucher, order, signer_name=name, signed_at=when,
                                                 method=voucher.state), data)
            voucher.scan, voucher.signer_name, voucher.signed_at = scan, name, when
            voucher.recorded_by, voucher.content_hash = actor, digest
            voucher.save()
            after: dict[str, Any] = {"voucher": voucher.number, "voucher_state": voucher.state,
                                     "signer_name": name, "file_name": scan.original_name, "sha256": digest}
            before = _deliver_if_done(order, actor, after)
            event_record(actor=actor, action="delivery_voucher.signed_on_paper", subject=order,
                         clause=MOVES["deliver"][2], before={"voucher_state": "open", **before}, after=after)
            if before:
                order_progress_changed(order=order, actor=actor)
    except BaseException:
        for f in stored:  # nothing half-written: the scan's bytes go with the rows that were rolled back
            f.storage.delete(f.name)
        raise
    return voucher


def scan_removal_refusal(attachment: Any) -> str | None:
    """Handed down to attachments: the scan of a voucher that counts as signed stays (P2.5.b)."""
    if DeliveryVoucher.objects.filter(scan_id=attachment.pk).exists():
        return str(_("This scan is the signed delivery voucher: it cannot be removed."))
    return None
