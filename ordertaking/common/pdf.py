"""Printable documents as PDF (P2.2, P2.5, P3.6): one page template for every document the company
sends out, with a Chinese font embedded so the file reads the same on any machine.

ReportLab draws the pages. The font is a TrueType font with Chinese glyphs (WenQuanYi Zen Hei from
`fonts-wqy-zenhei` by default, or the file named by `ORDERTAKING_PDF_FONT`); only the glyphs a document
uses are embedded (a subset), never a reference to a font the reader's machine may not have (no CID
fonts such as STSong-Light). OpenType fonts with PostScript outlines (Noto CJK's .ttc) are refused by
ReportLab, hence the TrueType default. `common/checks.py` reports a missing or unusable font at start-up.

A document is built by the app that owns its data (orders: the sales contract; finance: the customer
statement) as a `Document` — title, number, date, file name and the flowables of its body — and
`render()` lays it out on the shared page: the company's name and address at the top, the document's
title, number and date, "第 1 页 / 共 2 页" and the footer on every page. Builders run under the reader's
language (`translation.override`): a Chinese reader gets a Chinese document, an English reader an
English one.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ordertaking.common.money import money

FONT_NAME = "OrdertakingCJK"
# Where Debian, Ubuntu, Fedora, macOS and Windows keep a TrueType font with Chinese glyphs, the first
# found wins. `fonts-wqy-zenhei` (Debian/Ubuntu) is the documented one (README, docs/deploy.md).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simhei.ttf",
)
FONT_HINT = ("Install a TrueType font with Chinese glyphs (Debian/Ubuntu: apt-get install fonts-wqy-zenhei) "
             "or set ORDERTAKING_PDF_FONT to the path of one (.ttf, or .ttc with ORDERTAKING_PDF_FONT_INDEX). "
             "OpenType fonts with PostScript outlines, such as Noto Sans CJK, cannot be embedded.")

PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898  # A4 in points
MM = 72 / 25.4
MARGIN_X = 18 * MM
MARGIN_TOP = 33 * MM
MARGIN_BOTTOM = 20 * MM
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
INK = "#1f2933"
MUTED = "#5f6b7a"
RULE = "#9aa5b1"
SHADE = "#eef1f4"
ACCENT = "#1d4e89"


class FontMissing(ImproperlyConfigured):
    """No usable Chinese font: documents cannot be drawn (the system check says the same at start-up)."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"{problem} {FONT_HINT}")


def font_path() -> tuple[str, int]:
    """The font file and subfont index to embed: the setting when given, else the first candidate found."""
    configured = str(getattr(settings, "ORDERTAKING_PDF_FONT", "") or "").strip()
    index = int(getattr(settings, "ORDERTAKING_PDF_FONT_INDEX", 0) or 0)
    if configured:
        if not os.path.isfile(configured):
            raise FontMissing(f"ORDERTAKING_PDF_FONT names {configured!r}, which is not a file.")
        return configured, index
    for candidate in FONT_CANDIDATES:
        if os.path.isfile(candidate):
            return candidate, 0
    raise FontMissing("No font with Chinese glyphs found for PDF documents.")


@lru_cache(maxsize=4)
def _register(path: str, index: int) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        font = TTFont(FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError) as e:
        raise FontMissing(f"The font {path!r} cannot be embedded in PDF documents ({e}).") from e
    if font.face.charToGlyph.get(ord("销")) is None:
        raise FontMissing(f"The font {path!r} has no Chinese glyphs.")
    pdfmetrics.registerFont(font)
    # No bold face ships with the Chinese fonts: <b> in a paragraph maps to the same face.
    from reportlab.lib.fonts import addMapping

    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
    return FONT_NAME


