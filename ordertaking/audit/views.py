"""The audit log page (P6.1.a): read only, filtered, paginated. No edit or delete exists anywhere."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ordertaking.common.errors import PermissionDenied

from .forms import EventFilterForm
from .labels import describe_events
from .selectors import event_search, subject_url

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
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = describe_events(page.object_list)
    for ev in rows:
        ev.url = subject_url(ev)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {"form": form, "page": page, "events": rows, "query": query.urlencode(),
               "sort_query": sort_query.urlencode(), "sort": form.filters()["sort"]}
    template = "audit/event_list.html#results" if getattr(request, "htmx", False) else "audit/event_list.html"
    return render(request, template, context)
