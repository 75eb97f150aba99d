"""Whistleblowing pages (P6.1.b). Thin: each calls one service or selector.

Public (no login, no staff navigation, Chinese or English by ?lang=): the reporting page with the
mailbox and phone, the receipt shown once, the follow-up with receipt code and password and its thread.
The follow-up's report is held in the session after the login, so no code or id is in its URL.
Staff: the investigators' list and report page (each opening logged), the phone entry, and the
leadership's oversight (codes, states, ages only)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.accounts.models import User
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied
from ordertaking.common.net import client_ip
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list

from . import rules, selectors, services
from .forms import (
    FilesForm,
    FilterForm,
    LoginForm,
    MoveForm,
    NamedForm,
    PhoneReportForm,
    QuestionForm,
    ReplyForm,
    ReportForm,
)
from .models import AccessLog, Report
from .states import REPORT

RECEIPT = "wb_receipt"
FOLLOW = "wb_follow"
FOLLOW_MINUTES = 30
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# --- the public pages -----------------------------------------------------------------------------------

def public_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for anyone: its language from ?lang= (remembered), else the cookie, else the browser's; never
    cached, never indexed, no Referer to other sites."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.GET.get("lang", "")
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = (chosen if chosen in LANGUAGE_CODES
                    else cookie if cookie in LANGUAGE_CODES
                    else getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE))
        with translation.override(language):
            req: Any = request
            req.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if chosen in LANGUAGE_CODES:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                                secure=request.is_secure())
        patch_cache_control(response, no_store=True, private=True)
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Content-Language"] = language
        return response

    return wrapper


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _blocked(request: HttpRequest) -> HttpResponse:
    return render(request, "whistleblowing/public_blocked.html", {
        "minutes": rules.limits()["window_minutes"]}, status=429)


def _contact() -> dict[str, str]:
    return {"mailbox": settings.ORDERTAKING_WHISTLEBLOWING_EMAIL, "phone": settings.ORDERTAKING_WHISTLEBLOWING_PHONE}


@require_http_methods(["GET", "POST"])
@public_view
def report_new(request: HttpRequest) -> HttpResponse:
    """P6.1.b: the reporting page, for anyone, anonymous or by name, with files."""
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        limit = rules.limits()["submit_ip"]
        if services.throttle_blocked("submit", _ip(request), limit=limit):
            return _blocked(request)
        services.throttle_count("submit", _ip(request))
        if form.is_valid():
            d = form.cleaned_data
            try:
                report, password = services.report_submit(
                    what=d["what"], when=d["when"], order_numbers=d["order_numbers"], persons=d["persons"],
                    anonymous=d["anonymous"], name=d["name"], contact=d["contact"], files=d["evidence"])
            except DomainError as e:
                put_error(form, e)
            else:
                request.session[RECEIPT] = {"code": report.code_display, "password": rules.grouped(password)}
                return redirect("whistleblowing:receipt")
    return render(request, "whistleblowing/public_report.html", {"form": form, **_contact()},
                  status=422 if form.errors else 200)


@require_GET
@public_view
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt code and password, shown once: the session forgets them as the page is shown."""
    shown = request.session.pop(RECEIPT, None)
    return render(request, "whistleblowing/public_receipt.html", {"receipt": shown, **_contact()})


@require_http_methods(["GET", "POST"])
@public_view
def follow_up(request: HttpRequest) -> HttpResponse:
    """The reporter signs in to their report with receipt code and password (rate-limited per address and
    per code; a wrong code and a wrong password get the same answer)."""
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        lim = rules.limits()
        code = rules.normalise(request.POST.get("code", ""))
        if (services.throttle_blocked("login", _ip(request), limit=lim["login_ip"])
                or (code and services.throttle_blocked("code", code, limit=lim["login_code"]))):
            return _blocked(request)
        services.throttle_count("login", _ip(request))
        if form.is_valid():
            try:
                report = services.report_login(code=form.cleaned_data["code"], password=form.cleaned_data["password"])
            except DomainError as e:
                if code:
                    services.throttle_count("code", code)
                form.add_error(None, str(e.message))
            else:
                request.session.cycle_key()
                request.session[FOLLOW] = {"id": report.pk, "at": time.time()}
                return redirect("whistleblowing:thread")
    return render(request, "whistleblowing/public_login.html", {"form": form, **_contact()},
                  status=422 if form.errors else 200)


