"""P2.5.b: issuing and revoking the customer's link — who may, what is written, what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ordertaking.accounts.roles import Role
from ordertaking.audit.models import AuditEvent
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.portal.models import PortalLink
from ordertaking.portal.selectors import active_link, email_prefill, link_from_token, link_token, link_url
from ordertaking.portal.services import portal_link_issue, portal_link_revoke, portal_link_use

pytestmark = pytest.mark.django_db


def events(order, action):  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(subject_type="orders.order", subject_id=str(order.pk), action=action))


def test_the_sales_rep_issues_a_link_valid_for_the_standard_days(order, sales_rep, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ORDERTAKING_PORTAL_LINK_DAYS = 60
    link = portal_link_issue(actor=sales_rep, order=order, email="liu@pujiang.example.cn", send=False)
    assert link.state == "active" and link.sent_to == "" and link.language == "zh-hans"
    assert abs((link.expires_at - link.created_at) - timedelta(days=60)) < timedelta(seconds=5)
    (ev,) = events(order, "portal_link.issued")
    assert ev.clause == "P2.5.b" and ev.actor_id == sales_rep.pk
    assert active_link(order) == link
    assert link_url(link).startswith(settings.ORDERTAKING_BASE_URL + "/p/")
    assert link_from_token(link_token(link)) == link


def test_a_link_with_chosen_days(order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    link = portal_link_issue(actor=sales_rep, order=order, send=False, days=7)
    assert abs((link.expires_at - link.created_at) - timedelta(days=7)) < timedelta(seconds=5)


@pytest.mark.parametrize("days", [0, -1, 366, 10**12])
def test_validity_out_of_range_is_refused_and_nothing_written(order, sales_rep, days) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as e:
        portal_link_issue(actor=sales_rep, order=order, send=False, days=days)
    assert e.value.field == "days"
    assert not PortalLink.objects.exists() and not events(order, "portal_link.issued")


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b"])
def test_sending_needs_a_valid_address(order, sales_rep, email) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as e:
        portal_link_issue(actor=sales_rep, order=order, email=email, send=True)
    assert e.value.field == "email"
    assert not PortalLink.objects.exists()


def test_another_reps_order_is_refused(order, sales_rep2) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        portal_link_issue(actor=sales_rep2, order=order, send=False)
    assert not PortalLink.objects.exists()


def test_roles_without_the_capability_are_refused(order, production_user, logistics_user, reviewer) -> None:  # type: ignore[no-untyped-def]
    for user in (production_user, logistics_user, reviewer):
        if user.has_perm("accounts.portal_link_manage"):
            continue
        with pytest.raises(PermissionDenied):
            portal_link_issue(actor=user, order=order, send=False)
    assert not PortalLink.objects.exists()


def test_customer_service_may_send_the_link(order, cs_agent) -> None:  # type: ignore[no-untyped-def]
    assert portal_link_issue(actor=cs_agent, order=order, email="liu@pujiang.example.cn", send=False)


def test_no_link_for_an_order_not_approved(make_order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    draft = make_order(state="draft")
    with pytest.raises(InvalidTransition):
        portal_link_issue(actor=sales_rep, order=draft, send=False)
    assert not PortalLink.objects.exists()


def test_revoking_records_who_and_why_and_cannot_happen_twice(order, link, sales_rep) -> None:  # type: ignore[no-untyped-def]
    portal_link_revoke(actor=sales_rep, link=link, reason="联系人换了")
    link.refresh_from_db()
    assert link.state == "revoked" and link.revoked_by == sales_rep and link.revoke_reason == "联系人换了"
    (ev,) = events(order, "portal_link.revoked")
    assert ev.message == "联系人换了"
    with pytest.raises(InvalidTransition):
        portal_link_revoke(actor=sales_rep, link=link, reason="again")
    assert len(events(order, "portal_link.revoked")) == 1
    assert active_link(order) is None


def test_revoking_needs_a_reason_and_the_right_person(order, link, sales_rep, sales_rep2) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        portal_link_revoke(actor=sales_rep, link=link, reason="  ")
    with pytest.raises(PermissionDenied):
        portal_link_revoke(actor=sales_rep2, link=link, reason="不是我的")
    link.refresh_from_db()
    assert link.state == "active"


def test_the_first_opening_is_on_the_timeline_the_rest_only_counted(order, link) -> None:  # type: ignore[no-untyped-def]
    portal_link_use(link=link)
    portal_link_use(link=link)
    link.refresh_from_db()
    assert link.use_count == 2 and link.last_used_at is not None
    (ev,) = events(order, "portal_link.opened")
    assert ev.actor_id is None and ev.actor_name == "customer"


def test_active_link_skips_expired_and_revoked(order, sales_rep) -> None:  # type: ignore[no-untyped-def]
    old = portal_link_issue(actor=sales_rep, order=order, send=False)
    newer = portal_link_issue(actor=sales_rep, order=order, send=False)
    assert active_link(order) == newer
    portal_link_revoke(actor=sales_rep, link=newer, reason="重发")
    assert active_link(order) == old
    PortalLink.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(seconds=1))
    assert active_link(order) is None


def test_the_address_is_prefilled_from_the_orders_contact(order, customer) -> None:  # type: ignore[no-untyped-def]
    from ordertaking.customers.models import Contact
    from ordertaking.orders.models import Order

    Contact.objects.create(customer=customer, name="陈工", phone="13900000000", email="chen@pujiang.example.cn")
    Order.objects.filter(pk=order.pk).update(contact_name="陈工")
    order.refresh_from_db()
    assert email_prefill(order) == "chen@pujiang.example.cn"
    Order.objects.filter(pk=order.pk).update(contact_name="没有邮箱的人")
    order.refresh_from_db()
    assert email_prefill(order) == "liu@pujiang.example.cn"  # the primary contact's


def test_roles_holding_the_capability() -> None:
    from ordertaking.accounts.roles import CAPABILITIES

    assert CAPABILITIES["portal_link_manage"][1] == {Role.SALES, Role.ORDER_CENTER, Role.CUSTOMER_SERVICE}


def test_a_section_checks_the_link_again_under_its_lock(order, link, sales_rep) -> None:  # type: ignore[no-untyped-def]
    """A section's service (signing, accepting) re-reads the link locked inside its transaction, so a
    link revoked a moment ago records nothing."""
    from django.db import transaction

    from ordertaking.portal.selectors import LinkInvalid

    token = link_token(link)
    with transaction.atomic():
        assert link_from_token(token, for_update=True) == link
    portal_link_revoke(actor=sales_rep, link=link, reason="重发")
    with transaction.atomic(), pytest.raises(LinkInvalid):
        link_from_token(token, for_update=True)
