"""P2.5.b: the link reaches the customer's contact by e-mail, through a real SMTP conversation,
in Chinese unless English was chosen; a refused issue sends nothing."""

from __future__ import annotations

import email
import re
from email.header import decode_header, make_header

import pytest

from ordertaking.common.errors import InvalidTransition, ValidationFailed
from ordertaking.common.tests.test_mail import SMTP, smtp_server  # noqa: F401  (the fixture)
from ordertaking.portal.selectors import link_from_token, link_url
from ordertaking.portal.services import portal_link_issue

pytestmark = pytest.mark.django_db


def _read(raw: str) -> tuple[str, str, str]:
    msg = email.message_from_bytes(raw.encode("utf-8"))
    subject = str(make_header(decode_header(msg["Subject"])))
    payload = msg.get_payload(decode=True)
    body = payload.decode(msg.get_content_charset() or "utf-8") if isinstance(payload, bytes) else str(payload)
    return subject, body, msg["To"]


def test_the_link_is_mailed_in_chinese_through_smtp(settings, smtp_server, order, sales_rep,  # noqa: F811
                                                   django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    port, received = smtp_server
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = SMTP, "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 5
    settings.ORDERTAKING_BASE_URL = "https://orders.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        link = portal_link_issue(actor=sales_rep, order=order, email="liu@pujiang.example.cn")
    assert len(received) == 1
    subject, body, to = _read(received[0])
    assert to == "liu@pujiang.example.cn"
    assert order.number in subject and "专属链接" in subject
    url = link_url(link)
    assert url in body and url.startswith("https://orders.example.cn/p/")
    assert "有效期至" in body and str(sales_rep) in body
    token = re.search(r"/p/([^/\s]+)/", body).group(1)  # type: ignore[union-attr]
    assert link_from_token(token) == link
    assert link.sent_to == "liu@pujiang.example.cn"


def test_english_when_chosen(settings, smtp_server, order, sales_rep,  # noqa: F811
                             django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    port, received = smtp_server
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = SMTP, "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 5
    with django_capture_on_commit_callbacks(execute=True):
        portal_link_issue(actor=sales_rep, order=order, email="liu@pujiang.example.cn", language="en")
    subject, body, _to = _read(received[0])
    assert subject == f"Your order {order.number}: your private link"
    assert "valid until" in body


def test_a_refused_issue_mails_nothing(settings, smtp_server, make_order, sales_rep,  # noqa: F811
                                       django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    port, received = smtp_server
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = SMTP, "127.0.0.1", port
    draft = make_order(state="draft")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        portal_link_issue(actor=sales_rep, order=draft, email="liu@pujiang.example.cn")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        portal_link_issue(actor=sales_rep, order=draft, email="")
    assert received == []
