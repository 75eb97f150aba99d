"""Row locks on PostgreSQL (P5.3): an objection recorded while the order center approves never lets the order
through — the opinion and the approval both lock the order row first."""

from __future__ import annotations

import pytest

from ordertaking.common.errors import DomainError
from ordertaking.legal.models import LegalReview
from ordertaking.legal.services import legal_opinion_record
from ordertaking.orders.states import OrderState
from ordertaking.review.services import order_approve
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_p5_3_an_objection_racing_an_approval_never_lets_the_order_through(flagged_order, legal_adviser, reviewer):
    results = race(lambda: legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="objected",
                                                opinion="授权文件缺失"),
                   lambda: order_approve(order=flagged_order, actor=reviewer))
    assert isinstance(results[0], LegalReview)
    assert isinstance(results[1], DomainError) and results[1].status == 409
    flagged_order.refresh_from_db()
    assert flagged_order.state == OrderState.SUBMITTED
    assert LegalReview.objects.get(order=flagged_order).state == "objected"


def test_p5_3_two_opinions_at_once_record_one(flagged_order, legal_adviser, legal_adviser2):
    results = race(lambda: legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="approved",
                                                opinion="无异议"),
                   lambda: legal_opinion_record(order=flagged_order, actor=legal_adviser2, outcome="objected",
                                                opinion="有异议"))
    assert sum(isinstance(r, LegalReview) for r in results) == 1
    assert sum(isinstance(r, DomainError) and r.status == 409 for r in results) == 1
