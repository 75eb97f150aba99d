"""Inquiry pages (P2.1, P3.2): list with filters and pinned query count, record form re-shown with
errors, detail with hand-over, convert and close."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ordertaking.audit.selectors import timeline_for
from ordertaking.inquiries import services
from ordertaking.inquiries.models import Inquiry

pytestmark = pytest.mark.django_db


def make(cs_agent, n=1, **over):  # type: ignore[no-untyped-def]
    out = []
    for i in range(n):
        data: dict[str, Any] = {"channel": "phone", "company_name": f"询价公司{i:02d}", "contact_name": "张",
                "contact_phone": "13600001111", "specification": "Y2 电机", "quantity": Decimal("2")}
        data.update(over)
        out.append(services.inquiry_record(actor=cs_agent, **data))
    return out


def test_p3_2_inquiry_list_pins_queries_and_filters(client, cs_agent, catalog, django_assert_max_num_queries):
    make(cs_agent, 30)
    make(cs_agent, 1, channel="email", company_name="邮件客户")
    client.force_login(cs_agent)
    with django_assert_max_num_queries(12):
        r = client.get("/inquiries/", {"scope": "all"})
    assert r.status_code == 200 and "page=2" in r.content.decode()
    html = client.get("/inquiries/", {"channel": "email"}).content.decode()
    assert "邮件客户" in html and "询价公司00" not in html


def test_p2_1_inquiry_list_htmx_partial(client, cs_agent, catalog):
    make(cs_agent, 2)
    client.force_login(cs_agent)
    html = client.get("/inquiries/", {"q": "询价公司01"}, HTTP_HX_REQUEST="true").content.decode()
    assert "询价公司01" in html and "询价公司00" not in html and "<html" not in html


def test_p3_2_inquiry_list_refused_for_roles_without_inquiries(client, production_user):
    client.force_login(production_user)
    assert client.get("/inquiries/").status_code == 403


def test_p2_1_a_record_page_creates_the_inquiry(client, cs_agent, catalog):
    client.force_login(cs_agent)
    assert client.get("/inquiries/new/").status_code == 200
    r = client.post("/inquiries/new/", {"channel": "visit", "company_name": "上门客户", "contact_name": "李",
                                        "contact_phone": "021-66667777", "product": "MOT-001", "quantity": "4",
                                        "region": "SH", "special_needs": "on"})
    inq = Inquiry.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/inquiries/{inq.pk}/"
    assert inq.channel == "visit" and inq.product is not None and inq.special_needs


def test_p2_1_c_record_page_reshown_with_errors_beside_fields_and_input_kept(client, cs_agent, catalog):
    client.force_login(cs_agent)
    r = client.post("/inquiries/new/", {"channel": "phone", "company_name": "只填了公司", "contact_name": "",
                                        "contact_phone": "999", "quantity": "-1"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="contact_phone-errors"' in html and 'id="quantity-errors"' in html
    assert 'value="只填了公司"' in html and 'value="999"' in html
    assert not Inquiry.objects.exists()


def test_p2_1_c_service_refusal_shown_beside_its_field(client, cs_agent, catalog):
    client.force_login(cs_agent)
    r = client.post("/inquiries/new/", {"channel": "phone", "company_name": "某公司", "contact_name": "王",
                                        "contact_phone": "13800138000"})
    assert r.status_code == 422
    assert 'id="specification-errors"' in r.content.decode()


def test_p2_1_b_detail_handover_form_moves_it_to_the_rep(client, cs_agent, sales_rep, catalog):
    (inq,) = make(cs_agent)
    client.force_login(cs_agent)
    html = client.get(f"/inquiries/{inq.pk}/").content.decode()
    assert 'id="handover"' in html and 'id="convert"' not in html  # customer service enters no orders
    r = client.post(f"/inquiries/{inq.pk}/handover/", {"to": sales_rep.pk, "note": "大客户", "special_needs": "on"})
    assert r.status_code == 302
    inq.refresh_from_db()
    assert inq.assigned_to == sales_rep
    html = client.get(f"/inquiries/{inq.pk}/").content.decode()
    assert 'data-action="inquiry.handed_over"' in html and "大客户" in html


def test_p2_1_b_handover_form_errors_shown(client, cs_agent, catalog):
    (inq,) = make(cs_agent)
    client.force_login(cs_agent)
    r = client.post(f"/inquiries/{inq.pk}/handover/", {"to": ""})
    assert r.status_code == 422 and 'id="to-errors"' in r.content.decode()


def test_p2_1_convert_button_creates_the_draft_order(client, cs_agent, sales_rep, catalog):
    (inq,) = make(cs_agent)
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    client.force_login(sales_rep)
    assert 'id="convert"' in client.get(f"/inquiries/{inq.pk}/").content.decode()
    r = client.post(f"/inquiries/{inq.pk}/convert/")
    inq.refresh_from_db()
    assert r.status_code == 302 and inq.state == Inquiry.State.CONVERTED and inq.order is not None
    assert inq.order.number in client.get(f"/inquiries/{inq.pk}/").content.decode()


def test_p2_1_close_form_needs_a_reason(client, cs_agent, catalog):
    (inq,) = make(cs_agent)
    client.force_login(cs_agent)
    r = client.post(f"/inquiries/{inq.pk}/close/", {"reason": ""})
    assert r.status_code == 422 and 'id="reason-errors"' in r.content.decode()
    r = client.post(f"/inquiries/{inq.pk}/close/", {"reason": "重复询价"})
    assert r.status_code == 302
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.CLOSED
    assert timeline_for(inq).last().message == "重复询价"  # type: ignore[union-attr]


def test_p2_1_other_reps_get_404_on_an_inquiry(client, cs_agent, sales_rep2, catalog):
    (inq,) = make(cs_agent)
    client.force_login(sales_rep2)
    assert client.get(f"/inquiries/{inq.pk}/").status_code == 404
    assert client.post(f"/inquiries/{inq.pk}/close/", {"reason": "x"}).status_code == 404


def test_p2_1_c_edit_page_updates(client, cs_agent, catalog):
    (inq,) = make(cs_agent)
    client.force_login(cs_agent)
    assert client.get(f"/inquiries/{inq.pk}/edit/").status_code == 200
    r = client.post(f"/inquiries/{inq.pk}/edit/", {"channel": "phone", "company_name": "询价公司00",
                                                   "contact_name": "张", "contact_phone": "13600001111",
                                                   "specification": "Y2 电机", "quantity": "9"})
    assert r.status_code == 302
    inq.refresh_from_db()
    assert inq.quantity == Decimal("9")


def test_p3_2_home_page_shows_the_inquiry_queues(client, cs_agent, catalog):
    make(cs_agent, 1, special_needs=True)
    client.force_login(cs_agent)
    html = client.get("/").content.decode()
    assert 'data-queue="inquiries_to_hand_over"' in html and 'data-queue="inquiries_special_open"' in html


def test_p2_1_c_an_inquiry_for_an_archived_customer_still_asks_who_calls_and_offers_its_contacts(
        client, sales_rep, cs_agent, customer):
    client.force_login(cs_agent)  # P4.1.c: no duty for this customer yet, so no contacts to pick from
    r = client.get(f"/inquiries/contacts/?customer={customer.pk}", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "data-name=" not in r.content.decode()
    client.force_login(sales_rep)  # the customer's rep sees its contacts
    html = client.get(f"/inquiries/new/?customer={customer.pk}").content.decode()
    # the caller's fields sit outside the prospect-only block, which is hidden for an archived customer
    prospect = html[html.index('id="prospect-fields"'):]
    assert 'name="contact_name"' in html and 'name="contact_name"' not in prospect
    assert 'hx-get="/inquiries/contacts/"' in html
    primary = customer.contacts.get(is_primary=True)
    r = client.get(f"/inquiries/contacts/?customer={customer.pk}", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and f'data-name="{primary.name}"' in r.content.decode()
    assert "data-primary" in r.content.decode() and "<html" not in r.content.decode()


def test_p2_1_b_the_handover_select_starts_at_the_customers_own_rep(client, cs_agent, customer, sales_rep):
    inq = services.inquiry_record(actor=cs_agent, channel="phone", customer=customer, contact_name="刘经理",
                                  contact_phone="13812345678", specification="Y2 电机")
    client.force_login(cs_agent)
    r = client.get(f"/inquiries/{inq.pk}/")
    form = r.context["handover_form"]
    assert form["to"].value() == sales_rep.pk
    html = r.content.decode()
    assert "---------" not in html[html.index('id="handover"'):]
