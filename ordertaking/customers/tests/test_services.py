"""Customer archive services (P2.1.c, P4.1.a): each write succeeds with its event, is refused
without `customer_manage`, and leaves nothing behind when it fails."""

from __future__ import annotations

import pytest

from ordertaking.audit.models import AuditEvent
from ordertaking.audit.selectors import timeline_for
from ordertaking.common.errors import Conflict, PermissionDenied, ValidationFailed
from ordertaking.customers import services
from ordertaking.customers.models import Contact, Customer, CustomerAddress
from ordertaking.customers.rules import credit_code_check_char

pytestmark = pytest.mark.django_db


def valid_code(first17: str = "91440300MA5F0K123") -> str:
    return first17 + credit_code_check_char(first17)


def test_p2_1_c_customer_create_stores_basic_information_contacts_addresses_and_writes_event(
        cs_agent, catalog):
    c = services.customer_create(
        actor=cs_agent, name=" 深圳华南电气有限公司 ", credit_code=valid_code().lower(), industry="电气",
        size=Customer.Size.SMALL, region=catalog["regions"]["gd"], city="深圳市",
        contacts=[{"name": "陈工", "phone": "+86 138 0013 8000", "email": "chen@example.cn"},
                  {"name": "李工", "phone": "0755-88886666"}],
        addresses=[{"region": catalog["regions"]["gd"], "city": "深圳市", "detail": "南山区科技园1号"}])
    assert c.name == "深圳华南电气有限公司"
    assert c.credit_code == valid_code()
    assert c.created_by == cs_agent
    assert c.sales_rep is None  # customer service creates, a rep takes it up later
    contacts = list(c.contacts.all())
    assert [x.phone for x in contacts] == ["13800138000", "0755-88886666"]
    assert [x.is_primary for x in contacts] == [True, False]
    assert c.addresses.get().is_default is True
    (ev,) = timeline_for(c)
    assert (ev.action, ev.clause, ev.actor) == ("customer.created", "P2.1.c", cs_agent)
    assert ev.after is not None and ev.after["name"] == "深圳华南电气有限公司"


def test_p3_1_a_sales_rep_creating_a_customer_becomes_its_rep(sales_rep, catalog):
    c = services.customer_create(actor=sales_rep, name="新客户")
    assert c.sales_rep == sales_rep


def test_p2_1_c_customer_create_refused_without_customer_manage(auditor, finance_user):
    for user in (auditor, finance_user):
        with pytest.raises(PermissionDenied):
            services.customer_create(actor=user, name="不该存在")
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="customer.").exists()


def test_p2_1_c_duplicate_credit_code_is_refused_naming_the_existing_customer(cs_agent, customer):
    with pytest.raises(Conflict) as exc:
        services.customer_create(actor=cs_agent, name="另一家", credit_code=customer.credit_code.lower())
    assert exc.value.code == "duplicate_customer"
    assert exc.value.field == "credit_code"
    assert customer.name in str(exc.value.message)
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("code,problem", [("91440300MA5F0K12", "length"), (valid_code()[:17] + "Z", "alphabet"),
                                          ("91440300MA5F0K1239", "length")])
def test_p2_3_a_invalid_credit_code_is_refused_with_its_field(cs_agent, code, problem):
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(actor=cs_agent, name="某公司", credit_code=code)
    assert exc.value.field == "credit_code"
    assert exc.value.code == "invalid_credit_code"
    assert not Customer.objects.exists()


def test_p2_3_a_wrong_check_character_is_refused(cs_agent):
    code = valid_code()
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(actor=cs_agent, name="某公司", credit_code=wrong)
    assert exc.value.field == "credit_code"


def test_p2_1_c_invalid_contact_phone_is_refused_with_its_field_and_nothing_written(cs_agent):
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(actor=cs_agent, name="某公司",
                                 contacts=[{"name": "甲", "phone": "13800138000"}, {"name": "乙", "phone": "12345"}])
    assert exc.value.field == "contacts.1.phone"
    assert not Customer.objects.exists() and not Contact.objects.exists()


def test_p2_1_c_company_name_is_required(cs_agent):
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(actor=cs_agent, name="  ")
    assert exc.value.field == "name"


def test_p2_1_c_sales_rep_must_hold_the_sales_role(cs_agent, reviewer):
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(actor=cs_agent, name="某公司", sales_rep=reviewer)
    assert exc.value.field == "sales_rep"