def _followed(request: HttpRequest) -> Report | None:
    held = request.session.get(FOLLOW)
    if not isinstance(held, dict) or time.time() - float(held.get("at", 0)) > FOLLOW_MINUTES * 60:
        request.session.pop(FOLLOW, None)
        return None
    held["at"] = time.time()
    request.session[FOLLOW] = held
    return Report.objects.filter(pk=int(held.get("id") or 0)).first()


@require_http_methods(["GET", "POST"])
@public_view
def thread(request: HttpRequest) -> HttpResponse:
    """The reporter's view of their report: its state, the investigator's questions, their own answers and
    information; they may add more while it is open."""
    report = _followed(request)
    if report is None:
        messages.info(request, _("Enter your receipt code and password again."))
        return redirect("whistleblowing:follow_up")
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reporter_add(report=report, text=form.cleaned_data["text"], files=form.cleaned_data["evidence"])
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, _("Thank you: the investigator can read it now."))
            return redirect("whistleblowing:thread")
    return render(request, "whistleblowing/public_thread.html", {
        "report": report, "thread": selectors.thread(report), "files": selectors.files(report), "form": form,
        "steps": _steps(report)}, status=422 if form.errors else 200)


@require_POST
@public_view
def follow_up_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(FOLLOW, None)
    return redirect("whistleblowing:follow_up")


def _steps(report: Report) -> list[dict[str, Any]]:
    R = Report.State
    order = [R.RECEIVED, R.ASSESSED, R.INVESTIGATING, R.CONCLUDED, R.ACTION_TAKEN]
    if report.state == R.UNFOUNDED:
        order = [R.RECEIVED, R.UNFOUNDED]
    at = order.index(R(report.state))
    return [{"label": s.label, "done": i < at or (i == at and not report.is_open), "current": i == at}
            for i, s in enumerate(order)]


# --- the investigators -----------------------------------------------------------------------------------

