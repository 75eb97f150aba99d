"""Execution pages (P2.4.a, P3.3): the board with HTMX start/complete, reassign with a reason, the
progress view, the order page's Tasks card, the rules and the calendar pages; query counts pinned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.fulfilment.models import AssignmentRule, Holiday, Task

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_p2_4_a_board_shows_the_departments_tasks_and_marks_overdue(client, approved_order, production_user):
    production = Task.objects.get(order=approved_order, kind="production")
    today = timezone.localdate()
    Task.objects.filter(pk=production.pk).update(due_date=today - timedelta(days=1),
                                                 planned_start=today - timedelta(days=3))
    client.force_login(production_user)
    r = client.get(reverse("fulfilment:board"))
    html = r.content.decode()
    assert r.status_code == 200
    ids = {t.pk for t in r.context["page"].object_list}
    assert ids == set(Task.objects.filter(order=approved_order, department="production").values_list("pk", flat=True))
    assert f'id="task-{production.pk}"' in html and "task-overdue" in html
    overdue = client.get(reverse("fulfilment:board"), {"due": "overdue"})
    assert [t.pk for t in overdue.context["page"].object_list] == [production.pk]


def test_p2_4_a_board_htmx_start_and_complete_swap_the_card(client, approved_order, production_user):
    production = Task.objects.get(order=approved_order, kind="production")
    client.force_login(production_user)
    r = client.post(reverse("fulfilment:start", args=[production.pk]), **HX)
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and 'data-state="in_progress"' in html
    r = client.post(reverse("fulfilment:complete", args=[production.pk]), {"note": "完工"}, **HX)
    assert 'data-state="done"' in r.content.decode()
    production.refresh_from_db()
    approved_order.refresh_from_db()
    assert production.state == "done" and production.note == "完工" and approved_order.state == "in_execution"


def test_p2_4_a_a_refused_move_says_why_and_changes_nothing(client, approved_order, logistics_user, production_user):
    production = Task.objects.get(order=approved_order, kind="production")
    client.force_login(logistics_user)  # another department: the task is not visible to them
    assert client.post(reverse("fulfilment:start", args=[production.pk])).status_code == 404
    client.force_login(production_user)
    client.post(reverse("fulfilment:complete", args=[production.pk]))
    r = client.post(reverse("fulfilment:start", args=[production.pk]), follow=True)
    assert r.status_code == 200 and any("Cannot" in str(m) or "不能" in str(m) for m in r.context["messages"])


def test_p2_4_a_board_is_not_for_sales(client, sales_rep):
    client.force_login(sales_rep)
    assert client.get(reverse("fulfilment:board")).status_code == 403


def test_p2_4_a_board_query_count_is_pinned(client, make_order, production_user, django_assert_max_num_queries):
    for _ in range(4):
        make_order(state="approved", lines=[{"product": "motor", "quantity": "1"}])
    client.force_login(production_user)
    client.get(reverse("fulfilment:board"))  # warm the session and permission caches
    with django_assert_max_num_queries(9):
        r = client.get(reverse("fulfilment:board"))
    assert len(r.context["page"].object_list) == 8


def test_p2_4_a_reassign_page_needs_a_reason(client, approved_order, reviewer, prod2):
    production = Task.objects.get(order=approved_order, kind="production")
    client.force_login(reviewer)
    url = reverse("fulfilment:reassign", args=[production.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"assignee": prod2.pk, "department": "production", "reason": ""})
    assert r.status_code == 422 and r.context["form"].errors["reason"]
    r = client.post(url, {"assignee": prod2.pk, "department": "production", "reason": "冯师傅休假"})
    assert r.status_code == 302
    production.refresh_from_db()
    assert production.assignee == prod2


def test_p3_3_progress_counts_per_department_and_lists_orders(client, approved_order, make_order, reviewer,
                                                             production_user, django_assert_max_num_queries):
    late = Task.objects.get(order=approved_order, kind="shipping")
    today = timezone.localdate()
    Task.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=1), planned_start=today - timedelta(days=2))
    for _ in range(3):
        make_order(state="approved")
    client.force_login(reviewer)
    client.get(reverse("fulfilment:progress"))
    with django_assert_max_num_queries(9):
        r = client.get(reverse("fulfilment:progress"))
    depts = {d.department: d for d in r.context["departments"]}
    assert depts["logistics"].overdue == 1 and depts["production"].open == 8
    assert len(r.context["page"].object_list) == 4
    only_late = client.get(reverse("fulfilment:progress"), {"late": "1"}, **HX)
    assert [o.number for o in only_late.context["page"].object_list] == [approved_order.number]
    assert "<html" not in only_late.content.decode()
    client.force_login(production_user)
    assert client.get(reverse("fulfilment:progress")).status_code == 403


def test_p2_4_a_order_page_tasks_card(client, approved_order, sales_rep):
    client.force_login(sales_rep)
    page = client.get(reverse("orders:detail", args=[approved_order.number])).content.decode()
    assert reverse("fulfilment:order_tasks", args=[approved_order.number]) in page
    r = client.get(reverse("fulfilment:order_tasks", args=[approved_order.number]))
    html = r.content.decode()
    assert r.status_code == 200 and html.count("data-task=") == 4
    assert reverse("fulfilment:start", args=[Task.objects.get(order=approved_order, kind="production").pk]) not in html


def test_p2_4_a_rules_pages_for_the_order_center(client, reviewer, production_user, catalog, sales_rep):
    client.force_login(reviewer)
    r = client.post(reverse("fulfilment:rule_new"), {"name": "电机", "task_kind": "production",
                                                     "category": catalog["categories"]["motor"].pk,
                                                     "department": "production", "strategy": "fixed",
                                                     "assignee": "", "active": "on"})
    assert r.status_code == 422 and r.context["form"].errors["assignee"]
    r = client.post(reverse("fulfilment:rule_new"), {"name": "电机", "task_kind": "production",
                                                     "category": catalog["categories"]["motor"].pk,
                                                     "department": "production", "strategy": "fixed",
                                                     "assignee": production_user.pk, "active": "on"})
    assert r.status_code == 302
    rule = AssignmentRule.objects.get()
    assert rule.assignee == production_user
    assert "电机" in client.get(reverse("fulfilment:rules")).content.decode()
    client.force_login(sales_rep)
    assert client.get(reverse("fulfilment:rule_new")).status_code == 403


def test_p2_4_a_calendar_page_for_the_administrator(client, admin_user_role, reviewer):
    client.force_login(admin_user_role)
    r = client.get(reverse("fulfilment:calendar"), {"year": "2026"})
    assert r.status_code == 200 and "国庆节" in r.content.decode()
    r = client.post(reverse("fulfilment:calendar"), {"date": "2028-01-04", "kind": "workday", "name": "x"})
    assert r.status_code == 422 and r.context["form"].errors["date"]
    r = client.post(reverse("fulfilment:calendar"), {"date": "2028-01-01", "kind": "holiday", "name": "元旦"})
    assert r.status_code == 302 and Holiday.objects.filter(name="元旦", date__year=2028).exists()
    client.force_login(reviewer)
    assert client.get(reverse("fulfilment:calendar")).status_code == 403


def test_p2_4_a_home_shows_my_tasks(client, approved_order, production_user, reviewer):
    production = Task.objects.get(order=approved_order, kind="production")
    Task.objects.filter(pk=production.pk).update(assignee=production_user)
    client.force_login(production_user)
    html = client.get(reverse("home:home")).content.decode()
    assert approved_order.number in html
