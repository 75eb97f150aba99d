"""P4.1.c access requests 审批后方可查阅: asked with a reason for one customer, decided by the customer's rep's
leader or leadership and never by the requester, granted for a limited time and revocable; a grant lets
its holder reveal values one by one, each reveal logged; consent to disclosure recorded on the customer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ordertaking.audit.selectors import timeline_for
from ordertaking.common.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ordertaking.confidentiality import services
from ordertaking.confidentiality.models import AccessRequest, Consent, Field, RevealLog
from ordertaking.confidentiality.selectors import Lens

pytestmark = pytest.mark.django_db


def _ask(user, customer, **kw):  # type: ignore[no-untyped-def]
    return services.access_request_create(actor=user, customer=customer, reason="核对开票信息", **kw)


def _contact(customer):  # type: ignore[no-untyped-def]
    return customer.contacts.get()


def test_p4_1_c_a_request_is_granted_for_seven_days_by_leadership_and_audited(customer, auditor, leader):
    req = _ask(auditor, customer)
    assert req.state == AccessRequest.State.REQUESTED and req.days == 7
    services.access_request_decide(actor=leader, request=req, grant=True)
    req.refresh_from_db()
    assert req.state == AccessRequest.State.GRANTED and req.decided_by == leader
    assert timedelta(days=6, hours=23) < req.expires_at - timezone.now() <= timedelta(days=7)
    actions = [e.action for e in timeline_for(customer)]
    assert "confidential_access.requested" in actions and "confidential_access.granted" in actions


def test_p4_1_c_nobody_decides_their_own_request(customer, leader, leader2):
    req = _ask(leader, customer)
    with pytest.raises(PermissionDenied) as e:
        services.access_request_decide(actor=leader, request=req, grant=True)
    assert e.value.code == "segregation_of_duties"
    assert AccessRequest.objects.get(pk=req.pk).state == AccessRequest.State.REQUESTED
    services.access_request_decide(actor=leader2, request=req, grant=True)


def test_p4_1_c_the_reps_leader_decides_without_leaderships_capability(customer, auditor, team_leader):
    req = _ask(auditor, customer)
    services.access_request_decide(actor=team_leader, request=req, grant=False, comment="没有必要")
    assert AccessRequest.objects.get(pk=req.pk).state == AccessRequest.State.REFUSED


@pytest.mark.parametrize("who", ["sales_rep", "sales_rep2", "finance_user", "reviewer"])
def test_p4_1_c_anyone_else_is_refused_the_decision(request, customer, auditor, who):
    req = _ask(auditor, customer)
    with pytest.raises(PermissionDenied) as e:
        services.access_request_decide(actor=request.getfixturevalue(who), request=req, grant=True)
    assert e.value.code == "permission_denied"


def test_p4_1_c_a_refusal_says_why_and_a_decided_request_is_not_decided_again(customer, auditor, leader):
    req = _ask(auditor, customer)
    with pytest.raises(ValidationFailed) as e:
        services.access_request_decide(actor=leader, request=req, grant=False)
    assert e.value.field == "comment"
    services.access_request_decide(actor=leader, request=req, grant=True)
    with pytest.raises(InvalidTransition):
        services.access_request_decide(actor=leader, request=req, grant=False, comment="改主意")


def test_p4_1_c_one_request_waits_at_a_time_and_days_are_bounded(customer, auditor):
    _ask(auditor, customer)
    with pytest.raises(Conflict):
        _ask(auditor, customer)
    with pytest.raises(ValidationFailed) as e:
        services.access_request_create(actor=auditor, customer=customer, reason="x", days=91)
    assert e.value.field == "days"
    with pytest.raises(ValidationFailed) as e:
        services.access_request_create(actor=auditor, customer=customer, reason="  ")
    assert e.value.field == "reason"


def test_p4_1_c_a_sales_rep_cannot_ask_for_another_reps_customer_they_cannot_see(customer, sales_rep2):
    with pytest.raises(NotFound):
        _ask(sales_rep2, customer)


def _granted(customer, holder, decider, **kw):  # type: ignore[no-untyped-def]
    req = _ask(holder, customer)
    return services.access_request_decide(actor=decider, request=req, grant=True, **kw)


def test_p4_1_c_a_grant_masks_the_page_but_lets_its_holder_reveal_each_value_logged(customer, auditor, leader):
    lens = Lens(auditor)
    assert not lens.may_reveal(customer, Field.PHONE)
    with pytest.raises(PermissionDenied) as e:
        services.reveal_value(actor=auditor, source="contact", ref=str(_contact(customer).pk), key="phone")
    assert e.value.code == "access_required" and RevealLog.objects.count() == 0
    req = _granted(customer, auditor, leader)
    lens = Lens(auditor)
    assert not lens.sees(customer, Field.PHONE) and lens.may_reveal(customer, Field.PHONE)
    assert lens.show(customer, Field.PHONE, "13812345678") == "138****5678"
    value, log = services.reveal_value(actor=auditor, source="contact", ref=str(_contact(customer).pk), key="phone")
    assert value == "13812345678"
    assert (log.user, log.customer_id, log.field, log.basis, log.grant_id, log.channel) == (
        auditor, customer.pk, Field.PHONE, RevealLog.Basis.GRANT, req.pk, RevealLog.Channel.PAGE)


def test_p4_1_c_a_reveal_under_a_duty_names_the_duty(customer, finance_user):
    value, log = services.reveal_value(actor=finance_user, source="customer", ref=str(customer.pk),
                                       key="credit_code")
    assert value == customer.credit_code
    assert log.basis == RevealLog.Basis.DUTY and log.grant_id is None
    assert log.duty == "finance issuing the customer's invoices"


def test_p4_1_c_an_expired_grant_reveals_nothing_and_cannot_be_revoked(customer, auditor, leader):
    req = _granted(customer, auditor, leader, days=1)
    AccessRequest.objects.filter(pk=req.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not Lens(auditor).may_reveal(customer, Field.PHONE)
    with pytest.raises(PermissionDenied):
        services.reveal_value(actor=auditor, source="contact", ref=str(_contact(customer).pk), key="phone")
    req.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.access_grant_revoke(actor=leader, request=req, reason="到期")


def test_p4_1_c_a_revoked_grant_reveals_nothing_from_then_on(customer, auditor, leader, sales_rep2):
    req = _granted(customer, auditor, leader)
    with pytest.raises(PermissionDenied):
        services.access_grant_revoke(actor=sales_rep2, request=req, reason="x")
    with pytest.raises(ValidationFailed):
        services.access_grant_revoke(actor=leader, request=req, reason="")
    services.access_grant_revoke(actor=leader, request=req, reason="审计结束")
    req.refresh_from_db()
    assert req.state == AccessRequest.State.REVOKED and req.revoked_by == leader
    with pytest.raises(PermissionDenied):
        services.reveal_value(actor=auditor, source="contact", ref=str(_contact(customer).pk), key="phone")
    assert "confidential_access.revoked" in [e.action for e in timeline_for(customer)]


def test_p4_1_c_the_holder_may_give_up_their_grant_without_a_reason(customer, auditor, leader):
    req = _granted(customer, auditor, leader)
    services.access_grant_revoke(actor=auditor, request=req)
    assert AccessRequest.objects.get(pk=req.pk).state == AccessRequest.State.REVOKED


def test_p4_1_c_a_grant_for_one_customer_reveals_nothing_of_another(customer, auditor, leader, catalog, sales_rep2):
    from ordertaking.customers.models import Contact, Customer

    other = Customer.objects.create(name="广州南方贸易", sales_rep=sales_rep2, created_by=sales_rep2)
    contact = Contact.objects.create(customer=other, name="陈先生", phone="13900001111")
    _granted(customer, auditor, leader)
    with pytest.raises(PermissionDenied):
        services.reveal_value(actor=auditor, source="contact", ref=str(contact.pk), key="phone")


def test_p4_1_c_consent_is_recorded_by_sales_or_customer_service_on_the_customers_timeline(customer, sales_rep,
                                                                                          auditor):
    until = timezone.localdate() + timedelta(days=30)
    consent = services.consent_record(actor=sales_rep, customer=customer, what="联系人电话", recipient="顺丰速运",
                                      purpose="送货联系", valid_until=until, evidence="客户邮件 2026-11-20")
    assert Consent.objects.get(pk=consent.pk).recipient == "顺丰速运"
    assert "consent.recorded" in [e.action for e in timeline_for(customer)]
    with pytest.raises(PermissionDenied):
        services.consent_record(actor=auditor, customer=customer, what="x", recipient="y")
    with pytest.raises(ValidationFailed) as e:
        services.consent_record(actor=sales_rep, customer=customer, what="x", recipient="y",
                                valid_until=timezone.localdate() - timedelta(days=1))
    assert e.value.field == "valid_until"
