"""Customer pages (P2.1.c, P4.1): list, detail, create and edit. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ordertaking.accounts.http import AuthedRequest
from ordertaking.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.pages import domain_errors, forbidden, list_page, render_list
from ordertaking.common.xlsx import xlsx_bytes
from ordertaking.confidentiality.models import Field as Confidential
from ordertaking.confidentiality.rules import mask
from ordertaking.confidentiality.selectors import lens_for
from ordertaking.confidentiality.services import reveals_record

from . import selectors, services
from .forms import AddressFormSet, ContactFormSet, CustomerFilterForm, CustomerForm, InvoicingForm
from .models import Customer
from .rules import special_invoice_gaps

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _get(request: HttpRequest, pk: int) -> Customer:
    try:
        return selectors.customer_get(user=request.user, pk=pk)
    except NotFound as e:
        raise Http404(str(e.message)) from e


def _require(request: HttpRequest, capability: str) -> None:
    if not request.user.has_perm(f"accounts.{capability}"):
        raise PermissionDenied(_("You may not do this."))


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.customer_view"):
        return forbidden(request)
    form = CustomerFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", "name")
    qs = selectors.customer_list(user=request.user, q=f.get("q", ""),
                                 region=f["region"].code if f.get("region") else "",
                                 industry=f.get("industry", ""), size=f.get("size", ""), sort=sort,
                                 tier=f.get("tier", ""), frequency=f.get("frequency", ""))
    context = {**list_page(request, qs, page_size=PAGE_SIZE).context(), "form": form, "sort": sort,
               "industries": selectors.industries(user=request.user),
               "can_manage": request.user.has_perm("accounts.customer_manage")}
    return render_list(request, "customers/list.html", context)


EXPORT_MAX = 10000


@login_required
def customer_export(request: HttpRequest) -> HttpResponse:
    """The customer list with the user's filters as an .xlsx (P4.1.c): confidential values in full only where
    a duty or a grant covers them, each customer and field carried in full written to the reveal log;
    every text cell written as text, never a formula (common/xlsx.py)."""
    if not request.user.has_perm("accounts.customer_view"):
        return forbidden(request)
    form = CustomerFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = selectors.customer_list(user=request.user, q=f.get("q", ""),
                                 region=f["region"].code if f.get("region") else "",
                                 industry=f.get("industry", ""), size=f.get("size", ""),
                                 sort=request.GET.get("sort", "name")).prefetch_related("contacts")[:EXPORT_MAX]
    lens = lens_for(request)
    carried: list[tuple[Customer, str]] = []

    def value(c: Customer, field: str, raw: str | None) -> str:
        if not raw:
            return ""
        if lens.basis(c, field) is not None:
            carried.append((c, field))
            return raw
        return str(mask(field, raw))

    rows = []
    for c in qs:
        contact = next(iter(sorted(c.contacts.all(), key=lambda x: (not x.is_primary, x.pk))), None)
        rows.append([c.name, value(c, Confidential.CREDIT_CODE, c.credit_code), str(c.region or ""), c.city,
                     c.industry, str(c.get_size_display() or ""), str(c.get_status_display()),
                     str(c.sales_rep or ""),
                     value(c, Confidential.CONTACT_NAME, contact.name) if contact else "",
                     value(c, Confidential.PHONE, contact.phone) if contact else "",
                     value(c, Confidential.EMAIL, contact.email) if contact else ""])
    content = xlsx_bytes(sheet=_("Customers"), headers=[
        _("Company name"), _("Credit code"), _("Region"), _("City"), _("Industry"), _("Size"), _("Status"),
        _("Sales rep"), _("Contact name"), _("Phone"), _("Email")], rows=rows)
    reveals_record(actor=request.user, lens=lens, entries=carried, channel="export", what=_("Customers export"))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="customers.xlsx"'
    return response


def profile_context(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    """What the customer's profile cards show (basic information, classification, invoicing details,
    contacts, addresses: `customers/detail.html#profile`). The customer's page is the archive's
    (archive.views, mounted as customers:detail), which shows these cards as its overview."""
    return {
        "customer": customer,
        "contacts": list(customer.contacts.all()),
        "addresses": list(customer.addresses.select_related("region")),
        "payment_methods": list(customer.allowed_payment_methods.all()),
        "can_manage": request.user.has_perm("accounts.customer_manage"),
        "invoicing": selectors.invoicing_details(customer, user=request.user),
        "special_gaps": special_invoice_gaps(selectors.special_invoice_facts(customer)),
        "can_edit_invoicing": services.may_edit_invoicing(request.user, customer),  # type: ignore[arg-type]
    }


@login_required
@domain_errors
def customer_invoicing(request: AuthedRequest, pk: int) -> HttpResponse:
    """开票信息 (P3.6): the form, saved by `services.customer_invoicing_update`."""
    customer = _get(request, pk)
    if not services.may_edit_invoicing(request.user, customer):
        return forbidden(request, _("You may not change this customer's invoicing details."))
    if not lens_for(request).sees(customer, Confidential.INVOICING):  # the form would show them in full
        return forbidden(request, _("This customer's invoicing details are confidential: you edit them only for "
                                    "your work (P4.1.c)."))
    status = 200
    if request.method == "POST":
        form = InvoicingForm(request.POST)
        if form.is_valid():
            try:
                services.customer_invoicing_update(customer=customer, actor=request.user, **form.cleaned_data)
            except ValidationFailed as e:
                form.add_error(e.field if e.field in form.fields else None, str(e.message))
            else:
                messages.success(request, _("Invoicing details saved."))
                return redirect("customers:detail", pk=customer.pk)
        status = 422
    else:
        form = InvoicingForm(initial={f: getattr(customer, f) for f in services.INVOICING_FIELDS})
    return render(request, "customers/invoicing_form.html", {"form": form, "customer": customer}, status=status)


def _apply_error(e: DomainError, form: CustomerForm, contacts: Any, addresses: Any,
                 index: dict[str, list[int]]) -> None:
    """Put a service's refusal beside the field it names (`contacts.<i>.phone` → that row)."""
    field = e.field or ""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] in ("contacts", "addresses"):
        formset = contacts if parts[0] == "contacts" else addresses
        rows = index[parts[0]]
        pos = int(parts[1]) if parts[1].isdigit() else -1
        if 0 <= pos < len(rows):
            target = formset.forms[rows[pos]]
            if parts[2] in target.fields:
                target.add_error(parts[2], str(e.message))
                return
    if field in form.fields:
        form.add_error(field, str(e.message))
    else:
        form.add_error(None, str(e.message))


