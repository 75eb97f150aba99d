"""The statistics as files (P4.2.c): each chart's table as Excel, and the monthly sales analysis as PDF
(common/pdf.py) and Excel. Built in the active language (the caller's `translation.override`).
Every cell goes through `common/xlsx.append_row`: names typed by users (customers, industries) stay text,
never formulas."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.common import pdf
from ordertaking.common.xlsx import append_row

from .statistics import INT, MONEY, NUM1, PCT, TEXT, Chart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {INT: "#,##0", MONEY: "#,##0.00", PCT: "0.0%", NUM1: "#,##0.0"}


def cell_text(value: Any, fmt: str) -> str:
    """A value as the page and the PDF show it."""
    if value is None:
        return "—"
    if fmt == MONEY:
        return pdf.money_text(Decimal(value))
    if fmt == PCT:
        return f"{float(value) * 100:.1f}%"
    if fmt == NUM1:
        return f"{float(value):,.1f}"
    if fmt == INT:
        return f"{int(value):,}"
    return str(value)


def _xlsx_value(value: Any, fmt: str) -> Any:
    if value is None:
        return None
    if fmt == TEXT:
        return str(value)
    return float(value) if fmt in (MONEY, PCT, NUM1) else int(value)


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def _write_chart(ws: Any, chart: Chart, heading: list[str]) -> None:
    from openpyxl.styles import Font

    append_row(ws, [chart.title])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for line in heading:
        append_row(ws, [line])
    append_row(ws, chart.columns)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in [*chart.rows, *([chart.total] if chart.total else [])]:
        append_row(ws, [_xlsx_value(v, f) for v, f in zip(row, chart.formats, strict=False)])
        for col, f in enumerate(chart.formats, start=1):
            if f in NUMBER_FORMATS:
                ws.cell(row=ws.max_row, column=col).number_format = NUMBER_FORMATS[f]
    if chart.total:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    if chart.note:
        append_row(ws, [chart.note])
    ws.column_dimensions["A"].width = 36
    for letter in "BCDE":
        ws.column_dimensions[letter].width = 16


def workbook(charts: list[Chart], heading: list[str], *, summary: list[tuple[str, str]] = ()) -> bytes:  # type: ignore[assignment]
    """One sheet per chart (a summary sheet first when given)."""
    from openpyxl import Workbook

    wb = Workbook()
    used: set[str] = set()
    first = True
    if summary:
        ws = wb.active
        ws.title = _sheet_title(_("Summary"), used)  # type: ignore[union-attr]
        for line in heading:
            append_row(ws, [line])
        for label, value in summary:
            append_row(ws, [label, value])
        ws.column_dimensions["A"].width = 40  # type: ignore[union-attr]
        ws.column_dimensions["B"].width = 24  # type: ignore[union-attr]
        first = False
    for chart in charts:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = _sheet_title(chart.title, used)  # type: ignore[union-attr]
        _write_chart(ws, chart, heading)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _chart_table(chart: Chart) -> list[Any]:
    n = len(chart.columns)
    widths = [0.46] + [0.54 / (n - 1)] * (n - 1) if n > 1 else [1.0]
    right = [i for i, f in enumerate(chart.formats) if f != TEXT]
    rows = [[cell_text(v, f) for v, f in zip(r, chart.formats, strict=False)] for r in chart.rows]
    footer = [[cell_text(v, f) for v, f in zip(chart.total, chart.formats, strict=False)]] if chart.total else []
    story: list[Any] = [pdf.para(chart.title, "heading")]
    if rows:
        story.append(pdf.table(chart.columns, rows, widths, right=right, nowrap=right, footer=footer))
    else:
        story.append(pdf.para(_("Nothing in this month."), "small"))
    if chart.note:
        story.append(pdf.para(chart.note, "small"))
    return story


def monthly_pdf(month: date, generated: date, summary: list[tuple[str, str]], charts: list[Chart]) -> bytes:
    """The monthly sales analysis as a PDF: the month's key figures, then each table."""
    title = _("Monthly sales analysis")
    period = f"{month:%Y-%m}"
    story: list[Any] = [pdf.fields_table(summary, columns=2), pdf.spacer(2)]
    for chart in charts:
        story += _chart_table(chart)
    story.append(pdf.spacer(3))
    story.append(pdf.para(_("Revenue counts orders approved in the month (total incl. VAT), by the day of "
                            "approval in China time; cancelled orders do not count. Generated by the monthly "
                            "job after the month closed (P4.2.c)."), "small"))
    doc = pdf.Document(title=title, number=period, number_label=pgettext("statistics", "Period"), date=generated,
                       filename=f"{title}-{period}",
                       ascii_filename=f"sales-analysis-{period}", story=story, subject=title)
    return pdf.render(doc)
