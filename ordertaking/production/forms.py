"""Forms of the production pages: they parse and re-show what was typed; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QualityInspection, Workshop


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100,
                                 widget=forms.NumberInput(attrs={"class": "form-control form-control-lg",
                                                                 "inputmode": "numeric", "step": 5}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


class PlanForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Workshop / line"), queryset=Workshop.objects.filter(active=True),
                                      required=False, widget=forms.Select(attrs={"class": "form-select"}))
    planned_start = forms.DateField(label=_("Planned start"),
                                    widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    planned_finish = forms.DateField(label=_("Planned finish"),
                                     widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


class InspectionForm(forms.Form):
    checkpoint = forms.ChoiceField(label=_("Checkpoint"), choices=QualityInspection.Checkpoint.choices,
                                   widget=forms.RadioSelect)
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1,
                                     widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}))
    inspected_quantity = forms.DecimalField(label=_("Inspected quantity"), max_digits=12, decimal_places=3,
                                            min_value=0, widget=forms.NumberInput(attrs={"class": "form-control",
                                                                                       "step": "any"}))
    result = forms.ChoiceField(label=_("Result"), choices=QualityInspection.Result.choices, widget=forms.RadioSelect)
    defect_count = forms.IntegerField(label=_("Defects found"), min_value=0, initial=0, required=False,
                                      widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}))
    defects = forms.CharField(label=_("Defects"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))
    reinspection_of = forms.ModelChoiceField(label=_("Re-inspection of"), required=False,
                                             queryset=QualityInspection.objects.none(),
                                             widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args: Any, failures: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["reinspection_of"]
        field.queryset = failures if failures is not None else QualityInspection.objects.none()
        field.label_from_instance = lambda qi: f"{qi.number} · {qi.get_checkpoint_display()}"


class ReworkForm(forms.Form):
    note = forms.CharField(label=_("Rework done"), max_length=4000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("Number"), required=False,
                        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    checkpoint = forms.ChoiceField(label=_("Checkpoint"), required=False,
                                   choices=[("", "—"), *QualityInspection.Checkpoint.choices],
                                   widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    result = forms.ChoiceField(label=_("Result"), required=False,
                               choices=[("", "—"), *QualityInspection.Result.choices],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    open = forms.BooleanField(label=_("Failed, not yet re-inspected"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
