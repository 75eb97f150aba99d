"""Order pages: list (filters, sort, pages, query pin), new/edit with lines, detail, submit, cancel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from ordertaking.orders.models import Order
from ordertaking.orders.services import order_create
from ordertaking.orders.states import OrderState
from ordertaking.review.services import order_submit

from .conftest import return_order

pytestmark = pytest.mark.django_db


def form_data(customer, catalog, far_date, lines=None, **header):  # type: ignore[no-untyped-def]
    lines = lines if lines is not None else [{"product": catalog["products"]["motor"].pk, "quantity": "2"}]
    data = {"customer": customer.pk, "delivery_date": far_date.isoformat(),
            "delivery_region": catalog["regions"]["sh"].pk,
            "delivery_city": "上海市", "delivery_address": "浦东新区张江路100号",
            "payment_method": catalog["payments"]["prepay"].pk, "customer_reference": "PO-1",
            "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0", **header}
    for i, line in enumerate(lines):
        for k, v in line.items():
            data[f"lines-{i}-{k}"] = v
    return data


# --- list ------------------------------------------------------------------------------------------

def test_p4_2_c_the_list_shows_my_orders_as_links_with_amounts_and_states(client, sales_rep, draft, sales_rep2,
                                                                          customer):
    theirs = order_create(actor=sales_rep2, customer=customer, sales_rep=sales_rep2)
    client.force_login(sales_rep)
    r = client.get(reverse("orders:list"))
    html = r.content.decode()
    assert r.status_code == 200
    assert f'href="{reverse("orders:detail", args=[draft.number])}"' in html
    assert "¥7,150.00" in html and "state-draft" in html
    assert theirs.number not in html


def test_p4_2_c_the_list_filters_by_state_and_searches_number_or_customer(client, sales_rep, draft, customer,
                                                                          no_review):
    other = order_create(actor=sales_rep, customer=customer)
    order_submit(order=draft, actor=sales_rep)
    client.force_login(sales_rep)
    submitted = client.get(reverse("orders:list"), {"state": "submitted"}).content.decode()
    assert draft.number in submitted and other.number not in submitted
    by_number = client.get(reverse("orders:list"), {"q": other.number}).content.decode()
    assert other.number in by_number and draft.number not in by_number
    by_name = client.get(reverse("orders:list"), {"q": "浦江"}).content.decode()
    assert other.number in by_name and draft.number in by_name
    nothing = client.get(reverse("orders:list"), {"date_to": "2000-01-01"}).content.decode()
    assert draft.number not in nothing


def test_p4_2_c_the_list_sorts_and_pages(client, sales_rep, customer):
    numbers = [order_create(actor=sales_rep, customer=customer).number for _ in range(27)]
    client.force_login(sales_rep)
    first = client.get(reverse("orders:list"), {"sort": "number"}).content.decode()
    assert numbers[0] in first and numbers[26] not in first
    second = client.get(reverse("orders:list"), {"sort": "number", "page": 2}).content.decode()
    assert numbers[26] in second and numbers[0] not in second
    bad = client.get(reverse("orders:list"), {"sort": "password", "page": "x", "date_from": "nonsense"})
    assert bad.status_code == 200


def test_the_list_answers_htmx_with_only_the_results(client, sales_rep, draft):
    client.force_login(sales_rep)
    r = client.get(reverse("orders:list"), HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html and draft.number in html


def test_p4_2_c_the_list_query_count_does_not_grow_with_the_rows(client, sales_rep, customer,
                                                                 django_assert_max_num_queries):
    for _ in range(30):
        order_create(actor=sales_rep, customer=customer)
    client.force_login(sales_rep)
    client.get(reverse("orders:list"))  # warm the session and permission caches like any later request
    with django_assert_max_num_queries(12):
        r = client.get(reverse("orders:list"), {"sort": "-total"})
    assert r.status_code == 200 and r.content.decode().count('class="order-no"') == 25


def test_the_list_needs_a_login(client):
    r = client.get(reverse("orders:list"))
    assert r.status_code == 302 and "/login/" in r["Location"]


# --- new / edit ---------------------------------------------------------------------------------------

def test_p2_2_b_a_sales_rep_enters_an_order_on_the_page(client, sales_rep, customer, catalog, far_date):
    client.force_login(sales_rep)
    assert client.get(reverse("orders:new")).status_code == 200
    data = form_data(customer, catalog, far_date, lines=[
        {"product": catalog["products"]["motor"].pk, "quantity": "2"},
        {"product": "", "description": "", "quantity": ""},  # an empty row is ignored
        {"description": "现场培训", "unit": "次", "quantity": "1", "unit_price": "450"},
    ])
    r = client.post(reverse("orders:new"), data)
    order = Order.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("orders:detail", args=[order.number])
    assert order.total_amount == Decimal("6850.00") and order.entered_by == sales_rep
    assert [ln.position for ln in order.lines.all()] == [1, 2]


@pytest.mark.parametrize("who", ["cs_agent", "finance_user", "auditor"])
def test_p2_2_b_the_new_order_page_is_refused_to_other_roles(request, client, who, customer, catalog, far_date):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("orders:new")).status_code == 403
    assert client.post(reverse("orders:new"), form_data(customer, catalog, far_date)).status_code == 403
    assert Order.objects.count() == 0


def test_p2_2_b_a_refused_line_is_shown_beside_its_field_and_what_was_typed_is_kept(client, sales_rep, customer,
                                                                                    catalog, far_date):
    client.force_login(sales_rep)
    data = form_data(customer, catalog, far_date, lines=[
        {"product": catalog["products"]["motor"].pk, "quantity": "2"},
        {"description": "特殊加工", "unit": "件", "quantity": "-3", "unit_price": "10"},
    ], customer_reference="PO-KEEP-ME")
    r = client.post(reverse("orders:new"), data)
    html = r.content.decode()
    assert r.status_code == 422 and Order.objects.count() == 0
    assert "PO-KEEP-ME" in html and 'value="特殊加工"' in html and 'value="-3"' in html
    row = html[html.index('data-prefix="lines-1"'):]
    row = row[:row.index("</tr>")]
    assert "errorlist" in row, "the error sits in the refused line's row"


def test_p2_2_b_the_customer_is_required_even_for_a_draft(client, sales_rep, customer, catalog, far_date):
    client.force_login(sales_rep)
    data = form_data(customer, catalog, far_date)
    data["customer"] = ""
    r = client.post(reverse("orders:new"), data)
    assert r.status_code == 422 and 'data-field="customer"' in r.content.decode()
    assert Order.objects.count() == 0


def test_p2_2_b_editing_replaces_header_and_lines(client, sales_rep, draft, customer, catalog, far_date):
    client.force_login(sales_rep)
    page = client.get(reverse("orders:edit", args=[draft.number])).content.decode()
    assert 'value="PO-2026-001"' in page and 'name="lines-1-unit_price"' in page
    data = form_data(customer, catalog, far_date, lines=[{"product": catalog["products"]["reducer"].pk,
                                                          "quantity": "1"}], customer_reference="PO-NEW")
    r = client.post(reverse("orders:edit", args=[draft.number]), data)
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.customer_reference == "PO-NEW" and draft.total_amount == Decimal("5600.00")


def test_p2_2_b_a_submitted_order_is_not_editable_on_the_page(client, sales_rep, draft, customer, catalog, far_date,
                                                              no_review):
    order_submit(order=draft, actor=sales_rep)
    client.force_login(sales_rep)
    r = client.post(reverse("orders:edit", args=[draft.number]), form_data(customer, catalog, far_date))
    assert r.status_code == 302 and r["Location"] == reverse("orders:detail", args=[draft.number])
    draft.refresh_from_db()
    assert draft.customer_reference == "PO-2026-001"


def test_p4_2_a_an_order_i_may_not_see_is_404_everywhere(client, sales_rep2, draft):
    client.force_login(sales_rep2)
    for name in ("detail", "edit"):
        assert client.get(reverse(f"orders:{name}", args=[draft.number])).status_code == 404
    for name in ("submit", "cancel"):
        assert client.post(reverse(f"orders:{name}", args=[draft.number]), {"reason": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


def test_the_lines_partials_add_a_row_show_totals_and_pick_products(client, sales_rep, catalog):
    client.force_login(sales_rep)
    motor = catalog["products"]["motor"]
    row = client.get(reverse("orders:line_row"), {"lines-TOTAL_FORMS": "2", "product": motor.pk}).content.decode()
    assert 'name="lines-2-product"' in row and "¥3,200.00" in row
    assert 'id="id_lines-TOTAL_FORMS"' in row and 'value="3"' in row
    totals = client.post(reverse("orders:line_totals"), {
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-product": motor.pk, "lines-0-quantity": "3",
        "lines-1-quantity": "2", "lines-1-unit_price": "10.50"}).content.decode()
    assert "¥9,621.00" in totals and 'id="amount-lines-0"' in totals and "¥9,600.00" in totals
    garbage = client.post(reverse("orders:line_totals"), {"lines-TOTAL_FORMS": "x"})
    assert garbage.status_code == 200 and "¥0.00" in garbage.content.decode()
    picker = client.get(reverse("orders:product_options"), {"q": "MOT"}).content.decode()
    assert "MOT-001" in picker and "OLD-001" not in picker


# --- detail, submit, cancel ---------------------------------------------------------------------------------

def test_p4_2_a_the_detail_shows_header_lines_totals_review_panel_and_timeline(client, sales_rep, draft):
    client.force_login(sales_rep)
    html = client.get(reverse("orders:detail", args=[draft.number])).content.decode()
    assert draft.number in html and "三相异步电机" in html and "¥7,150.00" in html
    assert 'id="review-panel"' in html and 'id="timeline"' in html and 'data-action="order.created"' in html
    assert 'id="action-edit"' in html and 'id="action-submit"' in html and 'id="action-cancel"' in html


def test_p4_2_a_a_viewer_without_order_enter_sees_no_actions(client, finance_user, draft):
    client.force_login(finance_user)
    html = client.get(reverse("orders:detail", args=[draft.number])).content.decode()
    assert draft.number in html
    assert 'id="action-edit"' not in html and 'id="action-submit"' not in html and 'id="action-cancel"' not in html


def test_p2_2_a_submitting_an_incomplete_order_shows_each_finding_beside_its_field(client, sales_rep,
                                                                                   incomplete_draft):
    client.force_login(sales_rep)
    r = client.post(reverse("orders:submit", args=[incomplete_draft.number]))
    html = r.content.decode()
    assert r.status_code == 422 and 'id="completeness"' in html
    for code in ("delivery_date_missing", "payment_method_missing", "line_quantity_missing"):
        assert f'data-code="{code}"' in html
    assert 'data-field="lines.1.quantity"' in html and "P2.2.a" in html
    incomplete_draft.refresh_from_db()
    assert incomplete_draft.state == OrderState.DRAFT


def test_p2_2_a_submitting_a_complete_order_on_the_page_runs_the_review_checks(client, sales_rep, draft):
    client.force_login(sales_rep)
    r = client.post(reverse("orders:submit", args=[draft.number]))
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.state == OrderState.SUBMITTED
    assert client.get(reverse("orders:detail", args=[draft.number])).status_code == 200


def test_p2_2_a_submit_is_refused_to_a_viewer(client, finance_user, draft):
    client.force_login(finance_user)
    assert client.post(reverse("orders:submit", args=[draft.number])).status_code == 403
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT


def test_p4_2_a_cancel_needs_a_reason_shown_beside_the_field(client, sales_rep, draft):
    client.force_login(sales_rep)
    r = client.post(reverse("orders:cancel", args=[draft.number]), {"reason": "  "})
    assert r.status_code == 422 and 'data-field="reason"' in r.content.decode()
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT
    r = client.post(reverse("orders:cancel", args=[draft.number]), {"reason": "客户撤单"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.state == OrderState.CANCELLED
    assert "客户撤单" in client.get(reverse("orders:detail", args=[draft.number])).content.decode()


def test_p4_2_a_cancelling_a_submitted_order_is_refused_with_a_message(client, sales_rep, draft, no_review):
    order_submit(order=draft, actor=sales_rep)
    client.force_login(sales_rep)
    r = client.post(reverse("orders:cancel", args=[draft.number]), {"reason": "x"}, follow=True)
    assert r.status_code == 200 and "alert-danger" in r.content.decode()
    draft.refresh_from_db()
    assert draft.state == OrderState.SUBMITTED


def test_p2_2_b_the_timeline_shows_what_changed_between_revisions(client, sales_rep, reviewer, draft, customer,
                                                                  catalog, far_date, no_review):
    from ordertaking.orders.services import order_update

    order_submit(order=draft, actor=sales_rep)
    return_order(draft, reviewer)
    order_update(order=draft, actor=sales_rep, changes={"delivery_address": "浦东新区张江路200号"})
    order_submit(order=draft, actor=sales_rep)
    client.force_login(sales_rep)
    html = client.get(reverse("orders:detail", args=[draft.number])).content.decode()
    assert "浦东新区张江路100号" in html and "浦东新区张江路200号" in html
    assert html.count('data-action="order.submitted"') == 2


# --- home queues -----------------------------------------------------------------------------------------

def test_home_queues_show_my_drafts_returns_with_the_opinion_and_orders_awaiting_review(client, sales_rep, reviewer,
                                                                                       customer, complete_kwargs):
    from ordertaking.orders.selectors import home_queues

    drafted = order_create(actor=sales_rep, customer=customer)
    waiting = order_create(actor=sales_rep, **complete_kwargs)
    returned = order_create(actor=sales_rep, **complete_kwargs)
    order_submit(order=waiting, actor=sales_rep)
    order_submit(order=returned, actor=sales_rep)
    from ordertaking.review.selectors import last_return_opinion
    from ordertaking.review.services import order_return

    order_return(order=returned, actor=reviewer, opinion="交货期太紧，请与客户确认")
    queues = {q.key: q for q in home_queues(sales_rep, last_opinion=last_return_opinion())}
    assert [i.label for i in queues["orders_drafts"].items] == [drafted.number]
    assert [i.label for i in queues["orders_awaiting_review"].items] == [waiting.number]
    assert [i.label for i in queues["orders_returned"].items] == [returned.number]
    assert queues["orders_returned"].items[0].meta.startswith("交货期太紧")
    client.force_login(sales_rep)
    html = client.get("/").content.decode()
    assert returned.number in html and "交货期太紧" in html


def test_home_queues_are_empty_for_roles_that_do_not_enter_orders(finance_user):
    from ordertaking.orders.selectors import home_queues

    assert home_queues(finance_user) == []


def test_the_admin_shows_orders_read_only_so_the_state_cannot_be_edited_there(client, draft, django_user_model):
    from django.contrib import admin

    from ordertaking.orders.models import Order

    superuser = django_user_model.objects.create_superuser("root", "root@example.cn", "x")
    client.force_login(superuser)
    url = reverse("admin:orders_order_change", args=[draft.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="state"' not in page.content.decode()
    client.post(url, {"state": "approved"})
    draft.refresh_from_db()
    assert draft.state == OrderState.DRAFT
    assert not admin.site._registry[Order].has_change_permission(page.wsgi_request, draft)


def test_p2_1_c_a_new_order_from_a_customer_starts_with_their_address_and_contact(client, sales_rep, customer):
    client.force_login(sales_rep)
    html = client.get(reverse("orders:new"), {"customer": customer.pk}).content.decode()
    assert 'value="浦东新区张江路100号"' in html and 'value="刘经理"' in html and 'value="13812345678"' in html


def test_a_new_order_for_a_customer_i_may_not_see_starts_empty(client, sales_rep2, customer):
    client.force_login(sales_rep2)
    html = client.get(reverse("orders:new"), {"customer": customer.pk}).content.decode()
    assert "浦东新区张江路100号" not in html


def test_the_edit_page_opens_with_the_line_amounts_and_total(client, sales_rep, draft):
    client.force_login(sales_rep)
    html = client.get(reverse("orders:edit", args=[draft.number])).content.decode()
    assert "¥6,400.00" in html and "¥750.00" in html and "¥7,150.00" in html
    assert 'name="lines-0-quantity" value="2"' in html


def test_p4_2_c_search_finds_orders_by_number_start_number_tail_and_customer_name(client, sales_rep, customer, catalog):
    """P4.2.c: the list search takes a number's start (SO2026…), its tail as read off a voucher
    (…-0001), or part of the customer's name — and nothing else matches by accident."""
    from ordertaking.orders.services import order_create

    mine = order_create(actor=sales_rep, customer=customer, lines=[])
    client.force_login(sales_rep)

    def found(q: str) -> bool:
        return mine.number in client.get(reverse("orders:list"), {"q": q}).content.decode()

    assert found(mine.number[:10].lower())
    assert found(mine.number[-6:])
    assert found(customer.name[2:4])
    assert not found("不存在的公司")
    assert not found("SO19990101")


