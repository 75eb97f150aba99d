"""Forms of the order pages: list filters, the order header, its lines (a formset).

The forms only parse; the rules live in services.py and rules.py, whose refusals are
put back beside the field they name (views.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.catalog.models import PaymentMethod, Product, Region, TaxRate
from ordertaking.common.pinyin import pinyin_choices
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customers_visible

from .models import ContractTerms
from .states import OrderState

SM = {"class": "form-control form-control-sm"}
SEL = {"class": "form-select form-select-sm"}


def visible_customers(user: Any) -> Any:
    """P4.1.c: only the customers the user may see are offered (customers.selectors)."""
    return customers_visible(user=user).order_by("name")


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or customer"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={**SM, "type": "search", "placeholder": _("SO… or name")}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *OrderState.choices], widget=forms.Select(attrs=SEL))
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none(), required=False,
                                      empty_label=_("All customers"), widget=forms.Select(attrs=SEL))
    date_from = forms.DateField(label=_("Entered from"), required=False,
                                widget=forms.DateInput(attrs={**SM, "type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("Entered to"), required=False,
                              widget=forms.DateInput(attrs={**SM, "type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible_customers(user)  # type: ignore[attr-defined]
        pinyin_choices(self.fields["customer"])  # pinyin order, searchable


class OrderForm(forms.Form):
    """The header. A draft may be incomplete (P2.2.b); submit checks completeness (P2.2.a)."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none(),
                                      widget=forms.Select(attrs=SEL))
    sales_rep = forms.ModelChoiceField(label=_("Sales rep"), queryset=User.objects.none(), required=False,
                                       empty_label=_("The customer's sales rep"), widget=forms.Select(attrs=SEL))
    delivery_date = forms.DateField(label=_("Delivery date"), required=False,
                                    widget=forms.DateInput(attrs={**SM, "type": "date"}, format="%Y-%m-%d"))
    delivery_region = forms.ModelChoiceField(label=_("Delivery province"), required=False,
                                             queryset=Region.objects.order_by("code"), widget=forms.Select(attrs=SEL))
    delivery_city = forms.CharField(label=_("Delivery city"), required=False, max_length=50,
                                    widget=forms.TextInput(attrs=SM))
    delivery_address = forms.CharField(label=_("Delivery address"), required=False, max_length=255,
                                       widget=forms.TextInput(attrs=SM))
    payment_method = forms.ModelChoiceField(label=_("Payment method"), required=False,
                                            queryset=PaymentMethod.objects.filter(active=True),
                                            widget=forms.Select(attrs=SEL))
    customer_reference = forms.CharField(label=_("Customer reference"), required=False, max_length=60,
                                         widget=forms.TextInput(attrs=SM))
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=50,
                                   widget=forms.TextInput(attrs=SM))
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30,
                                    widget=forms.TextInput(attrs=SM))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={**SM, "rows": 2}))
    # P5.3: terms away from the standard contract go to the legal adviser before approval
    contract_terms = forms.ChoiceField(label=_("Contract terms"), choices=ContractTerms.choices, required=False,
                                       initial=ContractTerms.STANDARD, widget=forms.Select(attrs=SEL))
    contract_terms_text = forms.CharField(label=_("Non-standard terms"), required=False, max_length=5000,
                                          help_text=_("What departs from the standard contract; the legal adviser "
                                                      "reads it before approval (P5.3)."),
                                          widget=forms.Textarea(attrs={**SM, "rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible_customers(user)  # type: ignore[attr-defined]
        pinyin_choices(self.fields["customer"])  # pinyin order, searchable
        self.fields["sales_rep"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            groups__name=Role.SALES, is_active=True).order_by("username")
        customer = self._customer()
        if customer is not None:  # only what this customer may use is offered (P2.3.a)
            self.fields["payment_method"].queryset = payment_methods_open_to(customer)  # type: ignore[attr-defined]
            self.fields["payment_method"].error_messages["invalid_choice"] = _(
                "%(customer)s may not pay by this method (P2.3.a): choose one of the methods shown for this "
                "customer.") % {"customer": customer.name}
        # the customer's payment options and credit limits appear beside the field as it is chosen (HTMX)
        self.fields["customer"].widget.attrs.update({
            "hx-get": reverse_lazy("credit:payment_options"), "hx-trigger": "change",
            "hx-target": "#payment-options", "hx-swap": "innerHTML", "hx-include": "[name=payment_method]"})

    def _customer(self) -> Customer | None:
        raw = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        raw = getattr(raw, "pk", raw)
        if raw in (None, "") or not str(raw).isdigit():
            return None
        return self.fields["customer"].queryset.filter(pk=int(raw)).first()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer, method = data.get("customer"), data.get("payment_method")
        if customer is not None and method is not None and not payment_methods_open_to(customer).filter(
                pk=method.pk).exists():
            self.add_error("payment_method", _("%(customer)s may not pay by %(method)s (P2.3.a): choose one of "
                                               "the methods shown for this customer.")
                           % {"customer": customer.name, "method": method.name})
        return data


def payment_methods_open_to(customer: Customer) -> Any:
    """Active payment methods this customer may use: those open to all, and those granted to it (P2.3.a)."""
    return PaymentMethod.objects.filter(active=True).filter(
        Q(open_to_all=True) | Q(pk__in=customer.allowed_payment_methods.values("pk"))).distinct()


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product or service"), required=False,
                                     queryset=Product.objects.filter(active=True).order_by("code"),
                                     widget=forms.Select(attrs=SEL))
    description = forms.CharField(label=_("Description"), required=False, max_length=500,
                                  widget=forms.TextInput(attrs=SM))
    specification = forms.CharField(label=_("Specification"), required=False, max_length=200,
                                    widget=forms.TextInput(attrs=SM))
    unit = forms.CharField(label=_("Unit"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={**SM, "size": 4}))
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=12, decimal_places=3,
                                  widget=forms.NumberInput(attrs={**SM, "step": "any", "class": SM["class"] + " num"}))
    unit_price = forms.DecimalField(label=_("Unit price"), required=False, max_digits=14, decimal_places=2,
                                    widget=forms.NumberInput(attrs={**SM, "step": "0.01",
                                                                    "class": SM["class"] + " num"}))

    tax_rate = forms.TypedChoiceField(
        label=_("VAT rate"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Catalog rate")), *((v, f"{v}%") for v in TaxRate.values)],
        help_text=_("A catalog item is taxed at its own rate; a free-text line at the rate chosen here "
                    "(13% when none is chosen)."),
        widget=forms.Select(attrs=SEL))

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not any(data.get(k) not in (None, "") for k in self.fields if k != "tax_rate")

    def line_dict(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"product": d.get("product"), "description": d.get("description") or "",
                "specification": d.get("specification") or "", "unit": d.get("unit") or "",
                "quantity": d.get("quantity"), "unit_price": d.get("unit_price"), "tax_rate": d.get("tax_rate")}

    def preview_amount(self) -> Decimal | None:
        """quantity × (unit price or the product's list price), for the live totals."""
        from .rules import line_amount

        if not self.is_bound:
            d: dict[str, Any] = dict(self.initial)
            if d.get("product") is not None and not isinstance(d["product"], Product):
                d["product"] = Product.objects.filter(pk=d["product"]).first()
        elif self.is_valid():
            d = self.cleaned_data
        else:
            return None
        price = d.get("unit_price")
        if price is None and d.get("product") is not None:
            price = d["product"].list_price
        if d.get("quantity") is None or price is None:
            return None
        return line_amount(d["quantity"], price)


LineFormSet = forms.formset_factory(LineForm, extra=0, max_num=200, absolute_max=200, validate_max=True)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the cancellation"), max_length=2000,
                             widget=forms.Textarea(attrs={**SM, "rows": 2}))
