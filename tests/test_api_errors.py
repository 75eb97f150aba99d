"""Bad input on the API is answered, never a 500 — here, numbers too large for the database
(found by schemathesis: GET /api/v1/orders?customer=<33 digits> was a 500 on SQLite).

SQLite cannot bind such a number and the API answers 422 `out_of_range`; PostgreSQL compares it
as a numeric and finds nothing. Either way the client learns there is no such object."""

import pytest
from django.db import connection

HUGE = "822758734532621074444823832821760"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    f"/api/v1/customers/{HUGE}",
    f"/api/v1/inquiries/{HUGE}",
    f"/api/v1/credit/customers/{HUGE}",
])
def test_an_id_too_large_for_the_database_is_a_clear_4xx_not_a_500(client, reviewer, finance_user, url):
    client.force_login(finance_user if "/credit/" in url else reviewer)
    resp = client.get(url)
    assert 400 <= resp.status_code < 500, resp.content[:300]
    assert resp.json()["code"] in {"out_of_range", "not_found", "validation_error"}


@pytest.mark.django_db
def test_filtering_orders_by_a_customer_id_too_large_for_the_database_finds_nothing_or_says_why(client, reviewer):
    client.force_login(reviewer)
    resp = client.get(f"/api/v1/orders?customer={HUGE}")
    if connection.vendor == "sqlite":
        assert resp.status_code == 422 and resp.json()["code"] == "out_of_range"
    else:
        assert resp.status_code == 200 and resp.json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", [f"/orders/?customer={HUGE}", f"/customers/{HUGE}/", f"/inquiries/{HUGE}/",
                                 f"/audit/?actor={HUGE}", f"/credit/customers/{HUGE}/"])
def test_pages_answer_an_id_too_large_for_the_database_without_a_server_error(client, leader, url):
    client.force_login(leader)
    resp = client.get(url)
    assert resp.status_code < 500
