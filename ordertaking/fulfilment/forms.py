"""Forms of the execution pages: they parse and show; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.models import User
from ordertaking.catalog.models import Category, Region

from .models import DEPARTMENT_CHOICES, AssignmentRule, Holiday, Task


class _Styled(forms.Form):
    """Bootstrap classes on every widget (the board is used on tablets: normal-size controls)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class RuleForm(_Styled):
    name = forms.CharField(label=_("Name"), max_length=100)
    task_kind = forms.ChoiceField(label=_("Task kind"), required=False,
                                  choices=[("", _("Any"))] + list(Task.Kind.choices))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.order_by("code"),
                                      empty_label=_("Any"))
    product_kind = forms.ChoiceField(label=_("Product kind"), required=False,
                                     choices=[("", _("Any")), ("product", _("Product")), ("service", _("Service"))])
    region = forms.ModelChoiceField(label=_("Delivery province"), required=False,
                                    queryset=Region.objects.order_by("code"), empty_label=_("Any"))
    city = forms.CharField(label=_("Delivery city"), max_length=50, required=False)
    department = forms.ChoiceField(label=_("Department"), choices=DEPARTMENT_CHOICES)
    strategy = forms.ChoiceField(label=_("Who does it"), choices=AssignmentRule.Strategy.choices)
    assignee = forms.ModelChoiceField(label=_("Default assignee"), required=False, empty_label="—",
                                      queryset=User.objects.none())
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = [c for c, _l in DEPARTMENT_CHOICES]
        field: Any = self.fields["assignee"]
        field.queryset = (User.objects.filter(is_active=True, groups__name__in=departments).distinct()
                          .order_by("username"))


class HolidayForm(_Styled):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)


class ReassignForm(_Styled):
    assignee = forms.ModelChoiceField(label=_("New assignee"), required=False, empty_label="—",
                                      queryset=User.objects.none())
    department = forms.ChoiceField(label=_("Department"), choices=DEPARTMENT_CHOICES)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args: Any, department: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        departments = [c for c, _l in DEPARTMENT_CHOICES]
        field.queryset = (User.objects.filter(is_active=True, groups__name__in=departments).distinct()
                          .order_by("username"))
        if department:
            self.fields["department"].initial = department
