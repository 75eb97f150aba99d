"""The confidentiality forms: parse and keep what was typed; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ordertaking.common.forms import Styled

from .models import Field, RevealLog
from .rules import DEFAULT_DAYS, MAX_DAYS


class AccessRequestForm(Styled):
    reason = forms.CharField(label=_("Why you need it"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    days = forms.IntegerField(label=_("For how many days"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS)


class DecisionForm(Styled):
    days = forms.IntegerField(label=_("Granted for days"), min_value=1, max_value=MAX_DAYS, required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000)


class RevokeForm(Styled):
    reason = forms.CharField(label=_("Reason for revoking"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False, max_length=2000)


class ConsentForm(Styled):
    what = forms.CharField(label=_("Data disclosed"), max_length=200,
                           help_text=_("e.g. contact names and phone numbers"))
    recipient = forms.CharField(label=_("To whom"), max_length=200, help_text=_("e.g. the carrier"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=_("How given"), max_length=200, required=False,
                               help_text=_("e.g. signed letter of 2026-11-20, e-mail from the customer"))


class RevealFilterForm(Styled):
    user = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field = forms.ChoiceField(label=_("Data"), required=False, choices=[("", _("All"))] + list(Field.choices))
    basis = forms.ChoiceField(label=_("Basis"), required=False,
                              choices=[("", _("All"))] + list(RevealLog.Basis.choices))
    channel = forms.ChoiceField(label=_("Where"), required=False,
                                choices=[("", _("All"))] + list(RevealLog.Channel.choices))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
