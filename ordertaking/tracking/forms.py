"""The contingency plan form (P5.2.a). It only parses; the service decides and names the field at fault."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ContingencyPlan

W = {"class": "form-control form-control-sm"}
S = {"class": "form-select form-select-sm"}


class ContingencyPlanForm(forms.Form):
    cause = forms.ChoiceField(label=_("Cause"), choices=[("", "—"), *ContingencyPlan.Cause.choices],
                              widget=forms.Select(attrs=S))
    measures = forms.CharField(label=_("Measures"), max_length=4000,
                               widget=forms.Textarea(attrs={**W, "rows": 3}))
    loss_reduction = forms.CharField(label=_("Loss reduction"), max_length=4000, required=False,
                                     widget=forms.Textarea(attrs={**W, "rows": 2}))
    new_delivery_date = forms.DateField(label=_("New promised date (if any)"), required=False,
                                        widget=forms.DateInput(attrs={**W, "type": "date"}))
    notified_person = forms.CharField(label=_("Customer person told"), max_length=100,
                                      widget=forms.TextInput(attrs=W))
    notified_at = forms.DateTimeField(label=_("Told at"),
                                      widget=forms.DateTimeInput(attrs={**W, "type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    notified_via = forms.ChoiceField(label=_("Contact method"), choices=[("", "—"), *ContingencyPlan.Channel.choices],
                                     widget=forms.Select(attrs=S))
    notified_text = forms.CharField(label=_("What was said"), max_length=4000,
                                    widget=forms.Textarea(attrs={**W, "rows": 2}))
