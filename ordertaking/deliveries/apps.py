from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "ordertaking.deliveries"
    label = "deliveries"
    verbose_name = _("Delivery and acceptance")

    def ready(self) -> None:
        # Logistics (below) dispatches a shipment only once its readiness checklist is signed by all three
        # departments (P2.5.a): deliveries hands the check down (docs/conventions.md, layers).
        from ordertaking.logistics.services import dispatch_check_add

        from .services import dispatch_check

        dispatch_check_add(dispatch_check)

        # P3.6: an accepted order closes once its invoices are paid — finance (below) calls deliveries back
        # inside the payment's transaction.
        from ordertaking.finance.services import invoice_paid_handler_add
        from ordertaking.portal.sections import PortalSection, portal_section_add

        from .acceptance import portal_views
        from .acceptance.services import on_invoice_paid

        invoice_paid_handler_add(on_invoice_paid)
        # The customer's acceptance pages (P2.5.c/d) as sections of their link's pages.
        portal_section_add(PortalSection(
            key="acceptance", label=_("Acceptance"), url_name="acceptance_portal:acceptance",
            available=portal_views.acceptance_available, icon="bi-clipboard-check", position=30,
            badge=portal_views.acceptance_badge,
            description=_("Check each delivered item against the contract and accept it, or tell us what is wrong.")))
        portal_section_add(PortalSection(
            key="issues", label=_("Issues"), url_name="acceptance_portal:issues",
            available=portal_views.issues_available, icon="bi-exclamation-diamond", position=40,
            badge=portal_views.issues_badge,
            description=_("The problems you raised at acceptance: their progress and result.")))
        # The voucher of each dispatched shipment is made in logistics' dispatch transaction, through the
        # execution chapter's progress hand-off; its PDF is one of the order's documents (P2.5.b).
        from ordertaking.common.progress import order_progress_handler_add

        from . import documents
        from .voucher_services import vouchers_follow

        order_progress_handler_add(vouchers_follow)
        documents.register()
        # Files on a voucher (photos of the goods, the service record, manuals handed over) through the
        # attachments app (below); the scan of a signed paper voucher stays once it counts as signed, and only
        # whoever sees the signer in full gets it (P4.1.c, as the drawn signature).
        from ordertaking.attachments.models import Attachment
        from ordertaking.attachments.targets import (
            AttachmentTarget,
            attachment_remove_check_add,
            attachment_target_add,
            attachment_view_check_add,
        )
        from ordertaking.orders.permissions import may_see

        from . import voucher_selectors
        from .models import DeliveryVoucher
        from .voucher_services import scan_removal_refusal

        attachment_target_add(AttachmentTarget(
            key="voucher", model=DeliveryVoucher, get=lambda user, ref: voucher_selectors.voucher_for(user, ref),
            ref=lambda voucher: voucher.number, may_view=lambda user, voucher: may_see(user, voucher.order),
            may_add=lambda user, voucher: voucher_selectors.may_record(user, voucher.order),
            order_of=lambda voucher: voucher.order,
            kinds=(Attachment.Kind.PHOTO, Attachment.Kind.SERVICE_RECORD, Attachment.Kind.MANUAL,
                   Attachment.Kind.OTHER)))
        attachment_remove_check_add(scan_removal_refusal)
        from .selectors import scan_visible

        attachment_view_check_add(scan_visible, kinds=(Attachment.Kind.VOUCHER_SCAN,))
        # Files on an acceptance issue (photos of the fault, the service record of the repair, P2.5.d): seen by
        # whoever sees its order, attached by those who work on it.
        from .acceptance import selectors as acceptance_selectors
        from .models import AcceptanceIssue

        attachment_target_add(AttachmentTarget(
            key="acceptance_issue", model=AcceptanceIssue,
            get=lambda user, ref: acceptance_selectors.issue_for(user, ref),
            ref=lambda issue: issue.number, may_view=lambda user, issue: may_see(user, issue.order),
            may_add=lambda user, issue: acceptance_selectors.may_handle(user, issue) and may_see(user, issue.order),
            order_of=lambda issue: issue.order,
            kinds=(Attachment.Kind.PHOTO, Attachment.Kind.SERVICE_RECORD, Attachment.Kind.OTHER)))
        # P4.1.c: the people at the customer this chapter names (who signed a voucher, who raised an issue or
        # accepted its result) are masked for readers without the order's one rule; a grant reveals them.
        from ordertaking.confidentiality.duties import reveal_source_add

        reveal_source_add("voucher", voucher_selectors.reveal_voucher)
        reveal_source_add("acceptance_issue", acceptance_selectors.reveal_issue)
        # The customer signs on their own page: the portal's "Delivery voucher" section (portal/sections.py).
        from .voucher_selectors import open_vouchers, order_has_vouchers

        portal_section_add(PortalSection(
            key="voucher", label=_("Delivery voucher"), url_name="deliveries_portal:vouchers",
            available=order_has_vouchers, icon="bi-pen", position=10,
            badge=lambda order: str(_("To sign")) if open_vouchers(order) else "",
            description=_("Read what was delivered and sign the delivery voucher on your phone.")))
