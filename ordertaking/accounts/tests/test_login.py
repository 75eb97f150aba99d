"""Sign in and out (P3: every action is taken by a known person); repeated failures lock the account."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

LOGIN = "/login/"
PASSWORD = "Test-pass-2026!"


@pytest.fixture(autouse=True)
def _axes_reset(db):  # type: ignore[no-untyped-def]
    from axes.utils import reset

    reset()
    yield
    reset()


@pytest.mark.django_db
def test_p3_a_user_signs_in_with_a_real_post_and_lands_on_their_home(client, sales_rep):
    response = client.post(LOGIN, {"username": "sales1", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert client.get("/profile/").status_code == 200


@pytest.mark.django_db
def test_p3_a_wrong_password_reshows_the_form_with_the_username_kept(client, sales_rep):
    response = client.post(LOGIN, {"username": "sales1", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html
    assert 'value="sales1"' in html


@pytest.mark.django_db
def test_p3_the_sixth_failed_sign_in_is_locked_out_and_shows_the_locked_page(client, sales_rep):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [client.post(LOGIN, {"username": "sales1", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en").status_code
                for _ in range(5)]
    # four failures re-show the form; the fifth is counted and its answer already says "locked"
    assert statuses == [200, 200, 200, 200, 429]
    sixth = client.post(LOGIN, {"username": "sales1", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert 'data-testid="locked-out"' in html
    assert "locked for 15 minutes" in html
    # even the right password is refused while locked out
    right = client.post(LOGIN, {"username": "sales1", "password": PASSWORD})
    assert right.status_code == 429
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_p3_the_locked_page_is_in_chinese_by_default(client, sales_rep):
    for _ in range(6):
        response = client.post(LOGIN, {"username": "sales1", "password": "wrong"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_p3_a_lockout_of_one_user_does_not_lock_another(client, sales_rep, sales_rep2):
    for _ in range(6):
        client.post(LOGIN, {"username": "sales1", "password": "wrong"})
    response = client.post(LOGIN, {"username": "sales2", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_p3_log_out_is_a_post_and_ends_the_session(client, sales_rep):
    client.force_login(sales_rep)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_p3_a_signed_in_user_visiting_the_login_page_goes_home(client, sales_rep):
    client.force_login(sales_rep)
    response = client.get(LOGIN)
    assert response.status_code == 302


@pytest.mark.django_db
def test_p3_pages_need_sign_in(client):
    for url in ("/", "/profile/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN)


# Behind the documented nginx proxy (docs/deploy.md): the proxy is 127.0.0.1 and forwards the client.
PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def _via_proxy(client_address: str) -> dict[str, str]:
    return {**PROXY, "HTTP_X_FORWARDED_FOR": client_address}


@pytest.mark.django_db
def test_p3_behind_the_trusted_proxy_an_attacker_cannot_lock_out_a_user_elsewhere(client, sales_rep, settings):
    settings.ORDERTAKING_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(8):
        client.post(LOGIN, {"username": "sales1", "password": "wrong"}, **_via_proxy("203.0.113.9"))
    locked = client.post(LOGIN, {"username": "sales1", "password": PASSWORD}, **_via_proxy("203.0.113.9"))
    assert locked.status_code == 429
    # the real user, from their own address through the same proxy, still signs in
    response = client.post(LOGIN, {"username": "sales1", "password": PASSWORD}, **_via_proxy("198.51.100.7"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_p3_the_forwarded_header_is_believed_only_from_a_trusted_proxy(rf, settings):
    from ordertaking.common.net import client_ip

    settings.ORDERTAKING_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # a client that talks to us directly cannot choose its address
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "203.0.113.9"
    # through the proxy: the right-most address the proxies did not add, not what the client wrote
    spoofed = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.1.2.3")
    assert client_ip(spoofed) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    settings.ORDERTAKING_TRUSTED_PROXIES = []
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "127.0.0.1"


@pytest.mark.django_db
def test_p3_spraying_many_usernames_from_one_address_locks_that_address(client, sales_rep, settings):
    settings.ORDERTAKING_TRUSTED_PROXIES = ["127.0.0.1"]
    limit = settings.ORDERTAKING_LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit == 20
    for i in range(limit):
        client.post(LOGIN, {"username": f"guess{i}", "password": "wrong"}, **_via_proxy("203.0.113.9"))
    # even a right password is refused from that address now; elsewhere it works
    assert client.post(LOGIN, {"username": "sales1", "password": PASSWORD},
                       **_via_proxy("203.0.113.9")).status_code == 429
    assert client.post(LOGIN, {"username": "sales1", "password": PASSWORD},
                       **_via_proxy("198.51.100.7")).status_code == 302


@pytest.mark.django_db
def test_p3_failures_during_a_lock_out_do_not_extend_it(client, sales_rep, monkeypatch):
    """The cool-off (15 minutes) runs from the failure that caused the lock; attempts go on meanwhile."""
    from datetime import timedelta

    import axes.handlers.proxy
    from django.utils import timezone

    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr(axes.handlers.proxy, "now", lambda: clock["now"])
    for _ in range(5):
        client.post(LOGIN, {"username": "sales1", "password": "wrong"})
    for minute in range(1, 15):  # one more wrong password every minute of the lock
        clock["now"] = start + timedelta(minutes=minute)
        assert client.post(LOGIN, {"username": "sales1", "password": "wrong"}).status_code == 429
    clock["now"] = start + timedelta(minutes=15, seconds=1)
    response = client.post(LOGIN, {"username": "sales1", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_p3_the_lock_out_message_of_axes_is_translated(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "登录失败次数过多" in str(settings.AXES_COOLOFF_MESSAGE)
        assert "登录失败次数过多" in str(settings.AXES_PERMALOCK_MESSAGE)
    with translation.override("en"):
        assert str(settings.AXES_COOLOFF_MESSAGE).startswith("Too many failed sign-ins")
