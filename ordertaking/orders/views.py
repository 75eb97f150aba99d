"""Order pages (P2.2, P4.2.a): the list, the new/edit form with HTMX lines, the detail page,
submit and cancel. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordertaking.accounts.http import AuthedRequest
from ordertaking.catalog.models import Product
from ordertaking.catalog.selectors import product_search
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.links import order_url
from ordertaking.common.pages import domain_errors, forbidden, list_page, render_list
from ordertaking.common.pdf import pdf_response
from ordertaking.common.xlsx import xlsx_bytes
from ordertaking.confidentiality.models import Field as Confidential
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.confidentiality.services import reveals_record

from . import selectors, services
from .documents import ORDER_DOCUMENTS, contract_document, order_documents
from .forms import CancelForm, LineForm, LineFormSet, OrderFilterForm, OrderForm, visible_customers
from .models import Order
from .permissions import may_enter_orders, order_can_cancel, order_can_edit, order_can_submit

PAGE_SIZE = 25
HEADER_FIELDS = ("customer", "sales_rep", "delivery_date", "delivery_region", "delivery_city", "delivery_address",
                 "payment_method", "customer_reference", "contact_name", "contact_phone", "notes", "contract_terms",
                 "contract_terms_text")


def _get(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.order_get(user=request.user, number=number)
    except NotFound as e:
        raise Http404(str(e.message)) from e


# --- list ----------------------------------------------------------------------------------------

@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None, user=request.user)
    f = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort.lstrip("-") not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    qs = selectors.order_list(user=request.user, state=f.get("state", ""),
                              customer_id=f["customer"].pk if f.get("customer") else None,
                              date_from=f.get("date_from"), date_to=f.get("date_to"), q=f.get("q", ""), sort=sort)
    columns = [("number", _("Order number")), ("customer", _("Customer")), ("created", _("Entered")),
               ("delivery", _("Delivery date")), ("total", _("Total amount")), ("state", _("State"))]
    context = {**list_page(request, qs, page_size=PAGE_SIZE).context(), "form": form, "sort": sort,
               "columns": dict(columns),
               "can_enter": may_enter_orders(request.user)}
    return render_list(request, "orders/list.html", context)


EXPORT_MAX = 10000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def order_export(request: HttpRequest) -> HttpResponse:
    """The order list with the user's filters as an .xlsx (P4.2.c, P4.1.c): the contact and street in full
    only where the order list's reader may see them (their own order, a duty) or a grant covers them, each
    customer carried in full under a duty or grant written to the reveal log; text never a formula."""
    form = OrderFilterForm(request.GET or None, user=request.user)
    f = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort.lstrip("-") not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    qs = selectors.order_list(user=request.user, state=f.get("state", ""),
                              customer_id=f["customer"].pk if f.get("customer") else None,
                              date_from=f.get("date_from"), date_to=f.get("date_to"), q=f.get("q", ""),
                              sort=sort).select_related("delivery_region", "payment_method")[:EXPORT_MAX]
    lens = lens_for(request)
    carried: list[tuple[Any, str]] = []
    rows = []
    for o in qs:
        shown = selectors.order_contact(o, request.user, lens)
        basis = lens.basis(o.customer, Confidential.PHONE)  # a duty or a grant: carried in full, logged
        if basis is not None:
            shown = {"contact_name": o.contact_name, "contact_phone": o.contact_phone,
                     "delivery_address": o.delivery_address}
            if o.contact_phone or o.contact_name or o.delivery_address:
                carried += [(o.customer, f) for f in (Confidential.CONTACT_NAME, Confidential.PHONE,
                                                      Confidential.ADDRESS)]
        rows.append([o.number, o.customer.name, str(o.get_state_display()), str(o.sales_rep),
                     timezone.localtime(o.created_at).strftime("%Y-%m-%d"),
                     o.delivery_date.isoformat() if o.delivery_date else "",
                     f"{o.delivery_region or ''}{o.delivery_city}{shown['delivery_address']}",
                     str(o.payment_method or ""), shown["contact_name"], shown["contact_phone"],
                     float(o.total_amount)])
    content = xlsx_bytes(sheet=_("Orders"), headers=[
        _("Order number"), _("Customer"), _("State"), _("Sales rep"), _("Entered"), _("Delivery date"),
        _("Delivery place"), _("Payment method"), _("Contact name"), _("Contact phone"), _("Total amount")],
        rows=rows)
    reveals_record(actor=request.user, lens=lens, entries=carried, channel="export", what=_("Orders export"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="orders.xlsx"'
    return response


# --- new / edit -----------------------------------------------------------------------------------

def _line_initial(order: Order) -> list[dict[str, Any]]:
    return [{"product": ln.product_id, "description": ln.description or ("" if ln.product_id else ln.name),
             "specification": ln.specification, "unit": ln.unit,
             "quantity": None if ln.quantity is None else Decimal(format(ln.quantity.normalize(), "f")),
             "unit_price": ln.unit_price, "tax_rate": None if ln.product_id else ln.tax_rate}
            for ln in selectors.order_lines(order)]


def _header_initial(order: Order) -> dict[str, Any]:
    return {name: getattr(order, f"{name}_id" if name in ("customer", "sales_rep", "delivery_region",
                                                          "payment_method") else name)
            for name in HEADER_FIELDS}


def _put_error(e: DomainError, form: OrderForm, formset: Any, used: list[Any]) -> None:
    """A service's refusal beside the field it names: `lines.<n>.<field>` → the n-th line kept."""
    parts = (e.field or "").split(".")
    if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit() and 0 < int(parts[1]) <= len(used):
        line_form = used[int(parts[1]) - 1]
        field = parts[2] if len(parts) > 2 and parts[2] in line_form.fields else None
        line_form.add_error(field, str(e.message))
        return
    form.add_error(parts[0] if parts[0] in form.fields else None, str(e.message))