def font_outline_problem(path: str, index: int = 0) -> str:
    """Why the font file cannot be embedded, read from its header only (cheap enough for a start-up
    check): "" for TrueType outlines, a sentence for PostScript (CFF) outlines or a file that is no font."""
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(12)
            if head[:4] == b"ttcf":
                count = struct.unpack(">I", head[8:12])[0]
                if index >= count:
                    return f"The font collection {path!r} has {count} faces; ORDERTAKING_PDF_FONT_INDEX is {index}."
                f.seek(12 + 4 * index)
                f.seek(struct.unpack(">I", f.read(4))[0])
                head = f.read(4)
    except OSError as e:
        return f"The font {path!r} cannot be read ({e})."
    if head[:4] == b"OTTO":
        return f"The font {path!r} has PostScript outlines, which cannot be embedded in PDF documents."
    if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
        return f"The file {path!r} is not a TrueType font."
    return ""


def cjk_font() -> str:
    """Register the Chinese font with ReportLab once per process and return its name.
    Raises `FontMissing` with what to install when there is none."""
    path, index = font_path()
    return _register(path, index)


# --- the company (settings) ------------------------------------------------------------------------

@dataclass(frozen=True)
class Company:
    name: str
    address: str
    phone: str
    credit_code: str
    bank: str
    bank_account: str


def company() -> Company:
    """The company that issues the documents (settings; docs/deploy.md)."""
    return Company(name=settings.ORDERTAKING_COMPANY_NAME,
                   address=getattr(settings, "ORDERTAKING_COMPANY_ADDRESS", ""),
                   phone=getattr(settings, "ORDERTAKING_COMPANY_PHONE", ""),
                   credit_code=getattr(settings, "ORDERTAKING_COMPANY_CREDIT_CODE", ""),
                   bank=getattr(settings, "ORDERTAKING_COMPANY_BANK", ""),
                   bank_account=getattr(settings, "ORDERTAKING_COMPANY_BANK_ACCOUNT", ""))


# --- words for values ---------------------------------------------------------------------------------

def money_text(value: Decimal | None) -> str:
    """¥1,234.00, as on every page (the `money` filter)."""
    if value is None:
        return ""
    amount = money(value)
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


