"""Page forms for credit (P5.1). They only parse; the services decide and raise field errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Guarantee

W = {"class": "form-control form-control-sm"}
N = {"class": "form-control form-control-sm text-end"}


class EvaluationForm(forms.Form):
    registered_capital = forms.DecimalField(label=_("Registered capital (¥)"), max_digits=14, decimal_places=2,
                                            widget=forms.NumberInput(attrs=N))
    years_in_business = forms.IntegerField(label=_("Years in business"), widget=forms.NumberInput(attrs=N))
    licences_held = forms.IntegerField(label=_("Licences held"), initial=0, widget=forms.NumberInput(attrs=N))
    annual_revenue = forms.DecimalField(label=_("Annual revenue (¥)"), max_digits=14, decimal_places=2,
                                        widget=forms.NumberInput(attrs=N))
    debt_ratio = forms.DecimalField(label=_("Debt ratio (%)"), max_digits=5, decimal_places=2,
                                    widget=forms.NumberInput(attrs=N))
    litigation = forms.BooleanField(label=_("Open litigation"), required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    blacklisted = forms.BooleanField(label=_("On a blacklist"), required=False,
                                     widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    references = forms.IntegerField(label=_("Good trade references"), initial=0, widget=forms.NumberInput(attrs=N))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**W, "rows": 2}))


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={**W, "rows": 2}))


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the release"), widget=forms.Textarea(attrs={**W, "rows": 2}))


class GuaranteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Guarantee.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs=N))
    percent = forms.DecimalField(label=_("Deposit percentage"), required=False, max_digits=5, decimal_places=2,
                                 widget=forms.NumberInput(attrs=N))
    guarantor = forms.CharField(label=_("Guarantor"), required=False, widget=forms.TextInput(attrs=W))
    reference = forms.CharField(label=_("Reference"), required=False, widget=forms.TextInput(attrs=W))
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={**W, "type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={**W, "type": "date"}))
    order_number = forms.CharField(label=_("Order number (empty: all orders)"), required=False,
                                   widget=forms.TextInput(attrs=W))
