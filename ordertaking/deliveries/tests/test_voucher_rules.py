"""The voucher's rules without a database (P2.5.b)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ordertaking.deliveries import voucher_rules as rules

from .conftest import drawn_signature

LINES = [{"position": 2, "product_code": "R-1", "name": "减速机", "quantity": Decimal("4.000")},
         {"position": 1, "product_code": "M-1", "name": "电机", "specification": "5kW", "unit": "台",
          "quantity": Decimal("10")}]
WHEN = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def _canonical(**over):  # type: ignore[no-untyped-def]
    args: dict[str, Any] = {"number": "JF-1-01", "order": "SO-1", "shipment": "SHP-1-01", "customer": "客户",
                            "lines": LINES, "documents": ["product_manual"], "signer_name": "王五",
                            "signed_at": WHEN, "method": "signed"}
    args.update(over)
    return rules.canonical(**args)


def test_p2_5_b_a_drawn_signature_is_taken():
    assert rules.signature_problem(drawn_signature()) == ""


def test_p2_5_b_a_blank_canvas_is_refused():
    assert rules.signature_problem(drawn_signature(blank=True)) == "blank"


def test_p2_5_b_what_is_not_a_png_is_refused():
    assert rules.signature_problem(b"") == "not_png"
    assert rules.signature_problem(b"<svg onload=alert(1)>") == "not_png"
    jpeg_like = b"\xff\xd8\xff\xe0" + b"0" * 100
    assert rules.signature_problem(jpeg_like) == "not_png"
    # Starts like a PNG, is not one.
    assert rules.signature_problem(rules.PNG_MAGIC + b"garbage" * 20) == "not_png"
    # A real PNG cut short.
    assert rules.signature_problem(drawn_signature()[:200]) == "not_png"


def test_p2_5_b_an_oversized_signature_is_refused():
    assert rules.signature_problem(rules.PNG_MAGIC + b"\x00" * (rules.SIGNATURE_MAX_BYTES + 1)) == "too_large"
    assert rules.signature_problem(drawn_signature(5000, 40)) == "too_large"


def test_a_canvas_data_url_decodes_and_garbage_decodes_to_nothing():
    png = drawn_signature()
    assert rules.signature_from_data_url("data:image/png;base64," + base64.b64encode(png).decode()) == png
    assert rules.signature_from_data_url("data:image/png,notbase64") == b""
    assert rules.signature_from_data_url("%%%") == b""
    assert rules.signature_problem(rules.signature_from_data_url("A" * (rules.SIGNATURE_MAX_BYTES * 3))) == \
        "too_large"


def test_p2_5_b_the_canonical_content_does_not_depend_on_order_or_form():
    same = _canonical(lines=list(reversed(LINES)), documents=["product_manual", "product_manual"])
    assert _canonical() == same
    assert b'"quantity":"10"' in _canonical() and b'"quantity":"4"' in _canonical()
    assert "王五".encode() in _canonical()


def test_p2_5_b_the_hash_changes_with_any_word_of_the_content_or_the_signature():
    base = rules.content_hash(_canonical(), b"sig")
    assert len(base) == 64
    assert rules.content_hash(_canonical(), b"sig") == base
    assert rules.content_hash(_canonical(), b"sih") != base
    assert rules.content_hash(_canonical(signer_name="王六"), b"sig") != base
    changed = [dict(LINES[0], quantity=Decimal("3")), LINES[1]]
    assert rules.content_hash(_canonical(lines=changed), b"sig") != base
    assert rules.content_hash(_canonical(documents=[]), b"sig") != base


def test_p2_5_b_the_order_is_delivered_when_shipped_and_every_voucher_signed():
    assert rules.order_delivered(order_state="shipped", vouchers=["signed", "signed_on_paper"])
    assert not rules.order_delivered(order_state="shipped", vouchers=["signed", "open"])
    assert not rules.order_delivered(order_state="partly_shipped", vouchers=["signed"])
    assert not rules.order_delivered(order_state="shipped", vouchers=[])


def test_the_typed_name_is_one_trimmed_line():
    assert rules.signer_name_clean("  王\n 五 ") == "王 五"
    assert rules.signer_name_clean("   ") == ""
