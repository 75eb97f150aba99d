"""Reading an uploaded workbook (openpyxl, read-only, values only): the header row names the columns
in either language, each following row becomes the cells as text. A file that is not an .xlsx
workbook, is too big, has too many rows or lacks a required column is refused as a whole (a 4xx with
the reason); a cell starting with = + - @ (a formula, or what a spreadsheet would run as one) is a
row error, never evaluated and never imported."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ordertaking.common.errors import ValidationFailed
from ordertaking.common.xlsx import is_formula_like

from .kinds import Kind

MAX_BYTES = int(getattr(settings, "ORDERTAKING_IMPORT_MAX_MB", 5)) * 1024 * 1024
MAX_ROWS = int(getattr(settings, "ORDERTAKING_IMPORT_MAX_ROWS", 5000))
MAX_CELL = 2000  # characters kept of one cell (the services refuse anything longer than their fields)


@dataclass
class ParsedRow:
    number: int
    cells: dict[str, str]
    errors: list[dict[str, Any]]


def header_names(kind: Kind) -> dict[str, str]:
    """Every accepted header (the label in each language, the key itself), lower case -> column key."""
    out: dict[str, str] = {}
    for column in kind.columns:
        out[column.key.lower()] = column.key
        for lang, _name in settings.LANGUAGES:
            with translation.override(lang):
                out[str(column.label).strip().lower()] = column.key
    return out


def header_label(text: str) -> str:
    return text.strip().rstrip("*＊").strip().lower()


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: 13812345678.0 -> "13812345678", 3200.5 -> "3200.5"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, field="file")


def check_file(*, name: str, size: int) -> None:
    if not name.lower().endswith(".xlsx"):
        raise _refuse(_("Upload an Excel workbook (.xlsx), such as the template."), "not_xlsx")
    if size > MAX_BYTES:
        raise _refuse(_("The file is larger than %(mb)s MB: split it into several files.")
                      % {"mb": MAX_BYTES // (1024 * 1024)}, "too_big")
    if size == 0:
        raise _refuse(_("The file is empty."), "empty")


def parse(kind: Kind, content: bytes) -> list[ParsedRow]:
    """The data rows of the first sheet, or ValidationFailed for the file as a whole."""
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(BytesIO(content)):
        raise _refuse(_("This is not an Excel workbook (.xlsx): save it as .xlsx and upload again."), "not_xlsx")
    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=False)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
    except Exception:  # noqa: BLE001 - any damage in the file is one answer: not a readable workbook
        raise _refuse(_("This is not an Excel workbook (.xlsx): save it as .xlsx and upload again."),
                      "not_xlsx") from None
    if not header or not any(cell_text(h).strip() for h in header):
        raise _refuse(_("The first row must name the columns, as in the template."), "no_header")
    names = header_names(kind)
    keys: list[str | None] = []
    for h in header:
        text = cell_text(h)
        if not text.strip():
            keys.append(None)
            continue
        key = names.get(header_label(text))
        if key is None:
            raise _refuse(_("The column “%(name)s” is not one of this template's columns.") % {"name": text[:50]},
                          "unknown_column")
        if key in keys:
            raise _refuse(_("The column “%(name)s” appears twice.") % {"name": text[:50]}, "duplicate_column")
        keys.append(key)
    missing = [str(c.label) for c in kind.columns if c.required and c.key not in keys]
    if missing:
        raise _refuse(_("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)},
                      "missing_column")
    out: list[ParsedRow] = []
    try:
        for number, values in enumerate(rows, start=2):
            if values is None or not any(cell_text(v).strip() for v in values):
                continue
            if len(out) >= MAX_ROWS:
                raise _refuse(_("The file has more than %(n)s rows: split it into several files.")
                              % {"n": MAX_ROWS}, "too_many_rows")
            cells: dict[str, str] = {}
            errors: list[dict[str, Any]] = []
            for key, value in zip(keys, values, strict=False):
                if key is None:
                    continue
                text = cell_text(value)[:MAX_CELL]
                if isinstance(value, str) and is_formula_like(value):
                    errors.append({"col": key, "code": "formula", "params": {"char": value[:1].strip() or "⇥"}})
                cells[key] = text
            out.append(ParsedRow(number=number, cells=cells, errors=errors))
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001
        raise _refuse(_("This is not an Excel workbook (.xlsx): save it as .xlsx and upload again."),
                      "not_xlsx") from None
    finally:
        wb.close()
    if not out:
        raise _refuse(_("The file has no rows under the header."), "no_rows")
    return out
