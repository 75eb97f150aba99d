"""The production pages (P2.4.b, P3.4, P5.2.b): who sees them, the board's query count, the HTMX progress
form, the inspection form's attachments refused beside their field, and the download's headers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ordertaking.production import rules, services
from ordertaking.production.models import ProductionOrder, QualityInspection

from .conftest import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "status"), [
    ("production_user", 200), ("reviewer", 200), ("leader", 200), ("auditor", 200), ("sales_rep", 200),
    ("finance_user", 403), ("cs_agent", 403)])
def test_p3_4_the_board_is_for_production_the_order_center_and_those_who_follow_orders(
        client, po, who, status, request):  # type: ignore[no-untyped-def]
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("production:board"))
    assert r.status_code == status
    if status == 200:
        assert po.number in r.content.decode()


def test_p3_4_a_sales_rep_sees_only_the_production_of_their_own_orders(client, po, sales_rep2):
    client.force_login(sales_rep2)
    assert po.number not in client.get(reverse("production:board")).content.decode()
    assert client.get(reverse("production:detail", args=[po.number])).status_code == 404
    assert client.get(reverse("production:order_panel", args=[po.order.number])).status_code == 404


def test_p2_4_b_the_board_pins_its_query_count(client, approved, production_user, django_assert_num_queries):
    for _ in range(3):
        approved(lines=[{"product": "motor", "quantity": "2"}, {"product": "motor", "quantity": "5"}])
    first = ProductionOrder.objects.order_by("id").first()
    assert first is not None
    services.production_order_start(po=first, actor=production_user)
    client.force_login(production_user)
    client.get(reverse("production:board"))  # warm the session and permission caches
    with django_assert_num_queries(7):
        r = client.get(reverse("production:board"))
    assert r.content.decode().count("data-po=") == 6


def test_p2_4_b_late_orders_are_marked_on_the_board(client, po, production_user):
    ProductionOrder.objects.filter(pk=po.pk).update(planned_start=po.planned_start.replace(year=2020),
                                                    planned_finish=po.planned_finish.replace(year=2020))
    client.force_login(production_user)
    body = client.get(reverse("production:board")).content.decode()
    assert 'data-testid="overdue-count"' in body and "prod-overdue" in body


def test_p3_4_progress_reported_through_htmx_swaps_the_progress_card(client, po, production_user):
    services.production_order_start(po=po, actor=production_user)
    client.force_login(production_user)
    url = reverse("production:progress", args=[po.number])
    r = client.post(url, {"percent": "60", "note": "装配中"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="progress-card"' in body and "<html" not in body and "装配中" in body
    r = client.post(url, {"percent": "20", "note": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422
    assert 'data-field="note"' in r.content.decode()
    po.refresh_from_db()
    assert po.percent == 60


def test_p3_4_a_sales_rep_cannot_report_progress(client, po, production_user, sales_rep):
    services.production_order_start(po=po, actor=production_user)
    client.force_login(sales_rep)
    r = client.post(reverse("production:progress", args=[po.number]), {"percent": "60"})
    assert r.status_code == 403
    po.refresh_from_db()
    assert po.percent == 0


def test_p3_4_the_sales_rep_reads_production_on_the_order_page(client, po, production_user, sales_rep):
    services.production_order_start(po=po, actor=production_user)
    services.production_progress_report(po=po, actor=production_user, percent=35, note="机加工完成")
    client.force_login(sales_rep)
    page = client.get(reverse("orders:detail", args=[po.order.number])).content.decode()
    assert reverse("production:order_panel", args=[po.order.number]) in page
    panel = client.get(reverse("production:order_panel", args=[po.order.number])).content.decode()
    assert po.number in panel and "35%" in panel and "机加工完成" in panel and "production-forecast" in panel


def _form(po, **kw):  # type: ignore[no-untyped-def]
    data = {"checkpoint": "in_process", "sample_size": "3", "inspected_quantity": "10", "result": "pass",
            "defect_count": "0", "defects": "", "note": ""}
    data.update(kw)
    return data


@pytest.mark.parametrize(("name", "content", "code"), [
    ("report.html", b"<html>hi</html>", "only JPG"),
    ("photo.jpg", b"<!doctype html><script>alert(1)</script>", "is not the kind of file"),
    ("big.pdf", b"%PDF-" + b"0" * (rules.MAX_ATTACHMENT_BYTES + 1), "larger than 10 MB"),
])
def test_p5_2_b_a_refused_attachment_is_shown_beside_its_field_and_nothing_is_saved(
        client, po, production_user, name, content, code, settings):  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    services.production_order_start(po=po, actor=production_user)
    client.force_login(production_user)
    upload = SimpleUploadedFile(name, content)
    r = client.post(reverse("production:inspection_new", args=[po.number]), {**_form(po), "attachments": [upload]},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    body = r.content.decode()
    assert 'data-field="attachments"' in body and code in body
    assert not QualityInspection.objects.exists()


def test_p5_2_b_an_inspection_with_photos_and_a_report_becomes_the_report_page(client, po, production_user):
    services.production_order_start(po=po, actor=production_user)
    client.force_login(production_user)
    files = [SimpleUploadedFile("划痕.png", png_bytes()), SimpleUploadedFile("检验报告.pdf", pdf_bytes())]
    r = client.post(reverse("production:inspection_new", args=[po.number]),
                    {**_form(po, result="fail", defect_count="1", defects="漆面划痕"), "attachments": files})
    qi = QualityInspection.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("production:inspection", args=[qi.pk])
    page = client.get(r["Location"]).content.decode()
    assert "漆面划痕" in page and "划痕.png" in page and "检验报告.pdf" in page
    att = qi.attachments.get(content_type="application/pdf")
    dl = client.get(reverse("production:attachment", args=[att.pk]))
    assert dl.status_code == 200
    assert dl["Content-Disposition"].startswith("attachment;")
    assert dl["Content-Type"] == "application/pdf" and dl["X-Content-Type-Options"] == "nosniff"
    assert b"".join(dl.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]


def test_p5_2_b_an_attachment_is_not_served_to_who_may_not_see_the_order(client, po, production_user, sales_rep2):
    services.production_order_start(po=po, actor=production_user)
    qi = services.inspection_record(po=po, actor=production_user, checkpoint="in_process", result="pass",
                                    sample_size=1, inspected_quantity=1,
                                    attachments=[SimpleUploadedFile("a.png", png_bytes())])
    client.force_login(sales_rep2)
    assert client.get(reverse("production:attachment", args=[qi.attachments.get().pk])).status_code == 404
    assert client.get(reverse("production:inspection", args=[qi.pk])).status_code == 404


def test_p5_2_b_rework_and_reinspection_through_the_pages(client, po, production_user):
    services.production_order_start(po=po, actor=production_user)
    services.production_order_finish(po=po, actor=production_user)
    client.force_login(production_user)
    client.post(reverse("production:inspection_new", args=[po.number]),
                _form(po, checkpoint="finished", result="fail", defect_count="2", defects="噪音超标"))
    failed = QualityInspection.objects.get()
    r = client.post(reverse("production:rework", args=[failed.pk]), {"note": ""})
    assert r.status_code == 422 and 'data-field="note"' in r.content.decode()
    client.post(reverse("production:rework", args=[failed.pk]), {"note": "更换轴承"})
    page = client.get(reverse("production:inspection", args=[failed.pk])).content.decode()
    assert "更换轴承" in page and f"?reinspect={failed.pk}" in page
    form = client.get(reverse("production:inspection_new", args=[po.number]) + f"?reinspect={failed.pk}")
    assert f'value="{failed.pk}" selected' in form.content.decode()
    client.post(reverse("production:inspection_new", args=[po.number]),
                _form(po, checkpoint="finished", reinspection_of=str(failed.pk)))
    assert QualityInspection.objects.get(reinspection_of=failed).result == "pass"


def test_p5_2_b_the_inspection_list_filters_open_failures(client, po, production_user, django_assert_max_num_queries):
    services.production_order_start(po=po, actor=production_user)
    for result in ("pass", "fail", "pass"):
        services.inspection_record(po=po, actor=production_user, checkpoint="in_process", result=result,
                                   sample_size=1, inspected_quantity=1, defect_count=1 if result == "fail" else 0)
    client.force_login(production_user)
    client.get(reverse("production:inspections"))
    with django_assert_max_num_queries(6):
        r = client.get(reverse("production:inspections") + "?open=on")
    assert r.content.decode().count('class="order-no" href="/production/inspections/') == 1


def test_p3_4_productions_home_shows_late_production_and_failed_inspections(client, po, production_user, sales_rep):
    services.production_order_start(po=po, actor=production_user)
    ProductionOrder.objects.filter(pk=po.pk).update(planned_start=po.planned_start.replace(year=2020),
                                                    planned_finish=po.planned_finish.replace(year=2020))
    failed = services.inspection_record(po=po, actor=production_user, checkpoint="in_process", result="fail",
                                        sample_size=1, inspected_quantity=1, defect_count=1)
    client.force_login(production_user)
    body = client.get(reverse("home:home")).content.decode()
    assert reverse("production:detail", args=[po.number]) in body
    assert reverse("production:inspection", args=[failed.pk]) in body
    client.force_login(sales_rep)
    assert reverse("production:inspection", args=[failed.pk]) not in client.get(reverse("home:home")).content.decode()