@login_required
@domain_errors
@require_GET
def reports(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.may_investigate(user):
        if selectors.may_oversee(user):
            return redirect("whistleblowing:oversight")
        return forbidden(request, _("Only the designated investigators read whistleblowing reports (P6.1.b)."))
    form = FilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {"state": form.cleaned_data["state"], "overdue": form.cleaned_data["overdue"],
                   "q": form.cleaned_data["q"]}
    qs = selectors.report_list(user, **filters)
    page = list_page(request, qs, page_size=50)
    now = timezone.now()
    rows = [{"r": r, **selectors.status_of(r, now)} for r in page.page]
    return render_list(request, "whistleblowing/list.html", {**page.context(), "rows": rows, "form": form})


@login_required
@domain_errors
@require_GET
def oversight(request: AuthedRequest) -> HttpResponse:
    """P6.1.b for leadership: that every report is handled (code, state, age, overdue), nothing else."""
    form = FilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {"state": form.cleaned_data["state"], "overdue": form.cleaned_data["overdue"]}
    qs = selectors.oversight_list(request.user, **filters)
    page = list_page(request, qs, page_size=50)
    now = timezone.now()
    rows = [{"r": r, **selectors.status_of(r, now)} for r in page.page]
    return render_list(request, "whistleblowing/oversight.html", {
        **page.context(), "rows": rows, "form": form, "counts": selectors.oversight_counts()})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def phone_new(request: AuthedRequest) -> HttpResponse:
    """P6.1.b: a report received on the reporting phone, entered by an investigator."""
    if not selectors.may_investigate(request.user):
        return forbidden(request, _("Only the designated investigators handle whistleblowing reports (P6.1.b)."))
    form = PhoneReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report, password = services.report_phone_enter(
                actor=request.user, what=d["what"], when=d["when"], order_numbers=d["order_numbers"],
                persons=d["persons"], anonymous=d["anonymous"], name=d["name"], contact=d["contact"])
        except PermissionDenied:
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            request.session[RECEIPT] = {"code": report.code_display, "password": rules.grouped(password),
                                        "staff": report.receipt_code}
            return redirect("whistleblowing:phone_receipt")
    return render(request, "whistleblowing/phone_form.html", {"form": form, **_contact()},
                  status=422 if form.errors else 200)


@login_required
@domain_errors
@require_GET
def phone_receipt(request: AuthedRequest) -> HttpResponse:
    if not selectors.may_investigate(request.user):
        return forbidden(request, _("Only the designated investigators handle whistleblowing reports (P6.1.b)."))
    shown = request.session.pop(RECEIPT, None)
    return render(request, "whistleblowing/phone_receipt.html", {"receipt": shown})


def _named_users(report: Report) -> Any:
    return User.objects.filter(is_active=True).order_by("display_name", "username")


def _detail_ctx(request: AuthedRequest, report: Report, **forms: Any) -> dict[str, Any]:
    return {"report": report, "moves": selectors.available_moves(request.user, report),
            "thread": selectors.thread(report), "files": selectors.files(report),
            "accesses": selectors.access_log(report), "named": list(report.named_users.order_by("display_name")),
            "status": selectors.status_of(report),
            "move_form": forms.get("move_form") or MoveForm(),
            "question_form": forms.get("question_form") or QuestionForm(),
            "files_form": forms.get("files_form") or FilesForm(),
            "named_form": forms.get("named_form") or NamedForm(
                users=_named_users(report), initial={"users": [u.pk for u in report.named_users.all()]}),
            "failed_verb": forms.get("verb", "")}


@login_required
@domain_errors
@require_GET
def detail(request: AuthedRequest, code: str) -> HttpResponse:
    """A report for an investigator; the opening is logged (who, when) and audited."""
    report = selectors.report_for(request.user, code)
    services.report_open(actor=request.user, report=report)
    return render(request, "whistleblowing/detail.html", _detail_ctx(request, report))


def _back(request: Any, code: str, *args: Any) -> str:
    return reverse("whistleblowing:detail", args=[code])


@login_required
@require_POST
@domain_errors(back=_back)
def act(request: AuthedRequest, code: str, verb: str) -> HttpResponse:
    """One step of the investigation, a question, files, or the persons named."""
    user = request.user
    report = selectors.report_for(user, code)
    form: Any
    key = "move_form"
    if verb == "ask":
        form, key = QuestionForm(request.POST), "question_form"
    elif verb == "files":
        form, key = FilesForm(request.POST, request.FILES), "files_form"
    elif verb == "named":
        form, key = NamedForm(request.POST, users=_named_users(report)), "named_form"
    elif verb in REPORT.moves:
        form = MoveForm(request.POST)
    else:
        raise NotFound(_("Unknown step."))
    if form.is_valid():
        d = form.cleaned_data
        try:
            if verb == "ask":
                services.question_ask(actor=user, report=report, text=d["text"])
                done = _("Question sent; the reporter reads it with their receipt code.")
            elif verb == "files":
                services.evidence_add(actor=user, report=report, files=d["evidence"])
                done = _("Files added.")
            elif verb == "named":
                services.named_set(actor=user, report=report, users=d["users"])
                if report.named_users.filter(pk=user.pk).exists():
                    messages.info(request, _("The report names you: it is no longer visible to you."))
                    return redirect("whistleblowing:list")
                done = _("The persons named are recorded.")
            else:
                services.report_move(actor=user, report=report, verb=verb, note=d["note"])
                done = _("Report %(code)s: %(state)s.") % {
                    "code": report.code_display, "state": Report.State(REPORT.moves[verb].target).label}
        except (PermissionDenied, NotFound):
            raise
        except DomainError as e:
            put_error(form, e)
        else:
            messages.success(request, done)
            return redirect("whistleblowing:detail", code=report.receipt_code)
    report.refresh_from_db()
    return render(request, "whistleblowing/detail.html", _detail_ctx(request, report, verb=verb, **{key: form}),
                  status=422)


@login_required
@domain_errors
@require_GET
def evidence(request: AuthedRequest, ref: str) -> Any:
    """A report's file, for an investigator who may see the report; the download is logged."""
    ev = selectors.evidence_for(request.user, ref)
    services.report_open(actor=request.user, report=ev.report, what=AccessLog.What.FILE)
    response = FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.original_name,
                            content_type=ev.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
