"""The one rule for files people upload (P2.5.b and every chapter that takes files): what a file is comes
from its bytes, never from its name or the browser's word for it. Pure functions over plain values: the
first bytes, the size, the names inside a zip (docx/xlsx), tested without a database or storage."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ordertaking.common.errors import ValidationFailed


@dataclass(frozen=True)
class FileType:
    key: str
    label: str  # how the type is named to users: "PDF", "JPG"
    content_type: str  # what the download is served as (with nosniff): the sniffed type, never the client's
    extensions: tuple[str, ...]


TYPES: dict[str, FileType] = {t.key: t for t in (
    FileType("pdf", "PDF", "application/pdf", ("pdf",)),
    FileType("png", "PNG", "image/png", ("png",)),
    FileType("jpeg", "JPG", "image/jpeg", ("jpg", "jpeg")),
    FileType("webp", "WebP", "image/webp", ("webp",)),
    FileType("docx", "Word (docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ("docx",)),
    FileType("xlsx", "Excel (xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ("xlsx",)),
    FileType("txt", "TXT", "text/plain; charset=utf-8", ("txt",)),
)}
IMAGES = ("png", "jpeg", "webp")
ALL = tuple(TYPES)
HEAD_BYTES = 4096  # how much of the file `sniff` reads
# Markers of content a browser would run or render as a page: refused even in a .txt file.
ACTIVE_MARKERS = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head")


def sniff(head: bytes, zip_names: list[str] | None = None) -> str | None:
    """The allowed type the bytes are, by their magic numbers (None: not one we take). `zip_names`, the
    entries of the file when it is a zip, tells a Word file from an Excel one; a zip with macros
    (vbaProject.bin), or any other zip, is refused."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        names = set(zip_names or [])
        if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    return "txt" if _is_text(head) else None


def _is_text(head: bytes) -> bool:
    """Plain UTF-8 text (a cut multi-byte character at the end of the head is fine), no NUL, nothing a
    browser would render as a page or an image."""
    if not head or b"\x00" in head:
        return False
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(body) - 3:
            return False
    lowered = body.lstrip().lower()
    return not any(marker in lowered for marker in ACTIVE_MARKERS)


def type_words(allowed: tuple[str, ...]) -> str:
    from django.utils.translation import pgettext

    return pgettext("list separator", ", ").join(dict.fromkeys(TYPES[k].label for k in allowed))


def file_check(*, name: str, size: int, head: bytes, max_bytes: int, allowed: tuple[str, ...] = ALL,
               zip_names: list[str] | None = None, field: str = "file") -> FileType:
    """A file people upload (P2.5.b): not empty, at most `max_bytes`, one of the `allowed` types by its
    content (an HTML page or a program named photo.jpg is refused), and its name's extension saying the
    same as its content. Returns the type it is stored and served as."""
    name = name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if size == 0:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, field=field, code="attachment_empty")
    if size > max_bytes:
        raise ValidationFailed(_("%(name)s is larger than %(mb)s MB.")
                               % {"name": name, "mb": max_bytes // (1024 * 1024)}, field=field,
                               code="attachment_too_large")
    if not any(ext in TYPES[k].extensions for k in allowed):
        raise ValidationFailed(_("%(name)s: only %(types)s files can be attached.")
                               % {"name": name, "types": type_words(allowed)}, field=field, code="attachment_type")
    kind = sniff(head, zip_names)
    if kind is None or kind not in allowed or ext not in TYPES[kind].extensions:
        raise ValidationFailed(_("%(name)s is not the kind of file its name says.") % {"name": name},
                               field=field, code="attachment_content")
    return TYPES[kind]
