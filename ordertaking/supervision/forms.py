"""The supervision pages' forms (P6.1.a). They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ordertaking.common.forms import DATE, Styled

from .models import Department, Finding, Inspection, RectificationTask


class InspectionForm(Styled):
    title = forms.CharField(label=_("Inspection title"), max_length=200)
    period_from = forms.DateField(label=_("Orders from"), widget=DATE)
    period_to = forms.DateField(label=_("Orders to"), widget=DATE)
    scope_region = forms.ChoiceField(label=_("Sales rep's region"), required=False)
    amount_min = forms.DecimalField(label=_("Amount from"), required=False, min_value=0, max_digits=14,
                                    decimal_places=2)
    amount_max = forms.DecimalField(label=_("Amount up to"), required=False, min_value=0, max_digits=14,
                                    decimal_places=2)
    only_special = forms.BooleanField(label=_("Only orders with a special approval"), required=False)
    only_returned = forms.BooleanField(label=_("Only orders returned in review"), required=False)
    only_credit_hold = forms.BooleanField(label=_("Only orders put on credit hold"), required=False)
    method = forms.ChoiceField(label=_("Sampling method"), choices=Inspection.Method.choices,
                               widget=forms.RadioSelect)
    stratify_by = forms.ChoiceField(label=_("Strata"), required=False,
                                    choices=[("", "—"), *Inspection.Strata.choices])
    amount_bands = forms.CharField(label=_("Amount band limits"), required=False, max_length=200,
                                   help_text=_("For amount bands: the limits between bands, e.g. 100000, 500000."))
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1, max_value=500,
                                     help_text=_("For a stratified sample: per stratum."))
    seed = forms.IntegerField(label=_("Seed"), required=False, min_value=0, max_value=2**63 - 1,
                              help_text=_("Empty: one is chosen at random and recorded. The same seed draws "
                                          "the same orders again."))

    def __init__(self, *args: Any, regions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope_region"].choices = [("", _("All regions")), *[(r, r) for r in regions or []]]  # type: ignore[attr-defined]

    def clean_amount_bands(self) -> list[str]:
        raw = self.cleaned_data.get("amount_bands") or ""
        return [p.strip() for p in raw.replace("，", ",").replace(";", ",").split(",") if p.strip()]


class InspectionFilterForm(Styled):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Number or title")}))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *Inspection.State.choices])
    date_from = forms.DateField(label=_("Period from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Period to"), required=False, widget=DATE)


class FindingForm(Styled):
    order = forms.ChoiceField(label=_("Order"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices,
                                 initial=Finding.Severity.MAJOR)
    clause = forms.CharField(label=_("Clause"), max_length=20, initial="P6.1.a",
                             help_text=_("The clause of the regulation, e.g. P2.3.a."))
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, orders: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [("", _("The inspection as a whole")), *(orders or [])]  # type: ignore[attr-defined]


class FromCheckForm(Styled):
    sample = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    check_code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices,
                                 initial=Finding.Severity.MAJOR)


class AssignForm(Styled):
    finding = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    department = forms.ChoiceField(label=_("Department"), choices=[("", "—"), *Department.choices])
    deadline = forms.DateField(label=_("Rectify by"), widget=DATE)
    responsible = forms.ChoiceField(label=_("Responsible person (optional)"), required=False)
    instructions = forms.CharField(label=_("What to put right"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", "—"), *[(str(u.pk), str(u)) for u in people or []]]  # type: ignore[attr-defined]


class CloseForm(Styled):
    conclusion = forms.CharField(label=_("Conclusion"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class RespondForm(Styled):
    measures = forms.CharField(label=_("Measures taken"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class VerifyForm(Styled):
    note = forms.CharField(label=_("Verification note"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when sending it back: what is still missing."))


class TaskFilterForm(Styled):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Task, inspection, order, text")}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), ("open", _("Still open")), *RectificationTask.State.choices])
    department = forms.ChoiceField(label=_("Department"), required=False, choices=[("", _("All")),
                                                                                  *Department.choices])
    due = forms.ChoiceField(label=_("Rectify by"), required=False, choices=[("", _("All")), ("overdue", _("Overdue"))])
