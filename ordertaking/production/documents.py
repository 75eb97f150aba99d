"""The quality inspection report 质量检验报告 of an order (P5.2.b, handed over with the goods: P2.5.b), built
from production's inspection records and registered with the order's documents in `ProductionConfig.ready`
(production owns the data): every inspection at the three checkpoints, with its sample, result and defects,
a failed one followed by its rework and re-inspection, and per line the conclusion of its latest
finished-product inspection."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.common import pdf
from ordertaking.orders.documents import OrderDocument
from ordertaking.orders.models import Order

from .models import QualityInspection

QI = QualityInspection


def order_inspections(order: Order) -> list[QualityInspection]:
    return list(QualityInspection.objects.filter(order=order)
                .select_related("production_order", "inspector", "reinspection_of")
                .prefetch_related("reworks").order_by("production_order__line_position", "inspected_at", "id"))


def inspection_report_available(order: Order, reader: Any) -> bool:
    """Once production has recorded an inspection of the order (the reader already sees the order, or holds
    the customer's link)."""
    return QualityInspection.objects.filter(order=order).exists()


def inspection_report_document(order: Order, *, reader: Any) -> pdf.Document:
    """质量检验报告: the order's inspections in the reader's language."""
    inspections = order_inspections(order)
    rows = []
    for qi in inspections:
        result = str(qi.get_result_display())
        if qi.reinspection_of_id:
            result += "\n" + _("re-inspection of %(qi)s") % {"qi": qi.reinspection_of.number}  # type: ignore[union-attr]
        defects = "\n".join(p for p in (
            (_("%(n)s defects") % {"n": qi.defect_count}) if qi.defect_count else "", qi.defects,
            *[_("Rework: %(note)s") % {"note": r.note} for r in qi.reworks.all()]) if p)
        rows.append([qi.number, str(qi.production_order.line_position), str(qi.get_checkpoint_display()),
                     pdf.date_text(timezone.localtime(qi.inspected_at).date()), str(qi.inspector),
                     str(qi.sample_size), pdf.qty_text(qi.inspected_quantity), result, defects or "—"])
    conclusions = []
    latest: dict[int, QualityInspection] = {}
    for qi in inspections:
        if qi.checkpoint == QI.Checkpoint.FINISHED:
            latest[qi.production_order.line_position] = qi
    lines = {ln.position: ln for ln in order.lines.all()}
    for position in sorted(latest):
        qi = latest[position]
        ln = lines.get(position)
        name = " ".join(p for p in (ln.product_code, ln.name) if p) if ln else ""
        verdict = _("passed") if qi.result == QI.Result.PASS else _("failed")
        conclusions.append(pdf.para(_("Line %(line)s %(name)s: finished product inspection %(verdict)s "
                                      "(report %(qi)s, %(date)s).")
                                    % {"line": position, "name": name, "verdict": verdict, "qi": qi.number,
                                       "date": pdf.date_text(timezone.localtime(qi.inspected_at).date())}, "body"))
    table = pdf.table(
        [_("Report number"), _("Line"), _("Checkpoint"), _("Inspected at"), _("Inspector"), _("Sample size"),
         _("Inspected quantity"), _("Result"), _("Defects")],
        rows, [0.14, 0.05, 0.13, 0.1, 0.09, 0.07, 0.09, 0.12, 0.21], right=(5, 6), nowrap=(0, 3))
    story: list[Any] = [
        pdf.fields_table([(_("Customer"), order.customer.name), (_("Order number"), order.number),
                          (_("Customer reference"), order.customer_reference or "")]),
        pdf.para(_("Inspections"), "heading"), table,
        pdf.para(_("Conclusion"), "heading"),
        *(conclusions or [pdf.para(_("No finished product inspection yet."), "body")]),
        pdf.para(_("Inspected at the three checkpoints of P5.2.b: raw material, in process and finished product. "
                   "A failed inspection is followed by rework and a re-inspection before the goods ship."), "small"),
        pdf.signature_blocks([(_("Quality inspection"), [_("Inspector:"), _("Date:")])]),
    ]
    title = _("Quality inspection report")
    last = max((qi.inspected_at for qi in inspections), default=timezone.now())
    return pdf.Document(title=title, number=order.number, date=timezone.localtime(last).date(),
                        filename=f"{title}-{order.number}", ascii_filename=f"inspection-report-{order.number}",
                        story=story, subject=order.customer.name)


INSPECTION_REPORT = OrderDocument(
    key="inspection_report", label=gettext_lazy("Download quality inspection report PDF"),
    url=lambda order: reverse("production:inspection_report_pdf", args=[order.number]),
    available=inspection_report_available, customer=True,
    build=inspection_report_document)
