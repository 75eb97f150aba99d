"""P5.3: which orders go to the legal adviser, as plain functions (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

from ordertaking.legal import rules
from ordertaking.legal.models import Reason


def field_of(problem):  # type: ignore[no-untyped-def]
    assert problem is not None
    return problem[0]


def facts(**kw):  # type: ignore[no-untyped-def]
    base = {"total_amount": Decimal("1000.00"), "threshold": Decimal("1000000.00"), "non_standard_terms": False,
            "ip_lines": (), "individual_buyer": False}
    return rules.LegalFacts(**{**base, **kw})


def test_p5_3_amount_threshold_boundary_is_strictly_above():
    assert rules.legal_reasons(facts(total_amount=Decimal("1000000.00"))) == []
    assert rules.legal_reasons(facts(total_amount=Decimal("1000000.01"))) == [Reason.AMOUNT]


def test_p5_3_each_reason_flags_the_order():
    assert rules.legal_reasons(facts(non_standard_terms=True)) == [Reason.TERMS]
    assert rules.legal_reasons(facts(ip_lines=((2, "软件许可"),))) == [Reason.IP]
    assert rules.legal_reasons(facts(individual_buyer=True)) == [Reason.CONSUMER]
    assert rules.legal_reasons(facts()) == []


def test_p5_3_a_flagged_order_without_opinion_has_a_blocking_pending_finding():
    found = rules.legal_findings(facts(ip_lines=((2, "软件许可"),)))
    assert [(f.code, f.clause, f.blocking) for f in found] == [("legal_review_pending", "P5.3", True)]
    with translation.override("zh-hans"):
        found = rules.legal_findings(facts(ip_lines=((2, "软件许可"),)))
    assert "第 2 行（软件许可）" in found[0].message


def test_p5_3_an_objection_blocks_with_its_text_and_no_objection_clears():
    objected = rules.legal_findings(facts(individual_buyer=True, review_state="objected", opinion="退货条款违法"))
    assert [(f.code, f.blocking) for f in objected] == [("legal_objection", True)]
    assert "退货条款违法" in objected[0].message
    cleared = rules.legal_findings(facts(individual_buyer=True, review_state="approved", opinion="可以"))
    assert [(f.code, f.blocking) for f in cleared] == [("legal_review_cleared", False)]


def test_p5_3_an_unflagged_order_has_no_legal_finding():
    assert rules.legal_findings(facts()) == []


def test_p5_3_quarter_and_item_checks():
    assert rules.quarter_of(date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert rules.quarter_of(date(2026, 2, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert field_of(rules.item_problem(result="", evidence="", follow_up="", owner=None, due=None)) == "result"
    assert field_of(rules.item_problem(result="compliant", evidence="", follow_up="", owner=None,
                                       due=None)) == "evidence"
    assert rules.item_problem(result="not_applicable", evidence="", follow_up="", owner=None, due=None) is None
    assert field_of(rules.item_problem(result="issue", evidence="x", follow_up="改", owner=None,
                                       due=date(2027, 1, 1))) == "follow_up_owner"
    assert field_of(rules.item_problem(result="issue", evidence="x", follow_up="改", owner=object(),
                                       due=None)) == "follow_up_due"
