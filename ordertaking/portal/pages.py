"""What every customer page shares (P2.5.b): the `portal_view` decorator and the "not valid" page.

A view of any chapter that the customer reaches through their link:

    from ordertaking.portal.pages import portal_view

    @portal_view
    def voucher(request, token, number):
        order = request.portal_order          # the link's order; nothing else is reachable
        ...
        return render(request, "deliveries/portal_voucher.html", {...})   # extends "portal/base.html"

The decorator checks the token (bad signature, unknown link, nonce mismatch, revoked, expired: the
same "this link is not valid" page, 404, nothing of the order shown), counts the opening, and
renders the view in the customer's language: `?lang=zh-hans|en` (remembered in the language
cookie), else the cookie, else the link's language (Chinese by default). Its answers are never
cached and never leak the token to another site in a Referer header. A service that writes through the link
checks it again under a lock: `portal.selectors.link_from_token(token, for_update=True)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject

from . import selectors, services
from .sections import portal_sections

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def portal_language(request: HttpRequest, default: str) -> tuple[str, bool]:
    """The customer's language and whether `?lang=` chose it just now (then it is remembered)."""
    chosen = request.GET.get("lang", "")
    if chosen in LANGUAGE_CODES:
        return chosen, True
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in LANGUAGE_CODES:
        return cookie, False
    return (default if default in LANGUAGE_CODES else settings.LANGUAGE_CODE), False


def _private(response: HttpResponse) -> HttpResponse:
    """The customer's pages carry the order's data and the token: not cached, not indexed, and the
    token never leaves for another site in a Referer header. `same-origin`, not `no-referrer`: with
    no-referrer browsers send `Origin: null` on a form's POST, which Django's CSRF check refuses."""
    patch_cache_control(response, no_store=True, private=True)
    response.headers.pop("Expires", None)
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def link_invalid_page(request: HttpRequest, error: selectors.LinkInvalid, language: str) -> HttpResponse:
    with translation.override(language):
        response = render(request, "portal/invalid.html", {"expired": error.expired, "message": error.message},
                          status=404)
    return _private(response)


def portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve the `token` argument to `request.portal_link` / `request.portal_order` (and
    `request.portal_token`, `request.portal_sections` for the base template), or answer the
    "not valid" page. See the module's docstring."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            link = selectors.link_from_token(token)
        except selectors.LinkInvalid as e:
            return link_invalid_page(request, e, portal_language(request, settings.LANGUAGE_CODE)[0])
        language, chosen = portal_language(request, link.language)
        req: Any = request
        req.portal_link, req.portal_order, req.portal_token = link, link.order, token
        req.portal_sections = SimpleLazyObject(lambda: portal_sections(link.order, token, request.path))
        if request.method == "GET" and not request.headers.get("HX-Request"):
            services.portal_link_use(link=link)
        with translation.override(language):
            req.LANGUAGE_CODE = language
            response = view(request, token, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if chosen:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                                samesite="Lax", secure=request.is_secure())
        response.headers["Content-Language"] = language
        return _private(response)

    return wrapper
