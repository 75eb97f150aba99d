"""/api/v1/imports: Excel import (issue 12, "Excel in and out"). Upload a workbook (multipart), follow
its check (status and progress), read the preview rows with their errors in the caller's language,
confirm (all rows or nothing, or only the valid rows), download the templates. Same services and
selectors as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed

from . import parse, selectors, services
from .kinds import KINDS
from .models import ImportBatch
from .template import template_bytes

router = Router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportOut(Schema):
    id: int
    kind: str = choice(ImportBatch.Kind)
    kind_label: str
    file_name: str
    uploaded_by: str
    uploaded_at: datetime
    state: str = choice(ImportBatch.State)
    state_label: str
    mode: str = Field(..., description="all (all rows or nothing) or valid (only the valid rows); empty "
                                       "until confirmed")
    rows_total: int
    rows_checked: int = Field(..., description="progress of the check: rows checked so far")
    percent: int
    rows_invalid: int
    rows_imported: int
    nothing_written_because: str = Field(..., description="rows_refused (a row became invalid at import "
                                                          "time) or error (the import broke off); empty otherwise")


class ImportRowErrorOut(Schema):
    column: str = Field(..., description="the column's key; empty for the row as a whole")
    column_label: str
    message: str = Field(..., description="in the caller's language")


class ImportRowOut(Schema):
    row: int = Field(..., description="the row number in the sheet")
    cells: dict[str, str] = Field(..., description="column key -> the cell as typed (masked for others than "
                                                   "the uploader, P4.1.c)")
    valid: bool
    errors: list[ImportRowErrorOut]
    result: str = Field(..., description="after the import: created, updated, unchanged or skipped")
    record: str


class ImportCommitIn(Schema):
    mode: str = choice(ImportBatch.Mode)


class ImportUploadIn(Schema):
    kind: str = choice(ImportBatch.Kind)


def _out(b: ImportBatch) -> dict[str, Any]:
    return {"id": b.pk, "kind": b.kind, "kind_label": str(b.get_kind_display()), "file_name": b.file_name,
            "uploaded_by": str(b.created_by), "uploaded_at": b.created_at, "state": b.state,
            "state_label": str(b.get_state_display()), "mode": b.mode, "rows_total": b.rows_total,
            "rows_checked": b.rows_done, "percent": b.percent, "rows_invalid": b.rows_invalid,
            "rows_imported": b.rows_imported, "nothing_written_because": b.outcome}


@router.get("", response=list[ImportOut], summary="Imports one may see")
@paginate(Paged)
def import_list(request: HttpRequest) -> Any:
    return Mapped(selectors.batches_visible(user=request.user), _out)


@router.post("", response={201: ImportOut}, summary="Upload a workbook to import (multipart)")
def import_upload(request: HttpRequest, payload: Form[ImportUploadIn],
                  file: File[UploadedFile] = None) -> Status:  # type: ignore[assignment]
    """multipart/form-data: `kind` (customers, contacts, products, prices) and `file` (.xlsx, at most
    5 MB and 5000 rows). The rows are checked by a job: follow `GET /imports/{id}`; nothing is written."""
    if file is None:
        raise ValidationFailed("Choose a file.", code="required", field="file")
    parse.check_file(name=file.name or "", size=file.size or 0)
    batch = services.batch_upload(actor=request.user, kind=payload.kind, file_name=file.name or "",  # type: ignore[arg-type]
                                  content=file.read())
    batch.refresh_from_db()
    return Status(201, _out(batch))


@router.get("/templates/{kind}", summary="The template of one kind of import (xlsx)",
            openapi_extra={"responses": {200: {"description": "the template workbook",
                                               "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS.get(kind)
    if k is None:
        raise NotFound("unknown kind of import", field="kind")
    if not services.may_import(request.user, k):
        raise PermissionDenied("You may not import this.")
    response = HttpResponse(template_bytes(k), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{k.key}.xlsx"'
    return response


@router.get("/{int:pk}", response=ImportOut, summary="One import: state and progress")
def import_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(selectors.batch_get(user=request.user, pk=pk))


@router.get("/{int:pk}/rows", response=list[ImportRowOut], summary="The preview: each row with its errors")
@paginate(Paged)
def import_rows(request: HttpRequest, pk: int, errors_only: bool = False) -> Any:
    batch = selectors.batch_get(user=request.user, pk=pk)

    def out(row: Any) -> dict[str, Any]:
        view = selectors.row_view(user=request.user, batch=batch, row=row)
        return {"row": view["number"], "cells": {c["key"]: c["value"] for c in view["cells"]},
                "valid": view["valid"], "result": row.outcome, "record": view["record"],
                "errors": [{"column": m["col"], "column_label": m["column"], "message": m["message"]}
                           for m in view["messages"]]}

    return Mapped(selectors.batch_rows(batch=batch, errors_only=errors_only), out)


@router.post("/{int:pk}/commit", response={202: ImportOut}, summary="Import the checked rows")
def import_commit(request: HttpRequest, pk: int, payload: ImportCommitIn) -> Status:
    """`mode`: `all` writes every row or nothing (refused while a row has errors); `valid` writes only
    the valid rows. The rows are checked again as they are written; follow `GET /imports/{id}`."""
    batch = selectors.batch_get(user=request.user, pk=pk)
    batch = services.batch_commit(actor=request.user, batch=batch, mode=payload.mode)  # type: ignore[arg-type]
    return Status(202, _out(batch))
