"""The home page: each role's own work queues and shortcuts (P3: every role sees the work its duties give it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import queues

# (url name, label, icon, capability ("a|b": any of them) or None): shortcuts on the home page.
SHORTCUTS: list[tuple[str, Any, str, str | None]] = [
    ("orders:new", gettext_lazy("New order"), "bi-plus-square", "order_enter"),
    ("inquiries:new", gettext_lazy("New inquiry"), "bi-telephone-plus", "inquiry_record"),
    ("customers:new", gettext_lazy("New customer"), "bi-building-add", "customer_manage"),
    ("orders:list", gettext_lazy("Find an order"), "bi-search", "order_enter|order_view_all"),
    ("audit:list", gettext_lazy("Audit log"), "bi-journal-text", "audit_view"),
]


def _shortcuts(user: Any) -> list[dict[str, Any]]:
    return [{"url": reverse(name), "label": label, "icon": icon}
            for name, label, icon, cap in SHORTCUTS
            if not cap or any(user.has_perm(f"accounts.{c}") for c in cap.split("|"))]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's own work queues (P3: every role sees the work its duties give it)."""
    return render(request, "home/home.html", {"queues": queues.queues_for(request.user),
                                              "shortcuts": _shortcuts(request.user),
                                              "today": timezone.localdate()})


@login_required
def regulation(request: HttpRequest) -> HttpResponse:
    """The regulation clause by clause in the reader's language; every clause badge links here (#P2.3.c)."""
    from django.utils.translation import get_language

    from ordertaking.common.regulation import CLAUSES

    lang = get_language() or "zh-hans"
    rows = [{"id": c.id, "level": c.level, "title": c.title(lang), "text": c.text(lang)} for c in CLAUSES]
    return render(request, "home/regulation.html", {"clauses": rows})
