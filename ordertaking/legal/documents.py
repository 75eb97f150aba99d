"""The compliance review as a PDF (P5.3): period, who did it and who signed it off, each checklist item with
its evidence, result and follow-up, in the reader's language (common/pdf.py)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ordertaking.common import pdf

from .models import ComplianceReview
from .selectors import compliance_items


def compliance_document(review: ComplianceReview) -> pdf.Document:
    rows = []
    for row in compliance_items(review):
        it = row["item"]
        follow = "—"
        if it.follow_up:
            follow = _("%(action)s (owner %(owner)s, due %(due)s)") % {
                "action": it.follow_up, "owner": it.follow_up_owner or "—", "due": pdf.date_text(it.follow_up_due)}
        rows.append([str(it.position), str(row["title"]), it.evidence or "—",
                     it.get_result_display() if it.result else _("Not answered"), follow])
    story = [
        pdf.fields_table([
            (pgettext("compliance review", "Period"),
             f"{pdf.date_text(review.period_start)} – {pdf.date_text(review.period_end)}"),
            (_("State"), str(review.get_state_display())),
            (_("Legal adviser"), str(review.assignee)),
            (_("Completed"), f"{pdf.date_text(review.completed_at)} · {review.completed_by}" if review.completed_by
             else "—"),
            (_("Signed off"), f"{pdf.date_text(review.signed_off_at)} · {review.signed_off_by}"
             if review.signed_off_by else "—"),
            (_("Sign-off comment"), review.sign_off_comment or "—"),
        ]),
        pdf.spacer(3),
        pdf.table([_("Item"), _("What is checked"), _("Evidence"), _("Result"), _("Follow-up action")], rows,
                  [0.06, 0.2, 0.34, 0.14, 0.26], nowrap=[0]),
    ]
    if review.summary:
        story += [pdf.spacer(3), pdf.para(_("Overall conclusion"), "heading"), pdf.para(review.summary)]
    title = _("Compliance review of the order business")
    when = timezone.localtime(review.signed_off_at or review.completed_at or review.created_at).date()
    return pdf.Document(title=title, number=str(review), date=when, filename=f"{title}-{review}",
                        ascii_filename=f"compliance-review-{review}".replace(" ", "-"), story=story,
                        number_label=pgettext("compliance review", "Period"),
                        watermark="" if review.state == ComplianceReview.State.SIGNED_OFF else _("Not signed off"))


def compliance_pdf(review: ComplianceReview) -> HttpResponse:
    return pdf.pdf_response(compliance_document(review))
