"""Credit pages (P5.1): the queue with hold figures, the credit file, evaluation propose and
second-person approval, hold release with the error beside its field, guarantees; 404 for roles
without finance_view; query counts pinned on the queue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ordertaking.credit.models import CreditEvaluation, CreditHold, Guarantee

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(customer, held_order, evaluate):  # type: ignore[no-untyped-def]
    evaluate(customer, limit="1000")
    _order, hold = held_order(customer, "5000.00")
    return hold


def test_p5_1_finance_queue_shows_holds_with_their_figures_and_links(client, finance_user, held,
                                                                       django_assert_max_num_queries):
    client.force_login(finance_user)
    with django_assert_max_num_queries(15):
        r = client.get(reverse("credit:queue"))
    body = r.content.decode()
    assert r.status_code == 200
    assert reverse("orders:detail", args=[held.order.number]) in body
    assert "¥4,000.00" in body  # the excess
    assert reverse("credit:hold", args=[held.pk]) in body


def test_p5_1_b_the_queue_lists_new_customers_waiting_for_evaluation(client, finance_user, customer, make_order):
    make_order(customer)
    client.force_login(finance_user)
    r = client.get(reverse("credit:queue"))
    assert reverse("credit:evaluate", args=[customer.pk]) in r.content.decode()


@pytest.mark.parametrize("who", ["sales_rep", "reviewer", "cs_agent"])
def test_p5_1_credit_pages_are_hidden_from_roles_without_finance_view(client, request, who, held):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("credit:queue")).status_code == 404
    assert client.get(reverse("credit:hold", args=[held.pk])).status_code == 404


def test_p5_1_a_finance_proposes_on_the_page_and_a_leader_approves(client, finance_user, leader, customer):
    client.force_login(finance_user)
    r = client.post(reverse("credit:evaluate", args=[customer.pk]), {
        "registered_capital": "20000000", "years_in_business": "12", "licences_held": "3",
        "annual_revenue": "50000000", "debt_ratio": "45", "references": "3", "note": ""})
    ev = CreditEvaluation.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("credit:evaluation", args=[ev.pk])
    page = client.get(r["Location"]).content.decode()
    assert 'data-factor="payment"' in page
    # The proposer is not offered the decision form; a forged POST is refused below.
    assert reverse("credit:evaluation_decide", args=[ev.pk, "approve"]) not in page
    r = client.post(reverse("credit:evaluation_decide", args=[ev.pk, "approve"]), {"comment": ""})
    ev.refresh_from_db()
    assert ev.state == "proposed"  # the proposer was refused
    assert r.status_code == 403
    client.force_login(leader)
    client.post(reverse("credit:evaluation_decide", args=[ev.pk, "approve"]), {"comment": "同意"})
    ev.refresh_from_db()
    assert ev.state == "approved"
    file_page = client.get(reverse("credit:customer", args=[customer.pk])).content.decode()
    assert 'id="factors"' in file_page and ev.rating in file_page


def test_p5_1_a_bad_evaluation_input_is_shown_beside_its_field_and_kept(client, finance_user, customer):
    client.force_login(finance_user)
    r = client.post(reverse("credit:evaluate", args=[customer.pk]), {
        "registered_capital": "-5", "years_in_business": "12", "licences_held": "3",
        "annual_revenue": "50000000", "debt_ratio": "45", "references": "3"})
    assert r.status_code == 422
    assert r.context["form"].errors["registered_capital"]
    assert 'value="-5"' in r.content.decode()
    assert CreditEvaluation.objects.count() == 0


def test_p5_1_release_on_the_page_needs_a_reason_then_releases(client, finance_user, held):
    client.force_login(finance_user)
    r = client.post(reverse("credit:hold", args=[held.pk]), {"reason": ""})
    assert r.status_code == 422 and r.context["form"].errors["reason"]
    r = client.post(reverse("credit:hold", args=[held.pk]), {"reason": "客户已付定金"})
    assert r.status_code == 302
    held.refresh_from_db()
    assert held.state == CreditHold.State.RELEASED
    assert held.order.state == "submitted"


def test_p5_1_release_above_authority_shows_the_refusal(client, finance_user, customer, held_order, evaluate):
    evaluate(customer, limit="1000")
    _order, hold = held_order(customer, "90000.00")
    client.force_login(finance_user)
    r = client.post(reverse("credit:hold", args=[hold.pk]), {"reason": "试试"})
    assert r.status_code == 403
    assert r.context["form"].non_field_errors()  # "…leadership must release it", in the user's language
    hold.refresh_from_db()
    assert hold.state == "open"


def test_p5_1_b_finance_records_a_guarantee_on_the_page(client, finance_user, customer, far_date):
    client.force_login(finance_user)
    r = client.post(reverse("credit:guarantee_new", args=[customer.pk]), {
        "kind": "lc", "amount": "50000", "valid_from": "2026-01-01", "valid_until": far_date.isoformat(),
        "reference": "LC-001"})
    assert r.status_code == 302
    assert Guarantee.objects.get().amount == Decimal("50000.00")
    r = client.post(reverse("credit:guarantee_new", args=[customer.pk]), {
        "kind": "guarantor", "amount": "50000", "valid_from": "2026-01-01", "valid_until": "2026-02-01",
        "order_number": "NOPE"})
    assert r.status_code == 422 and r.context["form"].errors["order_number"]


def _policy_post(**over):  # type: ignore[no-untyped-def]
    from ordertaking.credit.rules import DEFAULT_BANDS

    data = {"w_qualification": "25", "w_financial": "25", "w_reputation": "20", "w_payment": "30",
            "finance_release_authority": "80000", "watch_overdue_days": "30", "stop_overdue_days": "90",
            "limit_cut_percent": "30", "term_cut_days": "15", "near_limit_percent": "80", "note": "年度调整"}
    for i, b in enumerate(DEFAULT_BANDS):
        data.update({f"band-{i}-rating": b["rating"], f"band-{i}-min_score": str(b["min_score"]),
                     f"band-{i}-limit": b["limit"], f"band-{i}-max_term_days": str(b["max_term_days"])})
        data.update({f"band-{i}-kind-{k}": "1" for k in b["payment_kinds"]})
        if b["guarantee_required"]:
            data[f"band-{i}-guarantee_required"] = "1"
    data.update(over)
    return data


def test_p5_1_a_finance_saves_the_scorecard_page_as_a_new_version(client, finance_user, leader):
    from ordertaking.credit.models import ScorecardPolicy
    from ordertaking.credit.services import policy_current

    policy_current()
    client.force_login(finance_user)
    r = client.post(reverse("credit:policy"), _policy_post(**{"band-0-limit": "3000000"}))
    assert r.status_code == 302
    new = ScorecardPolicy.objects.order_by("-version").first()
    assert new is not None and new.version == 2 and new.bands[0]["limit"] == "3000000.00"
    assert new.bands[3]["guarantee_required"] is True and new.finance_release_authority == Decimal("80000.00")
    r = client.post(reverse("credit:policy"), _policy_post(w_payment="50"))
    assert r.status_code == 422 and r.context["error_field"] == "weights"
    assert 'value="50"' in r.content.decode()  # what was typed is kept
    assert ScorecardPolicy.objects.count() == 2
    client.force_login(leader)  # may read, may not change
    assert client.get(reverse("credit:policy")).status_code == 200
    assert client.post(reverse("credit:policy"), _policy_post()).status_code == 403
