"""The page helpers every app's views share (common/pages.py): one pager, one mapping of domain errors."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.test import RequestFactory

from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.pages import domain_errors, list_page


def _request(path: str = "/x/", **extra: str) -> HttpRequest:
    request = RequestFactory().post(path, **extra)  # type: ignore[arg-type]
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_a_list_page_keeps_filters_and_sort_in_its_links_and_clamps_the_page_number():
    request = RequestFactory().get("/orders/", {"q": "电机", "sort": "-total", "page": "99"})
    lp = list_page(request, list(range(55)), page_size=25)
    assert lp.page.number == 3 and list(lp.page.object_list) == list(range(50, 55))
    assert "page=" not in lp.query and "sort=-total" in lp.query and "q=" in lp.query
    assert "sort=" not in lp.sort_query and "q=" in lp.sort_query


def test_a_list_re_shown_after_a_post_pages_by_the_filters_its_form_sent_along():
    """A decision posted from page 2 of a filtered list answers with that page and filter, not page 1."""
    request = RequestFactory().post("/review/special/7/grant/", {"comment": "同意", "list_page": "2"})
    params = QueryDict(mutable=True)
    params.update({"state": "requested", "page": "2"})
    lp = list_page(request, list(range(30)), page_size=25, params=params)
    assert lp.page.number == 2 and lp.query == "state=requested" and "comment" not in lp.query


def test_p3_a_refused_role_gets_the_403_page_with_the_services_words(db):  # type: ignore[no-untyped-def]
    @domain_errors
    def view(request: HttpRequest) -> HttpResponse:
        raise PermissionDenied("Whoever entered the order cannot approve it.")

    response = view(_request())
    assert response.status_code == 403
    assert "Whoever entered the order cannot approve it." in response.content.decode()


def test_an_object_the_user_may_not_see_is_a_404():
    @domain_errors
    def view(request: HttpRequest) -> HttpResponse:
        raise NotFound("No order SO1.")

    with pytest.raises(Http404):
        view(_request())


def test_a_refused_action_goes_back_to_the_page_it_came_from_with_the_message():
    @domain_errors
    def view(request: HttpRequest) -> HttpResponse:
        raise ValidationFailed("The order is not complete.")

    request = _request(HTTP_REFERER="http://testserver/orders/SO1/")
    response = view(request)
    assert response.status_code == 302 and response["Location"] == "http://testserver/orders/SO1/"
    assert [str(m) for m in get_messages(request)] == ["The order is not complete."]


def test_a_refused_action_never_redirects_to_another_site():
    @domain_errors(back=None)
    def view(request: HttpRequest) -> HttpResponse:
        raise ValidationFailed("No.")

    response = view(_request("/orders/SO1/submit/", HTTP_REFERER="https://evil.example/"))
    assert response["Location"] == "/orders/SO1/submit/"


def test_a_view_may_name_where_a_refusal_goes_back_to():
    @domain_errors(back=lambda request, number: f"/orders/{number}/")
    def view(request: HttpRequest, number: str) -> HttpResponse:
        raise ValidationFailed("No.")

    assert view(_request(), number="SO1")["Location"] == "/orders/SO1/"
