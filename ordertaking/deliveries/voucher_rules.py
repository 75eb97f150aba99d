"""Delivery rules as plain functions over plain values (tested without a database)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_MAX_BYTES = 300 * 1024  # a drawn signature on a phone is 5–40 KB
SIGNATURE_MAX_SIDE = 4000
SIGNATURE_MIN_INK = 30  # pixels with ink: fewer is a tap, not a signature
SIGNER_NAME_MAX = 100
ZERO = Decimal("0")


def signature_problem(data: bytes) -> str:
    """P2.5.b 签署交付凭证: why the drawn signature cannot be taken ("" when it can) — not a PNG image
    ("not_png"), too large ("too_large"), or blank ("blank": nothing drawn on the canvas).

    The bytes are decoded in full (Pillow), so a file that only starts like a PNG is refused."""
    if not data or not data.startswith(PNG_MAGIC):
        return "not_png"
    if len(data) > SIGNATURE_MAX_BYTES:
        return "too_large"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG":
                return "not_png"
            width, height = probe.size
            if width < 1 or height < 1 or width > SIGNATURE_MAX_SIDE or height > SIGNATURE_MAX_SIDE:
                return "too_large"
            probe.verify()  # checksums of every chunk
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            ink = _ink_pixels(img)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "not_png"
    return "blank" if ink < SIGNATURE_MIN_INK else ""


def _ink_pixels(img: Any) -> int:
    """Pixels that are drawn: opaque and darker than the paper. A canvas exports transparent pixels
    where nothing was drawn (or white, after a fill), so both count as paper."""
    rgba = img.convert("RGBA")
    alpha = rgba.getchannel("A").point(lambda a: 255 if a >= 64 else 0)
    grey = rgba.convert("L").point(lambda v: 255 if v < 200 else 0)
    from PIL import ImageChops

    inked = ImageChops.multiply(alpha, grey)
    return sum(inked.histogram()[255:])


def signature_from_data_url(text: str) -> bytes:
    """The bytes of `data:image/png;base64,…` as a canvas's toDataURL gives them (or bare base64).
    Empty bytes when it is not base64 at all (the rules then say "not_png")."""
    text = (text or "").strip()
    if text.startswith("data:"):
        head, _sep, text = text.partition(",")
        if ";base64" not in head:
            return b""
    if len(text) > SIGNATURE_MAX_BYTES * 2:  # base64 of more than the limit: refuse before decoding
        return PNG_MAGIC + b"\x00" * (SIGNATURE_MAX_BYTES + 1)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


def signer_name_clean(name: str) -> str:
    """The name the signer typed, one line, trimmed; "" when there is none."""
    return " ".join((name or "").split())[:SIGNER_NAME_MAX]


def canonical(*, number: str, order: str, shipment: str, customer: str, lines: Iterable[Mapping[str, Any]],
              documents: Iterable[str], signer_name: str, signed_at: datetime, method: str) -> bytes:
    """The voucher's content as it is signed, as bytes that never depend on dict order or the reader's
    language: sorted keys, quantities as plain decimals, the time in UTC ISO form (`signed_at` is aware).
    A signed voucher's hash is final: a new form gets a new "v", the old one stays computable."""
    content = {
        "v": 1,
        "number": number, "order": order, "shipment": shipment, "customer": customer,
        "lines": [{"position": int(ln["position"]), "code": ln.get("product_code") or "", "name": ln["name"],
                   "specification": ln.get("specification") or "", "unit": ln.get("unit") or "",
                   "quantity": format(Decimal(ln["quantity"]).normalize(), "f")}
                  for ln in sorted(lines, key=lambda ln: int(ln["position"]))],
        "documents": sorted(set(documents)),
        "signer_name": signer_name,
        "signed_at": signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "method": method,
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def content_hash(content: bytes, signature: bytes) -> str:
    """P2.5.b: the sha256 (hex) over the canonical content, a zero byte, and the signature's bytes (the
    drawn PNG, or the paper voucher's scan). Anyone holding the voucher and the image can recompute it."""
    return hashlib.sha256(content + b"\x00" + signature).hexdigest()


def order_delivered(*, order_state: str, vouchers: Iterable[str]) -> bool:
    """P2.5.b → the order's move `deliver`: everything has shipped (the order is "shipped") and the
    voucher of every dispatched shipment is signed, online or on paper. No voucher at all: not delivered."""
    states = list(vouchers)
    return order_state == "shipped" and bool(states) and all(s != "open" for s in states)
