"""The customer's feedback pages under their private link (P6.1.c, P3.2): the survey once, a complaint
filed and followed, the resolution confirmed or reopened — on a phone, without an account. A bad
token or another order's complaint reveals nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from ordertaking.audit.models import AuditEvent
from ordertaking.feedback import services
from ordertaking.feedback.models import Complaint, Survey

pytestmark = pytest.mark.django_db


def test_p6_1_c_the_customer_answers_the_survey_on_their_page_once(client, token, accepted_order):
    url = reverse("feedback_portal:survey", args=[token])
    page = client.get(url).content.decode()
    assert 'data-aspect="overall"' in page and 'name="service"' in page
    r = client.post(url, {"overall": "5", "product": "4", "delivery": "4", "service": "5", "comment": "很好"})
    assert r.status_code == 302
    survey = Survey.objects.get(order=accepted_order)
    assert (survey.state, survey.overall, survey.answered_by) == ("answered", 5, None)
    ev = AuditEvent.objects.get(action="survey.answered")
    assert ev.actor_id is None and ev.actor_name == "customer"
    r = client.post(url, {"overall": "1", "product": "1", "delivery": "1", "service": "1"})
    survey.refresh_from_db()
    assert survey.overall == 5 and r.status_code == 422


def test_p6_1_c_a_missing_score_is_shown_beside_its_question(client, token):
    r = client.post(reverse("feedback_portal:survey", args=[token]), {"overall": "5", "product": "4"})
    assert r.status_code == 422 and not Survey.objects.filter(state="answered").exists()


def test_p6_1_c_the_survey_is_a_section_of_the_customers_page(client, token):
    html = client.get(reverse("portal:overview", args=[token])).content.decode()
    assert reverse("feedback_portal:survey", args=[token]) in html
    assert reverse("feedback_portal:complaints", args=[token]) in html


def test_p3_2_the_customer_files_a_complaint_and_sees_its_progress(client, token, accepted_order, cs_agent, handler,
                                                                    django_capture_on_commit_callbacks):
    url = reverse("feedback_portal:complaints", args=[token])
    r = client.post(url, {"kind": "complaint", "category": "quality", "description": "外壳有裂纹。",
                          "contact_name": "刘经理", "contact": "13812345678"})
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.source == "portal" and c.order == accepted_order and c.created_by is None
    services.complaint_assign(complaint=c, actor=cs_agent, handler=handler)
    services.complaint_investigate(complaint=c, actor=handler, note="已安排质检复核。")
    services.complaint_note_add(complaint=c, actor=handler, text="内部备注", public=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_resolve(complaint=c, actor=handler, resolution="更换外壳。")
    # the resolution mail carries the customer's link (the token's signed value; its timestamp part may differ)
    assert any("/p/" + token.split(":")[0] in m.body for m in mail.outbox)
    html = client.get(url).content.decode()
    assert "已安排质检复核。" in html and "内部备注" not in html and "更换外壳。" in html
    r = client.post(reverse("feedback_portal:complaint_step", args=[token, c.number, "reopen"]), {"text": "仍有裂纹"})
    c.refresh_from_db()
    assert c.state == "reopened"
    services.complaint_investigate(complaint=c, actor=handler)
    services.complaint_resolve(complaint=c, actor=handler, resolution="整机更换。")
    client.post(reverse("feedback_portal:complaint_step", args=[token, c.number, "confirm"]))
    c.refresh_from_db()
    assert c.state == "confirmed" and c.confirmed_how == "portal"


def test_p3_2_another_orders_complaint_is_not_reachable_by_this_link(client, token, make_order, cs_agent):
    other = make_order(state="approved")
    c = services.complaint_record(actor=cs_agent, order=other, category="quality", source="phone", description="x")
    r = client.post(reverse("feedback_portal:complaint_step", args=[token, c.number, "reply"]), {"text": "hi"})
    assert r.status_code == 404
    assert not c.notes.exists()


def test_p3_2_a_tampered_token_reveals_nothing(client, token, accepted_order):
    r = client.get(reverse("feedback_portal:complaints", args=[token[:-2] + "xx"]))
    assert r.status_code == 404 and accepted_order.number not in r.content.decode()
    r = client.get(f"/api/v1/feedback/portal/{token[:-2]}xx/complaints")
    assert r.status_code == 404 and r.json()["code"] == "link_invalid"


def test_p6_1_c_the_api_by_token_answers_the_survey_and_files_a_complaint(client, token, accepted_order):
    r = client.get(f"/api/v1/feedback/portal/{token}/survey")
    assert r.status_code == 200 and r.json()["state"] == "invited"
    r = client.post(f"/api/v1/feedback/portal/{token}/survey", {"overall": 4, "product": 4, "delivery": 5,
                                                                "service": 4}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "answered"
    r = client.post(f"/api/v1/feedback/portal/{token}/survey", {"overall": 1, "product": 1, "delivery": 1,
                                                                "service": 1}, content_type="application/json")
    assert r.status_code == 409
    r = client.post(f"/api/v1/feedback/portal/{token}/complaints", {"category": "delivery", "description": "晚到"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "new"
    assert client.get(f"/api/v1/feedback/portal/{token}/complaints").json()["count"] == 1
