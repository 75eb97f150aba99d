"""The audit log page (P6.1.a): read only, filtered, paginated. No edit or delete exists anywhere."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ordertaking.common.errors import PermissionDenied
from ordertaking.common.pages import list_page, render_list

from .forms import EventFilterForm
from .labels import action_label
from .selectors import audit_verify, event_search, events_as_read, problem_record_name, subject_url

PAGE_SIZE = 50


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.audit_view"):
        raise DjangoPermissionDenied
    form = EventFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    try:
        events = event_search(user=request.user, **form.filters())
    except PermissionDenied as e:
        raise DjangoPermissionDenied(str(e)) from e
    listed = list_page(request, events, page_size=PAGE_SIZE)
    rows = events_as_read(request.user, listed.page.object_list)  # P4.1.c: masked on read
    for ev in rows:
        ev.url = subject_url(ev)
    context = {**listed.context(), "form": form, "events": rows, "sort": form.filters()["sort"]}
    return render_list(request, "audit/event_list.html", context)


@login_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The auditor's verification of the whole log (P6.1.a): every chain recomputed, every finding in words."""
    try:
        report = audit_verify(user=request.user)
    except PermissionDenied as e:
        raise DjangoPermissionDenied(str(e)) from e
    rows = [{"kind": p.kind, "record": problem_record_name(p), "label": p.subject_label, "seq": p.seq,
             "seq_to": p.seq_to, "event": p.event, "action": action_label(p.event.action) if p.event else "",
             "url": subject_url(p.event) if p.event else "", "detail": p.detail} for p in report.problems]
    return render(request, "audit/verify.html", {"report": report, "rows": rows, "counts": report.counts()})
