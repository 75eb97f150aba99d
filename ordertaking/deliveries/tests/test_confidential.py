"""P4.1.c on logistics and deliveries: the delivery street and the delivery contact (name, phone) are in full
for the order's sales rep and for logistics while a shipment to the customer is under way; everyone else who
may open the shipment page, the readiness checklist, the voucher PDF or their API sees them masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db
STREET, STREET_MASKED = "浦东新区张江路100号", "浦东新****"  # tests/factories.py's order
NAME, PHONE, PHONE_MASKED = "刘经理", "13812345678", "138****5678"


@pytest.fixture
def shipment(approved_order, ship):  # type: ignore[no-untyped-def]
    return ship(approved_order, {1: "10"}, dispatch=True)


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("reviewer", False),
                                      ("leader", False), ("auditor", False)])
def test_p4_1_c_the_shipment_page_shows_the_delivery_contact_and_street_by_duty(request, client, shipment, who,
                                                                                full):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("logistics:shipment", args=[shipment.number]))
    assert r.status_code == 200
    html = r.content.decode()
    assert (STREET in html) is full and (PHONE in html) is full and (NAME in html) is full
    assert (STREET_MASKED in html) is not full and (PHONE_MASKED in html) is not full


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("reviewer", False),
                                      ("leader", False)])
def test_p4_1_c_the_readiness_checklist_page_and_api_mask_the_agreed_place_and_person(request, client, shipment,
                                                                                      who, full):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("deliveries:readiness", args=[shipment.number])).content.decode()
    api = client.get(f"/api/v1/deliveries/readiness/{shipment.number}").json()
    assert (STREET in html) is full and (STREET in api["agreed_place"]) is full
    assert (api["agreed_with"] == NAME) is full


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("logistics_user", True), ("leader", False)])
def test_p4_1_c_the_voucher_pdf_carries_the_street_and_contact_by_duty(request, client, shipment, who, full):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("deliveries:voucher_pdf", args=[shipment.voucher.number]))
    assert r.status_code == 200
    text = pdf_text(r.content).replace(" ", "")
    assert ("张江路100号" in text) is full and (NAME in text) is full
    if not full:
        assert "刘**" in text


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False)])
def test_p4_1_c_the_signed_for_tracking_event_masks_the_door_and_the_signer(request, client, shipment,
                                                                           logistics_user, who, full):
    from ordertaking.logistics.services import tracking_event_record

    tracking_event_record(shipment=shipment, actor=logistics_user, kind="delivered", place="上海市浦东新区张江路100号",
                          note="刘经理 本人签收")
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("logistics:shipment", args=[shipment.number])).content.decode()
    events = client.get(f"/api/v1/logistics/shipments/{shipment.number}/events").json()["items"]
    signed = next(e for e in events if e["kind"] == "delivered")
    assert ("张江路100号" in html) is full and ("本人签收" in html) is full
    assert ("张江路100号" in signed["place"]) is full and (signed["note"] == "刘经理 本人签收") is full