def qty_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def date_text(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%Y-%m-%d")


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUPS = ("", "万", "亿", "万亿")


def _upper_group(n: int) -> str:
    """1..9999 in capital numerals, inner zeros read once (壹仟零壹)."""
    out, zero = "", False
    for unit, div in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        digit = n // div % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + unit
    return out


def rmb_upper(value: Decimal) -> str:
    """An amount in the capital numerals written on Chinese contracts and invoices (大写金额):
    ¥100,010.05 → 人民币壹拾万零壹拾元零伍分; whole yuan end in 整."""
    amount = money(value)
    if amount < 0:
        return "负" + rmb_upper(-amount)
    yuan, rest = divmod(int(amount * 100), 100)
    jiao, fen = divmod(rest, 10)
    groups: list[int] = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    text, gap = "", False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            gap = bool(text)
            continue
        if text and (gap or g < 1000):
            text += "零"
        text += _upper_group(g) + _GROUPS[i]
        gap = False
    if text:
        text += "元"
    if not jiao and not fen:
        return "人民币" + (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return "人民币" + text


# --- the document --------------------------------------------------------------------------------------

@dataclass
class Document:
    """What a builder hands to `render()`: the words in the reader's language, the body as flowables."""

    title: str
    number: str
    date: date
    filename: str  # without ".pdf"; may be Chinese (sent with RFC 5987)
    ascii_filename: str  # the fallback for old clients
    story: list[Any] = field(default_factory=list)
    # Printed across every page, light grey (an order not yet approved, a cancelled one).
    watermark: str = ""
    subject: str = ""
    # What `number` is, when not a document number ("Period" on a statement); default "No." (编号).
    number_label: str = ""


def is_chinese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


@lru_cache(maxsize=2)
def _styles(chinese: bool) -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = cjk_font()
    # CJK wrapping breaks between any two characters, right for Chinese; English wraps at spaces.
    wrap = "CJK" if chinese else None
    base = ParagraphStyle("ot-body", fontName=font, fontSize=9.5, leading=14, textColor=INK, wordWrap=wrap)
    return {
        "body": base,
        "small": ParagraphStyle("ot-small", parent=base, fontSize=8, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("ot-cell", parent=base, fontSize=8, leading=11),
        # Amounts, dates and numbers never break inside (CJK wrapping would split 2026-01-01 anywhere).
        "cell_right": ParagraphStyle("ot-cell-r", parent=base, fontSize=8, leading=11, alignment=TA_RIGHT,
                                     wordWrap=None, splitLongWords=0),
        "cell_nowrap": ParagraphStyle("ot-cell-n", parent=base, fontSize=8, leading=11, wordWrap=None,
                                      splitLongWords=0),
        "cell_head": ParagraphStyle("ot-cell-h", parent=base, fontSize=8, leading=11),
        "cell_head_right": ParagraphStyle("ot-cell-hr", parent=base, fontSize=8, leading=11, alignment=TA_RIGHT),
        "title": ParagraphStyle("ot-title", parent=base, fontSize=19, leading=24, alignment=TA_CENTER,
                                spaceAfter=3, textColor=INK),
        "notice": ParagraphStyle("ot-notice", parent=base, fontSize=10, leading=14, alignment=TA_CENTER,
                                 textColor="#b42318", spaceAfter=4),
        "heading": ParagraphStyle("ot-heading", parent=base, fontSize=10.5, leading=15, spaceBefore=6,
                                  spaceAfter=3, textColor=ACCENT),
        "clause": ParagraphStyle("ot-clause", parent=base, fontSize=8.5, leading=12.5, leftIndent=12,
                                 firstLineIndent=-12, spaceAfter=1.5),
    }


def style(name: str) -> Any:
    return _styles(is_chinese())[name]


def esc(text: Any) -> str:
    """Text for a Paragraph (which reads a little XML): user data never becomes markup."""
    return (str(text if text is not None else "").replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def para(text: Any, style_name: str = "body", *, markup: bool = False) -> Any:
    """A paragraph; `text` is escaped unless `markup` (text the builder wrote itself)."""
    from reportlab.platypus import Paragraph

    return Paragraph(str(text) if markup else esc(text).replace("\n", "<br/>"), style(style_name))


def spacer(mm: float) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(1, mm * MM)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
          right: Sequence[int] = (), nowrap: Sequence[int] = (), footer: Sequence[Sequence[Any]] = ()) -> Any:
    """A ruled table whose header repeats on every page. `widths` are fractions of the text width;
    columns in `right` (amounts, quantities) are right-aligned and, with those in `nowrap` (dates,
    numbers), never broken inside; `footer` rows (totals) are shaded."""
    from reportlab.platypus import LongTable, TableStyle

    def cell(value: Any, col: int, head: bool = False) -> Any:
        if not isinstance(value, str):
            return value
        if head:
            return para(value, "cell_head_right" if col in right else "cell_head")
        return para(value, "cell_right" if col in right else "cell_nowrap" if col in nowrap else "cell")

    data = [[cell(h, i, head=True) for i, h in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(r)] for r in rows]
    data += [[cell(v, i) for i, v in enumerate(r)] for r in footer]
    t = LongTable(data, colWidths=[w * CONTENT_WIDTH for w in widths], repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if footer:
        commands.append(("BACKGROUND", (0, len(data) - len(footer)), (-1, -1), SHADE))
    t.setStyle(TableStyle(commands))
    return t


def fields_table(pairs: Sequence[tuple[str, Any]], *, columns: int = 2) -> Any:
    """Label/value pairs side by side, unruled (a document's facts: buyer, delivery date …)."""
    from reportlab.platypus import Table, TableStyle

    cells = [(para(label, "small"), v if not isinstance(v, str) else para(v or "—", "cell")) for label, v in pairs]
    rows: list[list[Any]] = []
    for i in range(0, len(cells), columns):
        row: list[Any] = []
        for label, value in cells[i:i + columns]:
            row += [label, value]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    label_w, value_w = 0.14, 1 / columns - 0.14
    t = Table(rows, colWidths=[w * CONTENT_WIDTH for w in [label_w, value_w] * columns])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return t


def signature_blocks(blocks: Sequence[tuple[str, Sequence[str]]]) -> Any:
    """Side-by-side signature blocks: a heading (买方 / 卖方) and lines to fill in by hand."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    columns = []
    for heading, lines in blocks:
        inner = [[para(heading, "heading")]] + [[para(f"{line}", "cell")] for line in lines]
        t = Table(inner, colWidths=[CONTENT_WIDTH / len(blocks) - 8 * MM])
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                           ("TOPPADDING", (0, 1), (-1, -1), 8), ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        columns.append(t)
    outer = Table([columns], colWidths=[CONTENT_WIDTH / len(blocks)] * len(blocks))
    outer.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([spacer(4), outer])


# --- the page --------------------------------------------------------------------------------------------

def _page_canvas(doc: Document, page_label: str) -> type:
    """A canvas that holds its pages until the end, so each can say "第 1 页 / 共 2 页"."""
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Else every page starts in Helvetica, a font the PDF would name without embedding it.
            kwargs["initialFontName"] = FONT_NAME
            kwargs["initialFontSize"] = 9
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT_NAME, 8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN_X, 10 * MM,
                                     page_label % {"page": self._pageNumber, "pages": total})
                super().showPage()
            super().save()

    return NumberedCanvas


def _decorate(doc: Document, words: dict[str, str], canvas: Any, _template: Any) -> None:
    """Header, footer and watermark of every page."""
    who = company()
    canvas.saveState()
    if doc.watermark:
        canvas.setFont(FONT_NAME, 40)
        canvas.setFillColor("#d5dbe1")
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, doc.watermark)
        canvas.rotate(-35)
        canvas.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
    top = PAGE_HEIGHT - 14 * MM
    canvas.setFillColor(INK)
    canvas.setFont(FONT_NAME, 13)
    canvas.drawString(MARGIN_X, top, who.name)
    canvas.setFont(FONT_NAME, 8)
    canvas.setFillColor(MUTED)
    contact = "  ".join(p for p in (who.address, f"{words['phone']} {who.phone}" if who.phone else "") if p)
    if contact:
        canvas.drawString(MARGIN_X, top - 12, contact)
    canvas.setFillColor(INK)
    canvas.setFont(FONT_NAME, 12)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top, doc.title)
    canvas.setFont(FONT_NAME, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top - 12, f"{doc.number_label or words['number']} {doc.number}")
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top - 23, f"{words['date']} {date_text(doc.date)}")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN_X, top - 29, PAGE_WIDTH - MARGIN_X, top - 29)
    canvas.line(MARGIN_X, 14 * MM, PAGE_WIDTH - MARGIN_X, 14 * MM)
    canvas.setFont(FONT_NAME, 8)
    canvas.drawString(MARGIN_X, 10 * MM, f"{who.name} · {doc.title} {doc.number}")
    canvas.restoreState()


def render(doc: Document) -> bytes:
    """The document as PDF bytes, in the active language (the caller's `translation.override`)."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    cjk_font()
    words = {"number": _("No."), "date": _("Date"), "phone": _("Tel.")}
    out = BytesIO()
    template = BaseDocTemplate(
        out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=f"{doc.title} {doc.number}",
        author=company().name, subject=doc.subject or doc.title, creator="ordertaking")
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=lambda c, t: _decorate(doc, words, c, t))])
    story = [para(doc.title, "title")]
    if doc.watermark:  # also in words under the title: the watermark is faint and text tools skip it
        story.append(para(doc.watermark, "notice"))
    story += doc.story
    template.build(story, canvasmaker=_page_canvas(doc, _("Page %(page)s of %(pages)s")))
    return out.getvalue()


# --- the answer ------------------------------------------------------------------------------------------

def _ascii_name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.")
    return plain or "document"


def attachment_header(filename: str, ascii_filename: str = "") -> str:
    """Content-Disposition for a download: a plain ASCII name for old clients and the real (possibly
    Chinese) name in RFC 5987 form, which every current browser prefers."""
    fallback = _ascii_name(ascii_filename or filename)
    if not fallback.lower().endswith(".pdf") and filename.lower().endswith(".pdf"):
        fallback += ".pdf"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(doc: Document) -> HttpResponse:
    """The rendered document as a download (attachment, never shown inline by the site itself)."""
    response = HttpResponse(render(doc), content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(f"{doc.filename}.pdf", f"{doc.ascii_filename}.pdf")
    return response
