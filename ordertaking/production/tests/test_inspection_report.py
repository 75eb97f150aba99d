"""The quality inspection report 质量检验报告 (P5.2.b, P2.5.b): built from production's records of an order,
listed with the order's documents once an inspection exists, offered to the customer too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from ordertaking.orders.documents import ORDER_DOCUMENTS, order_documents
from ordertaking.production.documents import inspection_report_document
from ordertaking.production.models import ProductionOrder
from ordertaking.production.services import inspection_record, rework_record
from tests.credit_grant import customer_credit_grant
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_order, customer, finance_user, production_user):  # type: ignore[no-untyped-def]
    from ordertaking.logistics.tests.conftest import produce

    customer_credit_grant(customer, by=finance_user)
    o = make_order(state="approved", lines=[{"product": "motor", "quantity": "10"}])
    produce(o, production_user)
    return o


def test_P5_2_b_the_report_lists_the_inspections_rework_and_the_conclusion(order, production_user, sales_rep, client):
    assert "inspection_report" not in [d["key"] for d in order_documents(order, sales_rep)]  # no record yet
    po = ProductionOrder.objects.get(order=order)
    failed = inspection_record(po=po, actor=production_user, checkpoint="finished", result="fail", sample_size=5,
                               inspected_quantity=10, defect_count=1, defects="绝缘电阻偏低")
    rework_record(inspection=failed, actor=production_user, note="重新浸漆烘干")
    passed = inspection_record(po=po, actor=production_user, checkpoint="finished", result="pass", sample_size=10,
                               inspected_quantity=10, reinspection_of=failed)
    assert "inspection_report" in [d["key"] for d in order_documents(order, sales_rep)]
    assert ORDER_DOCUMENTS["inspection_report"].customer
    with translation.override("zh-hans"):
        from ordertaking.common.pdf import render

        text = pdf_text(render(inspection_report_document(order, reader=sales_rep)))
    for expected in ("质量检验报告", order.number, failed.number, passed.number, "绝缘电阻偏低", "重新浸漆烘干"):
        assert expected in text, expected
    client.force_login(sales_rep)
    r = client.get(reverse("production:inspection_report_pdf", args=[order.number]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    r = client.get(f"/api/v1/inspections/orders/{order.number}/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_P5_2_b_no_report_without_an_inspection_or_for_someone_who_cannot_see_the_order(order, sales_rep2, client,
                                                                                        sales_rep):
    client.force_login(sales_rep)
    assert client.get(reverse("production:inspection_report_pdf", args=[order.number])).status_code == 404
    client.force_login(sales_rep2)
    assert client.get(f"/api/v1/inspections/orders/{order.number}/report.pdf").status_code == 404
