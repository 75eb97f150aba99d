"""Customer pages (P2.1.c, P4.1): list with filters and a pinned query count, detail, forms that
keep what was typed and show each error beside its field."""

from __future__ import annotations

import pytest

from ordertaking.audit.selectors import timeline_for
from ordertaking.customers.models import Customer
from ordertaking.customers.rules import credit_code_check_char
from ordertaking.customers.services import customer_create

pytestmark = pytest.mark.django_db


def code(first17: str = "91320500MA1N7R8P6") -> str:
    return first17 + credit_code_check_char(first17)


def form_data(**over):  # type: ignore[no-untyped-def]
    data = {
        "name": "苏州精工机械有限公司", "credit_code": code(), "industry": "机械", "size": "medium", "region": "SH",
        "city": "苏州市", "status": "prospect", "sales_rep": "", "preferences": "", "notes": "",
        "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "黄工", "contacts-0-phone": "13911112222", "contacts-0-email": "",
        "contacts-0-is_primary": "on",
        "contacts-1-name": "", "contacts-1-phone": "",
        "addresses-TOTAL_FORMS": "1", "addresses-INITIAL_FORMS": "0",
        "addresses-0-region": "SH", "addresses-0-city": "苏州市", "addresses-0-detail": "工业园区星湖街1号",
    }
    data.update(over)
    return data


