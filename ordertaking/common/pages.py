"""What every page view shares (CONVENTIONS: views parse, call one service or selector, render):

- `list_page` / `render_list`: one way to page a list and keep its filters and sort in the links
  (the pager partial `common/_pager.html` and the sortable column headers read `query` and
  `sort_query`), and to answer HTMX with the list's partial only;
- `put_error`: a service's refusal beside the field it names, or above the form;
- `domain_errors`: the decorator that maps what a service raises to the page (403 page, 404, or
  the message on the page the user came from), so action views hold no try/except of their own.

The JSON API has its own mapping (common/errors.py, ninja's exception handlers); this is for pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError, NotFound, PermissionDenied

V = TypeVar("V", bound=Callable[..., HttpResponse])


# --- lists: paging, sorting, HTMX partials ------------------------------------------------------------

@dataclass(frozen=True)
class ListPage:
    page: Page  # type: ignore[type-arg]
    query: str  # the request's filters and sort without `page`: for the pager's links
    sort_query: str  # the filters without `page` and `sort`: for the sortable column headers

    def context(self) -> dict[str, Any]:
        return {"page": self.page, "query": self.query, "sort_query": self.sort_query}


def list_page(request: HttpRequest, items: QuerySet[Any] | Sequence[Any], *, page_size: int,
              params: QueryDict | None = None) -> ListPage:
    """The requested page of `items` (a bad or too-high page number gives the nearest real page).
    `params` stands in for `request.GET` when a POST re-renders the list it came from (its filters
    and page sent along in the form)."""
    params = (request.GET if params is None else params).copy()
    page = Paginator(items, page_size).get_page(params.get("page"))
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    return ListPage(page=page, query=params.urlencode(), sort_query=sort_params.urlencode())


def render_list(request: HttpRequest, template: str, context: dict[str, Any], *, partial: str = "results",
                status: int = 200) -> HttpResponse:
    """The whole page, or only its `partial` when HTMX asks (filters, sorting and paging swap the list)."""
    name = f"{template}#{partial}" if getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


# --- errors from services -----------------------------------------------------------------------------

def put_error(form: forms.BaseForm, error: DomainError, *, fields: Iterable[str] | None = None) -> None:
    """Show a service's refusal beside the field it names, or above the form when no field matches."""
    names = set(fields) if fields is not None else set(form.fields)
    form.add_error(error.field if error.field in names else None, str(error.message))


def forbidden(request: HttpRequest, message: Any = None) -> HttpResponse:
    """The 403 page: the role does not allow this (P3), in words, with the way back."""
    return render(request, "common/forbidden.html", {"message": message}, status=403)


def _back(request: HttpRequest) -> str:
    """Where the user came from when it is this site, else the current path."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure()):
            return candidate
    return request.get_full_path()


def domain_errors(view: V | None = None, *, back: Callable[..., str] | None = None) -> Any:
    """Map what a service raises, and the view did not handle itself, to the page:
    PermissionDenied → the 403 page with its message, NotFound → 404, any other DomainError → its
    message shown on the page the user came from (`back(request, **kwargs)` names it, else the
    referring page of this site). Nothing is half-written: the service's transaction rolled back.

        @login_required
        @require_POST
        @domain_errors(back=lambda request, number: reverse("orders:detail", args=[number]))
        def order_submit(request, number): ...
    """

    def decorate(fn: V) -> V:
        @functools.wraps(fn)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return fn(request, *args, **kwargs)
            except PermissionDenied as e:
                return forbidden(request, e.message)
            except NotFound as e:
                raise Http404(str(e.message)) from e
            except DomainError as e:
                messages.error(request, str(e.message))
                return redirect(back(request, *args, **kwargs) if back else _back(request))

        return wrapper  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate
