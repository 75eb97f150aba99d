"""P4.1.c on contingency plans (P5.2.a): the person at the customer a plan says was told — as a rule the order's
contact — follows the order's contact rule: in full for the order's rep (and the holders of a duty for the
customer), masked for everyone else who may open the order, on the progress panel, in the API, on the order's
timeline and in the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.tracking import services
from ordertaking.tracking.tests.test_plans_and_escalation import MON, plan_kw

pytestmark = pytest.mark.django_db
PERSON, PERSON_MASKED = "刘经理", "刘**"


@pytest.fixture
def planned(approved_order, flag_at_risk, sales_rep):  # type: ignore[no-untyped-def]
    order = approved_order()
    flag_at_risk(order, MON)
    services.contingency_plan_record(order=order, actor=sales_rep, **plan_kw(notified_person=PERSON))
    return order


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False), ("reviewer", False)])
def test_p4_1_c_the_person_told_is_shown_by_the_orders_contact_rule(request, client, planned, who, full, lang):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("tracking:panel", args=[planned.number]), headers={"accept-language": lang}
                      ).content.decode()
    assert (PERSON in html) is full and (PERSON_MASKED in html) is not full
    [plan] = client.get(f"/api/v1/orders/{planned.number}/contingency-plans").json()
    assert plan["notified_person"] == (PERSON if full else PERSON_MASKED)
    events = client.get(f"/api/v1/orders/{planned.number}/timeline").json()
    told = [c["after"] for e in events for c in e["changes"] if c["key"] == "notified_person"]
    assert told == [PERSON if full else PERSON_MASKED]


def test_p4_1_c_the_auditor_reads_the_person_told_masked_in_the_audit_log(client, planned, auditor):
    client.force_login(auditor)
    items = client.get("/api/v1/audit/events", {"action": "contingency_plan.recorded"}).json()["items"]
    assert [ev["after"]["notified_person"] for ev in items] == [PERSON_MASKED]
    assert PERSON not in client.get(reverse("audit:list")).content.decode()
