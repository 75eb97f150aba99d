"""The search box with its filters, and the statistics filters (P4.2.c)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.catalog.models import Product, Region
from ordertaking.common.pinyin import pinyin_choices
from ordertaking.orders.states import OrderState

from . import statistics

SM = {"class": "form-control form-control-sm"}
SEL = {"class": "form-select form-select-sm"}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search orders"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "autofocus": True,
                                                      "placeholder": _("Number, customer, product, state, sales rep, "
                                                                       "province or date"),
                                                      "autocomplete": "off"}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *OrderState.choices], widget=forms.Select(attrs=SEL))
    rep = forms.ModelChoiceField(label=_("Sales rep"), required=False, queryset=User.objects.none(),
                                 empty_label=_("All sales reps"), widget=forms.Select(attrs=SEL))
    region = forms.ModelChoiceField(label=_("Delivery province"), required=False, queryset=Region.objects.all(),
                                    empty_label=_("All provinces"), widget=forms.Select(attrs=SEL))
    product = forms.ModelChoiceField(label=_("Product"), required=False, queryset=Product.objects.all(),
                                     empty_label=_("All products"), widget=forms.Select(attrs=SEL))
    date_from = forms.DateField(label=_("Entered from"), required=False,
                                widget=forms.DateInput(attrs={**SM, "type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("Entered to"), required=False,
                              widget=forms.DateInput(attrs={**SM, "type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = User.objects.filter(groups__name=Role.SALES).distinct()  # type: ignore[attr-defined]
        for name in ("rep", "region", "product"):
            pinyin_choices(self.fields[name])


class MonthField(forms.DateField):
    """A month as <input type=month> sends it (2026-11), or a whole date."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.DateInput(attrs={**SM, "type": "month"}, format="%Y-%m"), **kwargs)


class StatisticsForm(forms.Form):
    month_from = MonthField(label=_("From month"), required=False)
    month_to = MonthField(label=_("To month"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None,
                                  widget=forms.Select(attrs=SEL))
    rep = forms.TypedChoiceField(label=_("Sales rep"), required=False, coerce=int, empty_value=None,
                                 widget=forms.Select(attrs=SEL))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = statistics.filters_default(today)
        self.fields["month_from"].initial = default.first
        self.fields["month_to"].initial = default.last
        self.fields["team"].choices = [("", _("All teams")), *statistics.team_choices()]  # type: ignore[attr-defined]
        self.fields["rep"].choices = [("", _("All sales reps")), *statistics.rep_choices()]  # type: ignore[attr-defined]