def test_p2_3_a_the_order_form_offers_and_accepts_only_the_payment_methods_this_customer_may_use(
        client, sales_rep, customer, catalog, far_date):
    """月结30天 is not granted to this customer: not offered, refused beside the field if posted, and the
    customer's options (with its credit figures) are shown while the order is entered."""
    client.force_login(sales_rep)
    net30 = catalog["payments"]["net30"]
    html = client.get(reverse("orders:new") + f"?customer={customer.pk}").content.decode()
    assert 'hx-get="/credit/payment-options/"' in html
    hint = client.get("/credit/payment-options/", {"customer": customer.pk}, HTTP_HX_REQUEST="true")
    body = hint.content.decode()
    assert hint.status_code == 200 and 'data-testid="payment-options"' in body
    assert f'data-refused="{net30.pk}"' in body and f'data-usable="{catalog["payments"]["prepay"].pk}"' in body
    assert f'<option value="{net30.pk}"' not in body  # the select swapped in keeps only the usable ones
    data = form_data(customer, catalog, far_date, lines=[{"product": catalog["products"]["motor"].pk,
                                                          "quantity": "2"}])
    data["payment_method"] = str(net30.pk)
    r = client.post(reverse("orders:new"), data)
    assert r.status_code == 422 and not Order.objects.exists()
    error = str(r.context["form"].errors["payment_method"])
    assert customer.name in error and "P2.3.a" in error  # its own message, not "select a valid choice"
    customer.allowed_payment_methods.add(net30)  # granted: now offered and accepted
    assert client.post(reverse("orders:new"), data).status_code == 302


def test_p4_1_c_the_order_form_offers_only_the_customers_the_rep_may_see(client, sales_rep, sales_rep2, customer):
    """P4.1.c: the customer choices come from customers_visible, never from all customers."""
    from ordertaking.customers.services import customer_create

    theirs = customer_create(actor=sales_rep2, name="别家机电有限公司", sales_rep=sales_rep2,
                             contacts=[{"name": "外人", "phone": "13800138000"}])
    client.force_login(sales_rep)
    html = client.get(reverse("orders:new")).content.decode()
    assert customer.name in html and theirs.name not in html
    r = client.post(reverse("orders:new"), {"customer": theirs.pk})
    assert not Order.objects.filter(customer=theirs).exists() and r.status_code != 302
