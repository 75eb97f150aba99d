"""The automatic review checks (P2.3.a/b) as pure functions: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from ordertaking.customers.rules import credit_code_check_char
from ordertaking.review import rules

TODAY = date(2026, 11, 26)
FIRST17 = "91310115MA1K3YJ20"
VALID_CODE = FIRST17 + credit_code_check_char(FIRST17)

MOTOR = rules.ProductFacts(code="MOT-001", active=True, floor_price=Decimal("2800.00"), needs_production=True,
                           production_lead_days=10)
REDUCER = rules.ProductFacts(code="RED-001", active=True, floor_price=Decimal("5000.00"), needs_production=False,
                             production_lead_days=30)
SHANGHAI = rules.RegionFacts(name="上海市", served=True, transit_days=1)
PREPAY = rules.PaymentFacts(code="PREPAY", name="预付款", active=True, open_to_all=True)
NET30 = rules.PaymentFacts(code="NET30", name="月结30天", active=True, open_to_all=False)
CUSTOMER = rules.CustomerFacts(name="上海浦江机械有限公司", credit_code=VALID_CODE, has_address=True,
                               contact_phones=("13812345678",))


def facts(**kw):  # type: ignore[no-untyped-def]
    base = rules.OrderFacts(
        customer=CUSTOMER,
        lines=(rules.LineFacts(position=1, name="电机", unit_price=Decimal("3200.00"), product=MOTOR),),
        delivery_date=TODAY + timedelta(days=30), region=SHANGHAI, payment=PREPAY)
    return replace(base, **kw)


def codes(o: rules.OrderFacts) -> list[str]:
    return [f.code for f in rules.review_findings(o, today=TODAY)]


def line(price: str, product: rules.ProductFacts | None = MOTOR, position: int = 1) -> rules.LineFacts:
    return rules.LineFacts(position=position, name="x", unit_price=Decimal(price), product=product)


def test_p2_3_compliant_order_has_no_findings() -> None:
    assert rules.review_findings(facts(), today=TODAY) == []


# P2.3.a customer information
def test_p2_3_a_invalid_credit_code_is_a_blocking_finding() -> None:
    bad = VALID_CODE[:17] + ("0" if VALID_CODE[17] != "0" else "1")
    found = rules.review_findings(facts(customer=replace(CUSTOMER, credit_code=bad)), today=TODAY)
    assert [(f.code, f.clause, f.blocking) for f in found] == [("customer_credit_code_invalid", "P2.3.a", True)]


def test_p2_3_a_missing_credit_code_is_a_finding() -> None:
    assert codes(facts(customer=replace(CUSTOMER, credit_code=""))) == ["customer_credit_code_missing"]


def test_p2_3_a_customer_without_address_or_reachable_contact_is_incomplete() -> None:
    c = replace(CUSTOMER, has_address=False, contact_phones=("12345",))
    assert codes(facts(customer=c)) == ["customer_address_missing", "customer_contact_missing"]


# P2.3.b catalog
def test_p2_3_b_inactive_product_is_a_finding_on_its_line() -> None:
    found = rules.review_findings(facts(lines=(line("3200.00", replace(MOTOR, active=False), 2),)), today=TODAY)
    assert [(f.code, f.line, f.field) for f in found] == [("product_inactive", 2, "lines.2.product")]


def test_p2_3_b_line_outside_the_catalog_is_a_finding() -> None:
    assert codes(facts(lines=(line("10.00", None),))) == ["product_not_in_catalog"]


# P2.3.b floor price boundaries
def test_p2_3_b_price_equal_to_floor_passes() -> None:
    assert codes(facts(lines=(line("2800.00"),))) == []


def test_p2_3_b_price_one_fen_below_floor_fails() -> None:
    found = rules.review_findings(facts(lines=(line("2799.99"),)), today=TODAY)
    assert [(f.code, f.clause, f.field) for f in found] == [("price_below_floor", "P2.3.b", "lines.1.unit_price")]
    # the price, never the floor figure: sales read this finding (docs/conventions.md, P2.3.a/b)
    assert "2,799.99" in found[0].message and "2,800.00" not in found[0].message


# P2.3.a/b delivery date: today + max production lead days (producing lines only) + transit days
def test_p2_3_b_earliest_delivery_ignores_lead_days_of_products_not_produced() -> None:
    lines = (line("3200.00", MOTOR, 1), line("5000.00", REDUCER, 2))
    assert rules.earliest_delivery_date(today=TODAY, lines=lines, region=SHANGHAI) == TODAY + timedelta(days=11)


def test_p2_3_b_delivery_on_the_earliest_allowed_day_passes() -> None:
    assert codes(facts(delivery_date=TODAY + timedelta(days=11))) == []


def test_p2_3_b_delivery_one_day_before_the_earliest_allowed_day_fails() -> None:
    found = rules.review_findings(facts(delivery_date=TODAY + timedelta(days=10)), today=TODAY)
    assert [(f.code, f.field) for f in found] == [("delivery_too_early", "delivery_date")]
    assert (TODAY + timedelta(days=11)).isoformat() in found[0].message


def test_p2_3_b_earliest_delivery_takes_the_longest_lead_time() -> None:
    slow = replace(MOTOR, code="SLOW", production_lead_days=20)
    lines = (line("3200.00", MOTOR, 1), line("3200.00", slow, 2))
    assert rules.earliest_delivery_date(today=TODAY, lines=lines, region=SHANGHAI) == TODAY + timedelta(days=21)


# P2.3.a delivery place
def test_p2_3_a_unserved_region_is_a_finding() -> None:
    tibet = rules.RegionFacts(name="西藏自治区", served=False, transit_days=10)
    found = rules.review_findings(facts(region=tibet, delivery_date=TODAY + timedelta(days=60)), today=TODAY)
    assert [(f.code, f.clause) for f in found] == [("region_not_served", "P2.3.a")]


# P2.3.a/b payment method
def test_p2_3_a_payment_method_not_granted_to_the_customer_is_a_finding() -> None:
    assert codes(facts(payment=NET30)) == ["payment_method_not_allowed"]


def test_p2_3_a_payment_method_granted_to_the_customer_passes() -> None:
    assert codes(facts(payment=NET30, allowed_payment_codes=frozenset({"NET30"}))) == []


def test_p2_3_b_inactive_payment_method_is_a_finding_even_when_open_to_all() -> None:
    assert codes(facts(payment=replace(PREPAY, active=False))) == ["payment_method_inactive"]


def test_p2_3_c_uncovered_blocking_leaves_out_covered_codes() -> None:
    found = rules.review_findings(facts(lines=(line("1.00"),), payment=NET30), today=TODAY)
    left = rules.uncovered_blocking(found, ["price_below_floor"])
    assert [f.code for f in left] == ["payment_method_not_allowed"]
