"""Attachments' pages (P2.5.b): the card of a record (list + upload form, loaded with HTMX into the order,
customer, voucher and issue pages), the upload and removal behind it, and the download: always as a file,
never shown inline, with the type read from its bytes and nosniff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ordertaking.common.errors import DomainError, NotFound, PermissionDenied

from . import selectors, services
from .models import Attachment
from .targets import AttachmentTarget


def _target(request: HttpRequest, key: str, ref: str) -> tuple[AttachmentTarget, Any]:
    try:
        return selectors.target_get(user=request.user, key=key, ref=ref)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def card_context(user: Any, registered: AttachmentTarget, obj: Any, **extra: Any) -> dict[str, Any]:
    """What `attachments/_card.html` needs (for a page that includes the partial itself)."""
    kinds = [(k, label) for k, label in Attachment.Kind.choices if not registered.kinds or k in registered.kinds]
    files = selectors.card_files(registered, obj, user)
    return {"files": files, "key": registered.key, "ref": registered.ref(obj), "kinds": kinds,
            "can_add": registered.may_add(user, obj), "user_id": user.pk,
            "max_mb": services.max_bytes() // services.MB, "accept": ACCEPT, **extra}


ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.txt"


def _card(request: HttpRequest, registered: AttachmentTarget, obj: Any, *, status: int = 200,
          **extra: Any) -> HttpResponse:
    return render(request, "attachments/_card.html", card_context(request.user, registered, obj, **extra),
                  status=status)


@login_required
@require_GET
def card(request: HttpRequest, key: str, ref: str) -> HttpResponse:
    registered, obj = _target(request, key, ref)
    return _card(request, registered, obj)


@login_required
@require_POST
def upload(request: HttpRequest, key: str, ref: str) -> HttpResponse:
    """HTMX (or a plain POST): the file checked and stored, the card answered again; a refusal is shown
    on the card beside the form (422), nothing stored."""
    registered, obj = _target(request, key, ref)
    try:
        att = services.attachment_add(actor=request.user, target=obj, file=request.FILES.get("file"),
                                      kind=request.POST.get("kind", "")[:20], note=request.POST.get("note", "")[:300])
    except PermissionDenied as e:
        return _card(request, registered, obj, status=403, error=str(e.message))
    except DomainError as e:
        return _card(request, registered, obj, status=e.status, error=str(e.message))
    return _card(request, registered, obj, added=att.original_name)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        att = selectors.attachment_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    registered, obj = _target(request, request.POST.get("key", ""), request.POST.get("ref", ""))
    try:
        services.attachment_remove(actor=request.user, attachment=att, reason=request.POST.get("reason", "")[:300])
    except DomainError as e:
        return _card(request, registered, obj, status=e.status, error=str(e.message))
    return _card(request, registered, obj, removed=att.original_name)


def file_response(att: Attachment) -> FileResponse:
    """The stored bytes as a download: Content-Disposition attachment with the original name, the type
    read from the bytes at upload, nosniff, and a sandbox policy in case a browser renders it anyway."""
    try:
        handle = att.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=att.original_name, content_type=att.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        att = selectors.attachment_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e
    return file_response(att)