def test_p4_1_customer_list_filters_by_province_and_pins_queries(client, reviewer, customer, cs_agent, catalog,
                                                                 django_assert_max_num_queries):
    for i in range(30):
        customer_create(actor=cs_agent, name=f"广东客户{i:02d}", region=catalog["regions"]["gd"], industry="电气",
                        sales_rep=None)
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        r = client.get("/customers/", {"region": "GD", "sort": "-name"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "广东客户29" in html and customer.name not in html
    assert "page=2" in html  # 30 rows, 25 a page


def test_p4_1_customer_list_sorts_names_by_pinyin_in_the_database_with_pinned_queries(
        client, reviewer, cs_agent, catalog, django_assert_max_num_queries):
    """安徽 < 北京 < 上海 < 浙江 by pinyin (by code point it would be 上海 < 北京 < 安徽 < 浙江), both ways, and
    the sort happens in SQL on the stored key, so the paged list keeps its query count."""
    names = ["浙江测试公司", "上海测试公司", "北京测试公司", "安徽测试公司"]
    for name in names:
        customer_create(actor=cs_agent, name=name, sales_rep=None)
    expected = ["安徽测试公司", "北京测试公司", "上海测试公司", "浙江测试公司"]
    client.force_login(reviewer)
    for sort, order in (("name", expected), ("-name", expected[::-1])):
        with django_assert_max_num_queries(12):
            html = client.get("/customers/", {"q": "测试公司", "sort": sort}).content.decode()
        assert sorted(names, key=html.index) == order


def test_p4_1_renaming_a_customer_moves_it_in_the_pinyin_order(cs_agent, reviewer):
    from ordertaking.customers.selectors import customer_list
    from ordertaking.customers.services import customer_update

    a = customer_create(actor=cs_agent, name="北京测试公司", sales_rep=None)
    customer_create(actor=cs_agent, name="上海测试公司", sales_rep=None)
    customer_update(customer=a, actor=cs_agent, name="浙江测试公司")
    assert [c.name for c in customer_list(user=reviewer, q="测试公司")] == ["上海测试公司", "浙江测试公司"]
    assert Customer.objects.get(pk=a.pk).name_pinyin == "zhe jiang ce shi gong si"


def test_p4_1_customer_list_search_by_credit_code_as_htmx_partial(client, reviewer, customer):
    client.force_login(reviewer)
    r = client.get("/customers/", {"q": customer.credit_code[:12]}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert customer.name in html and "<html" not in html


def test_p4_1_c_sales_rep_list_hides_other_reps_customers(client, sales_rep2, customer):
    client.force_login(sales_rep2)
    assert customer.name not in client.get("/customers/").content.decode()
    assert client.get(f"/customers/{customer.pk}/").status_code == 404


def test_p4_1_list_refused_without_customer_view(client, production_user):
    client.force_login(production_user)
    assert client.get("/customers/").status_code == 403


def test_p4_1_a_detail_shows_contacts_addresses_and_timeline(client, sales_rep, customer):
    from ordertaking.customers.services import customer_update

    customer_update(customer=customer, actor=sales_rep, industry="电气")
    client.force_login(sales_rep)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "刘经理" in html and "浦东新区张江路100号" in html and 'data-action="customer.updated"' in html


def test_p2_1_c_create_page_creates_the_customer_with_contact_and_address(client, cs_agent, catalog):
    client.force_login(cs_agent)
    r = client.post("/customers/new/", form_data())
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Customer.objects.get()
    assert r["Location"] == f"/customers/{c.pk}/"
    assert c.contacts.get().phone == "13911112222"
    assert c.addresses.get().detail == "工业园区星湖街1号"
    assert timeline_for(c).get().action == "customer.created"


def test_p2_1_c_create_form_reshown_with_errors_beside_fields_and_input_kept(client, cs_agent, catalog):
    client.force_login(cs_agent)
    r = client.post("/customers/new/", form_data(credit_code="91320500MA1N7R8P6Q", **{"contacts-0-phone": "12"}))
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="id_credit_code-errors"' in html
    assert 'value="91320500MA1N7R8P6Q"' in html  # what was typed is kept
    assert 'value="12"' in html and "is-invalid" in html
    assert not Customer.objects.exists()


def test_p2_1_c_duplicate_customer_error_sits_beside_credit_code_naming_the_existing(client, cs_agent, customer):
    client.force_login(cs_agent)
    r = client.post("/customers/new/", form_data(credit_code=customer.credit_code))
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="id_credit_code-errors"' in html and customer.name in html
    assert Customer.objects.count() == 1


def test_p4_1_a_edit_page_changes_fields_adds_and_removes_rows_in_one_go(client, sales_rep, customer):
    client.force_login(sales_rep)
    contact = customer.contacts.get()
    address = customer.addresses.get()
    data = form_data(name=customer.name, credit_code=customer.credit_code, industry="电气", **{
        "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "1",
        "contacts-0-id": str(contact.pk), "contacts-0-name": contact.name, "contacts-0-phone": contact.phone,
        "contacts-0-DELETE": "on",
        "contacts-1-name": "新联系人", "contacts-1-phone": "021-55556666",
        "addresses-INITIAL_FORMS": "1", "addresses-0-id": str(address.pk), "addresses-0-region": "SH",
        "addresses-0-city": "上海市", "addresses-0-detail": "新地址8号", "addresses-0-is_default": "on"})
    data.pop("contacts-0-is_primary")
    r = client.post(f"/customers/{customer.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    customer.refresh_from_db()
    assert customer.industry == "电气"
    assert [c.name for c in customer.contacts.all()] == ["新联系人"]
    assert customer.contacts.get().is_primary
    assert customer.addresses.get().detail == "新地址8号"
    assert {e.action for e in timeline_for(customer)} == {
        "customer.updated", "customer.contact_removed", "customer.contact_added", "customer.address_updated"}


def test_p4_1_a_edit_page_failure_writes_nothing(client, sales_rep, customer):
    client.force_login(sales_rep)
    contact = customer.contacts.get()
    r = client.post(f"/customers/{customer.pk}/edit/", form_data(
        name=customer.name, credit_code=customer.credit_code, industry="改了", **{
            "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "1", "contacts-0-id": str(contact.pk),
            "contacts-0-name": contact.name, "contacts-0-phone": "abc", "addresses-TOTAL_FORMS": "0"}))
    assert r.status_code == 422
    customer.refresh_from_db()
    assert customer.industry == "机械制造"
    assert not timeline_for(customer).exists()


def test_p4_1_new_customer_page_refused_without_customer_manage(client, auditor):
    client.force_login(auditor)
    assert client.get("/customers/new/").status_code == 403
    assert client.post("/customers/new/", form_data()).status_code == 403
    assert not Customer.objects.exists()


def test_htmx_adds_a_contact_row_and_bumps_the_form_count(client, cs_agent):
    client.force_login(cs_agent)
    r = client.get("/customers/rows/contacts/", {"contacts-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert 'name="contacts-3-phone"' in html
    assert 'value="4"' in html and 'hx-swap-oob="true"' in html
    assert client.get("/customers/rows/bogus/").status_code == 404


def test_p4_1_a_detail_lists_the_customers_orders_as_links_with_pinned_queries(client, sales_rep, customer, catalog,
                                                                               django_assert_max_num_queries):
    from ordertaking.orders.services import order_create

    orders = [order_create(actor=sales_rep, customer=customer, lines=[
        {"product": catalog["products"]["motor"], "quantity": 2}]) for _ in range(3)]
    client.force_login(sales_rep)
    with django_assert_max_num_queries(20):
        html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'href="/inquiries/new/?customer={customer.pk}"' in html
    # The customer's page is the archive's (P4.1.a): its purchase history tab lists the orders.
    assert 'href="?tab=purchases"' in html
    with django_assert_max_num_queries(20):
        tab = client.get(f"/customers/{customer.pk}/?tab=purchases", HTTP_HX_REQUEST="true").content.decode()
    for o in orders:
        assert f'href="/orders/{o.number}/"' in tab
    # The orders card stays served by the orders app for whoever embeds it.
    with django_assert_max_num_queries(10):
        card = client.get(f"/orders/for-customer/{customer.pk}/", HTTP_HX_REQUEST="true").content.decode()
    for o in orders:
        assert f'href="/orders/{o.number}/"' in card
    assert "¥6,400.00" in card


def test_p4_1_a_the_customer_orders_card_shows_only_the_orders_the_user_may_see(client, sales_rep, sales_rep2,
                                                                                customer, catalog):
    from ordertaking.orders.services import order_create

    mine = order_create(actor=sales_rep, customer=customer, lines=[
        {"product": catalog["products"]["motor"], "quantity": 1}])
    client.force_login(sales_rep2)
    card = client.get(f"/orders/for-customer/{customer.pk}/").content.decode()
    assert mine.number not in card and 'id="orders"' in card


def test_p4_1_a_edit_page_refuses_a_contact_row_of_another_customer_without_500(client, sales_rep, customer, cs_agent):
    other = customer_create(actor=cs_agent, name="别家", contacts=[{"name": "外人", "phone": "13800138000"}])
    foreign = other.contacts.get()
    client.force_login(sales_rep)
    r = client.post(f"/customers/{customer.pk}/edit/", form_data(
        name=customer.name, credit_code=customer.credit_code, **{
            "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "1", "contacts-0-id": str(foreign.pk),
            "contacts-0-name": "改名", "contacts-0-phone": "13800138000", "addresses-TOTAL_FORMS": "0"}))
    assert r.status_code == 422
    foreign.refresh_from_db()
    assert foreign.name == "外人"


def test_p2_1_c_a_removed_row_stays_hidden_when_the_form_is_reshown(client, cs_agent, catalog):
    client.force_login(cs_agent)
    r = client.post("/customers/new/", form_data(name="", **{"contacts-1-DELETE": "on", "contacts-1-name": "x"}))
    assert r.status_code == 422
    html = r.content.decode()
    assert 'class="formset-row d-none"' in html and 'id="id_name-errors"' in html
