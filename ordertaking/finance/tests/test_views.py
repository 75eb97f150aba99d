"""Finance pages (P3.6): dashboard figures, aging with Excel export, invoice list (pinned
queries), statement, invoicing, payments with errors beside their fields."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.finance.models import Invoice, Payment
from ordertaking.finance.services import invoice_issue

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def overdue(customer, make_order, approve, evaluate, finance_user):  # type: ignore[no-untyped-def]
    evaluate(customer, limit="100000")
    order, _h = approve(make_order(customer, total="4000.00", payment="net30"))
    return invoice_issue(order=order, actor=finance_user, issue_date=timezone.localdate() - timedelta(days=45))


def test_p3_6_dashboard_shows_overdue_totals_and_near_limit(client, finance_user, overdue):
    client.force_login(finance_user)
    r = client.get(reverse("finance:dashboard"))
    body = r.content.decode()
    assert r.status_code == 200
    assert r.context["overdue_total"] == D("4000.00")
    assert "¥4,000.00" in body
    assert reverse("orders:detail", args=[overdue.order.number]) in body


def test_p3_6_aging_page_and_excel_export_agree(client, finance_user, overdue):
    from openpyxl import load_workbook

    client.force_login(finance_user)
    r = client.get(reverse("finance:aging"))
    assert r.context["total"]["d1_30"] == D("4000.00")
    x = client.get(reverse("finance:aging_xlsx") + "?by=sales_rep")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(x.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == str(overdue.order.sales_rep)
    assert D(str(rows[0][2])) == D("4000.00")  # the 1–30 column (openpyxl reads floats)
    assert D(str(rows[-1][6])) == D("4000.00")


def test_p3_6_a_customer_named_like_a_formula_comes_out_of_the_aging_export_as_text(client, finance_user, overdue):
    """Excel formula injection: a sales rep names a customer =HYPERLINK(...); the export keeps it text."""
    import zipfile

    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/","点此查看")'
    overdue.customer.__class__.objects.filter(pk=overdue.customer_id).update(name=evil)
    client.force_login(finance_user)
    x = client.get(reverse("finance:aging_xlsx"))
    sheet = zipfile.ZipFile(BytesIO(x.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere in the sheet
    ws = load_workbook(BytesIO(x.content)).active
    cell = next(c for row in ws.iter_rows(min_row=3) for c in row if c.value == evil)
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "普通客户"])
def test_every_string_written_to_a_spreadsheet_stays_text(text):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    from ordertaking.common.xlsx import append_row

    ws = Workbook().active
    append_row(ws, [text, 12.5])
    assert ws["A1"].data_type == "s" and ws["A1"].value == text and ws["B1"].data_type == "n"
    assert ws["A1"].quotePrefix == (text[0] in "=+-@\t\r")


def test_p3_6_invoice_list_filters_and_pins_its_queries(client, finance_user, overdue, customer, make_order, approve,
                                                        django_assert_max_num_queries):
    for _ in range(3):
        order, _h = approve(make_order(customer, total="100.00", payment="net30"))
        invoice_issue(order=order, actor=finance_user)
    client.force_login(finance_user)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("finance:invoices") + "?overdue=on")
    assert [i.pk for i in r.context["page"]] == [overdue.pk]
    with django_assert_max_num_queries(12):
        r = client.get(reverse("finance:invoices") + "?sort=amount")
    assert [i.amount for i in r.context["page"]] == [D("100.00")] * 3 + [D("4000.00")]


def test_p3_6_finance_invoices_an_order_by_line_quantity_on_the_page(client, finance_user, customer, make_order,
                                                                     approve, evaluate):
    evaluate(customer, limit="100000")
    order, _h = approve(make_order(customer, total="1000.00", qty="10"))
    line = order.lines.get()
    client.force_login(finance_user)
    r = client.post(reverse("finance:invoice_new", args=[order.number]), {f"qty_{line.pk}": "11"})
    assert r.status_code == 422 and "10" in r.content.decode()
    assert Invoice.objects.count() == 0
    r = client.post(reverse("finance:invoice_new", args=[order.number]), {f"qty_{line.pk}": "4"})
    assert r.status_code == 302
    assert Invoice.objects.get().amount == D("400.00")


def test_p3_6_a_payment_over_the_invoice_is_shown_beside_its_row_and_nothing_is_written(client, finance_user,
                                                                                         overdue):
    client.force_login(finance_user)
    url = reverse("finance:payment_new", args=[overdue.customer_id])
    r = client.post(url, {"amount": "5000", "currency": "CNY", "received_on": timezone.localdate().isoformat(),
                          f"alloc_{overdue.pk}": "4500"})
    assert r.status_code == 422
    assert r.context["rows"][0]["error"] and 'value="4500"' in r.content.decode()
    r = client.post(url, {"amount": "5000", "currency": "USD", "received_on": timezone.localdate().isoformat()})
    assert r.status_code == 422 and r.context["form"].errors["currency"]
    assert Payment.objects.count() == 0
    r = client.post(url, {"amount": "4000", "currency": "CNY", "received_on": timezone.localdate().isoformat(),
                          f"alloc_{overdue.pk}": "4000"})
    assert r.status_code == 302
    overdue.refresh_from_db()
    assert overdue.state == "paid"
    st = client.get(reverse("finance:statement", args=[overdue.customer_id]))
    assert st.context["balance"] == D("0.00")


def test_p3_6_finance_pages_are_hidden_from_sales(client, sales_rep, overdue):
    client.force_login(sales_rep)
    for url in (reverse("finance:dashboard"), reverse("finance:aging"), reverse("finance:invoices"),
                reverse("finance:statement", args=[overdue.customer_id])):
        assert client.get(url).status_code == 404


def test_p3_6_leadership_sees_the_dashboard_but_cannot_record_payments(client, leader, overdue):
    client.force_login(leader)
    assert client.get(reverse("finance:dashboard")).status_code == 200
    r = client.post(reverse("finance:payment_new", args=[overdue.customer_id]),
                    {"amount": "10", "currency": "CNY", "received_on": timezone.localdate().isoformat()})
    assert r.status_code == 403 and r.context["form"].non_field_errors()
    assert Payment.objects.count() == 0


def test_p5_1_c_the_sales_rep_sees_and_closes_their_dunning_task(client, sales_rep, finance_user, overdue):
    from ordertaking.audit.models import AuditEvent
    from ordertaking.finance.models import DunningTask
    from ordertaking.finance.monitoring import credit_monitor_run

    credit_monitor_run(today=timezone.localdate())  # 15 days overdue: below the 30-day threshold
    assert DunningTask.objects.count() == 0
    credit_monitor_run(today=overdue.due_date + timedelta(days=31))
    task = DunningTask.objects.get(assignee=sales_rep)
    client.force_login(sales_rep)
    home = client.get(reverse("home:home"))
    keys = {q.key: q for q in home.context["queues"]}
    assert keys["dunning"].count == 1 and keys["credit_alerts"].count >= 1
    page = client.get(reverse("finance:dunning"))
    assert [t.pk for t in page.context["tasks"]] == [task.pk]  # only their own
    other = DunningTask.objects.get(assignee=finance_user)
    assert client.post(reverse("finance:dunning"), {"task": other.pk}).status_code == 404
    r = client.post(reverse("finance:dunning"), {"task": task.pk, "note": "客户承诺周五付款"})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and "周五" in task.note
    assert AuditEvent.objects.filter(action="dunning.done").count() == 1


def test_p5_1_finance_home_shows_holds_and_evaluations_to_approve(client, leader, finance_user, customer,
                                                                   held_order, evaluate):
    from ordertaking.credit.services import credit_evaluation_propose

    evaluate(customer, limit="100")
    _o, hold = held_order(customer, "500.00")
    credit_evaluation_propose(customer=customer, actor=finance_user, registered_capital="1", years_in_business=1,
                              licences_held=0,
                              annual_revenue="1", debt_ratio="50")
    client.force_login(leader)
    keys = {q.key: q for q in client.get(reverse("home:home")).context["queues"]}
    assert keys["credit_holds"].count == 1 and keys["credit_evaluations"].count == 1
    client.force_login(finance_user)
    keys = {q.key: q for q in client.get(reverse("home:home")).context["queues"]}
    assert keys["credit_holds"].items[0]["url"] == reverse("credit:hold", args=[hold.pk])
    assert keys["credit_evaluations"].count == 0  # not their own proposal


def test_p3_6_finance_sees_approved_orders_waiting_for_an_invoice_and_issues_one_from_the_order(
        client, customer, make_order, approve, evaluate, finance_user, sales_rep):
    """审核通过、待开票: the queue lists approved orders with what is not yet invoiced; the order page
    offers finance the invoice action; once invoiced in full the order leaves the queue."""
    evaluate(customer, limit="100000")
    order, _h = approve(make_order(customer, total="4000.00", payment="net30"))
    draft = make_order(customer, total="900.00", payment="net30")
    client.force_login(finance_user)
    r = client.get(reverse("finance:to_invoice"))
    assert r.status_code == 200
    numbers = [o.number for o in r.context["page"]]
    assert order.number in numbers and draft.number not in numbers
    assert r.context["totals"]["uninvoiced"] == D("4000.00")
    dash = client.get(reverse("finance:dashboard"))
    assert dash.context["to_invoice_count"] == 1 and 'data-testid="to-invoice-card"' in dash.content.decode()
    detail = client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert reverse("finance:invoice_new", args=[order.number]) in detail and 'id="action-invoice"' in detail
    invoice_issue(order=order, actor=finance_user)
    assert client.get(reverse("finance:to_invoice")).context["page"].paginator.count == 0
    client.force_login(sales_rep)  # a sales rep sees no invoice action on their order
    assert 'id="action-invoice"' not in client.get(reverse("orders:detail", args=[order.number])).content.decode()
