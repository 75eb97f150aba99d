"""The shell: home queues per role, the navigation, both languages (P3)."""

from __future__ import annotations

import pytest

from ordertaking.common.queues import Queue
from ordertaking.home import queues


@pytest.fixture
def fake_queues(monkeypatch):  # type: ignore[no-untyped-def]
    """A stand-in provider so the home page's layout is tested apart from the apps' queues."""

    def home_queues(user):  # type: ignore[no-untyped-def]
        if user.has_perm("accounts.order_review"):
            return [Queue(key="to_review", title="Waiting for my review", count=7, url="/review/",
                          items=[{"url": "/orders/SO-20261126-0001/", "label": "SO-20261126-0001", "is_order": True,
                                  "meta": "¥12,800.00", "state": "submitted", "state_label": "待审核"}])]
        if user.has_perm("accounts.order_enter"):
            return [Queue(key="my_drafts", title="My drafts", count=0, url="/orders/")]
        return []

    monkeypatch.setattr(queues, "PROVIDERS", [home_queues])


@pytest.mark.django_db
def test_p3_3_a_reviewer_sees_their_review_queue_with_order_links_on_home(client, reviewer, fake_queues):
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert 'data-queue="to_review"' in html
    assert 'href="/orders/SO-20261126-0001/"' in html and 'order-no"' in html
    assert "¥12,800.00" in html and "state-submitted" in html
    assert 'data-queue="my_drafts"' not in html


@pytest.mark.django_db
def test_p3_1_a_sales_rep_sees_their_own_queue_and_an_empty_queue_says_so(client, sales_rep, fake_queues):
    client.force_login(sales_rep)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-queue="my_drafts"' in html and 'data-queue="to_review"' not in html
    assert "Nothing waiting." in html


@pytest.mark.django_db
def test_p3_4_a_role_without_queues_gets_a_friendly_home_not_an_error(client, production_user, fake_queues):
    client.force_login(production_user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No work queues for your roles yet." in response.content.decode()


@pytest.mark.django_db
def test_p3_the_navigation_shows_only_what_the_role_may_use(client, sales_rep, auditor, fake_queues):
    client.force_login(sales_rep)
    assert 'href="/audit/"' not in client.get("/").content.decode()
    client.force_login(auditor)
    assert 'href="/audit/"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "expected", "absent"), [("zh-hans", "订单管理", "Order management"),
                                                          ("en", "Order management", "订单管理")])
def test_p3_the_shell_renders_in_both_languages(client, auditor, fake_queues, lang, expected, absent):
    client.force_login(auditor)
    client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    html = client.get("/").content.decode()
    assert expected in html and absent not in html
    assert ("审计日志" if lang == "zh-hans" else "Audit log") in html
    assert f'lang="{"zh-CN" if lang == "zh-hans" else "en"}"' in html


@pytest.mark.django_db
def test_p3_the_language_switch_keeps_the_user_on_the_same_page(client, auditor):
    client.force_login(auditor)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/audit/?q=SO"})
    assert response.status_code == 302 and response["Location"] == "/audit/?q=SO"
    assert "Audit log" in client.get("/audit/").content.decode()


@pytest.mark.django_db
def test_p3_3_with_the_real_apps_the_reviewer_home_has_the_review_queue_and_the_sales_home_does_not(
        client, reviewer, sales_rep, django_assert_max_num_queries):
    """Integration with the queue providers the orders and review apps really offer."""
    client.force_login(reviewer)
    with django_assert_max_num_queries(30):
        html = client.get("/").content.decode()
    assert 'data-queue="review"' in html
    client.force_login(sales_rep)
    html = client.get("/").content.decode()
    assert 'data-queue="review"' not in html and 'data-queue="orders_drafts"' in html


@pytest.mark.django_db
def test_p3_who_sees_no_orders_is_not_offered_the_order_list_or_search(client, sales_rep, fake_queues):
    """The investigator (P6.1.b) and the administrator see no orders: no Orders, Search or "Find an order"
    on their pages, while a sales rep has all three."""
    from ordertaking.accounts.services import user_create

    investigator = user_create(username="inv-nav", password="Test-pass-2026!", roles=["investigator"],
                               display_name="何调查")
    admin = user_create(username="admin-nav", password="Test-pass-2026!", roles=["admin"], display_name="管理员")
    for user, sees in ((sales_rep, True), (investigator, False), (admin, False)):
        client.force_login(user)
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        for words in ('href="/orders/"', 'href="/reports/search/"'):
            assert (words in html) is sees, (user.username, words)
