"""PostgreSQL only: two people archiving the same company at the same moment (P2.1.c) get one
customer and one clear refusal naming it, never a 500; two reps converting the same inquiry get
one order."""

from __future__ import annotations

import pytest

from ordertaking.common.errors import Conflict, InvalidTransition
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import credit_code_check_char
from tests.concurrency import race as run_together


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p2_1_c_concurrent_creates_with_the_same_credit_code_yield_one_customer_and_one_conflict(cs_agent,
                                                                                                 sales_rep):
    from ordertaking.customers.services import customer_create

    code = "91330100MA2H3K4L5"
    code += credit_code_check_char(code)
    results = run_together(lambda: customer_create(actor=cs_agent, name="甲方", credit_code=code),
                           lambda: customer_create(actor=sales_rep, name="乙方", credit_code=code))
    created = [r for r in results if isinstance(r, Customer)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].code == "duplicate_customer" and created[0].name in str(refused[0].message)
    assert Customer.objects.filter(credit_code=code).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p2_1_concurrent_conversions_of_one_inquiry_make_one_order(cs_agent, sales_rep, reviewer, catalog):
    from ordertaking.inquiries.models import Inquiry
    from ordertaking.inquiries.services import inquiry_convert, inquiry_handover, inquiry_record
    from ordertaking.orders.models import Order

    inq = inquiry_record(actor=cs_agent, channel="phone", company_name="并发公司", contact_name="甲",
                         contact_phone="13800138000", product=catalog["products"]["motor"], quantity=2)
    inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    results = run_together(lambda: inquiry_convert(inquiry=inq, actor=sales_rep),
                           lambda: inquiry_convert(inquiry=inq, actor=sales_rep))
    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1, results
    assert Order.objects.count() == 1 and Customer.objects.filter(name="并发公司").count() == 1
    assert Inquiry.objects.get(pk=inq.pk).state == Inquiry.State.CONVERTED
