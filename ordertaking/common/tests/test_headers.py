"""Sessions and response headers (issue 8): idle timeout, no-store on personal data, a strict
Content-Security-Policy, and the API docs behind sign-in in production (P4.1.c, P4.2.a)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from ordertaking.common import middleware

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_p4_1_c_a_session_idle_longer_than_the_setting_is_signed_out(client, sales_rep, settings, monkeypatch):
    settings.ORDERTAKING_SESSION_IDLE_MINUTES = 30
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(middleware.time, "time", lambda: clock["now"])
    client.force_login(sales_rep)
    assert client.get("/profile/").status_code == 200
    clock["now"] += 29 * 60  # active within the limit: still signed in, and the clock restarts
    assert client.get("/profile/").status_code == 200
    clock["now"] += 29 * 60
    assert client.get("/profile/").status_code == 200
    clock["now"] += 31 * 60
    response = client.get("/profile/")
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get("/profile/").status_code == 302  # the session is gone, not just this request


def test_p4_1_c_pages_for_a_signed_in_user_and_api_answers_are_never_stored(client, sales_rep):
    client.force_login(sales_rep)
    for path in ("/profile/", "/api/v1/orders"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
    client.logout()
    assert "no-store" in client.get("/api/v1/orders").get("Cache-Control", "")


def test_p4_1_c_every_page_carries_a_strict_content_security_policy(client, sales_rep):
    client.force_login(sales_rep)
    csp = client.get("/profile/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert "unsafe" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "Content-Security-Policy" in client.get(reverse("accounts:login")).headers


def test_no_template_has_inline_script_or_inline_event_handlers():
    """What the CSP would block: inline <script> code, on*= handlers, hx-on (htmx evaluates it)."""
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=\"|hx-on[:-]", text):
            offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert offenders == []


def test_p4_1_c_the_api_docs_need_sign_in_in_production(client, sales_rep, settings):
    settings.ORDERTAKING_API_DOCS_PUBLIC = False
    for path in ("/api/v1/docs", "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], path
    client.force_login(sales_rep)
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_first_page_after_signing_in_does_not_write_the_session_again(client, sales_rep):
    """The idle clock starts at sign-in; the page after it only reads the session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(sales_rep)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code in (200, 302)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE \"django_session\"")]
