"""Writing spreadsheet rows so that user text stays text (every .xlsx export goes through here).

openpyxl turns any string that starts with ``=`` into a live formula: a customer named
``=HYPERLINK("http://evil","点此")`` would become a link (or worse, a DDE call) in finance's
aging export. Excel and LibreOffice also treat a leading ``+ - @``, tab or carriage return as the
start of a formula when a cell is edited. So every string is written as an explicit text cell,
and one that starts with such a character also gets Excel's quote prefix (what typing ``'=...``
does): the value shows exactly as entered, is never evaluated, and stays text when edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every string written as text, never as a formula."""
    values = list(values)
    ws.append(values)
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = ws.cell(row=row, column=col)
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True


def xlsx_bytes(*, sheet: str, headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """One sheet with a bold header row and the rows, every string as text (never a formula): the one way
    the lists are exported to Excel (P4.1.c: masked values arrive masked; this only writes)."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    append_row(ws, [str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(ws, row)
    ws.freeze_panes = "A2"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
