"""P2.2.a/b completeness and P2.2.c numbering format: pure rules, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ordertaking.orders import numbering
from ordertaking.orders.rules import LineFacts, OrderFacts, completeness_findings, line_amount, revision_diff

TODAY = date(2026, 11, 26)


def complete(**overrides):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {"customer_id": 1, "delivery_date": date(2026, 12, 20), "delivery_region_id": 3,
              "delivery_address": "浦东新区张江路100号", "payment_method_id": 2,
              "lines": [LineFacts(position=1, product_id=7, name="三相异步电机", unit="台",
                                  quantity=Decimal("2"), unit_price=Decimal("3200.00"))]}
    values.update(overrides)
    return OrderFacts(**values)


def codes(findings):  # type: ignore[no-untyped-def]
    return [(f.code, f.field, f.clause) for f in findings]


def test_p2_2_a_a_complete_order_has_no_findings():
    assert completeness_findings(complete(), today=TODAY) == []


def test_p2_2_a_an_empty_order_lists_every_missing_header_field_with_its_clause():
    found = completeness_findings(OrderFacts(), today=TODAY)
    assert codes(found) == [
        ("customer_missing", "customer", "P2.2.a"),
        ("delivery_date_missing", "delivery_date", "P2.2.a"),
        ("delivery_region_missing", "delivery_region", "P2.2.a"),
        ("delivery_address_missing", "delivery_address", "P2.2.a"),
        ("payment_method_missing", "payment_method", "P2.2.a"),
        ("lines_missing", "lines", "P2.2.a"),
    ]
    assert all(f.blocking and f.message for f in found)


def test_p2_2_a_each_line_is_checked_line_by_line():
    lines = [
        LineFacts(position=1, product_id=7, unit="台", quantity=Decimal("1"), unit_price=Decimal("10")),
        LineFacts(position=2),
        LineFacts(position=3, description="现场调试服务", unit="次", quantity=Decimal("0"),
                  unit_price=Decimal("-1")),
    ]
    found = completeness_findings(complete(lines=lines), today=TODAY)
    assert codes(found) == [
        ("line_description_missing", "lines.2.description", "P2.2.a"),
        ("line_quantity_missing", "lines.2.quantity", "P2.2.a"),
        ("line_price_missing", "lines.2.unit_price", "P2.2.a"),
        ("line_unit_missing", "lines.2.unit", "P2.2.b"),
        ("line_quantity_not_positive", "lines.3.quantity", "P2.2.b"),
        ("line_price_negative", "lines.3.unit_price", "P2.2.b"),
    ]
    assert [f.line for f in found] == [2, 2, 2, 2, 3, 3]


def test_p2_2_a_a_service_line_with_a_description_and_no_product_is_complete():
    line = LineFacts(position=1, description="设备年度维保", unit="年", quantity=Decimal("1"), unit_price=Decimal("0"))
    assert completeness_findings(complete(lines=[line]), today=TODAY) == []


def test_p2_2_a_a_blank_address_counts_as_missing():
    found = completeness_findings(complete(delivery_address="   "), today=TODAY)
    assert codes(found) == [("delivery_address_missing", "delivery_address", "P2.2.a")]


def test_p2_2_b_a_delivery_date_in_the_past_is_wrong_but_today_is_fine():
    assert codes(completeness_findings(complete(delivery_date=date(2026, 11, 25)), today=TODAY)) == [
        ("delivery_date_past", "delivery_date", "P2.2.b")]
    assert completeness_findings(complete(delivery_date=TODAY), today=TODAY) == []


def test_p2_2_c_number_format_is_so_date_dash_four_digit_daily_sequence():
    assert numbering.format_number(date(2026, 11, 26), 1) == "SO20261126-0001"
    assert numbering.format_number(date(2026, 1, 5), 42) == "SO20260105-0042"


def test_p2_2_c_the_sequence_grows_past_four_digits_without_breaking_the_format():
    number = numbering.format_number(date(2026, 11, 26), 12345)
    assert number == "SO20261126-12345"
    assert numbering.parse_number(number) == (date(2026, 11, 26), 12345)


def test_p2_2_c_parse_refuses_what_is_not_an_order_number():
    assert numbering.parse_number("SO20261126-0001") == (date(2026, 11, 26), 1)
    for bad in ["", "SO2026112-0001", "SO20261126-001", "SO20261326-0001", "so20261126-0001", "X"]:
        assert numbering.parse_number(bad) is None, bad


def test_line_amount_is_quantity_times_price_rounded_half_up_to_the_fen():
    assert line_amount(Decimal("3"), Decimal("0.335")) == Decimal("1.01")
    assert line_amount(Decimal("2.5"), Decimal("3200.00")) == Decimal("8000.00")
    assert line_amount(None, Decimal("1")) == Decimal("0.00")


def _snap(header=None, lines=None):  # type: ignore[no-untyped-def]
    return {"header": header or {}, "lines": lines or []}


def test_revision_diff_lists_header_changes_and_lines_added_removed_and_changed():
    old = _snap({"delivery_date": "2026-12-01", "payment_method": "预付款", "total_amount": "6400.00"}, [
        {"position": 1, "product_code": "MOT-001", "name": "三相异步电机", "quantity": "2.000",
         "unit_price": "3200.00"},
        {"position": 2, "product_code": "SVC-INST", "name": "现场安装调试", "quantity": "1.000",
         "unit_price": "800.00"},
    ])
    new = _snap({"delivery_date": "2026-12-15", "payment_method": "预付款", "total_amount": "9600"}, [
        {"position": 1, "product_code": "MOT-001", "name": "三相异步电机", "quantity": "3", "unit_price": "3200.00"},
        {"position": 3, "product_code": "RED-001", "name": "齿轮减速机", "quantity": "1", "unit_price": "5600"},
    ])
    diff = [(c.field, c.before, c.after, c.kind) for c in revision_diff(old, new)]
    assert diff == [
        ("delivery_date", "2026-12-01", "2026-12-15", "changed"),
        ("total_amount", "6400.00", "9600", "changed"),
        ("lines.1.quantity", "2.000", "3", "changed"),
        ("lines.2", "SVC-INST 现场安装调试", None, "removed"),
        ("lines.3", None, "RED-001 齿轮减速机", "added"),
    ]


def test_revision_diff_of_identical_snapshots_is_empty_and_compares_numbers_as_numbers():
    a = _snap({"total_amount": "100.00"}, [{"position": 1, "quantity": "1.000"}])
    b = _snap({"total_amount": "100"}, [{"position": 1, "quantity": "1"}])
    assert revision_diff(a, b) == []


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       seq=st.integers(min_value=1, max_value=10**7))
def test_p2_2_c_every_number_parses_back_to_its_day_and_sequence(day, seq):  # type: ignore[no-untyped-def]
    number = numbering.format_number(day, seq)
    assert numbering.NUMBER_RE.match(number)
    assert numbering.parse_number(number) == (day, seq)
    assert len(number) <= 24, "fits Order.number"
