"""The profile with API tokens (P3)."""

from __future__ import annotations

import pytest

from ordertaking.accounts.models import ApiToken
from ordertaking.audit.models import AuditEvent


@pytest.mark.django_db
def test_p3_a_new_api_token_is_shown_once_and_only_its_hash_is_stored(client, sales_rep):
    client.force_login(sales_rep)
    response = client.post("/profile/tokens/", {"name": "ERP import"})
    assert response.status_code == 200
    html = response.content.decode()
    token = ApiToken.objects.get(user=sales_rep)
    start = html.index('id="new-token"')
    raw = html[html.index(">", start) + 1:html.index("</code>", start)]
    assert raw.startswith("ot_") and ApiToken.hash(raw) == token.key_hash
    assert raw not in client.get("/profile/").content.decode()
    assert AuditEvent.objects.filter(action="api_token.issued", subject_id=str(sales_rep.pk)).count() == 1
    assert client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403


@pytest.mark.django_db
def test_p3_a_token_without_a_name_is_refused_beside_its_field(client, sales_rep):
    client.force_login(sales_rep)
    response = client.post("/profile/tokens/", {"name": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="token-name-error"' in html and "Give the token a name." in html
    assert not ApiToken.objects.filter(user=sales_rep).exists()
    assert not AuditEvent.objects.filter(action="api_token.issued").exists()


@pytest.mark.django_db
def test_p3_a_revoked_token_no_longer_opens_the_api(client, auditor):
    client.force_login(auditor)
    html = client.post("/profile/tokens/", {"name": "script"}).content.decode()
    start = html.index('id="new-token"')
    raw = html[html.index(">", start) + 1:html.index("</code>", start)]
    token = ApiToken.objects.get(user=auditor)
    assert client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    response = client.post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/v1/audit/events", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.django_db
def test_p3_a_user_cannot_revoke_someone_elses_token(client, sales_rep, sales_rep2):
    from django.db import transaction

    from ordertaking.accounts.services import api_token_issue

    with transaction.atomic():
        token, _raw = api_token_issue(user=sales_rep2, name="theirs", actor=sales_rep2)
    client.force_login(sales_rep)
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_p3_token_pages_take_only_posts(client, sales_rep):
    client.force_login(sales_rep)
    assert client.get("/profile/tokens/").status_code == 405
