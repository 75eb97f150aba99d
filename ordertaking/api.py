"""The JSON API under /api/v1 (django-ninja), with one error shape for every failure:

    {"code": "invalid_transition", "message": "...", "field": "state"}

Unknown → 404, not allowed → 403, wrong state → 409, invalid → 422/400. Never a 500
for bad input. Authentication: `Authorization: Bearer ot_…` (API token) or the
browser session (with CSRF).
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from ordertaking.accounts.services import api_token_authenticate
from ordertaking.amendments import api as amendments_api
from ordertaking.archive import api as archive_api
from ordertaking.assessment import api as assessment_api
from ordertaking.attachments import api as attachments_api
from ordertaking.audit import api as audit_api
from ordertaking.catalog import api as catalog_api
from ordertaking.common.api import MESSAGES, ErrorOut, StrictJSONParser, error_body
from ordertaking.common.api_schema import tidy_openapi
from ordertaking.common.errors import DomainError
from ordertaking.confidentiality import api as confidentiality_api
from ordertaking.credit import api as credit_api
from ordertaking.customers import api as customers_api
from ordertaking.deliveries import api as deliveries_api
from ordertaking.deliveries import voucher_api as deliveries_voucher_api
from ordertaking.feedback import api as feedback_api
from ordertaking.finance import api as finance_api
from ordertaking.fulfilment import api as fulfilment_api
from ordertaking.imports import api as imports_api
from ordertaking.inquiries import api as inquiries_api
from ordertaking.legal import api as legal_api
from ordertaking.logistics import api as logistics_api
from ordertaking.notifications import api as notifications_api
from ordertaking.orders import api as orders_api
from ordertaking.portal import api as portal_api
from ordertaking.production import api as production_api
from ordertaking.reports import api as reports_api
from ordertaking.review import api as review_api
from ordertaking.supervision import api as supervision_api
from ordertaking.tracking import api as tracking_api
from ordertaking.whistleblowing import api as whistleblowing_api


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # No logged-in session: nothing to check CSRF for; the request is unauthenticated (401),
        # not a CSRF failure. With a session, an unsafe method must carry the CSRF token.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "csrf_failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class LocalSwagger(Swagger):
    """Swagger UI served from our own static files (`static/vendor/swagger-ui-dist-*`): the docs page
    must work on a network that cannot reach a CDN, and ninja's own template falls back to one."""

    template = "common/api_docs.html"

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings, indent=1), "api": api,
                   "add_csrf": any(getattr(a, "csrf", False) for a in api.auth or [])}
        return render(request, self.template, context)


def docs_login_required(view: Any) -> Any:
    """The schema and Swagger page describe every endpoint: in production only for signed-in users
    (ORDERTAKING_API_DOCS_PUBLIC, off in production), read at request time."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not settings.ORDERTAKING_API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


class OrdertakingAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Short, stable ids (`order_create`): the view's name, unique across the API (a test checks)."""
        return operation.view_func.__name__.strip("_")

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return tidy_openapi(schema, ErrorOut)


api = OrdertakingAPI(
    title="ordertaking API",
    version="1",
    description=(
        "Order management enforcing the order-taking regulation (接单制度规范).\n\n"
        "**Errors**: every 4xx is JSON `{code, message, field}` (ErrorOut): 400 body not a JSON object / not "
        "UTF-8, 401 not authenticated, 403 refused (role, segregation of duties, CSRF), 404 unknown or not "
        "visible, 409 wrong state or conflict, 422 invalid input (`field` names it).\n\n"
        "**Lists** page one way: `?page=1&page_size=50` (at most 200) → `{items, count, page, page_size}`, "
        "`count` being the total.\n\n"
        "**Money and quantities** are decimal strings (`\"1234.50\"`).\n\n"
        "**Approval**: `state: credit_hold` (`approved: false`) means the order is held for credit, NOT approved."
    ),
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=LocalSwagger(),
    docs_decorator=docs_login_required,
    parser=StrictJSONParser(),
)

