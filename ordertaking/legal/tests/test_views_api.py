"""P5.3 pages and API: the legal queue, the order page's legal panel and opinion, the 409 on approval, the
threshold page, the compliance review pages, who may see what."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ordertaking.legal.models import ComplianceReview, LegalReview
from ordertaking.legal.services import compliance_review_open, legal_opinion_record

pytestmark = pytest.mark.django_db


def api(client, user, method, path, **kw):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return getattr(client, method)(f"/api/v1{path}", content_type="application/json", **kw)


def test_p5_3_api_approval_is_409_with_the_legal_finding(client, flagged_order, reviewer):
    r = api(client, reviewer, "post", f"/orders/{flagged_order.number}/approve", data={})
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["code"] == "open_findings"
    assert [d["code"] for d in body["details"]] == ["legal_review_pending"]


def test_p5_3_review_page_shows_the_legal_finding_and_why_approval_waits(client, flagged_order, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("review:panel", args=[flagged_order.number])).content.decode()
    assert 'data-code="legal_review_pending"' in html and 'data-testid="legal-blocked"' in html
    assert 'data-testid="approve-form"' not in html and 'data-testid="special-form"' not in html


def test_p5_3_legal_queue_and_panel_for_the_adviser(client, flagged_order, legal_adviser,
                                                    django_assert_max_num_queries):
    client.force_login(legal_adviser)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("legal:queue"))
    assert r.status_code == 200 and flagged_order.number in r.content.decode()
    panel = client.get(reverse("legal:panel", args=[flagged_order.number])).content.decode()
    assert 'data-testid="legal-opinion-form"' in panel
    r = client.post(reverse("legal:opinion", args=[flagged_order.number]), {"outcome": "approved", "opinion": ""},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "invalid-feedback" in r.content.decode()
    r = client.post(reverse("legal:opinion", args=[flagged_order.number]),
                    {"outcome": "approved", "opinion": "许可有效，无异议。"})
    assert r.status_code == 302
    assert LegalReview.objects.get(order=flagged_order).state == "approved"
    panel = client.get(reverse("legal:panel", args=[flagged_order.number])).content.decode()
    assert "许可有效" in panel and 'data-testid="legal-opinion-form"' not in panel


def test_p5_3_queue_query_count_does_not_grow(client, ip_product, make_order, legal_adviser,
                                              django_assert_max_num_queries):
    for _ in range(4):
        make_order()
    client.force_login(legal_adviser)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("legal:queue"))
    assert r.content.decode().count('class="order-no"') == 4


def test_p5_3_api_queue_and_opinion(client, flagged_order, legal_adviser, sales_rep):
    r = api(client, legal_adviser, "get", "/legal/reviews")
    assert r.status_code == 200 and r.json()["items"][0]["order"] == flagged_order.number
    r = api(client, legal_adviser, "post", f"/legal/orders/{flagged_order.number}/opinion",
            data={"outcome": "objected", "opinion": ""})
    assert r.status_code == 422 and r.json()["field"] == "opinion"
    r = api(client, legal_adviser, "post", f"/legal/orders/{flagged_order.number}/opinion",
            data={"outcome": "objected", "opinion": "消费者退货条款不合规"})
    assert r.status_code == 200 and r.json()["state"] == "objected"
    r = api(client, sales_rep, "get", "/legal/reviews")
    assert r.status_code == 403


def test_p5_3_permissions_matrix_pages(client, legal_adviser, leader, auditor, sales_rep, reviewer):
    for user, queue_ok, threshold_post in ((legal_adviser, 200, 403), (leader, 200, 302), (auditor, 200, 403),
                                           (sales_rep, 403, 403), (reviewer, 403, 403)):
        client.force_login(user)
        assert client.get(reverse("legal:queue")).status_code == queue_ok, user
        assert client.post(reverse("legal:threshold"), {"amount": "800000"}).status_code == threshold_post, user
        assert client.get(reverse("legal:compliance_list")).status_code == queue_ok, user


def test_p5_3_threshold_page_refuses_bad_input_beside_the_field(client, leader):
    client.force_login(leader)
    r = client.post(reverse("legal:threshold"), {"amount": "abc"})
    assert r.status_code == 422 and "invalid-feedback" in r.content.decode()


def test_p5_3_compliance_pages_record_complete_and_sign_off(client, legal_adviser, leader):
    review, _ = compliance_review_open(period_start=date(2026, 11, 1), actor=leader, assignee=legal_adviser)
    client.force_login(legal_adviser)
    page = client.get(reverse("legal:compliance", args=[review.pk]))
    assert page.status_code == 200 and "合同模板" in page.content.decode()
    items = list(review.items.order_by("position"))
    r = client.post(reverse("legal:compliance_item", args=[review.pk, items[0].pk]), {"result": "compliant"})
    assert r.status_code == 422 and "invalid-feedback" in r.content.decode()
    for it in items:
        r = client.post(reverse("legal:compliance_item", args=[review.pk, it.pk]),
                        {"result": "compliant", "evidence": "抽查十份合同"})
        assert r.status_code == 302
    client.post(reverse("legal:compliance_complete", args=[review.pk]), {"summary": "合规"})
    review.refresh_from_db()
    assert review.state == ComplianceReview.State.COMPLETED
    r = client.post(reverse("legal:compliance_sign_off", args=[review.pk]))
    assert r.status_code == 403
    client.force_login(leader)
    assert 'data-testid="sign-off-form"' in client.get(reverse("legal:compliance", args=[review.pk])).content.decode()
    client.post(reverse("legal:compliance_sign_off", args=[review.pk]), {"comment": "同意"})
    review.refresh_from_db()
    assert review.state == ComplianceReview.State.SIGNED_OFF
    pdf = client.get(reverse("legal:compliance_pdf", args=[review.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_p5_3_home_queue_for_the_legal_adviser(client, flagged_order, legal_adviser):
    client.force_login(legal_adviser)
    html = client.get(reverse("home:home")).content.decode()
    assert flagged_order.number in html


def test_p5_3_objection_shown_to_the_reviewer_on_the_panel(client, flagged_order, legal_adviser, reviewer):
    legal_opinion_record(order=flagged_order, actor=legal_adviser, outcome="objected", opinion="需补充授权文件")
    client.force_login(reviewer)
    html = client.get(reverse("review:panel", args=[flagged_order.number])).content.decode()
    assert 'data-code="legal_objection"' in html and "需补充授权文件" in html
