"""The inspection report 监督检查报告 (P6.1.a) as PDF and Excel, in the reader's language: the scope, the
method (seed, strata, sample size), the sampled orders with their check outcomes, the findings, and the
rectification with its closure. Also the words the pages share with it (scope, strata, findings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.common import pdf
from ordertaking.common.templatetags.ot import money
from ordertaking.common.xlsx import append_row

from . import checking, sampling, selectors
from .models import Finding, Inspection

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stratum_words(key: str, bands: list[Decimal]) -> str:
    return sampling.stratum_label(key, bands) if key else ""


def scope_words(insp: Inspection) -> list[tuple[str, str]]:
    """The inspection's scope and method as (label, words) pairs."""
    bands = [Decimal(str(b)) for b in insp.amount_bands or []]
    restrictions = [p for p in (
        _("region %(r)s") % {"r": insp.scope_region} if insp.scope_region else "",
        _("amount from %(a)s") % {"a": money(insp.amount_min)} if insp.amount_min is not None else "",
        _("amount up to %(a)s") % {"a": money(insp.amount_max)} if insp.amount_max is not None else "",
        _("only orders with a special approval") if insp.only_special else "",
        _("only orders returned in review") if insp.only_returned else "",
        _("only orders put on credit hold") if insp.only_credit_hold else "") if p]
    method = str(insp.get_method_display())
    if insp.method == Inspection.Method.STRATIFIED:
        method += " · " + _("strata: %(s)s") % {"s": insp.get_stratify_by_display()}
        if bands:
            method += " (" + ", ".join(money(b) for b in bands) + ")"
    size = (_("%(n)s per stratum") if insp.method == Inspection.Method.STRATIFIED else _("%(n)s orders")) % {
        "n": insp.sample_size}
    return [
        (_("Inspection period"), _("orders entered %(a)s to %(b)s") % {"a": pdf.date_text(insp.period_from),
                                                             "b": pdf.date_text(insp.period_to)}),
        (_("Scope"), "; ".join(restrictions) or _("every order of the period except drafts")),
        (_("Sampling method"), method),
        (_("Sample size"), size),
        (_("Seed"), str(insp.seed)),
        (_("Orders in scope"), str(insp.candidates) if insp.candidates is not None else "—"),
    ]


@dataclass
class FindingWords:
    title: str
    description: str
    evidence: list[tuple[str, str]] = field(default_factory=list)


def finding_words(f: Finding, defs: dict[str, Any]) -> FindingWords:
    """A finding in words: the failed check's name and its evidence as found, or the auditor's text."""
    if f.check_code and f.evidence:
        shown = checking.show(f.evidence, defs)
        return FindingWords(title=shown.label or _("Automatic check"), description=f.description,
                            evidence=shown.evidence)
    return FindingWords(title=_("Finding by the auditor"), description=f.description)


def _facts(insp: Inspection) -> dict[str, Any]:
    samples = selectors.inspection_samples(insp)
    findings = selectors.inspection_findings(insp)
    tasks = selectors.inspection_tasks(insp)
    defs = checking.definitions() if any(s.results for s in samples) or any(f.check_code for f in findings) else {}
    return {"samples": samples, "findings": findings, "tasks": tasks, "defs": defs,
            "bands": [Decimal(str(b)) for b in insp.amount_bands or []]}


def _outcomes(results: list[dict[str, Any]], defs: dict[str, Any]) -> tuple[str, str]:
    """(summary, failed checks' names) of one order's stored results."""
    if not results:
        return _("not checked yet"), ""
    shown = checking.show_all(results, defs)
    failed = [c.label for c in shown if c.failed]
    passed = sum(1 for c in shown if c.outcome == "pass")
    summary = _("%(p)s passed, %(f)s failed, %(n)s not applicable") % {
        "p": passed, "f": len(failed), "n": len(shown) - passed - len(failed)}
    return summary, "; ".join(failed)


def _finding_text(f: Finding, defs: dict[str, Any]) -> str:
    w = finding_words(f, defs)
    parts = [w.title, w.description, *[e for e, _url in w.evidence]]
    return "\n".join(p for p in parts if p)


def _task_text(t: Any) -> str:
    parts = [f"{t.number} · {t.get_department_display()} · {_('due %(d)s') % {'d': pdf.date_text(t.deadline)}}",
             str(t.get_state_display())]
    if t.measures:
        parts.append(_("Measures: %(m)s") % {"m": t.measures})
    if t.closed_at:
        parts.append(_("Closed %(d)s by %(who)s") % {"d": pdf.date_text(timezone.localtime(t.closed_at).date()),
                                                       "who": t.verified_by or "—"})
    return "\n".join(parts)