__all__ = ["api", "error_body"]


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if exc.retry_after:  # a 503: when to try again
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", [])
               if p not in ("body", "query", "path", "payload", "data", "form", "file")]
        errors.append({"field": ".".join(loc) or None, "message": e.get("msg", "invalid"),
                       "type": e.get("type")})
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    body = error_body("validation_error", f"{first['field'] or 'input'}: {first['message']}", first["field"],
                      errors=errors)
    return api.create_response(request, body, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number too large for the database (an id of 40 digits, say) is bad input, not a server error:
    SQLite raises OverflowError before the query runs, PostgreSQL a DataError (out of range)."""
    return api.create_response(
        request, error_body("out_of_range", str(MESSAGES["out_of_range"])), status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, error_body("not_authenticated", str(MESSAGES["not_authenticated"])),
                               status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("not_found", str(exc) or "not found"), status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, DomainError):  # the body parser's refusals (ordertaking.common.api)
        return on_domain_error(request, cause)
    if isinstance(cause, RequestDataTooBig):
        return on_too_large(request, cause)
    if str(exc) == "csrf_failed":
        return api.create_response(request, error_body(
            "csrf_failed", str(MESSAGES["csrf_failed"])), status=403)
    return api.create_response(request, error_body("http_error", str(exc)), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, error_body("too_large", str(MESSAGES["too_large"])), status=413)


# A unique or check constraint the database enforces, reached by input the services did not
# refuse first (two writers racing for one value, say). Known constraints get their own code.
INTEGRITY_CODES: dict[str, tuple[int, str, str | None]] = {}


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    text = str(exc)
    for name, (status, code, field) in INTEGRITY_CODES.items():
        if name in text:
            return api.create_response(request, error_body(code, str(MESSAGES["conflict"]), field), status=status)
    if "CHECK" in text.upper() or "NOT NULL" in text.upper():
        return api.create_response(request, error_body(
            "constraint_violated", str(MESSAGES["constraint_violated"])), status=422)
    return api.create_response(request, error_body("conflict", str(MESSAGES["conflict"])), status=409)


# Each app brings its own router (api.py); listed here so the layout is visible. This module is
# project level, above every app (docs/conventions.md), so it imports the routers directly.
# Review actions act on an order: /api/v1/orders/{number}/approve etc. Registered before the orders
# router: Django takes the first matching path, and the orders router's `/{number}` would otherwise
# swallow the literal `/special-approvals`. The audit log is read only (P6.1.a).
for _prefix, _router, _tag in [
    ("/customers", customers_api.router, "customers"),
    ("/customers", finance_api.customers_router, "finance"),
    ("/catalog", catalog_api.router, "catalog"),
    ("/inquiries", inquiries_api.router, "inquiries"),
    ("/orders", review_api.router, "review"),
    ("/orders", tracking_api.order_router, "tracking"),
    ("/orders", amendments_api.router, "amendments"),
    ("/orders", portal_api.order_router, "portal"),
    ("/orders", orders_api.router, "orders"),
    ("/credit", credit_api.router, "credit"),
    ("/credit", finance_api.credit_router, "credit"),
    ("/finance", finance_api.router, "finance"),
    ("/audit", audit_api.router, "audit"),
    ("/risks", tracking_api.router, "tracking"),
    ("/notifications", notifications_api.router, "notifications"),
    ("/tasks", fulfilment_api.router, "tasks"),
    ("/assignment-rules", fulfilment_api.rules_router, "tasks"),
    ("/holidays", fulfilment_api.holidays_router, "tasks"),
    ("/logistics", logistics_api.router, "logistics"),
    ("/production-orders", production_api.router, "production"),
    ("/inspections", production_api.inspections_router, "production"),
    ("/attachments", attachments_api.router, "attachments"),
    ("/access", confidentiality_api.router, "confidentiality"),
    ("/deliveries", deliveries_api.router, "deliveries"),
    ("/deliveries", deliveries_voucher_api.router, "deliveries"),
    ("/feedback", feedback_api.router, "feedback"),
    ("/archive", archive_api.router, "archive"),
    ("/imports", imports_api.router, "imports"),
    ("/reports", reports_api.router, "reports"),
    ("/legal", legal_api.router, "legal"),
    ("/supervision", supervision_api.router, "supervision"),
    ("/whistleblowing", whistleblowing_api.router, "whistleblowing"),
    ("/assessment", assessment_api.router, "assessment"),
    # The customer's pages in JSON, by the private link's token (no account): /api/v1/portal/{token}/...
    ("/portal", portal_api.router, "portal"),
]:
    api.add_router(_prefix, _router, tags=[_tag])
