"""P4.1.c on a complaint's own contact fields (P3.2): whoever handles or recorded the customer's open complaint,
and the customer's rep, see the complainant's name and how to reach them in full; everyone else masked, on the
complaint page, in the API's list and detail; a grant holder reveals them, logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.confidentiality import services as confidentiality
from ordertaking.confidentiality.models import RevealLog
from ordertaking.feedback import services

pytestmark = pytest.mark.django_db
NAME, PHONE, PHONE_MASKED = "刘晓明", "13800001111", "138****1111"


@pytest.fixture
def reported(cs_agent, accepted_order):  # type: ignore[no-untyped-def]
    return services.complaint_record(actor=cs_agent, order=accepted_order, category="quality", source="phone",
                                     description="电机噪音偏大。", contact_name=NAME, contact=PHONE)


@pytest.mark.parametrize("who,full", [("cs_agent", True), ("sales_rep", True), ("handler", False),
                                      ("leader", False), ("auditor", False), ("reviewer", False)])
def test_p4_1_c_a_complaints_contact_is_in_full_for_its_handler_and_the_rep_only(request, client, reported, who,
                                                                                 full):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("feedback:complaint", args=[reported.number]))
    assert r.status_code == 200
    html = r.content.decode()
    assert (PHONE in html) is full and (NAME in html) is full
    assert (PHONE_MASKED in html) is not full and ("刘**" in html) is not full
    one = client.get(f"/api/v1/feedback/complaints/{reported.number}").json()
    listed = client.get("/api/v1/feedback/complaints").json()["items"]
    for out in (one, *listed):
        assert out["contact"] == (PHONE if full else PHONE_MASKED)
        assert out["contact_name"] == (NAME if full else "刘**")


def test_p4_1_c_the_handler_gets_the_duty_when_the_complaint_is_assigned_to_them(client, reported, handler,
                                                                                         cs_agent):
    client.force_login(handler)
    url = reverse("feedback:complaint", args=[reported.number])
    assert PHONE not in client.get(url).content.decode()
    services.complaint_assign(actor=cs_agent, complaint=reported, handler=handler)
    assert PHONE in client.get(url).content.decode()


def test_p4_1_c_an_email_contact_is_masked_as_an_email_and_a_grant_reveals_it_logged(client, cs_agent, auditor,
                                                                                     leader, accepted_order):
    c = services.complaint_record(actor=cs_agent, order=accepted_order, category="quality", source="email",
                                  description="质量问题。", contact="liu@pujiang.example.cn")
    client.force_login(auditor)
    url = reverse("feedback:complaint", args=[c.number])
    html = client.get(url).content.decode()
    assert "l***@pujiang.example.cn" in html and "liu@" not in html and "conf-reveal" not in html
    req = confidentiality.access_request_create(actor=auditor, customer=c.customer, reason="投诉抽查")
    confidentiality.access_request_decide(actor=leader, request=req, grant=True)
    assert "conf-reveal" in client.get(url).content.decode()
    r = client.post(reverse("confidentiality:reveal"), {"source": "complaint", "ref": c.number, "key": "contact"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "liu@pujiang.example.cn" in r.content.decode()
    assert RevealLog.objects.get().field == "email"
