"""The feedback pages and API (P3.2, P6.1.c): lists with filters and pinned query counts, the handling page,
the survey averages, permissions, and 4xx answers for bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.feedback import services
from ordertaking.feedback.models import Complaint

pytestmark = pytest.mark.django_db


def test_p3_2_customer_service_records_a_complaint_on_the_page(client, cs_agent, accepted_order):
    client.force_login(cs_agent)
    url = reverse("feedback:complaint_new")
    assert client.get(url + f"?order={accepted_order.number}").status_code == 200
    r = client.post(url, {"customer": accepted_order.customer_id, "order_number": accepted_order.number,
                          "kind": "dispute", "category": "billing", "source": "phone", "description": "发票金额有误。"})
    c = Complaint.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("feedback:complaint", args=[c.number])
    assert c.kind == "dispute" and c.order == accepted_order
    page = client.get(r["Location"]).content.decode()
    assert "发票金额有误。" in page and c.number in page


def test_p3_2_the_form_shows_a_wrong_order_beside_its_field_and_writes_nothing(client, cs_agent, accepted_order):
    client.force_login(cs_agent)
    r = client.post(reverse("feedback:complaint_new"), {
        "customer": accepted_order.customer_id, "order_number": "SO-NOPE", "kind": "complaint",
        "category": "quality", "source": "phone", "description": "x"})
    assert r.status_code == 422 and not Complaint.objects.exists()
    assert "SO-NOPE" in r.content.decode()


def test_p3_2_production_may_not_see_the_complaint_list(client, production_user):
    client.force_login(production_user)
    assert client.get(reverse("feedback:complaints")).status_code == 403


def test_p3_2_the_list_filters_and_its_query_count_does_not_grow(client, cs_agent, accepted_order,
                                                                   django_assert_max_num_queries, handler):
    for i in range(6):
        c = services.complaint_record(actor=cs_agent, order=accepted_order, category="quality", source="phone",
                                      description=f"问题 {i}")
        if i % 2:
            services.complaint_assign(complaint=c, actor=cs_agent, handler=handler)
    Complaint.objects.filter(pk=c.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    client.force_login(cs_agent)
    with django_assert_max_num_queries(16):
        r = client.get(reverse("feedback:complaints"))
    assert r.status_code == 200 and r.content.decode().count('href="/feedback/complaints/TS-') == 6
    r = client.get(reverse("feedback:complaints") + "?state=new")
    assert r.content.decode().count('href="/feedback/complaints/TS-') == 3
    r = client.get(reverse("feedback:complaints") + "?due=overdue")
    assert r.content.decode().count('href="/feedback/complaints/TS-') == 1
    r = client.get(reverse("feedback:complaints") + f"?handler={handler.pk}")
    assert r.content.decode().count('href="/feedback/complaints/TS-') == 3


def test_p3_2_the_handler_works_the_complaint_through_the_page(client, complaint, cs_agent, handler):
    services.complaint_assign(complaint=complaint, actor=cs_agent, handler=handler)
    client.force_login(handler)
    base = reverse("feedback:complaint_move", args=[complaint.number, "investigate"])
    assert client.post(base, {"note": "已联系客户"}).status_code == 302
    r = client.post(reverse("feedback:complaint_move", args=[complaint.number, "resolve"]), {"resolution": ""})
    assert r.status_code == 422
    r = client.post(reverse("feedback:complaint_move", args=[complaint.number, "resolve"]),
                    {"resolution": "已更换电机。"})
    assert r.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "resolved"
    # The handler who resolved may not record the confirmation: the 403 page says who must.
    r = client.post(reverse("feedback:complaint_move", args=[complaint.number, "confirm"]), {"how": "phone"})
    assert r.status_code == 403


def test_p3_2_home_page_shows_the_complaint_queues_to_customer_service(client, complaint, cs_agent):
    client.force_login(cs_agent)
    html = client.get(reverse("home:home")).content.decode()
    assert complaint.number in html
    assert reverse("feedback:complaints") in html  # the navigation entry


def test_p6_1_c_survey_page_shows_averages_by_rep(client, accepted_order, leader, sales_rep):
    survey = services.survey_invite(order=accepted_order)
    services.survey_answer(survey=survey, via_portal=True, overall=4, product=5, delivery=3, service=4)
    client.force_login(leader)
    r = client.get(reverse("feedback:surveys"))
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="avg-overall">4.0<' in html and str(sales_rep) in html


def test_p6_1_c_order_page_card_shows_the_survey(client, accepted_order, cs_agent):
    services.survey_invite(order=accepted_order)
    client.force_login(cs_agent)
    html = client.get(reverse("feedback:order_card", args=[accepted_order.number])).content.decode()
    assert "feedback-card" in html and reverse("feedback:survey_record", args=[accepted_order.number]) in html


# --- API -------------------------------------------------------------------------------------------

def test_p3_2_api_records_and_works_a_complaint(client, cs_agent, handler, accepted_order):
    client.force_login(cs_agent)
    r = client.post("/api/v1/feedback/complaints", {"order_number": accepted_order.number, "category": "quality",
                                                   "source": "email", "description": "外壳划伤"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    r = client.post(f"/api/v1/feedback/complaints/{number}/assign", {"handler": handler.username},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "assigned"
    r = client.post(f"/api/v1/feedback/complaints/{number}/resolve", {"resolution": "x"},
                    content_type="application/json")
    assert r.status_code == 403  # not the handler
    r = client.get("/api/v1/feedback/complaints?state=open")
    assert r.json()["count"] == 1


@pytest.mark.parametrize("body,field", [
    ({"category": "quality", "source": "email", "description": "x"}, "customer_id"),
    ({"order_number": "SO-X", "category": "quality", "source": "email", "description": "x"}, "order_number"),
    ({"customer_id": 999999, "category": "quality", "source": "email", "description": "x"}, "customer_id"),
    ({"customer_id": 1, "category": "nope", "source": "email", "description": "x"}, "category"),
])
def test_p3_2_api_refuses_bad_complaints_with_4xx_and_the_field(client, cs_agent, accepted_order, body, field):
    client.force_login(cs_agent)
    if body.get("customer_id") == 1:
        body["customer_id"] = accepted_order.customer_id
    r = client.post("/api/v1/feedback/complaints", body, content_type="application/json")
    assert 400 <= r.status_code < 500 and r.json()["field"] == field
    assert not Complaint.objects.exists()


def test_p6_1_c_api_survey_averages(client, accepted_order, leader, sales_rep):
    survey = services.survey_invite(order=accepted_order)
    services.survey_answer(survey=survey, via_portal=True, overall=5, product=4, delivery=4, service=5)
    client.force_login(leader)
    r = client.get("/api/v1/feedback/surveys/averages")
    body = r.json()
    assert r.status_code == 200 and body["total"]["overall"] == "5.0" and body["total"]["answered"] == 1
    assert body["by_rep"][0]["sales_rep"] == sales_rep.username
