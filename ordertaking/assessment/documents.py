"""The scorecard as files (P6.2): Excel (common/xlsx.py, never a formula) and PDF (common/pdf.py, Chinese
text), in the active language."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.common import pdf
from ordertaking.common.xlsx import append_row

from . import kpis
from .kpis import Period
from .selectors import KpiRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def title() -> str:
    return _("KPI scorecard")


def heading(dept: str, period: Period, who: str) -> list[str]:
    out = [f"{_('Department')}: {kpis.department_label(dept)}", f"{pgettext('statistics', 'Period')}: {period.label}"]
    if who:
        out.append(f"{_('Person')}: {who}")
    return out


def filename(dept: str, period: Period, who: str) -> str:
    return "-".join(x for x in (title(), kpis.department_label(dept), who, period.code) if x)


def _header() -> list[str]:
    return [_("KPI"), _("Component"), _("Figure"), _("Met"), _("Counted"), _("Target"), _("Status")]


def _rows(rows: list[KpiRow]) -> list[list[str]]:
    out = []
    for r in rows:
        out.append([r.label, "", r.shown, "", "", r.target_shown, r.status_label])
        for c in r.components:
            out.append(["", c.label, c.shown, c.numerator, c.denominator, "", ""])
    return out


def scorecard_xlsx(dept: str, period: Period, rows: list[KpiRow], who: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title()[:31]  # type: ignore[union-attr]
    append_row(ws, [title()])
    ws.cell(row=1, column=1).font = Font(bold=True)  # type: ignore[union-attr]
    for line in heading(dept, period, who):
        append_row(ws, [line])
    append_row(ws, _header())
    for cell in ws[ws.max_row]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for row in _rows(rows):
        append_row(ws, row)
    append_row(ws, [])
    append_row(ws, [_("Definitions")])
    for r in rows:
        append_row(ws, [r.label, r.definition])
    ws.column_dimensions["A"].width = 28  # type: ignore[union-attr]
    ws.column_dimensions["B"].width = 40  # type: ignore[union-attr]
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def scorecard_pdf(dept: str, period: Period, rows: list[KpiRow], who: str) -> bytes:
    story: list[Any] = [pdf.fields_table([(a, b) for a, _sep, b in (line.partition(": ")
                                                                      for line in heading(dept, period, who))]),
                        pdf.spacer(2),
                        pdf.table(_header(), _rows(rows), [0.2, 0.26, 0.1, 0.12, 0.12, 0.1, 0.1],
                                  right=[2, 3, 4, 5], nowrap=[2, 3, 4, 5]),
                        pdf.spacer(3), pdf.para(_("Definitions"), "heading")]
    for r in rows:
        story.append(pdf.para(f"<b>{pdf.esc(r.label)}</b>: {pdf.esc(r.definition)}", "small", markup=True))
    doc = pdf.Document(title=title(), number=period.code, number_label=pgettext("statistics", "Period"),
                       date=timezone.localdate(), filename=filename(dept, period, who),
                       ascii_filename=f"kpi-{dept}-{period.code}", story=story, subject=title())
    return pdf.render(doc)
