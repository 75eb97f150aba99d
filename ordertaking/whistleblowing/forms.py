"""The whistleblowing forms (P6.1.b): the public report, the follow-up login and thread, the
investigators' steps, questions, files and the persons a report names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.common.forms import Styled as CommonStyled

from .models import Report


class Styled(CommonStyled):
    control_size = ""  # the public pages: full-size controls


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (type from its bytes, size)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


ANONYMITY = [("1", _("Anonymously: I give no name")), ("0", _("With my name and how to reach me"))]


class ReportForm(Styled):
    what = forms.CharField(label=_("What happened?"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Describe the violation in order-taking as exactly as you can: what was done, "
                                       "by whom, how you know."))
    when = forms.CharField(label=_("When?"), max_length=200, required=False,
                           help_text=_("A date, a period, or “repeatedly since ...”"))
    order_numbers = forms.CharField(label=_("Order number(s)"), max_length=300, required=False,
                                    help_text=_("Optional; separate several with commas."))
    persons = forms.CharField(label=_("Persons involved"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Optional: names, roles, departments."))
    anonymous = forms.ChoiceField(label=_("Who are you?"), choices=ANONYMITY, initial="1", widget=forms.RadioSelect)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=200, required=False)
    evidence = MultipleFileField(label=_("Files (optional)"), required=False,
                              help_text=_("Documents, photos, screenshots: PDF, images, Office files; at most 5."))

    def clean_anonymous(self) -> bool:
        return self.cleaned_data["anonymous"] == "1"


class PhoneReportForm(ReportForm):
    evidence = None  # type: ignore[assignment]


class LoginForm(Styled):
    code = forms.CharField(label=_("Receipt code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))
    password = forms.CharField(label=pgettext_lazy("whistleblowing", "Password"), max_length=60,
                               widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class ReplyForm(Styled):
    text = forms.CharField(label=_("Your answer or more information"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("Files (optional)"), required=False)


class MoveForm(Styled):
    note = forms.CharField(label=_("Note"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(Styled):
    text = forms.CharField(label=_("Question to the reporter"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class FilesForm(Styled):
    evidence = MultipleFileField(label=_("Files"))


class NamedForm(Styled):
    users: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Users the report names"), queryset=None, required=False,  # type: ignore[arg-type]
                                           widget=forms.SelectMultiple(attrs={"size": 6}),
                                           help_text=_("They will never see this report, not even an investigator."))

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = users  # type: ignore[attr-defined]


class FilterForm(Styled):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), ("open", _("Open")), *Report.State.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Receipt code"), max_length=40, required=False)
