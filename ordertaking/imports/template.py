"""The downloadable template of each kind of import: the header row in the reader's language (a
required column marked *), one example row, and a notes sheet explaining each column. Written
through common/xlsx.py, so no cell is ever a formula."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.common.xlsx import append_row

from .kinds import Kind


def template_bytes(kind: Kind) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = str(kind.label)[:31].replace("/", " ")
    append_row(ws, [f"{c.label}*" if c.required else str(c.label) for c in kind.columns])
    append_row(ws, [c.example for c in kind.columns])
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    for cell in ws[2]:
        cell.fill = PatternFill("solid", fgColor="FFF4CE")
    for i, c in enumerate(kind.columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(12, len(str(c.label)) * 2 + 4)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(pgettext("template sheet", "Notes")[:31])
    append_row(notes, [_("Column"), _("Required"), _("What to enter"), _("Example")])
    for cell in notes[1]:
        cell.font = bold
    for c in kind.columns:
        append_row(notes, [str(c.label), _("Yes") if c.required else _("No"), str(c.help), c.example])
    append_row(notes, [])
    for line in (_("Row 2 of the first sheet is an example: replace it with your rows."),
                 _("Headers may be in Chinese or English; a column marked * is required."),
                 _("Formulas are not imported: a cell starting with = + - or @ is refused."),
                 _("Nothing is written until you confirm the preview; by default, one invalid row stops the "
                   "whole file.")):
        append_row(notes, [line])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 24
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
