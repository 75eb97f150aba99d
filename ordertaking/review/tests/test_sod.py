"""P2.3.c, P3 segregation of duties over the whole lifecycle (issue 8): nobody approves or returns a
revision they wrote or submitted, nor one whose special approval they asked for; no leader decides a
special approval of an order they are a party to. Service, page and API share one predicate
(review/permissions.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import PermissionDenied
from ordertaking.orders.models import Order
from ordertaking.orders.services import order_update
from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision
from ordertaking.review.permissions import order_can_approve, order_can_return, review_sod_refusal
from ordertaking.review.services import (
    order_approve,
    order_return,
    order_submit,
    special_approval_grant,
    special_approval_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_draft(make_order):  # type: ignore[no-untyped-def]
    """A complete draft entered by its sales rep (the shared factory)."""
    return make_order(state="draft")


def _double_quantity(order, actor, catalog):  # type: ignore[no-untyped-def]
    return order_update(order=order, actor=actor,
                        lines=[{"product": catalog["products"]["motor"], "quantity": Decimal("4")}])


def test_P2_3_c_an_order_center_user_who_changed_and_submitted_an_order_cannot_approve_it(
        rep_draft, reviewer, reviewer2, catalog):
    """The issue's walk-around: edit another rep's draft, submit it, approve it yourself."""
    _double_quantity(rep_draft, reviewer, catalog)
    order_submit(order=rep_draft, actor=reviewer)
    with pytest.raises(PermissionDenied) as e:
        order_approve(order=rep_draft, actor=reviewer)
    assert e.value.code == "segregation_of_duties"
    assert not ReviewDecision.objects.filter(order=rep_draft).exists()
    assert not AuditEvent.objects.filter(action="order.approved").exists()
    with pytest.raises(PermissionDenied):
        order_return(order=rep_draft, actor=reviewer, opinion="数量不对")
    order_approve(order=rep_draft, actor=reviewer2)  # another reviewer may
    assert Order.objects.get(pk=rep_draft.pk).state == OrderState.APPROVED


def test_P2_3_c_whoever_only_submitted_the_revision_does_not_approve_it(rep_draft, reviewer):
    order_submit(order=rep_draft, actor=reviewer)
    assert not order_can_approve(rep_draft, reviewer)
    with pytest.raises(PermissionDenied) as e:
        order_approve(order=rep_draft, actor=reviewer)
    assert e.value.code == "segregation_of_duties"


def test_P2_3_c_an_edit_of_an_earlier_revision_still_makes_its_author_a_party(rep_draft, sales_rep, reviewer,
                                                                               reviewer2, catalog):
    _double_quantity(rep_draft, reviewer, catalog)  # revision 1, by the order center
    order_submit(order=rep_draft, actor=sales_rep)
    order_return(order=rep_draft, actor=reviewer2, opinion="请与客户确认数量")
    order_submit(order=rep_draft, actor=sales_rep)  # revision 2, unchanged: it carries the doubled lines
    assert Order.objects.get(pk=rep_draft.pk).revision == 2
    with pytest.raises(PermissionDenied):
        order_approve(order=rep_draft, actor=reviewer)


def test_P2_3_c_the_reviewer_who_asked_for_special_approval_does_not_approve_the_order(
        floor_order, reviewer, reviewer2, leader):
    sa = special_approval_request(order=floor_order, actor=reviewer, reason="战略客户")
    special_approval_grant(approval=sa, actor=leader)
    assert review_sod_refusal(floor_order, reviewer)
    with pytest.raises(PermissionDenied) as e:
        order_approve(order=floor_order, actor=reviewer)
    assert e.value.code == "segregation_of_duties"
    assert not order_can_return(floor_order, reviewer)
    order_approve(order=floor_order, actor=reviewer2)
    assert Order.objects.get(pk=floor_order.pk).state == OrderState.APPROVED


def test_P2_3_c_a_leader_who_entered_the_order_cannot_grant_its_special_approval(
        make_order, make_user, sales_rep):
    boss = make_user("boss1", "leadership", "sales")
    order = make_order(entered_by=boss, rep=sales_rep,
                       lines=[{"product": "motor", "quantity": "2", "unit_price": "2799.99"}])
    sa = special_approval_request(order=order, actor=sales_rep, reason="老客户")
    with pytest.raises(PermissionDenied) as e:
        special_approval_grant(approval=sa, actor=boss)
    assert e.value.code == "segregation_of_duties"


def test_P2_3_c_the_panel_shows_the_reason_instead_of_the_buttons(client, rep_draft, reviewer, reviewer2,
                                                                    catalog):
    _double_quantity(rep_draft, reviewer, catalog)
    order_submit(order=rep_draft, actor=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("review:panel", args=[rep_draft.number])).content.decode()
    assert 'data-testid="approve-form"' not in html and 'data-testid="return-form"' not in html
    assert 'data-testid="sod-note"' in html
    assert "您修改或提交过该订单" in html
    client.force_login(reviewer2)
    html = client.get(reverse("review:panel", args=[rep_draft.number])).content.decode()
    assert 'data-testid="approve-form"' in html and 'data-testid="sod-note"' not in html


def test_P2_3_c_a_plain_post_to_approve_is_refused_on_the_page_too(client, rep_draft, reviewer, catalog):
    _double_quantity(rep_draft, reviewer, catalog)
    order_submit(order=rep_draft, actor=reviewer)
    client.force_login(reviewer)
    r = client.post(reverse("review:approve", args=[rep_draft.number]))
    assert r.status_code == 403
    assert Order.objects.get(pk=rep_draft.pk).state == OrderState.SUBMITTED


def test_P2_3_c_the_api_answers_403_segregation_of_duties(client, rep_draft, reviewer, catalog):
    _double_quantity(rep_draft, reviewer, catalog)
    order_submit(order=rep_draft, actor=reviewer)
    client.force_login(reviewer)
    for action, body in (("approve", {}), ("return", {"opinion": "数量不对"})):
        r = client.post(f"/api/v1/orders/{rep_draft.number}/{action}", data=json.dumps(body),
                        content_type="application/json")
        assert r.status_code == 403, r.content
        assert r.json()["code"] == "segregation_of_duties"
    assert Order.objects.get(pk=rep_draft.pk).state == OrderState.SUBMITTED