def report_document(insp: Inspection) -> pdf.Document:
    facts = _facts(insp)
    defs, bands = facts["defs"], facts["bands"]
    stratified = insp.method == Inspection.Method.STRATIFIED
    sample_rows = []
    for s in facts["samples"]:
        summary, failed = _outcomes(s.results, defs)
        row = [str(s.position), s.order.number, s.order.customer.name, money(s.order.total_amount), summary,
               failed or "—"]
        if stratified:
            row.insert(3, stratum_words(s.stratum, bands) or "—")
        sample_rows.append(row)
    sample_header = [_("No."), _("Order number"), _("Customer"), _("Amount"), _("Checks"), _("Failed checks")]
    sample_widths = [0.05, 0.16, 0.22, 0.12, 0.22, 0.23]
    if stratified:
        sample_header.insert(3, _("Stratum"))
        sample_widths = [0.05, 0.15, 0.18, 0.12, 0.12, 0.18, 0.20]
    tasks_by_finding: dict[int, list[Any]] = {}
    for t in facts["tasks"]:
        tasks_by_finding.setdefault(t.finding_id, []).append(t)
    finding_rows = []
    for i, f in enumerate(facts["findings"], start=1):
        finding_rows.append([str(i), f.order.number if f.order is not None else _("Inspection as a whole"),
                             str(f.get_severity_display()), f.clause, _finding_text(f, defs),
                             "\n\n".join(_task_text(t) for t in tasks_by_finding.get(f.pk, [])) or _("none")])
    closed = sum(1 for t in facts["tasks"] if not t.is_open)
    story: list[Any] = [
        pdf.fields_table([(_("Inspection title"), insp.title), (_("State"), str(insp.get_state_display())),
                          (_("Opened by"), str(insp.created_by)),
                          (_("Checks run"), pdf.date_text(timezone.localtime(insp.checked_at).date())
                           if insp.checked_at else "—")]),
        pdf.para(_("Scope and method"), "heading"),
        pdf.fields_table(scope_words(insp)),
        pdf.para(_("Sampled orders and automatic checks"), "heading"),
        pdf.table(sample_header, sample_rows, sample_widths, right=(4 if stratified else 3,), nowrap=(1,))
        if sample_rows else pdf.para(_("No order sampled yet."), "body"),
        pdf.para(_("Findings and rectification"), "heading"),
        pdf.table([_("No."), _("Order number"), _("Severity"), _("Clause"), _("Finding"), _("Rectification")],
                  finding_rows, [0.05, 0.15, 0.08, 0.08, 0.34, 0.30], nowrap=(1, 3))
        if finding_rows else pdf.para(_("No finding."), "body"),
        pdf.para(_("Rectification tasks: %(n)s, of which %(c)s closed.") % {"n": len(facts["tasks"]), "c": closed},
                 "body"),
    ]
    if insp.conclusion:
        story += [pdf.para(_("Conclusion"), "heading"), pdf.para(insp.conclusion, "body")]
    story.append(pdf.signature_blocks([(_("Supervision group"), [_("Auditor:"), _("Date:")])]))
    title = _("Supervision inspection report")
    when = insp.closed_at or insp.checked_at or insp.created_at
    return pdf.Document(title=title, number=insp.number, date=timezone.localtime(when).date(),
                        filename=f"{title}-{insp.number}", ascii_filename=f"inspection-report-{insp.number}",
                        story=story, subject=insp.title)


def report_xlsx(insp: Inspection) -> bytes:
    """Three sheets: the scope and method, the sampled orders with each check's outcome, the findings with
    their rectification. Every string as text (common/xlsx.py)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    facts = _facts(insp)
    defs, bands = facts["defs"], facts["bands"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Scope")[:31]
    append_row(ws, [_("Supervision inspection"), insp.number])
    append_row(ws, [_("Inspection title"), insp.title])
    append_row(ws, [_("State"), str(insp.get_state_display())])
    for label, words in scope_words(insp):
        append_row(ws, [label, words])
    for row in ws.iter_rows(min_col=1, max_col=1):
        row[0].font = Font(bold=True)

    ws2 = wb.create_sheet(_("Sampled orders")[:31])
    check_defs = list(defs.values())
    append_row(ws2, [_("No."), _("Order number"), _("Customer"), _("Stratum"), _("Amount"),
                     *[str(d.label) for d in check_defs]])
    for s in facts["samples"]:
        by_code = {c.code: c for c in checking.show_all(s.results, defs)} if s.results else {}
        append_row(ws2, [s.position, s.order.number, s.order.customer.name, stratum_words(s.stratum, bands),
                         float(s.order.total_amount),
                         *[by_code[d.code].outcome_label if d.code in by_code else "" for d in check_defs]])

    ws3 = wb.create_sheet(_("Findings")[:31])
    append_row(ws3, [_("No."), _("Order number"), _("Severity"), _("Clause"), _("Finding"), _("Task"),
                     _("Department"), _("Rectify by"), _("State"), _("Measures taken"), _("Closed")])
    tasks_by_finding: dict[int, list[Any]] = {}
    for t in facts["tasks"]:
        tasks_by_finding.setdefault(t.finding_id, []).append(t)
    for i, f in enumerate(facts["findings"], start=1):
        head = [i, f.order.number if f.order is not None else _("Inspection as a whole"),
                str(f.get_severity_display()), f.clause, _finding_text(f, defs)]
        ts = tasks_by_finding.get(f.pk) or [None]
        for t in ts:
            if t is None:
                append_row(ws3, [*head, "", "", "", "", "", ""])
            else:
                append_row(ws3, [*head, t.number, str(t.get_department_display()), t.deadline.isoformat(),
                                 str(t.get_state_display()), t.measures,
                                 timezone.localtime(t.closed_at).date().isoformat() if t.closed_at else ""])
    for sheet in (ws2, ws3):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
