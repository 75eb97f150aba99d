"""The shared document machinery (common/pdf.py): amounts in capital numerals as Chinese contracts write
them, and the start-up check that says what to install when no Chinese font can be embedded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from ordertaking.common import pdf
from ordertaking.common.checks import pdf_font


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "人民币零元整"), ("7100", "人民币柒仟壹佰元整"), ("1001", "人民币壹仟零壹元整"),
    ("10000", "人民币壹万元整"), ("100010.05", "人民币壹拾万零壹拾元零伍分"), ("0.5", "人民币伍角"),
    ("12.30", "人民币壹拾贰元叁角"), ("100000010", "人民币壹亿零壹拾元整"),
    ("1234567.89", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("-3", "负人民币叁元整"),
])
def test_P2_2_amounts_in_capital_numerals(amount, words):
    assert pdf.rmb_upper(Decimal(amount)) == words


def test_the_font_check_passes_with_the_installed_font():
    assert pdf_font() == []


@override_settings(ORDERTAKING_PDF_FONT="/nowhere/font.ttf")
def test_the_font_check_names_a_missing_font_file_and_what_to_install():
    errors = pdf_font()
    assert [e.id for e in errors] == ["ordertaking.E002"]
    assert "/nowhere/font.ttf" in errors[0].msg and "fonts-wqy-zenhei" in str(errors[0].hint)


@override_settings(ORDERTAKING_PDF_FONT="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
def test_the_font_check_refuses_a_font_that_cannot_be_embedded():
    errors = pdf_font()
    assert [e.id for e in errors] == ["ordertaking.E002"] and "PostScript outlines" in errors[0].msg


def test_drawing_with_a_font_that_cannot_be_embedded_says_so():
    with pytest.raises(pdf.FontMissing, match="cannot be embedded"):
        pdf._register("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0)


def test_a_chinese_file_name_goes_out_in_rfc_5987_form_with_an_ascii_fallback():
    header = pdf.attachment_header("销售合同-SO20261130-0001.pdf", "sales-contract-SO20261130-0001.pdf")
    assert header == ('attachment; filename="sales-contract-SO20261130-0001.pdf"; '
                      "filename*=UTF-8''%E9%94%80%E5%94%AE%E5%90%88%E5%90%8C-SO20261130-0001.pdf")
