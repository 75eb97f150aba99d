"""The import pages: the list of imports, the upload with the templates, the batch page (progress
polled with HTMX, then the preview of every row with its errors, the two ways to import, the
result). Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import NotFound, ValidationFailed
from ordertaking.common.pages import domain_errors, forbidden, list_page, put_error, render_list

from . import selectors, services
from .forms import UploadForm
from .kinds import KINDS
from .models import ImportBatch
from .template import template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kinds(user: Any) -> list[tuple[str, Any]]:
    return [(k.key, k.label) for k in KINDS.values() if services.may_import(user, k)]


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    try:
        return selectors.batch_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e


@login_required
def imports_list(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request.user)
    if not kinds:
        return forbidden(request, _("You may not import data."))
    batches = selectors.batches_visible(user=request.user)
    return render_list(request, "imports/list.html", {**list_page(request, batches, page_size=25).context(),
                                                      "kinds": kinds})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def import_upload(request: AuthedRequest) -> HttpResponse:
    kinds = _kinds(request.user)
    if not kinds:
        return forbidden(request, _("You may not import data."))
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # an oversized file is not read: check_file refuses it by its size
            content = b"" if upload.size > services.parse.MAX_BYTES else upload.read()
            try:
                services.parse.check_file(name=upload.name, size=upload.size)
                batch = services.batch_upload(actor=request.user, kind=form.cleaned_data["kind"],
                                              file_name=upload.name, content=content)
            except ValidationFailed as e:
                put_error(form, e)
            else:
                return redirect("imports:detail", pk=batch.pk)
        status = 422
    else:
        initial = request.GET.get("kind")
        form = UploadForm(kinds=kinds, initial={"kind": initial if initial in dict(kinds) else kinds[0][0]})
    return render(request, "imports/upload.html", {
        "form": form, "kinds": [KINDS[k] for k, _label in kinds], "max_mb": services.parse.MAX_BYTES // 2**20,
        "max_rows": services.parse.MAX_ROWS}, status=status)


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS.get(kind)
    if k is None:
        raise Http404
    if not services.may_import(request.user, k):
        return forbidden(request, _("You may not import data."))
    response = HttpResponse(template_bytes(k), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{k.key}.xlsx"'
    return response


def _detail_context(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    errors_only = request.GET.get("errors") == "1"
    page = list_page(request, selectors.batch_rows(batch=batch, errors_only=errors_only), page_size=50)
    rows = [selectors.row_view(user=request.user, batch=batch, row=r) for r in page.page]
    kind = selectors.kind_of(batch)
    may_commit = batch.created_by_id == request.user.pk and services.may_import(request.user, kind)
    return {**page.context(), "batch": batch, "kind": kind, "rows": rows, "errors_only": errors_only,
            "may_commit": may_commit, "running": batch.state in ("uploaded", "validating", "importing")}


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render_list(request, "imports/detail.html", _detail_context(request, batch))


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by the page while a job runs; when it ends, the page reloads."""
    batch = _batch(request, pk)
    response = render(request, "imports/detail.html#progress", {"batch": batch, "running": batch.state in (
        "uploaded", "validating", "importing")})
    if batch.state not in ("uploaded", "validating", "importing") and request.GET.get("poll"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
@domain_errors
def import_commit(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    mode = request.POST.get("mode", "")
    if mode == ImportBatch.Mode.VALID and request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the box to confirm that the rows with errors are left out."))
        return redirect("imports:detail", pk=batch.pk)
    batch = services.batch_commit(actor=request.user, batch=batch, mode=mode)
    if batch.state == ImportBatch.State.DONE:
        messages.success(request, _("Imported: %(n)s rows.") % {"n": batch.rows_imported})
    elif batch.outcome == "rows_refused":
        messages.error(request, _("Nothing was imported: some rows are no longer valid. See their errors below."))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
@domain_errors
def import_recheck(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    services.batch_recheck(actor=request.user, batch=batch)
    return redirect("imports:detail", pk=batch.pk)
