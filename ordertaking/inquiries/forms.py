"""Page forms for inquiries: shape checks beside each field; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.models import User
from ordertaking.catalog.models import Product, Region
from ordertaking.common.pinyin import pinyin_choices
from ordertaking.customers.forms import InvalidMarks
from ordertaking.customers.models import Customer
from ordertaking.customers.selectors import customers_visible
from ordertaking.customers.validators import validate_phone

from .models import Inquiry
from .selectors import sales_reps


def _style(form: forms.Form) -> None:
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(f.widget, forms.Select):
            f.widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            f.widget.attrs.setdefault("class", "form-control form-control-sm")


class InquiryForm(InvalidMarks, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Inquiry.Channel.choices, widget=forms.RadioSelect)
    customer: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label=_("Existing customer"), queryset=Customer.objects.none(), required=False,
                                      empty_label=_("— a new prospect —"))
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False,
                                    validators=[validate_phone])  # the model field's: one message
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    region = forms.ModelChoiceField(label=_("Province"), queryset=Region.objects.all(), required=False,
                                    to_field_name="code")
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    product = forms.ModelChoiceField(label=_("Product or service"), queryset=Product.objects.filter(active=True),
                                     required=False, to_field_name="code")
    specification = forms.CharField(label=_("Specification"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, min_value=0.001,  # type: ignore[arg-type]
                                  required=False)
    service_requirements = forms.CharField(label=_("Service requirements"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    wanted_delivery_date = forms.DateField(label=_("Wanted delivery date"), required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))
    needs_analysis = forms.CharField(label=_("Preliminary needs analysis"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    special_needs = forms.BooleanField(label=_("Special or complex needs (hand over to sales, P2.1.b)"),
                                       required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_visible(user=user).only("id", "name")  # type: ignore[attr-defined]
        pinyin_choices(self.fields["customer"])  # pinyin order, searchable
        _style(self)
        # the customer's contacts are offered as soon as it is chosen (HTMX), so the caller is not lost
        self.fields["customer"].widget.attrs.update({
            "hx-get": reverse_lazy("inquiries:contacts"), "hx-target": "#customer-contacts",
            "hx-trigger": "change", "hx-swap": "innerHTML"})
        self.fields["channel"].widget.attrs["class"] = "form-check-input"


class HandoverForm(forms.Form):
    to: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label=_("Sales rep"), queryset=User.objects.none())
    note = forms.CharField(label=_("What the rep should know"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    special_needs = forms.BooleanField(label=_("Special or complex needs"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = sales_reps()  # type: ignore[attr-defined]
        self.fields["to"].empty_label = None  # type: ignore[attr-defined]  # starts at a rep (the customer's own), never at "---------"
        _style(self)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for closing"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
