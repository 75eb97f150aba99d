from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "ordertaking.feedback"
    label = "feedback"
    verbose_name = _("Customer feedback")

    def ready(self) -> None:
        # The customer's pages are the portal's (below us): hand it our two sections, and take from it
        # the way to the customer's link for the survey and resolution mails.
        from ordertaking.portal.sections import PortalSection, portal_section_add

        from . import portal_links, selectors
        from .services import portal_link_maker_set

        portal_section_add(PortalSection(
            key="survey", label=_("Satisfaction survey"), url_name="feedback_portal:survey",
            available=selectors.survey_available, icon="bi-emoji-smile", position=60,
            badge=selectors.survey_badge, description=_("Tell us how satisfied you are: one minute, 1 to 5.")))
        portal_section_add(PortalSection(
            key="complaints", label=_("Complaints"), url_name="feedback_portal:complaints",
            available=_always, icon="bi-chat-left-dots", position=70, badge=selectors.complaints_badge,
            description=_("Something wrong? Tell us, and follow how we handle it.")))
        portal_link_maker_set(portal_links.customer_link)

        # P6.1.c: the survey is offered as the order is accepted (deliveries, below us, calls back inside the
        # acceptance's transaction); the hourly job stays as the safety net for orders accepted before this.
        from ordertaking.deliveries.acceptance.services import accepted_handler_add

        from .services import survey_invite

        accepted_handler_add(survey_invite)

        # P4.1.c: whoever handles a customer's open complaint sees its contacts (confidentiality's duty).
        from ordertaking.confidentiality.duties import duty_add

        duty_add(selectors.complaint_duty, scope=selectors.complaint_duty_scope)
        from ordertaking.confidentiality.duties import subject_customers_add, subject_customers_of

        from .models import Complaint as _Complaint

        subject_customers_add("feedback.complaint", subject_customers_of(_Complaint))
        from ordertaking.confidentiality.duties import reveal_source_add

        reveal_source_add("complaint", selectors.reveal_complaint)

        # Files on a complaint (photos of the fault, the contract in dispute, P3.2) through the attachments app
        # (below): seen by whoever sees the complaint, attached by its handlers and recorders.
        from ordertaking.attachments.models import Attachment
        from ordertaking.attachments.targets import AttachmentTarget, attachment_target_add

        from .models import Complaint

        attachment_target_add(AttachmentTarget(
            key="complaint", model=Complaint, get=lambda user, ref: selectors.complaint_for(user, ref),
            ref=lambda c: c.number, may_view=_sees_complaint,
            may_add=lambda user, c: (selectors.may_handle(user) or selectors.may_record(user))
            and _sees_complaint(user, c),
            order_of=lambda c: c.order,
            kinds=(Attachment.Kind.PHOTO, Attachment.Kind.OTHER, Attachment.Kind.CONTRACT)))


def _always(order: Any) -> bool:
    return True


def _sees_complaint(user: Any, complaint: Any) -> bool:
    from . import selectors

    return selectors.complaints_visible(user).filter(pk=complaint.pk).exists()
