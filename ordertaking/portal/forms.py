from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import rules


class IssueForm(forms.Form):
    email = forms.EmailField(label=_("Customer's e-mail"), required=False, max_length=254)
    days = forms.IntegerField(label=_("Valid for (days)"), required=False, min_value=1, max_value=rules.MAX_DAYS,
                              help_text=_("Empty: the standard validity."))
    language = forms.ChoiceField(label=_("Language of the e-mail and pages"), choices=settings.LANGUAGES,
                                 initial="zh-hans",
                                 widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    send = forms.BooleanField(label=_("Send it by e-mail now"), required=False, initial=True)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=300)
