"""P4.1.c on the staff's link card (P2.5.b): the contact's e-mail is prefilled, and the addresses links went to
listed, in full only for the order's rep (or whoever holds a duty for the customer's e-mail); customer service
and the order center see them masked — and can still send the link to the address on file without reading it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.portal.models import PortalLink
from ordertaking.portal.services import portal_link_issue

pytestmark = pytest.mark.django_db
EMAIL, MASKED = "liu@pujiang.example.cn", "l***@pujiang.example.cn"


@pytest.fixture
def sent(order, sales_rep):  # type: ignore[no-untyped-def]
    return portal_link_issue(actor=sales_rep, order=order, email=EMAIL, send=True)


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("cs_agent", False), ("reviewer", False)])
def test_p4_1_c_the_link_card_prefills_and_lists_the_email_by_duty_only(request, client, order, sent, who, full):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("portal:order_card", args=[order.number])).content.decode()
    assert "portal-issue-form" in html
    assert (EMAIL in html) is full and (MASKED in html) is not full
    links = client.get(f"/api/v1/orders/{order.number}/portal-links").json()["items"]
    assert links[0]["sent_to"] == (EMAIL if full else MASKED)


def test_p4_1_c_customer_service_sends_the_link_to_the_address_on_file_without_seeing_it(client, order, cs_agent):
    client.force_login(cs_agent)
    r = client.post(reverse("portal:issue", args=[order.number]), {"email": "", "send": "on", "language": "zh-hans"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert PortalLink.objects.get().sent_to == EMAIL
    assert EMAIL not in r.content.decode() and MASKED in r.content.decode()


def test_the_rep_who_sees_the_address_still_has_to_give_one(client, order, sales_rep):
    client.force_login(sales_rep)
    r = client.post(reverse("portal:issue", args=[order.number]), {"email": "", "send": "on", "language": "zh-hans"})
    assert r.status_code == 422 and not PortalLink.objects.exists()
