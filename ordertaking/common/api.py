"""What every router of the JSON API shares: the one error shape, the one body parser, the one
way of paging a list, and the touches that make the OpenAPI schema one a generated client can trust.

The project's API object (ordertaking/api.py) is built from these; the apps' routers use `Paged`
and `Mapped` for their lists. Nothing here knows any app.

Errors: every 4xx (and the rare 5xx) under /api/v1 is `{"code", "message", "field"}` (ErrorOut),
sometimes with `errors` (each invalid field) or `details`.

Paging: every list is `?page=&page_size=` → `{"items", "count", "page", "page_size"}`; `count` is the
total, `page_size` at most 200 (a larger one is a 422, never a silent cap).

PATCH bodies: a field that may be left out but is never null is `NonNull[X] = None` in a `PatchIn`;
the schema shows it as a plain X (no null branch, no null default), an explicit null is a 422 naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, TypeVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from ninja.parser import Parser
from pydantic import BeforeValidator, ConfigDict, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError

from .errors import ValidationFailed

API_PREFIX = "/api/v1/"
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200


class ErrorOut(Schema):
    """The one error shape of the API. `field` names the input at fault (dotted path), when one is."""

    model_config = ConfigDict(extra="allow", title="ErrorOut")

    code: str = Field(..., description="stable machine-readable code, e.g. invalid_transition")
    message: str = Field(..., description="human-readable explanation, in the request's language")
    field: str | None = Field(None, description="the input at fault, as a dotted path; null when none")


# Messages of the errors the API object answers itself (ordertaking/api.py), kept here for the catalogue.
MESSAGES = {
    "csrf_failed": gettext_lazy("CSRF check failed: a browser session must send its CSRF token."),
    "too_large": gettext_lazy("The request is too large."),
    "conflict": gettext_lazy("The request conflicts with stored data (it may already exist); reload and retry."),
    "constraint_violated": gettext_lazy("A value in the request is not allowed."),
    "not_authenticated": gettext_lazy("Authentication required: send a valid API token or log in."),
    "out_of_range": gettext_lazy("A number in the request is out of range."),
}


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, **extra}


# --- the body parser ----------------------------------------------------------------------------------

class BodyRefused(ValidationFailed):
    """A body the parser refuses, with its own code (django-ninja wraps parser errors in a 400;
    the API's HttpError handler unwraps this one)."""

    status = 400


def _surrogate_path(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The path of the first string (value or key) holding a lone UTF-16 surrogate, else None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _surrogate_path(k, (*path, str(k).encode("utf-8", "replace").decode()))
            if found is not None:
                return found
            found = _surrogate_path(v, (*path, str(k).encode("utf-8", "replace").decode()))
            if found is not None:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _surrogate_path(v, (*path, str(i)))
            if found is not None:
                return found
    return None


class StrictJSONParser(Parser):
    """JSON bodies as the server can store them: UTF-8 only (no encoded surrogates, which Python's
    json module would let through), a JSON object at the top (a list, string, number or null is
    not a patch), and no lone UTF-16 surrogate (`"\\ud800"`) in any string."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BodyRefused(_("The request body is not valid UTF-8."), code="invalid_encoding") from None
        try:
            data = json.loads(text)
        except ValueError:
            raise BodyRefused(_("The request body is not valid JSON."), code="invalid_json") from None
        if not isinstance(data, dict):
            raise BodyRefused(_("The request body must be a JSON object."), code="body_not_object")
        bad = _surrogate_path(data)
        if bad is not None:
            raise ValidationFailed(_("The text contains an invalid character (a lone surrogate)."),
                                   code="invalid_text", field=".".join(bad) or None)
        return data


# --- PATCH fields: may be absent, never null ------------------------------------------------------

T = TypeVar("T")


def _refuse_null(value: Any) -> Any:
    """Absent fields keep their default without being validated; only an explicit null reaches here."""
    if value is None:
        message = _("Leave the field out to keep it unchanged; it cannot be null.")
        raise PydanticCustomError("null_refused", str(message))
    return value


class _NoNullBranch:
    """Drops the `null` branch pydantic documents for `X | None` (the validator refuses null)."""

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        js = dict(handler(schema))
        branches = [b for b in js.get("anyOf", []) if b != {"type": "null"}]
        if "anyOf" in js and len(branches) == 1:
            del js["anyOf"]
            js.update(branches[0])
        return js


# `name: NonNull[str] = Field(None, max_length=50)`: Python sees `str | None` (None = left out), the schema
# and the validator a plain string.
NonNull = Annotated[T | None, BeforeValidator(_refuse_null), _NoNullBranch()]


def _drop_null_defaults(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None and not any(b == {"type": "null"} for b in prop.get("anyOf", [])):
            del prop["default"]


class PatchIn(Schema):
    """A PATCH body: every field may be left out (unchanged); `NonNull` ones are never null."""

    model_config = ConfigDict(json_schema_extra=_drop_null_defaults)


def choice(choices: Any, default: Any = ..., **kwargs: Any) -> Any:
    """A text field that takes one of a TextChoices' values, declared as an enum in the schema (the
    service checks it, and answers 422 with the field)."""
    return Field(default, json_schema_extra={"enum": list(choices.values)}, **kwargs)


# --- paging -------------------------------------------------------------------------------------------

class Mapped:
    """A queryset or list whose items are turned into dicts only for the page that is shown."""

    def __init__(self, source: Any, convert: Callable[[Any], Any]) -> None:
        self.source = source
        self.convert = convert

    def count(self) -> int:
        if isinstance(self.source, Sequence):
            return len(self.source)
        return int(self.source.count())

    def __getitem__(self, s: slice) -> list[Any]:
        return [self.convert(x) for x in self.source[s]]

    def __iter__(self) -> Iterator[Any]:  # pragma: no cover - pages are sliced, never iterated whole
        return (self.convert(x) for x in self.source)


class Paged(PaginationBase):
    """The one paging style of the API: `?page=1&page_size=50` → `{items, count, page, page_size}`."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="1-based page number")
        page_size: int = Field(PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX,
                               description=f"items per page, at most {PAGE_SIZE_MAX}")

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="total number of items over all pages")
        page: int
        page_size: int

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        start = (pagination.page - 1) * pagination.page_size
        if isinstance(queryset, Mapped | Sequence):
            total = queryset.count() if isinstance(queryset, Mapped) else len(queryset)
        else:
            total = queryset.count()
        return {"items": queryset[start:start + pagination.page_size], "count": total,
                "page": pagination.page, "page_size": pagination.page_size}


# --- errors outside django-ninja's reach -------------------------------------------------------------

STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
                500: "server_error"}


class ApiErrorShapeMiddleware:
    """Under /api/v1, an error answered by Django itself (an unknown path, a method the path does not
    take, a body too large, a server error) comes back in the API's one JSON error shape too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code >= 400 and request.path.startswith(API_PREFIX)
                and not response.get("Content-Type", "").startswith("application/json")):
            status = response.status_code
            code = STATUS_CODES.get(status, "error")
            messages = {404: _("There is no such resource."),
                        405: _("This resource does not take the %(method)s method.") % {"method": request.method},
                        413: MESSAGES["too_large"], 500: _("Server error.")}
            body = error_body(code, str(messages.get(status, response.reason_phrase)))
            new = JsonResponse(body, status=status)
            if response.has_header("Allow"):
                new["Allow"] = response["Allow"]
            return new
        return response
