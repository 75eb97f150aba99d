"""No one raises their own authority (P5.1, issue 8): a change of the credit scorecard is proposed by
finance and takes effect only once a leader, not the proposer, approves it; a pending change has no
effect; reading the policy never writes."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ordertaking.common.errors import Conflict, PermissionDenied
from ordertaking.credit.models import ScorecardPolicy
from ordertaking.credit.rules import DEFAULT_BANDS
from ordertaking.credit.services import (
    credit_hold_release,
    policy_current,
    scorecard_policy_approve,
    scorecard_policy_propose,
    scorecard_policy_reject,
)

pytestmark = pytest.mark.django_db

ARGS: dict[str, Any] = {"weights": {"qualification": 25, "financial": 25, "reputation": 20, "payment": 30},
                        "bands": DEFAULT_BANDS, "watch_overdue_days": 30, "stop_overdue_days": 90,
                        "limit_cut_percent": 30, "term_cut_days": 15}


def _held(customer, make_order, approve, evaluate, excess):  # type: ignore[no-untyped-def]
    evaluate(customer, limit="100000")
    first = make_order(customer, total="100000.00")
    order = make_order(customer, total=excess)
    approve(first)
    order, hold = approve(order)
    assert hold is not None
    return order, hold


def test_P5_1_a_pending_higher_authority_has_no_effect_until_a_leader_approves_it(
        customer, make_order, approve, evaluate, finance_user, leader):
    _order, hold = _held(customer, make_order, approve, evaluate, "60000.00")  # authority is 50,000
    proposal = scorecard_policy_propose(actor=finance_user, finance_release_authority="100000", **ARGS)
    assert proposal.state == ScorecardPolicy.State.PROPOSED
    assert policy_current().finance_release_authority == D("50000.00")
    with pytest.raises(PermissionDenied) as e:
        credit_hold_release(hold=hold, actor=finance_user, reason="客户已承诺回款")
    assert e.value.code == "above_authority"
    with pytest.raises(PermissionDenied) as e:
        scorecard_policy_approve(policy=proposal, actor=finance_user)  # not even with the capability
    scorecard_policy_approve(policy=proposal, actor=leader, comment="同意")
    assert policy_current().version == proposal.version
    credit_hold_release(hold=hold, actor=finance_user, reason="客户已承诺回款")
    hold.refresh_from_db()
    assert hold.state == "released"


def test_P5_1_a_the_proposer_cannot_approve_their_own_change(make_user):
    both = make_user("finlead", "finance", "leadership")
    proposal = scorecard_policy_propose(actor=both, finance_release_authority="900000", **ARGS)
    with pytest.raises(PermissionDenied) as e:
        scorecard_policy_approve(policy=proposal, actor=both)
    assert e.value.code == "segregation_of_duties"
    assert policy_current().finance_release_authority == D("50000.00")


def test_P5_1_a_a_rejected_change_stays_in_the_history_and_a_second_waits_for_the_first(finance_user, leader):
    first = scorecard_policy_propose(actor=finance_user, finance_release_authority="60000", **ARGS)
    with pytest.raises(Conflict):
        scorecard_policy_propose(actor=finance_user, finance_release_authority="70000", **ARGS)
    scorecard_policy_reject(policy=first, actor=leader, comment="额度过高")
    assert ScorecardPolicy.objects.get(pk=first.pk).state == ScorecardPolicy.State.REJECTED
    assert policy_current().version == 1
    second = scorecard_policy_propose(actor=finance_user, finance_release_authority="55000", **ARGS)
    assert second.version == first.version + 1
    assert list(ScorecardPolicy.objects.values_list("version", flat=True)) == [3, 2, 1]


def test_P5_1_a_reading_the_policy_never_writes(client, finance_user):
    client.force_login(finance_user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/credit/policy").status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
                and "scorecardpolicy" in q["sql"].lower()]


def test_P5_1_a_the_api_proposes_and_a_leader_approves(client, finance_user, leader):
    client.force_login(finance_user)
    body = {**ARGS, "finance_release_authority": "80000"}
    r = client.post("/api/v1/credit/policy", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "proposed"
    version = r.json()["version"]
    assert client.get("/api/v1/credit/policy").json()["version"] == 1
    r = client.post(f"/api/v1/credit/policy/{version}/approve", "{}", content_type="application/json")
    assert r.status_code == 403
    client.force_login(leader)
    r = client.post(f"/api/v1/credit/policy/{version}/approve", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "in_force"
    assert client.get("/api/v1/credit/policy").json()["version"] == version


def test_P5_1_a_the_page_offers_the_decision_to_a_leader_not_to_the_proposer(client, finance_user, leader):
    proposal = scorecard_policy_propose(actor=finance_user, finance_release_authority="80000", **ARGS)
    client.force_login(finance_user)
    html = client.get(reverse("credit:policy")).content.decode()
    assert 'data-testid="policy-pending"' in html and 'data-testid="policy-decide"' not in html
    client.force_login(leader)
    html = client.get(reverse("credit:policy")).content.decode()
    assert 'data-testid="policy-decide"' in html
    r = client.post(reverse("credit:policy_decide", args=[proposal.version, "approve"]), {"comment": ""})
    assert r.status_code == 302
    assert policy_current().version == proposal.version
