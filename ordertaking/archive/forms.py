"""Page forms of the archive: they parse the input; the services decide (and name the field they refuse)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ordertaking.customers.forms import InvalidMarks

from .models import TierThresholds

CONFIRM_CHOICES = [
    ("basic", _("Basic information")),
    ("contacts", _("Contacts")),
    ("addresses", _("Addresses")),
    ("invoicing", _("Invoicing details")),
    ("preferences", _("Needs and preferences")),
]


class VerifyForm(InvalidMarks, forms.Form):
    confirmed = forms.MultipleChoiceField(
        label=_("Confirmed with the customer"), choices=CONFIRM_CHOICES, widget=forms.CheckboxSelectMultiple,
        initial=[c for c, _label in CONFIRM_CHOICES], required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
                           help_text=_("With whom and how it was confirmed, e.g. by phone with the "
                                       "purchasing manager."))


def _model_field(name: str) -> Any:
    return TierThresholds._meta.get_field(name)


def _int(name: str) -> forms.IntegerField:
    field = _model_field(name)
    return forms.IntegerField(label=field.verbose_name, min_value=1, max_value=100000,
                              help_text=field.help_text or "",
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))


def _money(name: str) -> forms.DecimalField:
    field = _model_field(name)
    return forms.DecimalField(label=field.verbose_name, min_value=Decimal("0"), max_digits=14, decimal_places=2,
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm money",
                                                              "step": "0.01"}))


class ThresholdsForm(InvalidMarks, forms.Form):
    period_months = forms.IntegerField(
        label=_model_field("period_months").verbose_name, min_value=1, max_value=60,
        help_text=_model_field("period_months").help_text,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    frequent_orders = _int("frequent_orders")
    regular_orders = _int("regular_orders")
    active_days = _int("active_days")
    dormant_days = _int("dormant_days")
    key_orders = _int("key_orders")
    key_amount = _money("key_amount")
    growing_orders = _int("growing_orders")
    growing_amount = _money("growing_amount")
