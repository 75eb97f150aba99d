"""Every finding of every rule reads whole in both UI languages (issue 14).

A finding keeps its code and parameters; its sentence comes from the chapter's template when read
(common/findings.py). This walks every rule of orders, review, credit and legal with facts that make
each of its findings, and renders each one as it would be rendered from the database (the parameters
through JSON), in Chinese and in English: no placeholder left without its parameter, none left
unfilled, the figures in the sentence, and the two languages different. No database: the rules are
plain functions.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from ordertaking.common.findings import FINDING_LABELS, Finding, finding_text, finding_texts
from ordertaking.credit import rules as credit_rules
from ordertaking.legal import rules as legal_rules
from ordertaking.legal.models import LegalReview, Reason
from ordertaking.orders import rules as order_rules
from ordertaking.review import rules as review_rules

TODAY = date(2026, 11, 30)
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _every_rules_findings() -> list[Finding]:
    found: list[Finding] = []
    # P2.2.a/b completeness: an empty order, then one with every line problem
    found += order_rules.completeness_findings(order_rules.OrderFacts(), today=TODAY)
    found += order_rules.completeness_findings(order_rules.OrderFacts(
        customer_id=1, delivery_date=TODAY - timedelta(days=1), delivery_region_id=1, delivery_address="x",
        payment_method_id=1,
        lines=[order_rules.LineFacts(position=2),
               order_rules.LineFacts(position=3, name="x", unit="台", quantity=Decimal("0"),
                                     unit_price=Decimal("-1"))]), today=TODAY)
    # P2.3.a/b review
    product = review_rules.ProductFacts(code="M-100", active=True, floor_price=Decimal("20000.00"),
                                        needs_production=True, production_lead_days=20)
    review_facts = review_rules.OrderFacts(
        customer=review_rules.CustomerFacts(name="", credit_code="", has_address=False, contact_phones=()),
        lines=(review_rules.LineFacts(position=1, name="自定义件", unit_price=Decimal("5"), product=None),
               review_rules.LineFacts(position=2, name="旧电机", unit_price=Decimal("5"),
                                      product=review_rules.ProductFacts(
                                          code="M-OLD", active=False, floor_price=Decimal("0"),
                                          needs_production=False, production_lead_days=0)),
               review_rules.LineFacts(position=3, name="电机", unit_price=Decimal("12345.6"), product=product)),
        delivery_date=TODAY + timedelta(days=3),
        region=review_rules.RegionFacts(name="西藏自治区", served=False, transit_days=5),
        payment=review_rules.PaymentFacts(code="old", name="承兑汇票", active=False, open_to_all=True))
    found += review_rules.review_findings(review_facts, today=TODAY)
    found += review_rules.customer_findings(review_rules.CustomerFacts(
        name="x", credit_code="91310000MA1K4XXX", has_address=True, contact_phones=("13800138000",)))
    found += review_rules.payment_findings(review_rules.OrderFacts(
        customer=review_facts.customer, lines=(), delivery_date=None, region=None,
        payment=review_rules.PaymentFacts(code="lc", name="信用证", active=True, open_to_all=False)))
    # P5.1 credit
    found += credit_rules.approval_findings(evaluated=False, on_stop=False, guarantee_required=False,
                                            guarantee_ok=False, rating="")
    found += credit_rules.approval_findings(evaluated=True, on_stop=True, guarantee_required=True,
                                            guarantee_ok=False, rating="C")
    found += credit_rules.terms_finding(kind="credit", term_days=30, allowed_kinds=["prepayment"],
                                        max_term_days=0, rating="B")
    found += credit_rules.terms_finding(kind="credit", term_days=60, allowed_kinds=["credit"],
                                        max_term_days=30, rating="A")
    found.append(credit_rules.limit_finding(exposure=Decimal("480000.00"), order_amount=Decimal("35000.5"),
                                            limit=Decimal("500000.00"), excess=Decimal("15000.50")))
    # P5.3 legal: pending on fresh reasons, pending on the review's stored reasons, objected, cleared
    legal = legal_rules.LegalFacts(total_amount=Decimal("1200000.00"), threshold=Decimal("1000000.00"),
                                   non_standard_terms=True, ip_lines=((2, "软件许可"),), individual_buyer=True)
    found += legal_rules.legal_findings(legal)
    found += legal_rules.legal_findings(legal_rules.LegalFacts(
        total_amount=Decimal("1"), threshold=Decimal("2"), non_standard_terms=False, ip_lines=(),
        individual_buyer=False, review_state=LegalReview.State.PENDING, review_reasons=(Reason.AMOUNT,),
        review_details={"amount": "2500000.00", "threshold": "1000000.00", "ip_lines": []}))
    for state, opinion in ((LegalReview.State.OBJECTED, "退货条款违法"), (LegalReview.State.APPROVED, "同意")):
        found += legal_rules.legal_findings(legal_rules.LegalFacts(
            total_amount=Decimal("1"), threshold=Decimal("2"), non_standard_terms=False, ip_lines=(),
            individual_buyer=False, review_state=state, opinion=opinion))
    return found


FINDINGS = _every_rules_findings()


def test_the_rules_make_every_finding_the_registry_words():
    """A code without a rule here is a template no test renders; a rule's code without words fails to show."""
    assert {f.code for f in FINDINGS} == set(finding_texts())


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f.code)
def test_every_finding_renders_in_every_language_from_its_stored_parameters(finding):
    stored = json.loads(json.dumps(dict(finding.params)))  # plain JSON values, as ReviewFinding keeps them
    assert stored == dict(finding.params)
    text = finding_text(finding.code)
    assert text.placeholders() <= set(stored), "a placeholder the rule does not give"
    read = Finding(finding.code, finding.clause, stored, finding.field, finding.line, finding.blocking)
    by_language = {}
    for language in LANGUAGES:
        with translation.override(language):
            message = read.message  # KeyError or ValueError: the translation's placeholders differ
            assert message == finding.message and read.as_dict()["message"] == message
        assert "%(" not in message and message.strip()
        for name, value in stored.items():
            if name in text.money:
                assert f"{Decimal(value):,.2f}" in message
            elif isinstance(value, str | int) and name in text.placeholders() and text.words is None:
                assert str(value) in message
        by_language[language] = message
    assert by_language["zh-hans"] != by_language["en"], "untranslated"


def test_amounts_are_stored_as_decimal_strings_and_shown_with_thousands_separators():
    (below,) = [f for f in FINDINGS if f.code == "price_below_floor"]
    assert below.params == {"line": 3, "price": "12345.6"}
    with translation.override("en"):
        assert below.message == "Line 3: unit price ¥12,345.60 is below the floor price."
    with translation.override("zh-hans"):
        assert below.message == "第 3 行：单价 ¥12,345.60 低于底价。"


def test_a_pending_legal_review_reads_its_reasons_in_the_readers_words():
    pending = [f for f in FINDINGS if f.code == legal_rules.PENDING]
    with translation.override("en"):
        assert "the amount ¥2,500,000.00 is above the ¥1,000,000.00 threshold" in pending[1].message
        assert "line 2 (软件许可)" in pending[0].message
    with translation.override("zh-hans"):
        assert "第 2 行（软件许可）" in pending[0].message


@pytest.mark.parametrize("code", sorted(finding_texts()))
def test_every_code_has_a_label_without_figures_in_both_languages(code):
    words = set()
    for language in LANGUAGES:
        with translation.override(language):
            label = str(FINDING_LABELS[code])
        assert "%(" not in label and label.strip()
        words.add(label)
    assert len(words) == len(LANGUAGES)
