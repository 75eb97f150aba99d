"""P4.1.c on the pages, in the API and in PDFs: the one rule by role, duty and grant; the reveal button logs;
auditors filter the reveal log; deciding follows segregation of duties."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ordertaking.confidentiality import services
from ordertaking.confidentiality.models import AccessRequest, RevealLog

pytestmark = pytest.mark.django_db
FULL, MASKED = "13812345678", "138****5678"


def _grant(customer, holder, decider):  # type: ignore[no-untyped-def]
    req = services.access_request_create(actor=holder, customer=customer, reason="审计抽查")
    return services.access_request_decide(actor=decider, request=req, grant=True)


@pytest.mark.parametrize("who,full", [("sales_rep", True), ("leader", False), ("auditor", False),
                                      ("finance_user", False), ("cs_agent", False)])
def test_p4_1_c_the_customer_page_and_api_show_contacts_by_duty_only(request, client, customer, who, full):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    api = client.get(f"/api/v1/customers/{customer.pk}").json()
    assert (FULL in html) is full and (MASKED in html) is not full
    assert api["contacts"][0]["phone"] == (FULL if full else MASKED)
    assert (api["contacts"][0]["name"] == "刘经理") is full
    assert (api["credit_code"] == customer.credit_code) is (full or who == "finance_user")  # finance's duty
    assert ("浦东新区张江路100号" in html) is full


def test_p4_1_c_a_grant_holder_reveals_a_value_with_the_button_and_the_reveal_is_logged(client, customer, auditor,
                                                                                     leader):
    client.force_login(auditor)
    assert "conf-reveal" not in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    req = _grant(customer, auditor, leader)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "conf-reveal" in html and FULL not in html
    contact = customer.contacts.get()
    r = client.post(reverse("confidentiality:reveal"), {"source": "contact", "ref": contact.pk, "key": "phone"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and FULL in r.content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.grant_id, log.field, log.channel) == (auditor, req.pk, "phone", "page")


def test_p4_1_c_reveal_through_the_api_is_logged_and_refused_without_a_grant(client, customer, auditor, leader):
    client.force_login(auditor)
    body = json.dumps({"source": "contact", "ref": str(customer.contacts.get().pk), "key": "phone"})
    r = client.post("/api/v1/access/reveal", body, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "access_required"
    _grant(customer, auditor, leader)
    r = client.post("/api/v1/access/reveal", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["value"] == FULL and r.json()["basis"] == "grant"
    assert RevealLog.objects.filter(channel="api").count() == 1
    r = client.post("/api/v1/access/reveal", json.dumps({"source": "nope", "ref": "1", "key": "x"}),
                    content_type="application/json")
    assert r.status_code == 404


def test_p4_1_c_the_request_and_decision_pages_keep_segregation_of_duties(client, customer, auditor, leader):
    client.force_login(auditor)
    r = client.post(reverse("confidentiality:request_new", args=[customer.pk]), {"reason": "抽查", "days": 3})
    req = AccessRequest.objects.get()
    assert r.status_code == 302 and req.days == 3
    r = client.post(reverse("confidentiality:grant", args=[req.pk]), {"days": 3})
    assert r.status_code == 403  # never the requester (nor an auditor)
    client.force_login(leader)
    page = client.get(reverse("confidentiality:requests")).content.decode()
    assert customer.name in page
    r = client.post(reverse("confidentiality:grant", args=[req.pk]), {"days": 2})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.state == "granted" and req.days == 2


def test_p4_1_c_the_api_grants_refuses_and_revokes_with_one_error_shape(client, customer, auditor, leader):
    client.force_login(auditor)
    r = client.post("/api/v1/access/requests", json.dumps({"customer": customer.pk, "reason": "抽查"}),
                    content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert client.post(f"/api/v1/access/requests/{pk}/grant", "{}", content_type="application/json").status_code == 403
    client.force_login(leader)
    r = client.post(f"/api/v1/access/requests/{pk}/grant", json.dumps({"days": 500}), content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "days"
    r = client.post(f"/api/v1/access/requests/{pk}/grant", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["in_force"] is True
    r = client.post(f"/api/v1/access/requests/{pk}/revoke", json.dumps({"reason": "结束"}),
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    assert client.post("/api/v1/access/requests/999999/grant", "{}",
                       content_type="application/json").status_code == 404


def test_p4_1_c_auditors_filter_the_reveal_log_and_nobody_else_reads_it(client, customer, auditor, leader,
                                                                        finance_user, sales_rep):
    _grant(customer, auditor, leader)
    services.reveal_value(actor=auditor, source="contact", ref=str(customer.contacts.get().pk), key="phone")
    services.reveal_value(actor=finance_user, source="customer", ref=str(customer.pk), key="credit_code")
    client.force_login(auditor)
    page = client.get(reverse("confidentiality:reveals") + "?basis=duty").content.decode()
    assert "吴财务" in page and "郑审计" not in page.split('data-testid="reveals"')[1]
    items = client.get("/api/v1/access/reveals?field=phone").json()["items"]
    assert [i["user"] for i in items] == [str(auditor)] and items[0]["basis"] == "grant"
    client.force_login(sales_rep)
    assert client.get(reverse("confidentiality:reveals")).status_code == 403
    assert client.get("/api/v1/access/reveals").status_code == 403


def test_p4_1_c_the_sales_contract_pdf_masks_the_buyers_contact_for_a_reader_without_duty(client, make_order,
                                                                                          leader, sales_rep):
    from tests.pdftext import pdf_text

    order = make_order(state="submitted")
    client.force_login(leader)
    text = pdf_text(client.get(f"/api/v1/orders/{order.number}/contract.pdf").content)
    assert order.contact_phone and order.contact_phone not in text.replace(" ", "")
    client.force_login(sales_rep)
    text = pdf_text(client.get(f"/api/v1/orders/{order.number}/contract.pdf").content)
    assert order.contact_phone in text.replace(" ", "")


def test_p4_1_c_the_customer_export_keeps_the_filters_masks_by_rule_logs_and_neutralises_formulas(
        client, customer, auditor, leader, sales_rep):
    from io import BytesIO

    from openpyxl import load_workbook

    customer.contacts.update(name="=HYPERLINK(\"http://evil\",\"x\")")

    def rows(user, query=""):  # type: ignore[no-untyped-def]
        client.force_login(user)
        r = client.get(reverse("customers:export") + query)
        assert r.status_code == 200
        ws = load_workbook(BytesIO(r.content)).active
        return [[c.value for c in row] for row in ws.iter_rows(min_row=2)], ws

    data, _ws = rows(auditor)
    assert data[0][9] == MASKED and data[0][1] != customer.credit_code
    assert RevealLog.objects.count() == 0
    assert rows(auditor, "?q=没有这个")[0] == []
    _grant(customer, auditor, leader)
    data, ws = rows(auditor)
    assert data[0][9] == FULL and data[0][1] == customer.credit_code
    assert set(RevealLog.objects.filter(channel="export").values_list("field", flat=True)) >= {"phone",
                                                                                                "credit_code"}
    cell = ws.cell(row=2, column=9)
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula


def test_p4_1_c_the_customers_timeline_masks_what_the_page_masks(client, customer, sales_rep, auditor):
    from ordertaking.customers.services import contact_add

    contact_add(customer=customer, actor=sales_rep, name="孙采购", phone="13911112222", email="sun@pujiang.example.cn")
    client.force_login(auditor)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "13911112222" not in html and "孙采购" not in html and "139****2222" in html
    client.force_login(sales_rep)
    assert "13911112222" in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
