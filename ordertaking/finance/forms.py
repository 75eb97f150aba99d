"""Page forms for receivables (P3.6). They only parse; the services decide and raise field errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.customers.models import InvoiceType

W = {"class": "form-control form-control-sm"}
N = {"class": "form-control form-control-sm text-end"}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (¥)"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs=N))
    currency = forms.CharField(label=_("Currency"), initial="CNY", max_length=3, widget=forms.TextInput(attrs=W))
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={**W, "type": "date"}))
    reference = forms.CharField(label=_("Bank reference"), required=False, widget=forms.TextInput(attrs=W))


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs=N))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={**W, "rows": 2}))
    order_number = forms.CharField(label=_("Order number (optional)"), required=False,
                                   widget=forms.TextInput(attrs=W))


class AgingForm(forms.Form):
    by = forms.ChoiceField(label=_("Group by"), choices=[("customer", _("Customer")), ("sales_rep", _("Sales rep"))],
                           required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    as_of = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={**W, "type": "date"}))


class InvoiceFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), ("open", pgettext_lazy("invoice", "Open")),
                                       ("paid", pgettext_lazy("invoice", "Paid"))],
                              widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    q = forms.CharField(label=_("Customer or number"), required=False, widget=forms.TextInput(attrs=W))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class StatementPeriodForm(forms.Form):
    """The period of a statement PDF (?from=&to=): from the 1st of January of the end date's year to
    today unless given; the start may not be after the end."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False,
                                              widget=forms.DateInput(attrs={**W, "type": "date"}))
        self.fields["to"] = forms.DateField(label=_("To"), required=False,
                                            widget=forms.DateInput(attrs={**W, "type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("to") or timezone.localdate()
        start = data.get("from") or end.replace(month=1, day=1)
        if "from" not in self.errors and "to" not in self.errors and start > end:
            self.add_error("from", _("The start of the period is after its end."))
        data["from"], data["to"] = start, end
        return data


class FapiaoForm(forms.Form):
    """The fapiao (发票) finance issued in the tax-control system, recorded against the invoice (P3.6)."""

    fapiao_type = forms.ChoiceField(label=_("Fapiao type"), choices=InvoiceType.choices,
                                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    number = forms.CharField(label=_("Fapiao number"), max_length=30,
                             help_text=_("8 digits, or 20 for a fully digital fapiao."),
                             widget=forms.TextInput(attrs={**W, "inputmode": "numeric", "autocomplete": "off"}))
    fapiao_date = forms.DateField(label=_("Fapiao date"), widget=forms.DateInput(attrs={**W, "type": "date"},
                                                                                  format="%Y-%m-%d"))


class FapiaoReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the red-letter reversal"), max_length=2000,
                             widget=forms.Textarea(attrs={**W, "rows": 2}))
