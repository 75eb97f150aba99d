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
    assert response["Location"] == reverse("accounts:home")
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
