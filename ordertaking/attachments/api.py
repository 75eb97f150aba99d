"""The attachments endpoints of the JSON API, mounted in ordertaking/api.py (P2.5.b): a record's files
(list, upload as multipart/form-data), one file's details, its bytes (always a download) and its removal.
A record is named by the key its app registered (`order`, `customer`, …) and its reference (an order's
number, a customer's id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice

from . import selectors, services
from .models import Attachment
from .views import file_response

router = Router()


class FileOut(Schema):
    id: int
    kind: str = choice(Attachment.Kind)
    kind_label: str
    name: str = Field(..., description="the file name as uploaded")
    size: int = Field(..., description="bytes")
    content_type: str = Field(..., description="read from the bytes at upload, served with nosniff")
    sha256: str
    note: str
    order: str | None = Field(None, description="the order it is about")
    uploaded_by: str
    uploaded_at: datetime
    url: str = Field(..., description="the bytes, always as a download")


class FileIn(Schema):
    kind: str = choice(Attachment.Kind)
    note: str = Field("", max_length=300)


class FileRemoveIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


def _out(a: Attachment) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "kind_label": str(a.get_kind_display()), "name": a.original_name,
            "size": a.size, "content_type": a.content_type, "sha256": a.sha256, "note": a.note,
            "order": a.order.number if a.order is not None else None, "uploaded_by": str(a.uploaded_by),
            "uploaded_at": a.uploaded_at, "url": f"/api/v1/attachments/files/{a.pk}/content"}


@router.get("/files/{int:pk}", response=FileOut, summary="One attachment (P2.5.b)")
def attachment_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(selectors.attachment_get(user=request.user, pk=pk))


@router.get("/files/{int:pk}/content", summary="An attachment's bytes, as a download (P2.5.b)",
            openapi_extra={"responses": {200: {"description": "the file, Content-Disposition: attachment",
                                               "content": {"application/octet-stream": {
                                                   "schema": {"type": "string", "format": "binary"}}}}}})
def attachment_content(request: HttpRequest, pk: int) -> Any:
    return file_response(selectors.attachment_get(user=request.user, pk=pk))


@router.post("/files/{int:pk}/remove", response=FileOut, summary="Remove one's own attachment (P2.5.b)")
def attachment_remove(request: HttpRequest, pk: int, payload: FileRemoveIn) -> dict[str, Any]:
    att = selectors.attachment_get(user=request.user, pk=pk)
    att = services.attachment_remove(actor=request.user, attachment=att, reason=payload.reason)
    return _out(att)


@router.get("/{key}/{ref}", response=list[FileOut], summary="A record's attachments (P2.5.b)")
@paginate(Paged)
def attachment_list(request: HttpRequest, key: str, ref: str) -> Any:
    """`key` is the kind of record (`order`, `customer`, …), `ref` its reference (an order number, a
    customer id). For an order: every file about it, its vouchers' and issues' too."""
    registered, obj = selectors.target_get(user=request.user, key=key, ref=ref)
    qs = selectors.order_attachments(obj) if registered.key == "order" else selectors.attachments_of(obj)
    qs = selectors.readable(request.user, qs)
    return Mapped(qs.select_related("order").order_by("-uploaded_at", "-id"), _out)


@router.post("/{key}/{ref}", response={201: FileOut}, summary="Attach a file to a record (P2.5.b)")
def attachment_create(request: HttpRequest, key: str, ref: str, payload: Form[FileIn],
                      file: File[UploadedFile] = None) -> Status:  # type: ignore[assignment]
    """multipart/form-data: `file`, `kind`, `note`. PDF, PNG, JPG, WebP, docx, xlsx or UTF-8 text,
    checked by its bytes; at most ORDERTAKING_ATTACHMENT_MAX_MB (20 MB)."""
    registered, obj = selectors.target_get(user=request.user, key=key, ref=ref)
    att = services.attachment_add(actor=request.user, target=obj, file=file, kind=payload.kind, note=payload.note)
    return Status(201, _out(att))