def test_p4_1_a_customer_update_records_only_changed_fields(reviewer, customer, catalog):
    services.customer_update(customer=customer, actor=reviewer, industry="电气", city="上海市",
                             region=catalog["regions"]["gd"])
    customer.refresh_from_db()
    assert customer.industry == "电气" and customer.region == catalog["regions"]["gd"]
    ev = timeline_for(customer).last()
    assert ev is not None and ev.action == "customer.updated"
    assert ev.before == {"industry": "机械制造", "region": "上海市"}
    assert ev.after == {"industry": "电气", "region": "广东省"}


def test_p4_1_a_customer_update_without_changes_writes_no_event(reviewer, customer):
    services.customer_update(customer=customer, actor=reviewer, name=customer.name)
    assert not timeline_for(customer).exists()


def test_p4_1_a_customer_update_refuses_duplicate_code_of_another_customer(reviewer, customer, cs_agent):
    other = services.customer_create(actor=cs_agent, name="其他公司", credit_code=valid_code())
    with pytest.raises(Conflict) as exc:
        services.customer_update(customer=other, actor=reviewer, credit_code=customer.credit_code)
    assert customer.name in str(exc.value.message)
    other.refresh_from_db()
    assert other.credit_code == valid_code()


def test_p4_1_c_sales_rep_cannot_edit_another_reps_customer(sales_rep2, customer):
    with pytest.raises(PermissionDenied):
        services.customer_update(customer=customer, actor=sales_rep2, notes="x")
    with pytest.raises(PermissionDenied):
        services.contact_add(customer=customer, actor=sales_rep2, name="x", phone="13800138000")


def test_p4_1_a_customer_update_refused_without_customer_manage(auditor, customer):
    with pytest.raises(PermissionDenied):
        services.customer_update(customer=customer, actor=auditor, notes="x")
    customer.refresh_from_db()
    assert customer.notes == ""


def test_p2_1_c_contact_add_update_remove_each_write_an_event_on_the_customer(sales_rep, customer):
    c = services.contact_add(customer=customer, actor=sales_rep, name="新联系人", phone="021-66668888",
                             is_primary=True)
    assert c.is_primary and customer.contacts.filter(is_primary=True).count() == 1
    services.contact_update(contact=c, actor=sales_rep, email="new@example.cn")
    c.refresh_from_db()
    assert c.email == "new@example.cn"
    services.contact_remove(contact=c, actor=sales_rep)
    assert not Contact.objects.filter(pk=c.pk).exists()
    assert customer.contacts.filter(is_primary=True).count() == 1  # the remaining one takes over
    assert [e.action for e in timeline_for(customer)] == [
        "customer.contact_added", "customer.contact_updated", "customer.contact_removed"]


def test_p2_1_c_contact_update_refuses_bad_phone_and_keeps_the_old_one(sales_rep, customer):
    contact = customer.contacts.get()
    with pytest.raises(ValidationFailed) as exc:
        services.contact_update(contact=contact, actor=sales_rep, phone="999")
    assert exc.value.field == "phone"
    contact.refresh_from_db()
    assert contact.phone == "13812345678"
    assert not timeline_for(customer).exists()


def test_p2_1_c_address_add_update_remove_each_write_an_event_on_the_customer(sales_rep, customer, catalog):
    a = services.address_add(customer=customer, actor=sales_rep, region=catalog["regions"]["gd"], city="广州市",
                             detail="天河路1号", label="仓库")
    services.address_update(address=a, actor=sales_rep, detail="天河路2号", is_default=True)
    a.refresh_from_db()
    assert a.detail == "天河路2号" and a.is_default
    assert customer.addresses.filter(is_default=True).count() == 1
    services.address_remove(address=a, actor=sales_rep)
    assert not CustomerAddress.objects.filter(pk=a.pk).exists()
    assert customer.addresses.get().is_default
    assert [e.action for e in timeline_for(customer)] == [
        "customer.address_added", "customer.address_updated", "customer.address_removed"]


def test_p2_1_c_address_needs_province_city_and_street(sales_rep, customer):
    with pytest.raises(ValidationFailed) as exc:
        services.address_add(customer=customer, actor=sales_rep, region=None, city="x", detail="y")
    assert exc.value.field == "region"
    assert customer.addresses.count() == 1


def test_p2_1_c_address_remove_refused_without_customer_manage(finance_user, customer):
    with pytest.raises(PermissionDenied):
        services.address_remove(address=customer.addresses.get(), actor=finance_user)
    assert customer.addresses.count() == 1
