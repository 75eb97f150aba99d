"""P4.1.c, one table for every door: each page, API answer, Excel export and PDF that shows a customer's
contact data is opened by people who hold no duty for the customer (leadership, the auditor, the order
center after review) and none of the customer's confidential values may come out unmasked — the contact's
name, phone and e-mail, the street address, the credit code, the invoicing address and bank account.

A new page showing customer data belongs in DOORS. The test can fail: the customer's own rep opens the
same doors and must see at least one value in full (else the doors would show nothing to check)."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse

from ordertaking.logistics.tests import conftest as logistics_fixtures
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db

unproduced_order = logistics_fixtures.unproduced_order
approved_order = logistics_fixtures.approved_order
carrier = logistics_fixtures.carrier
ship = logistics_fixtures.ship

BANK = "6222021001012345678"
INVOICE_STREET = "张江高科技园区祖冲之路88号"
# the raw values (spaces dropped before comparing): none may appear for a reader without a duty
SECRETS = ("13812345678", "liu@pujiang", "张江路100号", "刘经理", "MA1K3YJ2", BANK, "祖冲之路88号",
           "13900002222", "complainer@",
           # the people at the customer in the delivery chapter: who signed the voucher, from which IP address,
           # who raised an acceptance issue
           "徐建平", "117.136.12.48", "陈晓东")


@pytest.fixture
def world(approved_order, ship, customer, sales_rep, cs_agent, finance_user, make_order):  # type: ignore[no-untyped-def]
    """A customer with contacts, addresses and invoicing details; its approved order shipped (a shipment
    under way, its voucher signed by the customer's person, its readiness checklist); a second order delivered
    with an acceptance issue the customer's person raised; a complaint with its own contact; a link sent."""
    from ordertaking.customers.models import Customer
    from ordertaking.deliveries.acceptance.services import acceptance_record
    from ordertaking.deliveries.tests.conftest import deliver, drawn_signature, verdicts
    from ordertaking.deliveries.voucher_services import voucher_sign
    from ordertaking.feedback.services import complaint_record
    from ordertaking.inquiries.services import inquiry_record
    from ordertaking.portal.services import portal_link_issue

    Customer.objects.filter(pk=customer.pk).update(invoice_title=customer.name, invoice_address=INVOICE_STREET,
                                                   invoice_phone="021-58881234", invoice_bank="工商银行张江支行",
                                                   invoice_bank_account=BANK)
    shipment = ship(approved_order, {1: "10"}, dispatch=True)
    voucher_sign(voucher=shipment.voucher, signer_name="徐建平", signature=drawn_signature(), ip="117.136.12.48")
    delivered = deliver(make_order(state="approved"))
    issue = acceptance_record(order=delivered, entries=[(delivered.lines.get(position=1), verdicts(quality="噪音大"))],
                              actor=sales_rep, customer_name="陈晓东")[0]
    complaint = complaint_record(actor=cs_agent, order=approved_order, category="quality", source="phone",
                                 description="噪音偏大。", contact_name="刘经理", contact="13900002222")
    complaint_email = complaint_record(actor=cs_agent, order=approved_order, category="delivery",
                                       source="email", description="到货延误。", contact="complainer@pujiang.cn")
    portal_link_issue(actor=sales_rep, order=approved_order, email="liu@pujiang.example.cn", send=True)
    # a note typed by the rep that names the customer's contact and their phone (free text on the timeline)
    from ordertaking.portal.services import portal_link_revoke
    portal_link_revoke(actor=sales_rep, link=portal_link_issue(actor=sales_rep, order=approved_order, send=False),
                       reason="发给了仓库，应发刘经理（13812345678）")
    # a contingency plan (P5.2.a) saying the order's contact was told of a delay
    from django.utils import timezone

    from ordertaking.tracking.services import contingency_plan_record
    contingency_plan_record(order=approved_order, actor=sales_rep, cause="force_majeure", measures="改走铁路运输。",
                            loss_reduction="", notified_person="刘经理", notified_at=timezone.now(),
                            notified_via="phone", notified_text="交期顺延三天。")
    inquiry = inquiry_record(actor=cs_agent, channel="phone", customer=customer, contact_name="刘经理",
                             contact_phone="13812345678", contact_email="liu@pujiang.example.cn",
                             address="浦东新区张江路100号", specification="电机 20 台")
    return {"inquiry": inquiry, "customer": customer, "order": approved_order, "shipment": shipment,
            "complaint": complaint, "complaint_email": complaint_email, "delivered": delivered, "issue": issue}


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(content), read_only=True)
    return " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
                    if c is not None)


