"""Sessions and response headers that every page and API response needs (issue 8).

- An idle session ends: ``ORDERTAKING_SESSION_IDLE_MINUTES`` without a request signs the user
  out (a screen left open in an office is not a signed-in screen for ever). The last request's
  time is kept in the session, rewritten at most once a minute so a busy user does not cause a
  session write per request.
- ``Cache-Control: no-store`` on every response for a signed-in user and on every API response:
  they carry personal and business data that must not stay in a shared proxy or browser cache.
- A strict Content-Security-Policy. A small middleware rather than django-csp: the policy is one
  constant (everything is served from our own static files, no inline script, no nonce), so a
  dependency would only add settings. Scripts: our own files only, no inline code, no eval (htmx
  runs with ``allowEval`` off, behaviours live in static/ot/app.js). Styles: our own stylesheets;
  ``style`` *attributes* are allowed (``style-src-attr``) for the few server-computed widths
  (progress bars, column widths) – they cannot run code.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

LAST_SEEN = "ot_last_seen"
# A request the page makes by itself (the unread-count poll every minute) is not the user's
# activity: it must not keep an idle session alive.
BACKGROUND_HEADER = "X-Ot-Background"

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",  # Bootstrap's icons in its CSS are data: URIs
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def session_activity_start(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """`user_logged_in` receiver: the session's activity time is the sign-in time."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


class SessionIdleTimeoutMiddleware:
    """After AuthenticationMiddleware: signs out a session idle for longer than the setting."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        minutes = int(getattr(settings, "ORDERTAKING_SESSION_IDLE_MINUTES", 0) or 0)
        user = getattr(request, "user", None)
        if minutes > 0 and user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > minutes * 60:
                logout(request)  # flushes the session; the request goes on as anonymous
            elif (last is None or now - float(last) >= 60) and not request.headers.get(BACKGROUND_HEADER):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Cache-Control: no-store for personal data, and the Content-Security-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
            response.headers.pop("Expires", None)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
