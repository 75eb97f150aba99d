"""P4.1.c: the one masking rule for contact details (common/masking.py)."""

from __future__ import annotations

import pytest

from ordertaking.common.masking import mask_contact, mask_email, mask_phone, mask_record


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"),
    ("021-55551234", "021****1234"),
    ("+8613812345678", "+86****5678"),
    ("1234567", "****67"),
    ("12", "****"),
    ("", ""),
    (None, ""),
])
def test_P4_1_c_a_phone_keeps_its_first_three_and_last_four_characters(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(("raw", "masked"), [
    ("liu@pujiang.example.cn", "l***@pujiang.example.cn"),
    ("a@b.cn", "a***@b.cn"),
    ("", ""),
])
def test_P4_1_c_an_email_keeps_the_first_letter_and_the_domain(raw, masked):
    assert mask_email(raw) == masked


def test_P4_1_c_records_mask_only_their_contact_keys():
    record = {"contact_phone": "13812345678", "email": "liu@pujiang.example.cn", "name": "刘经理"}
    assert mask_record(record) == {"contact_phone": "138****5678", "email": "l***@pujiang.example.cn",
                                   "name": "刘经理"}
    assert mask_contact("notes", "13812345678") == "13812345678"