def _render_form(request: HttpRequest, form: OrderForm, formset: Any, order: Order | None,
                 status: int = 200) -> HttpResponse:
    amounts = [f.preview_amount() for f in formset.forms]
    context = {"form": form, "formset": formset, "order": order,
               "rows": list(zip(formset.forms, amounts, strict=True)),
               "total": sum((a for a in amounts if a is not None), Decimal("0.00"))}
    return render(request, "orders/form.html", context, status=status)


def _save(request: AuthedRequest, order: Order | None) -> HttpResponse:
    form = OrderForm(request.POST, user=request.user)
    formset = LineFormSet(request.POST, prefix="lines")
    if form.is_valid() and formset.is_valid():
        used = [f for f in formset.forms if not f.is_blank()]
        lines = [f.line_dict() for f in used]
        header: dict[str, Any] = {name: form.cleaned_data.get(name) for name in HEADER_FIELDS}
        try:
            if order is None:
                order = services.order_create(actor=request.user, lines=lines, **header)
                messages.success(request, _("Order %(number)s entered.") % {"number": order.number})
            else:
                services.order_update(order=order, actor=request.user, changes=header, lines=lines)
                messages.success(request, _("Order %(number)s saved.") % {"number": order.number})
            return redirect("orders:detail", number=order.number)
        except PermissionDenied as e:
            return forbidden(request, e.message)
        except DomainError as e:
            _put_error(e, form, formset, used)
    return _render_form(request, form, formset, order, status=422)


def _customer_defaults(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    """Coming from a customer's page: their default address and primary contact, ready to amend."""
    customer = visible_customers(request.user).filter(pk=customer_id).first()
    if customer is None:
        return {}
    initial: dict[str, Any] = {"customer": customer.pk}
    address = customer.addresses.order_by("-is_default", "id").first()
    if address is not None:
        initial.update(delivery_region=address.region_id, delivery_city=address.city, delivery_address=address.detail)
    contact = customer.contacts.order_by("-is_primary", "id").first()
    if contact is not None:
        initial.update(contact_name=contact.name, contact_phone=contact.phone)
    return initial


@login_required
@require_GET
def customer_orders(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """HTMX: the orders card on the customer page (P4.1.a purchase history). Served here, by the
    orders app, because customers sit below orders in the layers (docs/conventions.md)."""
    return render(request, "orders/_customer_orders.html",
                  {"orders": selectors.customer_orders(user=request.user, customer_id=customer_pk)})


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: AuthedRequest) -> HttpResponse:
    if not may_enter_orders(request.user):
        return forbidden(request, _("You may not enter orders."))
    if request.method == "POST":
        return _save(request, None)
    initial: dict[str, Any] = {}
    customer_id = request.GET.get("customer", "")
    if customer_id.isdigit():
        initial = _customer_defaults(request, int(customer_id))
    form = OrderForm(initial=initial, user=request.user)
    formset = LineFormSet(prefix="lines", initial=[{}])
    return _render_form(request, form, formset, None)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: AuthedRequest, number: str) -> HttpResponse:
    order = _get(request, number)
    if not order_can_edit(order, request.user):
        if order.is_editable:
            return forbidden(request, _("You may not change this order."))
        messages.error(request, _("This order can no longer be changed."))
        return redirect("orders:detail", number=order.number)
    if request.method == "POST":
        return _save(request, order)
    form = OrderForm(initial=_header_initial(order), user=request.user)
    formset = LineFormSet(prefix="lines", initial=_line_initial(order) or [{}])
    return _render_form(request, form, formset, order)


