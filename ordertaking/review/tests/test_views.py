"""Review pages (P2.3, P3.3): the queue, the panel with its HTMX forms, the leaders' queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ordertaking.orders.states import OrderState
from ordertaking.review.models import ReviewDecision, SpecialApproval
from ordertaking.review.selectors import review_panel_context
from ordertaking.review.services import review_findings_refresh, special_approval_request

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


# --- the review queue --------------------------------------------------------------------

def test_p3_3_review_queue_lists_submitted_orders_oldest_first_with_their_findings(
        client, make_order, reviewer, sales_rep):
    newer = make_order(submitted_days_ago=0)
    older = make_order(submitted_days_ago=3, lines=[{"product": "motor", "unit_price": "1.00"}])
    make_order(state=OrderState.DRAFT)
    review_findings_refresh(order=older, actor=sales_rep)
    client.force_login(reviewer)
    r = client.get(reverse("review:queue"))
    assert r.status_code == 200
    html = r.content.decode()
    assert html.index(older.number) < html.index(newer.number)
    rows = list(r.context["page"].object_list)
    assert [o.number for o in rows] == [older.number, newer.number]
    assert [o.blocking_count for o in rows] == [1, None]
    assert f'href="/orders/{older.number}/"' in html


def test_p3_3_review_queue_filters_by_blocking_findings_and_number(client, make_order, reviewer, sales_rep):
    bad = make_order(lines=[{"product": "motor", "unit_price": "1.00"}])
    good = make_order()
    review_findings_refresh(order=bad, actor=sales_rep)
    client.force_login(reviewer)
    r = client.get(reverse("review:queue"), {"blocking": "yes"})
    assert [o.number for o in r.context["page"].object_list] == [bad.number]
    r = client.get(reverse("review:queue"), {"blocking": "no"})
    assert [o.number for o in r.context["page"].object_list] == [good.number]
    r = client.get(reverse("review:queue"), {"q": good.number[-4:]})
    assert [o.number for o in r.context["page"].object_list] == [good.number]


def test_p3_3_review_queue_filters_by_special_approval_state(client, make_order, reviewer, sales_rep):
    bad = make_order(lines=[{"product": "motor", "unit_price": "1.00"}])
    make_order()
    special_approval_request(order=bad, actor=sales_rep, reason="x")
    client.force_login(reviewer)
    r = client.get(reverse("review:queue"), {"special": "requested"})
    assert [o.number for o in r.context["page"].object_list] == [bad.number]


def test_p3_3_review_queue_htmx_returns_only_the_table(client, clean_order, reviewer):
    client.force_login(reviewer)
    r = client.get(reverse("review:queue"), **HX)
    html = r.content.decode()
    assert 'id="queue-table"' in html and "<html" not in html and clean_order.number in html


def test_p3_3_review_queue_query_count_does_not_grow_with_the_orders(client, make_order, reviewer,
                                                                      django_assert_max_num_queries):
    for _ in range(30):
        make_order()
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("review:queue"))
    assert len(r.context["rows"]) == 25 and r.context["page"].paginator.num_pages == 2


@pytest.mark.parametrize("who", ["sales_rep", "leader", "finance_user"])
def test_p2_3_a_review_queue_is_for_the_order_center_only(client, who, request):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("review:queue"))
    # P3: the one 403 page, in words, with the way back (common.pages.forbidden), as every other app's
    assert r.status_code == 403 and "common/forbidden.html" in [t.name for t in r.templates]


def test_review_queue_needs_login(client):
    r = client.get(reverse("review:queue"))
    assert r.status_code == 302


# --- the panel ---------------------------------------------------------------------------

def test_p2_3_a_panel_rechecks_live_for_a_reviewer_and_shows_clause_badges(client, floor_order, reviewer):
    client.force_login(reviewer)
    r = client.get(reverse("review:panel", args=[floor_order.number]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-code="price_below_floor"' in html and "P2.3.b" in html and "finding-blocking" in html
    assert 'data-testid="return-form"' in html and 'data-testid="approve-blocked"' in html
    assert 'data-testid="approve-form"' not in html


def test_p2_3_c_panel_offers_approve_for_a_compliant_order(client, clean_order, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("review:panel", args=[clean_order.number])).content.decode()
    assert 'data-testid="approve-form"' in html and 'data-testid="no-findings"' in html


def test_p2_3_c_panel_hides_review_forms_from_the_reviewer_who_entered_the_order(client, make_order, reviewer):
    order = make_order(entered_by=reviewer)
    client.force_login(reviewer)
    html = client.get(reverse("review:panel", args=[order.number])).content.decode()
    assert 'data-testid="approve-form"' not in html and 'data-testid="return-form"' not in html
    assert 'data-testid="sod-note"' in html


def test_p2_3_c_panel_offers_the_sales_rep_special_approval_but_not_review(client, floor_order, sales_rep):
    review_findings_refresh(order=floor_order, actor=sales_rep)
    client.force_login(sales_rep)
    html = client.get(reverse("review:panel", args=[floor_order.number])).content.decode()
    assert 'data-testid="special-form"' in html
    assert 'data-testid="approve-form"' not in html and 'data-testid="return-form"' not in html
    assert 'data-code="price_below_floor"' in html  # the stored findings of the revision


def test_p4_1_c_another_sales_rep_cannot_open_the_review_of_an_order_not_theirs(client, floor_order,
                                                                                 sales_rep2):
    client.force_login(sales_rep2)
    assert client.get(reverse("review:panel", args=[floor_order.number])).status_code == 404


def test_p2_3_c_panel_marks_findings_covered_by_a_granted_special_approval(floor_order, sales_rep, leader,
                                                                          reviewer):
    from ordertaking.review.services import special_approval_grant

    special_approval_grant(approval=special_approval_request(order=floor_order, actor=sales_rep, reason="x"),
                           actor=leader)
    ctx = review_panel_context(order=floor_order, user=reviewer)
    assert [(r.finding.code, r.covered) for r in ctx["findings"]] == [("price_below_floor", True)]
    assert ctx["can_approve"] and ctx["open_blocking_count"] == 0


def test_p2_3_c_approved_order_keeps_its_finding_covered_and_shows_no_open_blocking_finding(
        client, floor_order, sales_rep, leader, reviewer):
    """After approval the panel still reads the 特批 that covered the finding, not a red open count."""
    from ordertaking.review.services import order_approve, special_approval_grant

    special_approval_grant(approval=special_approval_request(order=floor_order, actor=sales_rep, reason="x"),
                           actor=leader)
    order_approve(order=floor_order, actor=reviewer)
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.APPROVED
    ctx = review_panel_context(order=floor_order, user=reviewer)
    assert [(r.finding.code, r.covered) for r in ctx["findings"]] == [("price_below_floor", True)]
    assert ctx["open_blocking_count"] == 0
    client.force_login(sales_rep)
    html = client.get(reverse("review:panel", args=[floor_order.number])).content.decode()
    assert 'data-testid="open-blocking"' not in html and "finding-covered" in html


def test_p2_3_c_return_by_htmx_without_an_opinion_reshows_the_panel_with_the_error(client, floor_order,
                                                                                   reviewer):
    client.force_login(reviewer)
    r = client.post(reverse("review:return", args=[floor_order.number]), {"opinion": "  "}, **HX)
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="review-panel"' in html and "is-invalid" in html and 'id="opinion-error"' in html
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.SUBMITTED and not ReviewDecision.objects.exists()


def test_p2_3_c_special_approval_by_htmx_keeps_what_was_typed_when_refused(client, clean_order, sales_rep):
    client.force_login(sales_rep)
    r = client.post(reverse("review:special_request", args=[clean_order.number]), {"reason": "客户急需"}, **HX)
    assert r.status_code == 409 and 'data-testid="panel-error"' in r.content.decode()


def test_p2_3_c_return_by_htmx_records_the_opinion_and_reloads(client, floor_order, reviewer):
    client.force_login(reviewer)
    r = client.post(reverse("review:return", args=[floor_order.number]), {"opinion": "请与客户确认价格"}, **HX)
    assert r.status_code == 200 and r["HX-Refresh"] == "true"
    floor_order.refresh_from_db()
    assert floor_order.state == OrderState.RETURNED
    assert ReviewDecision.objects.get(order=floor_order).opinion == "请与客户确认价格"


def test_p2_3_c_approve_by_plain_post_redirects_to_the_order(client, clean_order, reviewer):
    client.force_login(reviewer)
    r = client.post(reverse("review:approve", args=[clean_order.number]))
    assert r.status_code == 302
    clean_order.refresh_from_db()
    assert clean_order.state == OrderState.APPROVED


def test_p2_3_c_approve_by_plain_post_with_open_findings_shows_the_page_with_the_error(client, floor_order,
                                                                                      reviewer):
    client.force_login(reviewer)
    r = client.post(reverse("review:approve", args=[floor_order.number]))
    assert r.status_code == 409 and 'data-testid="panel-error"' in r.content.decode()


def test_p2_3_a_sales_rep_posting_approve_is_refused(client, clean_order, sales_rep):
    client.force_login(sales_rep)
    r = client.post(reverse("review:approve", args=[clean_order.number]), **HX)
    assert r.status_code == 403
    clean_order.refresh_from_db()
    assert clean_order.state == OrderState.SUBMITTED


def test_review_actions_refuse_get(client, clean_order, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("review:approve", args=[clean_order.number])).status_code == 405


# --- the leaders' special approval queue ------------------------------------------------

def test_p2_3_c_leader_sees_waiting_requests_with_findings_and_reason(client, floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户首单")
    client.force_login(leader)
    r = client.get(reverse("review:special_queue"))
    html = r.content.decode()
    assert r.status_code == 200 and f'id="sa-{sa.pk}"' in html and "战略客户首单" in html
    assert 'data-code="price_below_floor"' in html and reverse("review:special_grant", args=[sa.pk]) in html


@pytest.mark.parametrize(("writer", "reader", "words"), [
    ("zh-hans", "en", "Line 1: unit price ¥2,799.99 is below the floor price."),
    ("en", "zh-hans", "第 1 行：单价 ¥2,799.99 低于底价。"),
])
def test_p2_3_c_the_leader_reads_the_findings_in_their_own_language(client, floor_order, sales_rep, leader, writer,
                                                                    reader, words):
    """Issue 14: the stored findings the special approval is about, in the leader's language, whatever the
    language of the rep who submitted."""
    from django.utils import translation

    with translation.override(writer):
        review_findings_refresh(order=floor_order, actor=sales_rep)
        special_approval_request(order=floor_order, actor=sales_rep, reason="战略客户首单")
    client.force_login(leader)
    html = client.get(reverse("review:special_queue"), HTTP_ACCEPT_LANGUAGE=reader).content.decode()
    assert words in html


def test_p2_3_c_special_queue_query_count_is_pinned(client, make_order, sales_rep, leader,
                                                    django_assert_max_num_queries):
    for _ in range(12):
        special_approval_request(order=make_order(lines=[{"product": "motor", "unit_price": "1.00"}]),
                                 actor=sales_rep, reason="x")
    client.force_login(leader)
    # 11: one query reads who wrote each waiting order, for the segregation of duties (P2.3.c), for all cards at once.
    with django_assert_max_num_queries(11):
        r = client.get(reverse("review:special_queue"))
    assert len(r.context["cards"]) == 12


def test_p2_3_c_leader_grants_by_htmx_and_the_waiting_list_is_refreshed(client, floor_order, sales_rep, leader):
    """The decided request leaves the list of waiting ones at once, with the count, without a reload."""
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    client.force_login(leader)
    r = client.post(reverse("review:special_grant", args=[sa.pk]),
                    {"comment": "同意", "list_state": "requested", "list_page": "1"}, **HX)
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html
    assert r["HX-Retarget"] == "#special-list" and 'id="special-list"' in html
    assert f'id="sa-{sa.pk}"' not in html and 'data-testid="special-done"' in html
    assert len(r.context["cards"]) == 0 and r.context["page"].paginator.count == 0
    sa.refresh_from_db()
    assert sa.state == SpecialApproval.State.GRANTED and sa.comment == "同意"


def test_p2_3_c_refuse_without_comment_reshows_the_card_with_the_error(client, floor_order, sales_rep, leader):
    sa = special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    client.force_login(leader)
    r = client.post(reverse("review:special_refuse", args=[sa.pk]), {"comment": ""}, **HX)
    assert r.status_code == 422 and "is-invalid" in r.content.decode()
    sa.refresh_from_db()
    assert sa.state == SpecialApproval.State.REQUESTED


def test_p2_3_c_leader_cannot_grant_their_own_request_on_the_page(client, floor_order, make_user):
    boss = make_user("boss1", "leadership", "order_center")
    sa = special_approval_request(order=floor_order, actor=boss, reason="x")
    client.force_login(boss)
    html = client.get(reverse("review:special_queue")).content.decode()
    assert reverse("review:special_grant", args=[sa.pk]) not in html
    r = client.post(reverse("review:special_grant", args=[sa.pk]))
    assert r.status_code == 403 and "common/forbidden.html" in [t.name for t in r.templates]


@pytest.mark.parametrize("who", ["reviewer", "sales_rep"])
def test_p2_3_c_special_queue_is_for_leadership(client, who, request):
    client.force_login(request.getfixturevalue(who))
    r = client.get(reverse("review:special_queue"))
    assert r.status_code == 403 and "common/forbidden.html" in [t.name for t in r.templates]


# --- home queues -------------------------------------------------------------------------

def test_home_queues_by_role(floor_order, sales_rep, reviewer, leader):
    from ordertaking.review.selectors import home_queues

    special_approval_request(order=floor_order, actor=sales_rep, reason="x")
    assert [(q.key, q.count) for q in home_queues(reviewer)] == [("review", 1)]
    assert [(q.key, q.count) for q in home_queues(leader)] == [("special_waiting", 1)]
    assert [(q.key, q.count) for q in home_queues(sales_rep)] == [("special_mine", 1)]


def test_p5_1_approve_page_says_so_when_the_credit_gate_holds_the_order_instead(client, clean_order, customer,
                                                                                reviewer):
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=customer.created_by, limit="100.00")  # far below the order's amount
    client.force_login(reviewer)
    r = client.post(reverse("review:approve", args=[clean_order.number]), follow=True)
    clean_order.refresh_from_db()
    assert clean_order.state == OrderState.CREDIT_HOLD
    assert any("credit hold" in str(m) or "信用" in str(m) for m in r.context["messages"])


def test_p2_3_the_checks_read_an_order_in_the_same_number_of_queries_whatever_its_size(
        make_order, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ordertaking.orders.models import Order

    small = make_order(lines=[{"product": "motor"}])
    big = make_order(lines=[{"product": p} for p in ["motor", "reducer", "install"] * 7])

    def count(order):  # type: ignore[no-untyped-def]
        fresh = Order.objects.get(pk=order.pk)  # as a page loads it: nothing cached on the instance
        with CaptureQueriesContext(connection) as ctx:
            review_panel_context(order=fresh, user=reviewer)
        return len(ctx.captured_queries)

    count(small)  # warm the user's permission cache
    n = count(small)
    assert count(big) == n and n <= 16  # 13, and legal's threshold, IP lines and legal review (P5.3)


def test_my_special_approval_requests_leave_the_card_once_the_order_is_decided(floor_order, sales_rep, leader,
                                                                               reviewer):
    from ordertaking.review.selectors import home_queues
    from ordertaking.review.services import order_approve, special_approval_grant

    special_approval_grant(approval=special_approval_request(order=floor_order, actor=sales_rep, reason="x"),
                           actor=leader)
    (card,) = home_queues(sales_rep)
    assert card.count == 1 and card.items[0]["label"] == floor_order.number
    order_approve(order=floor_order, actor=reviewer)
    (card,) = home_queues(sales_rep)
    assert card.count == 0 and card.items == []


def test_p2_3_storing_the_findings_runs_the_checks_once_and_writes_no_text(floor_order, sales_rep, monkeypatch):
    """Issue 14: the findings are stored as code and parameters, rendered in the reader's language when
    read; the rules run once per check (they ran once per UI language), so storing them costs the
    reads of one check plus the delete and the insert."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ordertaking.orders.models import Order
    from ordertaking.review import rules
    from ordertaking.review.checks import order_findings
    from ordertaking.review.models import ReviewFinding
    from ordertaking.review.services import review_findings_refresh

    order = Order.objects.get(pk=floor_order.pk)  # each run with a fresh instance: nothing cached on it
    with CaptureQueriesContext(connection) as one:
        single = order_findings(order)
    order = Order.objects.get(pk=floor_order.pk)
    runs = []
    real = rules.review_findings

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rules, "review_findings", counted)
    with CaptureQueriesContext(connection) as stored:
        findings = review_findings_refresh(order=order, actor=sales_rep)
    assert len(runs) == 1 and [f.code for f in findings] == [f.code for f in single] == ["price_below_floor"]
    assert len(stored.captured_queries) == len(one.captured_queries) + 2  # delete the revision's, insert
    row = ReviewFinding.objects.get(order=floor_order)
    assert (row.message, row.messages) == ("", {}) and row.params == {"line": 1, "price": "2799.99"}
