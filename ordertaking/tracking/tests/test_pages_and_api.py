"""The tracking pages and API (P2.4.d, P5.2.a): the progress panel on the order page, the at-risk list
and home queue (scoped, paged, query count pinned), the plan form, the same operations in the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.tracking.models import ContingencyPlan

pytestmark = pytest.mark.django_db


def login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_p2_4_d_the_order_page_loads_the_progress_panel_with_milestones_reasons_and_plans(
        client, late_order, sales_rep):
    order = late_order()
    page = login(client, sales_rep).get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reverse("tracking:panel", args=[order.number]) in page
    panel = client.get(reverse("tracking:panel", args=[order.number]), headers={"accept-language": "en"})
    html = panel.content.decode()
    assert panel.status_code == 200
    assert "Progress against plan" in html and 'data-testid="gantt"' in html
    assert "Time node missed" in html and "task_overdue" not in html.replace('data-reason="task_overdue"', "")
    assert 'data-testid="risk-reasons"' in html and 'data-testid="at-risk-badge"' in html
    assert "Promised delivery date" in html and 'id="action-plan"' in html
    assert 'data-group="task"' in html  # the tasks, with planned and actual dates


def test_p2_4_d_the_panel_reads_in_chinese(client, late_order, sales_rep):
    order = late_order()
    login(client, sales_rep)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("tracking:panel", args=[order.number]), headers={"accept-language": "zh-hans"}
                      ).content.decode()
    assert "计划执行进度" in html and "时间节点延误" in html and "有风险" in html


def test_p2_4_d_a_rep_cannot_see_another_reps_order_panel(client, approved_order, sales_rep2):
    order = approved_order()
    assert login(client, sales_rep2).get(reverse("tracking:panel", args=[order.number])).status_code == 404


def test_p5_2_a_the_plan_form_records_a_plan_and_returns_to_the_order(client, approved_order, flag_at_risk, sales_rep):
    order = approved_order()
    flag_at_risk(order, timezone.now() - timedelta(hours=2))
    url = reverse("tracking:plan_new", args=[order.number])
    login(client, sales_rep)
    assert client.get(url).status_code == 200
    told = timezone.localtime() - timedelta(hours=1)
    r = client.post(url, {"cause": "supplier", "measures": "更换轴承供应商", "loss_reduction": "",
                          "new_delivery_date": "", "notified_person": "刘经理",
                          "notified_at": told.strftime("%Y-%m-%dT%H:%M"), "notified_via": "visit",
                          "notified_text": "上门说明情况，客户同意顺延。"})
    assert r.status_code == 302 and r["Location"].endswith("#progress")
    plan = ContingencyPlan.objects.get()
    assert (plan.cause, plan.notified_via, plan.recorded_by) == ("supplier", "visit", sales_rep)


def test_p5_2_a_the_plan_form_keeps_what_was_typed_and_shows_the_error_beside_its_field(
        client, approved_order, sales_rep):
    order = approved_order()
    r = login(client, sales_rep).post(reverse("tracking:plan_new", args=[order.number]), {
        "cause": "quality", "measures": "返工", "notified_person": "刘经理",
        "notified_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "notified_via": "phone", "notified_text": "已电话告知"}, headers={"accept-language": "en"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "not in the future" in html and "返工" in html
    assert not ContingencyPlan.objects.exists()


@pytest.mark.parametrize("who", ["sales_rep2", "leader", "production_user"])
def test_p5_2_a_others_may_not_open_the_plan_form(client, approved_order, request, who):
    order = approved_order()
    user = request.getfixturevalue(who)
    r = login(client, user).get(reverse("tracking:plan_new", args=[order.number]))
    assert r.status_code == (404 if who == "sales_rep2" else 403)


def test_p2_4_d_the_reps_home_shows_their_orders_at_risk_with_the_reason(
        client, approved_order, flag_at_risk, sales_rep, sales_rep2):
    mine = approved_order()
    flag_at_risk(mine, timezone.now())
    html = login(client, sales_rep).get("/", headers={"accept-language": "en"}).content.decode()
    assert 'data-queue="at_risk"' in html and mine.number in html and "Time node missed" in html
    client.logout()
    html = login(client, sales_rep2).get("/", headers={"accept-language": "en"}).content.decode()
    assert mine.number not in html


def test_p2_4_d_the_at_risk_list_filters_and_keeps_its_query_count(
        client, approved_order, flag_at_risk, reviewer2, sales_rep, django_assert_num_queries):
    orders = [approved_order() for _ in range(3)]
    now = timezone.now()
    for i, o in enumerate(orders):
        flag_at_risk(o, now - timedelta(days=i))
        flag_at_risk(o, now - timedelta(days=i), reason="shipping_exception", key="exception:1",
                     params={"kind": "delay", "waybill": "SF1"})
    ContingencyPlan.objects.create(order=orders[0], episode=orders[0].risk_episodes.get(), cause="other",
                                   measures="x", notified_person="刘经理", notified_at=now, notified_via="phone",
                                   notified_text="y", recorded_by=sales_rep)
    login(client, reviewer2)
    url = reverse("tracking:risks")
    client.get(url)  # warm the session and permission caches
    with django_assert_num_queries(8):
        r = client.get(url)
    assert r.status_code == 200 and all(o.number in r.content.decode() for o in orders)
    for _ in range(4):
        o = approved_order()
        flag_at_risk(o, now)
    with django_assert_num_queries(8):  # more orders, same number of queries
        client.get(url)
    html = client.get(url, {"plan": "without"}).content.decode()
    assert orders[0].number not in html and orders[1].number in html
    html = client.get(url, {"plan": "with"}).content.decode()
    assert orders[0].number in html and orders[1].number not in html


def test_p2_4_d_a_rep_sees_only_their_own_orders_in_the_at_risk_list(
        client, approved_order, flag_at_risk, sales_rep2):
    o = approved_order()
    flag_at_risk(o, timezone.now())
    r = login(client, sales_rep2).get(reverse("tracking:risks"))
    assert r.status_code == 200 and o.number not in r.content.decode()


def test_api_risks_plans_and_the_at_risk_list(client, approved_order, flag_at_risk, sales_rep, sales_rep2, leader):
    o = approved_order()
    flag_at_risk(o, timezone.now())
    login(client, sales_rep)
    risks = client.get(f"/api/v1/orders/{o.number}/risks").json()
    assert [r["reason"] for r in risks] == ["task_overdue"] and risks[0]["clause"] == "P2.4.d" and risks[0]["text"]
    body = {"cause": "logistics", "measures": "改走空运", "notified_person": "刘经理",
            "notified_at": timezone.now().isoformat(), "notified_via": "email", "notified_text": "邮件告知"}
    r = client.post(f"/api/v1/orders/{o.number}/contingency-plans", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["cause"] == "logistics"
    assert [p["cause"] for p in client.get(f"/api/v1/orders/{o.number}/contingency-plans").json()] == ["logistics"]
    page = client.get("/api/v1/risks").json()
    assert page["count"] == 1 and page["items"][0]["number"] == o.number and page["items"][0]["has_plan"]
    assert client.get("/api/v1/risks", {"reason": "nonsense"}).status_code == 422
    r = client.post(f"/api/v1/orders/{o.number}/contingency-plans", {**body, "cause": "weather"},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "cause"
    client.logout()
    login(client, sales_rep2)
    assert client.get(f"/api/v1/orders/{o.number}/risks").status_code == 404
    assert client.get("/api/v1/risks").json()["count"] == 0
    client.logout()
    login(client, leader)
    assert client.get("/api/v1/risks").json()["count"] == 1
    assert client.post(f"/api/v1/orders/{o.number}/contingency-plans", body,
                       content_type="application/json").status_code == 403