def _form_page(request: AuthedRequest, customer: Customer | None) -> HttpResponse:
    _require(request, "customer_manage")
    if customer is not None and not all(lens_for(request).sees(customer, f) for f in (
            Confidential.CONTACT_NAME, Confidential.PHONE, Confidential.EMAIL, Confidential.ADDRESS,
            Confidential.CREDIT_CODE)):  # the form would show the confidential values in full
        return forbidden(request, _("This customer's contacts and addresses are confidential: you edit them only "
                                    "for your work, as its sales rep (P4.1.c)."))
    if request.method == "POST":
        form = CustomerForm(request.POST)
        contacts = ContactFormSet(request.POST, prefix="contacts")
        addresses = AddressFormSet(request.POST, prefix="addresses")
        if form.is_valid() and contacts.is_valid() and addresses.is_valid():
            c_rows, a_rows = contacts.rows(), addresses.rows()  # type: ignore[attr-defined]
            index = {"contacts": [i for i, _r in c_rows], "addresses": [i for i, _r in a_rows]}
            try:
                if customer is None:
                    customer = services.customer_create(
                        actor=request.user,
                        contacts=[r for _i, r in c_rows if not r["delete"]],
                        addresses=[r for _i, r in a_rows if not r["delete"]], **form.cleaned_data)
                    messages.success(request, _("Customer created."))
                else:
                    services.customer_edit(customer=customer, actor=request.user,
                                           fields=form.cleaned_data, contacts=[r for _i, r in c_rows],
                                           addresses=[r for _i, r in a_rows])
                    messages.success(request, _("Customer saved."))
                return redirect("customers:detail", pk=customer.pk)
            except PermissionDenied:
                raise
            except DomainError as e:
                _apply_error(e, form, contacts, addresses, index)
        status = 422
    else:
        status = 200
        if customer is None:
            form = CustomerForm(initial={"status": Customer.Status.PROSPECT,
                                         "sales_rep": request.user.pk if request.user.has_role("sales")
                                         else None})
            contacts = ContactFormSet(prefix="contacts", initial=[{"is_primary": True}])
            addresses = AddressFormSet(prefix="addresses", initial=[{"is_default": True}])
        else:
            form = CustomerForm(initial={
                "name": customer.name, "kind": customer.kind,
                "credit_code": customer.credit_code or "", "industry": customer.industry,
                "size": customer.size, "region": customer.region.code if customer.region else None,
                "city": customer.city, "status": customer.status, "sales_rep": customer.sales_rep_id,
                "preferences": customer.preferences, "notes": customer.notes})
            contacts = ContactFormSet(prefix="contacts", initial=[
                {"id": c.pk, "name": c.name, "title": c.title, "phone": c.phone, "email": c.email,
                 "is_primary": c.is_primary} for c in customer.contacts.all()])
            addresses = AddressFormSet(prefix="addresses", initial=[
                {"id": a.pk, "label": a.label, "region": a.region.code, "city": a.city, "detail": a.detail,
                 "is_default": a.is_default} for a in customer.addresses.select_related("region")])
    return render(request, "customers/form.html",
                  {"form": form, "contacts": contacts, "addresses": addresses, "customer": customer},
                  status=status)


@login_required
@domain_errors
def customer_new(request: AuthedRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
@domain_errors
def customer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(request, _get(request, pk))


@login_required
def form_row(request: HttpRequest, kind: str) -> HttpResponse:
    """HTMX: one more empty contact or address row; the management form's count goes up out of band."""
    if kind not in ("contacts", "addresses"):
        raise Http404
    formset_class = ContactFormSet if kind == "contacts" else AddressFormSet
    try:
        index = int(request.GET.get(f"{kind}-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(0, min(index, 999))
    formset = formset_class(prefix=kind)
    row = formset._construct_form(index, empty_permitted=True, use_required_attribute=False)  # type: ignore[attr-defined]
    for f in formset.empty_form.fields:
        row.fields[f].widget.attrs = dict(formset.empty_form.fields[f].widget.attrs)
    return render(request, "customers/form.html#row", {"row": row, "kind": kind, "next_total": index + 1,
                                                      "oob": True})