@login_required
@require_GET
def line_row(request: HttpRequest) -> HttpResponse:
    """HTMX: one more empty line (or one for the product picked in the picker). The index is the
    formset's current TOTAL_FORMS, sent along with hx-include; the answer bumps it out of band."""
    raw = request.GET.get("lines-TOTAL_FORMS") or request.GET.get("index") or "0"
    index = max(0, min(int(raw), 199)) if raw.isdigit() else 0
    initial: dict[str, Any] = {}
    amount = None
    product_id = request.GET.get("product", "")
    if product_id.isdigit():
        product = Product.objects.filter(pk=int(product_id), active=True).first()
        if product is not None:
            initial = {"product": product.pk, "unit": product.unit, "specification": product.specification,
                       "quantity": Decimal("1")}
            amount = product.list_price
    line = LineForm(prefix=f"lines-{index}", initial=initial)
    return render(request, "orders/form.html#line_row",
                  {"line": line, "amount": amount, "new_total_forms": index + 1, "oob_total": True})


@login_required
@require_POST
def line_totals(request: HttpRequest) -> HttpResponse:
    """HTMX: the line amounts and the total of what is typed, without saving anything."""
    formset = LineFormSet(request.POST, prefix="lines")
    # A tampered management form gives no forms, hence a zero total, never an error.
    amounts = [(f.prefix, f.preview_amount()) for f in formset.forms]
    total = sum((a for _p, a in amounts if a is not None), Decimal("0.00"))
    return render(request, "orders/form.html#totals", {"amounts": amounts, "total": total, "oob": True})


@login_required
@require_GET
def product_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the product picker's matches (catalog.selectors.product_search)."""
    q = request.GET.get("q", "")[:100]
    products = product_search(q, limit=12)
    return render(request, "orders/form.html#product_results", {"products": products})


# --- detail, submit, cancel -----------------------------------------------------------------------

def order_page(request: HttpRequest, order: Order, *, findings: list[dict[str, Any]] | None = None,
               cancel_form: CancelForm | None = None, panel: str | None = None, status: int = 200) -> HttpResponse:
    """The one order page (P4.2.a). The review panel is review's: it loads it into the page
    (review:panel), or passes it in rendered (`panel`) when it answers a plain POST with the page."""
    user = request.user
    lines = selectors.order_lines(order)
    contact = selectors.order_contact(order, user)  # P4.1.c
    contact_visible = contact["visible"]
    findings = findings or []
    by_field: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_field.setdefault(f.get("field") or "", []).append(f)
    by_line: dict[int, list[dict[str, Any]]] = {}
    for f in findings:
        if f.get("line"):
            by_line.setdefault(int(f["line"]), []).append(f)
    context: dict[str, Any] = {
        "order": order, "lines": [(ln, by_line.get(ln.position, [])) for ln in lines],
        "findings": findings, "findings_by_field": by_field,
        "can_edit": order_can_edit(order, user), "can_submit": order_can_submit(order, user),
        "can_cancel": order_can_cancel(order, user),
        "cancel_form": cancel_form or CancelForm(), "contact_visible": contact_visible, "contact": contact,
        "events": selectors.order_timeline(order, masked=not contact_visible),
        "revisions": list(order.revisions.values_list("revision", flat=True)),
        "documents": order_documents(order, user),
    }
    if panel is not None:
        context["review_panel"] = panel
    return render(request, "orders/detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _get(request, number)
    if order.number != number:
        return redirect("orders:detail", number=order.number, permanent=True)
    return order_page(request, order)


@login_required
@require_POST
@domain_errors(back=lambda request, number: order_url(number))
def order_cancel(request: AuthedRequest, number: str) -> HttpResponse:
    order = _get(request, number)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.order_cancel(order=order, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationFailed as e:
            form.add_error("reason", str(e.message))
        else:
            messages.success(request, _("Order %(number)s cancelled.") % {"number": order.number})
            return redirect("orders:detail", number=order.number)
    return order_page(request, order, cancel_form=form, status=422)


@login_required
@require_GET
def order_contract_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The sales contract 销售合同 as a PDF download, in the reader's language (orders/documents.py)."""
    order = _get(request, number)
    if not ORDER_DOCUMENTS["contract"].available(order, request.user):
        raise Http404(_("No such document."))
    return pdf_response(contract_document(order, reader=request.user))
