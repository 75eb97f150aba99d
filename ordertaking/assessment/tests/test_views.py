"""P6.2: who sees which KPIs, the targets (leadership, audited, not for one's own department), the pages'
query count, and the Excel and PDF files."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation

from ordertaking.accounts.roles import Role
from ordertaking.assessment.models import KpiTarget
from ordertaking.assessment.services import target_set
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import PermissionDenied, ValidationFailed
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db
URL = reverse("assessment:scorecard")


def test_p6_2_a_sales_rep_sees_own_figures_and_sales_not_finance_nor_a_colleague(client, sales_rep, sales_rep2):
    client.force_login(sales_rep)
    r = client.get(URL)
    assert r.status_code == 200 and 'data-testid="kpi-mine"' in r.content.decode()
    assert 'data-testid="kpi-persons"' not in r.content.decode()
    assert client.get(URL + "?dept=finance").status_code == 403
    assert client.get(URL + f"?dept=sales&person={sales_rep.pk}").status_code == 200
    assert client.get(URL + f"?dept=sales&person={sales_rep2.pk}").status_code == 403
    assert client.get(reverse("assessment:records", args=["paid_on_time"]) + "?dept=finance").status_code == 403
    assert client.get(reverse("assessment:targets")).status_code == 403


def test_p6_2_leadership_sees_every_department_and_person(client, leader, sales_rep):
    client.force_login(leader)
    body = client.get(URL + "?dept=finance").content.decode()
    assert 'data-testid="kpi-overview"' in body and 'data-testid="kpi-persons"' in body
    assert client.get(URL + f"?dept=sales&person={sales_rep.pk}").status_code == 200


def test_p6_2_an_administrator_does_no_assessment(client, admin_user_role):
    client.force_login(admin_user_role)
    assert client.get(URL).status_code == 403


def test_p6_2_scorecard_query_count_is_pinned(client, leader, django_assert_max_num_queries):
    client.force_login(leader)
    # overview of 6 departments (one aggregate per component each), the department's cards and persons,
    # the targets, the session and the navigation
    with django_assert_max_num_queries(75):
        assert client.get(URL + "?dept=sales&period=2026-11").status_code == 200


def test_p6_2_targets_are_leaderships_audited_and_not_for_ones_own_department(make_user, leader, sales_rep):
    t = target_set(actor=leader, kpi="timeliness", department="sales", period_kind="month", value="90")
    assert t.value == Decimal("0.9")
    target_set(actor=leader, kpi="timeliness", department="sales", period_kind="month", value="95%")
    ev = AuditEvent.objects.filter(action="kpi_target.set").order_by("-pk")
    assert ev.count() == 2 and ev[0].before == {"target": "90.0%"} and (ev[0].after or {})["target"] == "95.0%"
    assert KpiTarget.objects.get().value == Decimal("0.95")
    with pytest.raises(PermissionDenied):
        target_set(actor=sales_rep, kpi="received", department="sales", period_kind="month", value="10")
    both = make_user("leader-sales", Role.LEADERSHIP, Role.SALES)
    with pytest.raises(PermissionDenied) as e:
        target_set(actor=both, kpi="received", department="sales", period_kind="month", value="10")
    assert e.value.code == "segregation_of_duties"
    target_set(actor=both, kpi="received", department="finance", period_kind="year", value="120")
    for kpi, bad in (("received", "1.5"), ("satisfaction", "6"), ("accuracy", "101"), ("risk", "abc")):
        with pytest.raises(ValidationFailed):
            target_set(actor=leader, kpi=kpi, department="sales", period_kind="month", value=bad)


def test_p6_2_targets_page_reshows_a_bad_value_and_the_status_word(client, leader):
    client.force_login(leader)
    url = reverse("assessment:targets")
    r = client.post(url, {"kpi": "satisfaction", "department": "sales", "period_kind": "month", "value": "9"})
    assert r.status_code == 422 and "1" in r.content.decode()
    r = client.post(url, {"kpi": "received", "department": "sales", "period_kind": "month", "value": "0"})
    assert r.status_code == 302
    body = client.get(URL + "?dept=sales").content.decode()
    assert "kpi-badge-met" in body  # 0 orders received reaches a target of 0


def test_p6_2_scorecard_as_excel_and_pdf_in_chinese(client, leader):
    from openpyxl import load_workbook

    client.force_login(leader)
    with translation.override("zh-hans"):
        r = client.get(reverse("assessment:export", args=["xlsx"]) + "?dept=sales&period=2026-11",
                       HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200
        cells = [str(c.value) for row in load_workbook(BytesIO(r.content)).active.iter_rows() for c in row if c.value]
        assert "订单接收数量" in cells and any("销售" in c for c in cells) and "2026-11" in " ".join(cells)
        r = client.get(reverse("assessment:export", args=["pdf"]) + "?dept=sales&period=2026-11",
                       HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        text = pdf_text(r.content)
        assert "订单处理及时率" in text and "风险防控效果" in text
