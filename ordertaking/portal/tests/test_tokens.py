"""P2.5.b: the customer's link is signed, expiring and revocable; every refusal is the same page and
reveals nothing of the order (expired only says so and asks for a new link)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from ordertaking.portal.models import PortalLink
from ordertaking.portal.selectors import SALT, link_token
from ordertaking.portal.services import portal_link_issue, portal_link_revoke

from .conftest import page

pytestmark = pytest.mark.django_db


def refused_without_trace(response, order) -> None:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="portal-invalid"' in body
    for secret in (order.number, order.customer.name, str(order.sales_rep), "刘经理"):
        assert secret not in body
    assert "no-store" in response["Cache-Control"]


def test_the_link_opens_the_orders_page(client, order, token) -> None:  # type: ignore[no-untyped-def]
    r = page(client, token)
    assert r.status_code == 200
    body = r.content.decode()
    assert order.number in body and order.customer.name in body
    assert r["Referrer-Policy"] == "same-origin"  # the token never goes to another site
    assert "no-store" in r["Cache-Control"]


def test_a_tampered_token_is_refused(client, order, token) -> None:  # type: ignore[no-untyped-def]
    value, sig = token.rsplit(":", 1)
    tampered = value + ":" + ("A" if sig[0] != "A" else "B") + sig[1:]
    refused_without_trace(page(client, tampered), order)


def test_a_token_signed_for_another_purpose_is_refused(client, order, link) -> None:  # type: ignore[no-untyped-def]
    forged = signing.dumps([link.pk, link.nonce], salt="something-else", compress=False)
    refused_without_trace(page(client, forged), order)


def test_a_token_with_the_wrong_nonce_is_refused(client, order, link) -> None:  # type: ignore[no-untyped-def]
    """A correctly signed (id, nonce) whose nonce is not the link's — an old link re-issued, or a guess."""
    forged = signing.dumps([link.pk, "not-the-nonce"], salt=SALT, compress=False)
    refused_without_trace(page(client, forged), order)


def test_a_token_of_an_unknown_link_is_refused(client, order, link) -> None:  # type: ignore[no-untyped-def]
    forged = signing.dumps([link.pk + 1000, link.nonce], salt=SALT, compress=False)
    refused_without_trace(page(client, forged), order)


@pytest.mark.parametrize("junk", ["x", "a:b:c", "%00", "W10:abc", "1" * 400, "[1,2]"])
def test_garbage_tokens_are_refused(client, order, junk) -> None:  # type: ignore[no-untyped-def]
    refused_without_trace(page(client, junk), order)


def test_a_revoked_link_is_refused_at_once(client, order, link, token, sales_rep) -> None:  # type: ignore[no-untyped-def]
    assert page(client, token).status_code == 200
    portal_link_revoke(actor=sales_rep, link=link, reason="发错了联系人")
    r = page(client, token)
    refused_without_trace(r, order)
    assert "过期" not in r.content.decode()  # revoked is "not valid", not "expired"


def test_an_expired_link_says_so_without_naming_the_order(client, order, link, token) -> None:  # type: ignore[no-untyped-def]
    PortalLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(minutes=1))
    r = page(client, token)
    refused_without_trace(r, order)
    assert "链接已过期" in r.content.decode()
    assert "销售代表" in r.content.decode()


def test_one_orders_token_never_opens_another_order(client, order, other_order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    mine = portal_link_issue(actor=sales_rep, order=order, send=False)
    theirs = portal_link_issue(actor=sales_rep, order=other_order, send=False)
    body = page(client, link_token(mine)).content.decode()
    assert order.number in body and other_order.number not in body
    # a document of the other order through this order's token: there is no such path; the token decides
    r = client.get(f"/p/{link_token(mine)}/documents/contract/")
    assert r.status_code == 200
    assert other_order.number.encode() not in r.content
    assert link_token(mine) != link_token(theirs)


def test_the_documents_refuse_a_revoked_link_too(client, order, link, token, sales_rep) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/p/{token}/documents/contract/").status_code == 200
    portal_link_revoke(actor=sales_rep, link=link, reason="重发")
    refused_without_trace(client.get(f"/p/{token}/documents/contract/"), order)


def test_the_api_refuses_alike_and_reveals_nothing(client, order, link, token, sales_rep) -> None:  # type: ignore[no-untyped-def]
    ok = client.get(f"/api/v1/portal/{token}")
    assert ok.status_code == 200 and ok.json()["order_number"] == order.number
    portal_link_revoke(actor=sales_rep, link=link, reason="重发")
    r = client.get(f"/api/v1/portal/{token}")
    assert r.status_code == 404
    assert r.json()["code"] == "link_invalid"
    assert order.number not in r.content.decode()
    PortalLink.objects.filter(pk=link.pk).update(state="active", revoked_at=None,
                                                 created_at=timezone.now() - timedelta(days=9),
                                                 expires_at=timezone.now() - timedelta(days=1))
    r = client.get(f"/api/v1/portal/{token}")
    assert r.status_code == 404 and r.json()["code"] == "link_expired"
    assert order.number not in r.content.decode()
