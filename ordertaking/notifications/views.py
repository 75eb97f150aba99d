"""The inbox, the unread badge in the top bar, and the user's choices (issue 10). Thin: each view
calls one selector or service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from ordertaking.common.middleware import BACKGROUND_HEADER
from ordertaking.common.pages import domain_errors, list_page, render_list

from . import selectors, services
from .models import EMAIL_BY_DEFAULT, Kind, Notification
from .texts import render as render_text

PAGE_SIZE = 30
POLL_SECONDS = 60
HTMX_STOP_POLLING = 286  # htmx stops polling on this status


def _with_text(items: Any) -> list[Notification]:
    rows = list(items)
    for n in rows:
        n.text = render_text(n.kind, n.params, actor_name=str(n.actor) if n.actor else "")  # type: ignore[attr-defined]
    return rows


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    qs = selectors.inbox(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    lp = list_page(request, qs, page_size=PAGE_SIZE)
    return render_list(request, "notifications/inbox.html", {
        **lp.context(), "items": _with_text(lp.page.object_list), "unread_only": unread_only,
        "unread": selectors.unread_count(request.user)})


@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The bell in the top bar with the unread count; the page polls it every minute (HTMX)."""
    if not request.user.is_authenticated:  # signed out meanwhile: stop polling, show nothing
        return HttpResponse("", status=HTMX_STOP_POLLING)
    return render(request, "notifications/_badge.html", {"unread": selectors.unread_count(request.user),
                                                          "poll": POLL_SECONDS, "background": BACKGROUND_HEADER})


def _safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure())


@login_required
@require_POST
@domain_errors
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Read it and go to what it is about."""
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_read(actor=request.user, notification=n)
    return redirect(n.url if _safe(request, n.url) else "notifications:inbox")


@login_required
@require_POST
@domain_errors
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_read(actor=request.user, notification=n)
    nxt = request.POST.get("next", "")
    return redirect(nxt if _safe(request, nxt) else "notifications:inbox")


@login_required
@require_POST
@domain_errors
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(actor=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def preferences(request: HttpRequest) -> HttpResponse:
    """Per kind: in the app always; by e-mail as the user chooses."""
    if request.method == "POST":
        wanted = {k.value: f"email_{k.value}" in request.POST for k in Kind}
        services.notification_preferences_set(actor=request.user, user=request.user, by_email=wanted)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    choices = selectors.email_choices(request.user)
    rows = [{"kind": k.value, "label": k.label, "by_email": choices[k.value], "default": k in EMAIL_BY_DEFAULT}
            for k in Kind]
    return render(request, "notifications/preferences.html",
                  {"rows": rows, "has_email": bool(getattr(request.user, "email", ""))})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch, and for a signed-in user the choice remembered, so the e-mails
    written to them later (by someone else's action) are in their language."""
    response = set_language(request)
    if request.user.is_authenticated and response.status_code in (200, 204, 302):
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
