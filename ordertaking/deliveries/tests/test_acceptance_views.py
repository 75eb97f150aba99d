"""The staff pages of acceptance and acceptance issues (P2.5.c/d): the order page's card, the form on the
customer's behalf, the issue queue and page, leadership's compensation queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.deliveries.acceptance.services import acceptance_record, compensation_request
from ordertaking.deliveries.models import AcceptanceIssue, Compensation, LineCheck

from .conftest import verdicts

pytestmark = pytest.mark.django_db


def login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def form_data(order, reject: dict[int, tuple[str, str]] | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"customer_name": "刘经理"}
    for ln in order.lines.all():
        for c in ("quantity", "specification", "quality", "performance"):
            data[f"l{ln.pk}-{c}"] = "accept"
    for pos, (criterion, note) in (reject or {}).items():
        ln = order.lines.get(position=pos)
        data[f"l{ln.pk}-{criterion}"] = "reject"
        data[f"l{ln.pk}-{criterion}-note"] = note
    return data


def test_p2_5_c_the_order_page_card_lists_each_line_with_the_criteria(client, delivered_order, sales_rep):
    r = login(client, sales_rep).get(reverse("deliveries:acceptance_card", args=[delivered_order.number]))
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="acceptance-lines"' in html
    assert "id=\"action-acceptance\"" in html
    assert "三相异步电机" in html


def test_p2_5_c_the_rep_records_acceptance_with_one_rejection_through_the_form(client, delivered_order, sales_rep):
    url = reverse("deliveries:acceptance", args=[delivered_order.number])
    c = login(client, sales_rep)
    assert c.get(url).status_code == 200
    r = c.post(url, form_data(delivered_order, {2: ("specification", "型号与合同不符")}))
    assert r.status_code == 302
    issue = AcceptanceIssue.objects.get()
    assert issue.line.position == 2 and issue.criteria == ["specification"]
    assert LineCheck.objects.filter(order=delivered_order).count() == 12
    page = c.get(reverse("deliveries:issue", args=[issue.number]))
    assert page.status_code == 200 and "型号与合同不符" in page.content.decode()


def test_p2_5_c_a_rejection_without_a_note_shows_the_form_again_and_writes_nothing(client, delivered_order,
                                                                                   sales_rep):
    url = reverse("deliveries:acceptance", args=[delivered_order.number])
    r = login(client, sales_rep).post(url, form_data(delivered_order, {1: ("quality", "")}))
    assert r.status_code == 400 and 'data-field="lines.0.quality"' in r.content.decode()
    assert not LineCheck.objects.exists()


def test_p2_5_c_another_rep_gets_403_on_the_form(client, delivered_order, sales_rep2):
    r = login(client, sales_rep2).get(reverse("deliveries:acceptance", args=[delivered_order.number]))
    assert r.status_code == 404  # another rep's order is not even found


def test_p2_5_d_the_issue_steps_go_through_the_page(client, delivered_order, sales_rep, leader):
    issue = acceptance_record(order=delivered_order, entries=[(delivered_order.lines.get(position=1),
                                                               verdicts(quality="异响"))],
                              actor=sales_rep, customer_name="刘经理")[0]
    c = login(client, sales_rep)
    act = lambda verb, **data: c.post(reverse("deliveries:issue_act", args=[issue.number, verb]), data)  # noqa: E731
    assert act("progress", text="已安排售后工程师上门。").status_code == 302
    assert act("compensation", amount="500", basis="合同第8条").status_code == 302
    assert act("resolve", result="已更换轴承。").status_code == 302
    assert act("bogus").status_code == 404
    issue.refresh_from_db()
    assert issue.state == "resolved" and issue.updates.count() == 1
    comp = Compensation.objects.get()
    # The requester sees no approve button; the leader approves through the page.
    page = c.get(reverse("deliveries:issue", args=[issue.number])).content.decode()
    assert "action-comp-approve" not in page
    c2 = login(client, leader)
    assert c2.get(reverse("deliveries:compensations")).status_code == 200
    r = c2.post(reverse("deliveries:compensation_act", args=[issue.number, comp.pk, "approve"]), {"comment": "同意"})
    assert r.status_code == 302
    comp.refresh_from_db()
    assert comp.state == "approved" and comp.credit_note is not None


def test_p2_5_d_the_requester_refused_by_the_page_sees_why(client, delivered_order, sales_rep):
    issue = acceptance_record(order=delivered_order, entries=[(delivered_order.lines.get(position=1),
                                                               verdicts(quality="异响"))],
                              actor=sales_rep, customer_name="刘经理")[0]
    comp = compensation_request(issue=issue, actor=sales_rep, amount="100", basis="合同第8条")
    r = login(client, sales_rep).post(reverse("deliveries:compensation_act", args=[issue.number, comp.pk, "approve"]))
    assert r.status_code == 403


def test_p2_5_d_the_issue_queue_lists_without_n_plus_1(client, delivered_order, sales_rep,
                                                       django_assert_max_num_queries):
    for pos in (1, 2, 3):
        acceptance_record(order=delivered_order, entries=[(delivered_order.lines.get(position=pos),
                                                           verdicts(quality="问题"))],
                          actor=sales_rep, customer_name="刘经理")
    c = login(client, sales_rep)
    with django_assert_max_num_queries(12):
        r = c.get(reverse("deliveries:issues"))
    assert r.status_code == 200 and r.content.decode().count('href="/deliveries/issues/SO') == 3
    assert c.get(reverse("deliveries:issues") + "?due=overdue&issue_class=major&state=closed").status_code == 200


def test_p2_5_d_a_user_without_the_role_has_no_issue_queue_and_sales_no_compensation_queue(client, make_user,
                                                                                            sales_rep):
    assert login(client, make_user("nobody")).get(reverse("deliveries:issues")).status_code == 403
    assert login(client, sales_rep).get(reverse("deliveries:compensations")).status_code == 403
