"""P4.1.c the one masking rule: a customer's confidential data in full only by duty (its sales rep, customer
service handling its inquiry, finance for invoicing details, the order center reviewing its order, logistics
shipping to it) — everyone else masked, whatever their role; a grant lets its holder reveal, never shows."""

from __future__ import annotations

import pytest

from ordertaking.confidentiality.models import Field
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import Lens, sees

pytestmark = pytest.mark.django_db


def test_p4_1_c_masked_values_keep_only_what_identifies_nobody():
    assert mask(Field.PHONE, "13812345678") == "138****5678"
    assert mask(Field.EMAIL, "liu@pujiang.example.cn") == "l***@pujiang.example.cn"
    assert mask(Field.CONTACT_NAME, "刘经理") == "刘**"
    assert mask(Field.ADDRESS, "浦东新区张江路100号") == "浦东新****"
    assert mask(Field.CREDIT_CODE, "91310115MA1K3YJ20X") == "91****J20X"
    assert mask(Field.INVOICING, "6222020200112233445", key="invoice_bank_account") == "6222****3445"
    assert mask(Field.INVOICING, "工商银行", key="invoice_bank") == "工商银行"
    assert mask(Field.PHONE, "") == "" and mask(Field.PHONE, None) is None


@pytest.mark.parametrize("who", ["sales_rep2", "cs_agent", "reviewer", "finance_user", "leader", "auditor",
                                 "production_user", "logistics_user", "admin_user_role"])
def test_p4_1_c_no_role_sees_a_customers_contacts_without_a_duty(request, customer, who):
    user = request.getfixturevalue(who)
    assert not sees(user, customer, Field.PHONE)
    assert not sees(user, customer, Field.CONTACT_NAME)
    assert not sees(user, customer, Field.ADDRESS)


def test_p4_1_c_the_customers_own_sales_rep_sees_everything(customer, sales_rep):
    assert all(sees(sales_rep, customer, f) for f in Field.values)


def test_p4_1_c_finance_sees_invoicing_details_and_the_credit_code_but_not_the_contacts(customer, finance_user):
    assert sees(finance_user, customer, Field.INVOICING) and sees(finance_user, customer, Field.CREDIT_CODE)
    assert not sees(finance_user, customer, Field.PHONE)


def test_p4_1_c_customer_service_sees_the_contacts_only_while_handling_the_customers_inquiry(customer, cs_agent,
                                                                                             catalog):
    from ordertaking.inquiries.models import Inquiry
    from ordertaking.inquiries.services import inquiry_close

    inquiry = Inquiry.objects.create(channel=Inquiry.Channel.PHONE, customer=customer, company_name=customer.name,
                                     contact_name="刘经理", contact_phone="13812345678", received_by=cs_agent)
    assert sees(cs_agent, customer, Field.PHONE)
    assert not sees(cs_agent, customer, Field.INVOICING)  # the inquiry needs contacts, not the bank account
    inquiry_close(inquiry=inquiry, actor=cs_agent, reason="已答复")
    assert not sees(cs_agent, customer, Field.PHONE)


def test_p4_1_c_the_order_center_sees_the_customer_of_an_order_waiting_for_its_review(make_order, reviewer,
                                                                                       customer):
    assert not sees(reviewer, customer, Field.PHONE)
    make_order(state="submitted")
    assert sees(reviewer, customer, Field.PHONE)


def test_p4_1_c_a_page_asks_the_duties_once_per_customer_and_the_grants_once(customer, cs_agent,
                                                                             django_assert_max_num_queries):
    lens = Lens(cs_agent)
    with django_assert_max_num_queries(5):  # grants, the scopes of inquiries, complaints, logistics, review
        for _ in range(20):
            lens.show(customer, Field.PHONE, "13812345678")
            lens.may_reveal(customer, Field.PHONE)


def test_p4_1_c_whoever_handles_the_customers_open_complaint_sees_its_contacts(customer, cs_agent, make_user):
    from ordertaking.accounts.roles import Role
    from ordertaking.feedback.services import complaint_record

    other = make_user("cs2", Role.CUSTOMER_SERVICE)
    assert not sees(cs_agent, customer, Field.PHONE)
    complaint_record(actor=cs_agent, customer=customer, category="delivery", description="送货晚了两天")
    assert sees(cs_agent, customer, Field.PHONE) and not sees(cs_agent, customer, Field.INVOICING)
    assert not sees(other, customer, Field.PHONE)
