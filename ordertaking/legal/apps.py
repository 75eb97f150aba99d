from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "ordertaking.legal"
    label = "legal"
    verbose_name = _("Legal compliance")

    def ready(self) -> None:
        # The words of this chapter's findings, read whenever a finding is shown (common sits below us).
        from ordertaking.common.findings import finding_texts_add

        from .rules import FINDING_TEXTS

        finding_texts_add(FINDING_TEXTS)
        # The evidence of a compliance review (P5.3): contract templates, legal notes, screenshots, kept with
        # the review through the attachments app (below us).
        from ordertaking.attachments.models import Attachment
        from ordertaking.attachments.targets import AttachmentTarget, attachment_target_add

        from . import selectors
        from .models import ComplianceReview

        attachment_target_add(AttachmentTarget(
            key="compliance_review", model=ComplianceReview,
            get=lambda user, ref: selectors.compliance_review_get(user=user, pk=int(ref) if ref.isdigit() else 0),
            ref=lambda r: str(r.pk), may_view=_sees_review, may_add=_works_on_review,
            kinds=(Attachment.Kind.CONTRACT, Attachment.Kind.OTHER)))


def _sees_review(user: Any, review: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("accounts.compliance_review_view"))


def _works_on_review(user: Any, review: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("accounts.compliance_review_manage")
                and review.state == "in_progress" and (user.pk == review.assignee_id or user.has_role("legal")))