# (name, url(world) -> str, kind): kind says how to read the answer
DOORS: list[tuple[str, Any, str]] = [
    ("customer page", lambda w: reverse("customers:detail", args=[w["customer"].pk]), "html"),
    ("customer API", lambda w: f"/api/v1/customers/{w['customer'].pk}", "json"),
    ("customer list", lambda w: reverse("customers:list"), "html"),
    ("customers Excel", lambda w: reverse("customers:export"), "xlsx"),
    ("order page", lambda w: reverse("orders:detail", args=[w["order"].number]), "html"),
    ("order API", lambda w: f"/api/v1/orders/{w['order'].number}", "json"),
    ("order timeline API", lambda w: f"/api/v1/orders/{w['order'].number}/timeline", "json"),
    ("orders Excel", lambda w: reverse("orders:export"), "xlsx"),
    ("contract PDF", lambda w: reverse("orders:contract_pdf", args=[w["order"].number]), "pdf"),
    ("audit log", lambda w: reverse("audit:list"), "html"),
    ("audit log API", lambda w: "/api/v1/audit/events?page_size=100", "json"),
    ("shipment page", lambda w: reverse("logistics:shipment", args=[w["shipment"].number]), "html"),
    ("readiness card", lambda w: reverse("deliveries:readiness", args=[w["shipment"].number]), "html"),
    ("readiness API", lambda w: f"/api/v1/deliveries/readiness/{w['shipment'].number}", "json"),
    ("voucher PDF", lambda w: reverse("deliveries:voucher_pdf", args=[w["shipment"].voucher.number]), "pdf"),
    ("order's vouchers PDF", lambda w: reverse("deliveries:order_vouchers_pdf", args=[w["order"].number]), "pdf"),
    ("voucher page", lambda w: reverse("deliveries:voucher", args=[w["shipment"].voucher.number]), "html"),
    ("order's voucher card", lambda w: reverse("deliveries:order_vouchers", args=[w["order"].number]), "html"),
    ("voucher API", lambda w: f"/api/v1/deliveries/vouchers/{w['shipment'].voucher.number}", "json"),
    ("vouchers API", lambda w: "/api/v1/deliveries/vouchers", "json"),
    ("acceptance issue page", lambda w: reverse("deliveries:issue", args=[w["issue"].number]), "html"),
    ("acceptance issues API", lambda w: "/api/v1/deliveries/issues?state=", "json"),
    ("acceptance API", lambda w: f"/api/v1/deliveries/orders/{w['delivered'].number}/acceptance", "json"),
    ("delivered order's timeline API", lambda w: f"/api/v1/orders/{w['delivered'].number}/timeline", "json"),
    ("complaint page", lambda w: reverse("feedback:complaint", args=[w["complaint"].number]), "html"),
    ("complaint (e-mail) page", lambda w: reverse("feedback:complaint", args=[w["complaint_email"].number]),
     "html"),
    ("complaints API", lambda w: "/api/v1/feedback/complaints", "json"),
    ("inquiry page", lambda w: reverse("inquiries:detail", args=[w["inquiry"].pk]), "html"),
    ("inquiry list", lambda w: reverse("inquiries:list") + "?scope=all", "html"),
    ("inquiries API", lambda w: "/api/v1/inquiries", "json"),
    ("change request form", lambda w: reverse("amendments:change", args=[w["order"].number]), "html"),
    ("link card", lambda w: reverse("portal:order_card", args=[w["order"].number]), "html"),
    ("links API", lambda w: f"/api/v1/orders/{w['order'].number}/portal-links", "json"),
    ("progress panel", lambda w: reverse("tracking:panel", args=[w["order"].number]), "html"),
    ("contingency plans API", lambda w: f"/api/v1/orders/{w['order'].number}/contingency-plans", "json"),
]


def _open(client, url: str, kind: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    r = client.get(url)
    if r.status_code != 200:
        return r.status_code, ""
    body = r.content
    text = {"html": lambda: body.decode(), "json": lambda: json.dumps(json.loads(body), ensure_ascii=False),
            "xlsx": lambda: _xlsx_text(body), "pdf": lambda: pdf_text(body)}[kind]()
    return 200, text.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("who", ["leader", "auditor", "reviewer"])
def test_p4_1_c_no_door_lets_an_unmasked_value_out_to_a_reader_without_a_duty(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    opened = 0
    leaks = []
    for name, url, kind in DOORS:
        status, text = _open(client, url(world), kind)
        if status != 200:
            continue  # this role may not open this door at all
        opened += 1
        leaks += [f"{name}: {s}" for s in SECRETS if s in text]
    assert opened >= 8, "the roles without duty must reach most doors, or the test proves nothing"
    assert leaks == [], "\n".join(leaks)


def test_the_customers_rep_opens_the_same_doors_and_sees_values_in_full(client, world, sales_rep):
    client.force_login(sales_rep)
    seen = set()
    for name, url, kind in DOORS:
        status, text = _open(client, url(world), kind)
        seen |= {name for s in SECRETS if status == 200 and s in text}
    assert {"customer page", "order page", "contract PDF", "shipment page", "complaint page", "voucher page",
            "voucher API", "acceptance issue page", "acceptance API", "progress panel", "contingency plans API"} <= seen
