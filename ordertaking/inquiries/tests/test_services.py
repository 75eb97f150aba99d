"""Inquiry services (P2.1, P3.2): record, update, hand over, convert, close. Each succeeds with its
event, is refused without the capability or from the wrong state, and writes nothing on failure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.selectors import timeline_for
from ordertaking.common.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ordertaking.customers.models import Customer
from ordertaking.inquiries import services
from ordertaking.inquiries.models import Inquiry
from ordertaking.orders.models import Order

pytestmark = pytest.mark.django_db


def prospect(cs_agent, catalog, **over):  # type: ignore[no-untyped-def]
    data = {"channel": "phone", "company_name": "杭州新风科技有限公司", "contact_name": "钱先生",
            "contact_phone": "13700001111", "region": catalog["regions"]["sh"], "city": "上海市",
            "address": "闵行区莘庄1号", "product": catalog["products"]["motor"], "specification": "防爆型",
            "quantity": Decimal("5"), "service_requirements": "需要现场安装", "needs_analysis": "产线改造，预算充足"}
    data.update(over)
    return services.inquiry_record(actor=cs_agent, **data)


@pytest.mark.parametrize("channel", ["phone", "email", "online", "visit"])
def test_p2_1_a_inquiry_recorded_for_every_channel_with_event(cs_agent, catalog, channel):
    inq = prospect(cs_agent, catalog, channel=channel)
    assert inq.state == Inquiry.State.OPEN and inq.received_by == cs_agent and inq.channel == channel
    ev = timeline_for(inq).get()
    assert (ev.action, ev.clause) == ("inquiry.recorded", "P2.1.a")


def test_p2_1_a_unknown_channel_refused(cs_agent, catalog):
    with pytest.raises(ValidationFailed) as exc:
        prospect(cs_agent, catalog, channel="fax")
    assert exc.value.field == "channel"
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("over,field", [
    ({"company_name": ""}, "company_name"),
    ({"contact_name": ""}, "contact_name"),
    ({"contact_phone": "", "contact_email": ""}, "contact_phone"),
    ({"contact_phone": "12345"}, "contact_phone"),
    ({"contact_email": "not-mail"}, "contact_email"),
    ({"product": None, "specification": "", "service_requirements": ""}, "specification"),
    ({"quantity": Decimal("0")}, "quantity"),
    ({"quantity": "abc"}, "quantity"),
])
def test_p2_1_c_information_collection_refuses_missing_or_invalid_fields(cs_agent, catalog, over, field):
    with pytest.raises(ValidationFailed) as exc:
        prospect(cs_agent, catalog, **over)
    assert exc.value.field == field
    assert not Inquiry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="inquiry.").exists()


def test_p2_1_c_inquiry_for_an_existing_customer_needs_no_prospect_data(sales_rep, customer, catalog):
    inq = services.inquiry_record(actor=sales_rep, channel="visit", customer=customer, specification="R87 减速机 20台")
    assert inq.customer == customer


def test_p2_1_c_a_sales_rep_cannot_pick_another_reps_customer(sales_rep2, customer):
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_record(actor=sales_rep2, channel="phone", customer=customer, specification="x")
    assert exc.value.field == "customer"


def test_p3_2_inquiry_record_refused_without_the_capability(reviewer, finance_user, catalog):
    for user in (reviewer, finance_user):
        with pytest.raises(PermissionDenied):
            prospect(user, catalog)
    assert not Inquiry.objects.exists()


def test_p2_1_c_update_records_changes_only(cs_agent, catalog):
    inq = prospect(cs_agent, catalog)
    services.inquiry_update(inquiry=inq, actor=cs_agent, quantity=Decimal("8"), notes="客户追加")
    ev = timeline_for(inq).last()
    assert ev is not None and ev.action == "inquiry.updated"
    assert ev.before == {"quantity": "5.000", "notes": ""} and ev.after == {"quantity": "8", "notes": "客户追加"}


def test_p2_1_c_update_refuses_state_and_order_fields(cs_agent, catalog):
    inq = prospect(cs_agent, catalog)
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_update(inquiry=inq, actor=cs_agent, state="closed")
    assert exc.value.field == "state"


def test_p2_1_b_handover_to_a_named_sales_rep_is_in_the_timeline(cs_agent, sales_rep, catalog):
    sales_rep.email = "wang@example.cn"
    sales_rep.save()
    inq = prospect(cs_agent, catalog)
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep, note="客户要求防爆认证", special_needs=True)
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.HANDED_OVER and inq.assigned_to == sales_rep and inq.special_needs
    ev = timeline_for(inq).last()
    assert ev is not None
    assert (ev.action, ev.clause, ev.message) == ("inquiry.handed_over", "P2.1.b", "客户要求防爆认证")
    assert ev.after == {"assigned_to": "王销售", "state": "handed_over", "special_needs": True}


def test_p2_1_b_handover_mail_goes_out_after_commit(cs_agent, sales_rep, catalog, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    sales_rep.email = "wang@example.cn"
    sales_rep.save()
    inq = prospect(cs_agent, catalog)
    with django_capture_on_commit_callbacks(execute=True):
        services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    assert [m.to for m in mailoutbox] == [["wang@example.cn"]]


def test_p2_1_b_handover_target_must_hold_the_sales_role(cs_agent, reviewer, catalog):
    inq = prospect(cs_agent, catalog)
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_handover(inquiry=inq, actor=cs_agent, to=reviewer)
    assert exc.value.field == "to"
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.OPEN and inq.assigned_to is None


def test_p2_1_b_handover_refused_without_the_capability(cs_agent, leader, sales_rep, catalog):
    inq = prospect(cs_agent, catalog)
    with pytest.raises(PermissionDenied):
        services.inquiry_handover(inquiry=inq, actor=leader, to=sales_rep)
    assert not timeline_for(inq).filter(action="inquiry.handed_over").exists()


def test_p2_1_b_a_handed_over_inquiry_can_go_to_another_rep(cs_agent, sales_rep, sales_rep2, catalog):
    inq = prospect(cs_agent, catalog)
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    with pytest.raises(ValidationFailed):
        services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep2)
    inq.refresh_from_db()
    assert inq.assigned_to == sales_rep2
    assert timeline_for(inq).filter(action="inquiry.handed_over").count() == 2


def test_p2_1_close_needs_a_reason_and_then_refuses_further_moves(cs_agent, sales_rep, catalog):
    inq = prospect(cs_agent, catalog)
    with pytest.raises(ValidationFailed) as exc:
        services.inquiry_close(inquiry=inq, actor=cs_agent, reason="  ")
    assert exc.value.field == "reason"
    services.inquiry_close(inquiry=inq, actor=cs_agent, reason="客户已选其他供应商")
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.CLOSED and inq.close_reason == "客户已选其他供应商"
    assert timeline_for(inq).last().action == "inquiry.closed"  # type: ignore[union-attr]
    for call in (lambda: services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep),
                 lambda: services.inquiry_close(inquiry=inq, actor=cs_agent, reason="again"),
                 lambda: services.inquiry_update(inquiry=inq, actor=cs_agent, notes="x"),
                 lambda: services.inquiry_convert(inquiry=inq, actor=sales_rep)):
        with pytest.raises((InvalidTransition, PermissionDenied)):
            call()
    with pytest.raises(InvalidTransition):
        services.inquiry_close(inquiry=inq, actor=cs_agent, reason="again")


def test_p2_1_only_receiver_assignee_or_view_all_may_act_on_an_inquiry(cs_agent, sales_rep, sales_rep2, catalog):
    inq = services.inquiry_record(actor=sales_rep, channel="visit", company_name="甲公司", contact_name="甲",
                                  contact_phone="13800138000", specification="x")
    with pytest.raises(PermissionDenied):
        services.inquiry_close(inquiry=inq, actor=sales_rep2, reason="not mine")
    services.inquiry_close(inquiry=inq, actor=cs_agent, reason="customer service sees all")


def test_p2_1_convert_prospect_creates_customer_and_draft_order_carrying_the_data(cs_agent, sales_rep, catalog):
    inq = prospect(cs_agent, catalog, wanted_delivery_date=None)
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    order = services.inquiry_convert(inquiry=inq, actor=sales_rep)
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.CONVERTED and inq.order == order
    customer = Customer.objects.get(name="杭州新风科技有限公司")
    assert inq.customer == customer and customer.sales_rep == sales_rep
    assert customer.contacts.get().phone == "13700001111"
    assert customer.addresses.get().detail == "闵行区莘庄1号"
    assert order.state == "draft" and order.customer == customer and order.sales_rep == sales_rep
    assert (order.delivery_region, order.delivery_city, order.delivery_address) == (
        catalog["regions"]["sh"], "上海市", "闵行区莘庄1号")
    assert (order.contact_name, order.contact_phone) == ("钱先生", "13700001111")
    (line,) = order.lines.all()
    assert line.product_code == "MOT-001" and line.quantity == Decimal("5") and line.specification == "防爆型"
    assert line.unit_price == Decimal("3200.00")
    assert timeline_for(inq).last().action == "inquiry.converted"  # type: ignore[union-attr]
    assert timeline_for(customer).get().action == "customer.created"
    assert timeline_for(order).filter(action="order.created").exists()


def test_p2_1_convert_for_existing_customer_with_free_text_need(sales_rep, customer, catalog, far_date):
    inq = services.inquiry_record(actor=sales_rep, channel="email", customer=customer, specification="非标支架 定制",
                                  quantity=Decimal("12"), wanted_delivery_date=far_date)
    order = services.inquiry_convert(inquiry=inq, actor=sales_rep)
    assert Customer.objects.count() == 1
    (line,) = order.lines.all()
    assert line.product is None and line.name == "非标支架 定制" and line.unit_price is None
    assert order.delivery_date == far_date
    assert order.delivery_address == "浦东新区张江路100号"  # the customer's default address
    assert order.contact_name == "刘经理"


def test_p2_1_convert_refused_for_customer_service_who_cannot_enter_orders(cs_agent, catalog):
    inq = prospect(cs_agent, catalog)
    with pytest.raises(PermissionDenied):
        services.inquiry_convert(inquiry=inq, actor=cs_agent)
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.OPEN
    assert not Customer.objects.exists() and not Order.objects.exists()


def test_p2_1_convert_twice_is_refused_and_creates_nothing_more(cs_agent, sales_rep, catalog):
    inq = prospect(cs_agent, catalog)
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    services.inquiry_convert(inquiry=inq, actor=sales_rep)
    with pytest.raises(InvalidTransition):
        services.inquiry_convert(inquiry=inq, actor=sales_rep)
    assert Order.objects.count() == 1 and Customer.objects.count() == 1


def test_p2_1_convert_rolls_back_the_new_customer_when_the_order_is_refused(cs_agent, sales_rep, customer,
                                                                             catalog):
    # The customer is created first; when the order then refuses the data, neither stays behind.
    inq = prospect(cs_agent, catalog, contact_phone="", contact_email="a@b.cn")
    services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
    Inquiry.objects.filter(pk=inq.pk).update(quantity=Decimal("-1"))  # corrupted row: the order refuses it
    with pytest.raises(ValidationFailed):
        services.inquiry_convert(inquiry=inq, actor=sales_rep)
    assert Customer.objects.count() == 1 and not Order.objects.exists()
    inq.refresh_from_db()
    assert inq.state == Inquiry.State.HANDED_OVER and inq.order is None


def test_p2_1_b_home_queues_for_sales_and_customer_service(cs_agent, sales_rep, catalog):
    from ordertaking.inquiries.selectors import home_queues

    a = prospect(cs_agent, catalog, special_needs=True)
    prospect(cs_agent, catalog, company_name="第二家")
    services.inquiry_handover(inquiry=a, actor=cs_agent, to=sales_rep)
    (mine,) = home_queues(sales_rep)
    assert mine.key == "inquiries_handed_to_me" and mine.count == 1 and mine.items[0].url == f"/inquiries/{a.pk}/"
    cs = {q.key: q for q in home_queues(cs_agent)}
    assert cs["inquiries_to_hand_over"].count == 1
    assert cs["inquiries_special_open"].count == 0  # the special one was handed over


def test_p2_1_b_a_hung_smtp_server_does_not_hold_the_handover(cs_agent, sales_rep, catalog, settings,
                                                              django_capture_on_commit_callbacks):
    """The handover mail is queued for the job worker (common/mail.py), not sent by the web worker."""
    import socket
    import time

    from huey.contrib.djhuey import HUEY
    from huey.storage import MemoryStorage

    sales_rep.email = "wang@example.cn"
    sales_rep.save()
    inq = prospect(cs_agent, catalog)
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", hung.getsockname()[1], 3
    storage, HUEY.immediate = HUEY.storage, False
    HUEY.storage = MemoryStorage("handover")
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            services.inquiry_handover(inquiry=inq, actor=cs_agent, to=sales_rep)
        assert time.monotonic() - started < 1
        assert HUEY.pending_count() == 1
    finally:
        HUEY.storage, HUEY.immediate = storage, True
        hung.close()
