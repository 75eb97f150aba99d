"""P5.3 the periodic compliance review (法律合规审查): scheduled once per quarter and assigned, every item
answered before completion, signed off by leadership but never by whoever did it, audited, as a PDF."""

from __future__ import annotations

from datetime import date

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.legal import rules
from ordertaking.legal.documents import compliance_document
from ordertaking.legal.models import ComplianceReview
from ordertaking.legal.services import (
    compliance_item_record,
    compliance_review_complete,
    compliance_review_open,
    compliance_review_sign_off,
    compliance_schedule,
)
from ordertaking.notifications.models import Notification
from ordertaking.ops.models import JobRun
from tests.pdftext import pdf_words

pytestmark = pytest.mark.django_db


def answer_all(review, actor):  # type: ignore[no-untyped-def]
    for item in review.items.order_by("position"):
        compliance_item_record(item=item, actor=actor, result="compliant", evidence=f"抽查第{item.position}项")


def test_p5_3_the_job_opens_the_quarters_review_once_and_assigns_it(legal_adviser):
    first = compliance_schedule(today=date(2026, 11, 30))
    again = compliance_schedule(today=date(2026, 12, 15))
    assert first is not None and again is not None and first.pk == again.pk
    assert ComplianceReview.objects.count() == 1
    assert (first.period_start, first.period_end, first.assignee) == (date(2026, 10, 1), date(2026, 12, 31),
                                                                       legal_adviser)
    assert first.items.count() == len(rules.CHECKLIST)
    assert Notification.objects.filter(recipient=legal_adviser, kind="compliance_review_assigned").count() == 1
    assert JobRun.objects.filter(job="compliance_reviews", succeeded=True).count() == 2
    nxt = compliance_schedule(today=date(2027, 1, 1))
    assert nxt is not None and nxt.period_start == date(2027, 1, 1)


def test_p5_3_the_job_assigns_the_least_busy_adviser(legal_adviser, legal_adviser2):
    a = compliance_schedule(today=date(2026, 11, 30))
    b = compliance_schedule(today=date(2027, 2, 1))
    assert a is not None and b is not None
    assert {a.assignee, b.assignee} == {legal_adviser, legal_adviser2}


def test_p5_3_completion_requires_every_item(legal_adviser):
    review, _ = compliance_review_open(period_start=date(2026, 11, 1), actor=legal_adviser)
    first = review.items.order_by("position")[0]
    compliance_item_record(item=first, actor=legal_adviser, result="compliant", evidence="合同模板已更新")
    with pytest.raises(Conflict) as e:
        compliance_review_complete(review=review, actor=legal_adviser)
    assert e.value.code == "items_unanswered"
    answer_all(review, legal_adviser)
    compliance_review_complete(review=review, actor=legal_adviser, summary="总体合规")
    assert review.state == ComplianceReview.State.COMPLETED


def test_p5_3_an_issue_needs_its_follow_up_owner_and_due_date(legal_adviser, sales_rep):
    review, _ = compliance_review_open(period_start=date(2026, 11, 1), actor=legal_adviser)
    item = review.items.order_by("position")[0]
    with pytest.raises(ValidationFailed) as e:
        compliance_item_record(item=item, actor=legal_adviser, result="issue", evidence="两份合同缺少退货条款",
                               follow_up="补签补充协议")
    assert e.value.field == "follow_up_owner"
    compliance_item_record(item=item, actor=legal_adviser, result="issue", evidence="两份合同缺少退货条款",
                           follow_up="补签补充协议", follow_up_owner=sales_rep, follow_up_due=date(2027, 1, 15))
    item.refresh_from_db()
    assert (item.result, item.follow_up_owner, item.follow_up_due) == ("issue", sales_rep, date(2027, 1, 15))
    assert AuditEvent.objects.filter(action="compliance_review.item_recorded").count() == 1


def test_p5_3_sign_off_by_leadership_not_by_whoever_did_it(legal_adviser, leader, make_user):
    from ordertaking.accounts.roles import Role

    review, _ = compliance_review_open(period_start=date(2026, 11, 1), actor=leader, assignee=legal_adviser)
    answer_all(review, legal_adviser)
    with pytest.raises(InvalidTransition):
        compliance_review_sign_off(review=review, actor=leader)  # not completed yet
    compliance_review_complete(review=review, actor=legal_adviser)
    with pytest.raises(PermissionDenied):
        compliance_review_sign_off(review=review, actor=legal_adviser)  # not leadership
    both = make_user("legal-leader", Role.LEGAL, Role.LEADERSHIP)
    review2, _ = compliance_review_open(period_start=date(2027, 1, 1), actor=leader, assignee=both)
    answer_all(review2, both)
    compliance_review_complete(review=review2, actor=both)
    with pytest.raises(PermissionDenied) as e:
        compliance_review_sign_off(review=review2, actor=both)
    assert e.value.code == "segregation_of_duties"
    compliance_review_sign_off(review=review, actor=leader, comment="同意")
    assert review.state == ComplianceReview.State.SIGNED_OFF and review.signed_off_by == leader
    with pytest.raises(InvalidTransition):
        compliance_item_record(item=review.items.order_by("position")[0], actor=legal_adviser, result="compliant",
                               evidence="x")


def test_p5_3_only_legal_and_leadership_open_reviews(auditor, reviewer, legal_adviser):
    for who in (auditor, reviewer):
        with pytest.raises(PermissionDenied):
            compliance_review_open(period_start=date(2026, 11, 1), actor=who)


def test_p5_3_the_pdf_lists_items_results_and_sign_off(legal_adviser, leader, sales_rep):
    from django.utils import translation

    from ordertaking.common.pdf import render

    review, _ = compliance_review_open(period_start=date(2026, 11, 1), actor=leader, assignee=legal_adviser)
    items = list(review.items.order_by("position"))
    compliance_item_record(item=items[0], actor=legal_adviser, result="issue", evidence="两份合同缺少退货条款",
                           follow_up="补签补充协议", follow_up_owner=sales_rep, follow_up_due=date(2027, 1, 15))
    for it in items[1:]:
        compliance_item_record(item=it, actor=legal_adviser, result="not_applicable")
    compliance_review_complete(review=review, actor=legal_adviser)
    compliance_review_sign_off(review=review, actor=leader, comment="同意")
    with translation.override("zh-hans"):
        words = pdf_words(render(compliance_document(review)))
    assert "2026Q4" in words and "合同模板" in words and "两份合同缺少退货条款" in words
    assert "补签补充协议" in words and "2027-01-15" in words and "发现问题" in words
    with translation.override("en"):
        words = pdf_words(render(compliance_document(review)))
    assert "Contracttemplates" in words and "Issuefound" in words and "Notapplicable" in words
