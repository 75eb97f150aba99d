"""P2.1.c / P2.3.a: customer information rules (credit code, phone)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordertaking.customers.rules import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    credit_code_problem,
    credit_code_valid,
    phone_valid,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91440300MA5EXAMP1C"
                                  [:17] + credit_code_check_char("91440300MA5EXAMP1C"[:17])])
def test_p2_3_a_known_valid_credit_codes_pass(code):
    assert credit_code_valid(code), credit_code_problem(code)


@pytest.mark.parametrize("code,problem", [
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y44", "check_char"),
    ("91350100M000100YI3", "alphabet"),
    ("913501X0M000100Y43", "division"),
    ("", "length"),
])
def test_p2_3_a_invalid_credit_codes_are_named_by_their_problem(code, problem):
    assert credit_code_problem(code) == problem


@given(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=11, max_size=11),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.sampled_from(CREDIT_CODE_ALPHABET))
def test_p2_3_a_exactly_one_check_char_is_valid(tail, division, wrong):
    first17 = "91" + division + tail[:9]
    right = credit_code_check_char(first17)
    assert credit_code_valid(first17 + right)
    if wrong != right:
        assert not credit_code_valid(first17 + wrong)


@pytest.mark.parametrize("phone,ok", [
    ("13812345678", True), ("+86 138 1234 5678", True), ("021-68881234", True), ("0755-8888888-123", True),
    ("12345678901", False), ("1381234567", False), ("abc", False), ("", False),
])
def test_p2_1_c_phone_numbers_are_mobile_or_landline(phone, ok):
    assert phone_valid(phone) is ok
