from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ordertaking.common.forms import DATE, Styled
from ordertaking.customers.models import Customer

from .models import Complaint, Survey

SCORE_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(5, 0, -1)]]


class ComplaintForm(Styled):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    order_number = forms.CharField(label=_("Order number"), max_length=40, required=False,
                                   help_text=_("Empty when it is not about one order."))
    kind = forms.ChoiceField(label=_("Complaint or dispute"), choices=Complaint.Kind.choices)
    category = forms.ChoiceField(label=_("About"), choices=[("", "—"), *Complaint.Category.choices])
    source = forms.ChoiceField(label=_("How it reached us"),
                               choices=[c for c in Complaint.Source.choices if c[0] != Complaint.Source.PORTAL])
    contact_name = forms.CharField(label=_("Complainant"), max_length=100, required=False)
    contact = forms.CharField(label=_("How to reach them"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, customers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"].queryset = customers  # type: ignore[attr-defined]


class ComplaintFilterForm(Styled):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Number, order, customer, text")}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All")), ("open", _("Still open")), *Complaint.State.choices])
    kind = forms.ChoiceField(label=_("Complaint or dispute"), required=False,
                             choices=[("", _("All")), *Complaint.Kind.choices])
    category = forms.ChoiceField(label=_("About"), required=False,
                                 choices=[("", _("All")), *Complaint.Category.choices])
    due = forms.ChoiceField(label=_("Deadline"), required=False,
                            choices=[("", _("All")), ("overdue", _("Overdue")), ("soon", _("Due within two days"))])
    handler = forms.TypedChoiceField(label=_("Handler"), required=False, coerce=int, empty_value=None, choices=[])
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args: Any, handlers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [("", _("All")), *[(u.pk, str(u)) for u in handlers]]  # type: ignore[attr-defined]


class AssignForm(Styled):
    handler: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Handler"), queryset=None)  # type: ignore[arg-type]
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, handlers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers  # type: ignore[attr-defined]


class NoteForm(Styled):
    text = forms.CharField(label=_("Progress note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("The customer sees it on their page"), required=False, initial=True)


class ResolveForm(Styled):
    resolution = forms.CharField(label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(Styled):
    how = forms.ChoiceField(label=_("How the customer confirmed"),
                            choices=[c for c in Complaint.Confirmation.choices
                                     if c[0] != Complaint.Confirmation.PORTAL])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReopenForm(Styled):
    reason = forms.CharField(label=_("What is still wrong"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SurveyFilterForm(Styled):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Order or customer")}))
    date_from = forms.DateField(label=_("Answered from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("to"), required=False, widget=DATE)
    rep = forms.TypedChoiceField(label=_("Sales rep"), required=False, coerce=int, empty_value=None, choices=[])
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *Survey.State.choices])

    def __init__(self, *args: Any, reps: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rep"].choices = [("", _("All")), *[(u.pk, str(u)) for u in reps]]  # type: ignore[attr-defined]


class SurveyAnswerForm(Styled):
    overall = forms.ChoiceField(label=_("Overall"), choices=SCORE_CHOICES)
    product = forms.ChoiceField(label=pgettext_lazy("survey aspect", "Product"), choices=SCORE_CHOICES)
    delivery = forms.ChoiceField(label=pgettext_lazy("survey aspect", "Delivery"), choices=SCORE_CHOICES)
    service = forms.ChoiceField(label=pgettext_lazy("survey aspect", "Service"), choices=SCORE_CHOICES)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PortalComplaintForm(Styled):
    """The customer's own complaint on their page (P3.2): no customer or order to choose, no channel."""

    kind = forms.ChoiceField(label=_("Complaint or dispute"), choices=Complaint.Kind.choices)
    category = forms.ChoiceField(label=_("About"), choices=[("", "—"), *Complaint.Category.choices])
    description = forms.CharField(label=_("What went wrong"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact = forms.CharField(label=_("Phone or e-mail to reach you"), max_length=200, required=False)


class PortalReplyForm(Styled):
    text = forms.CharField(label=_("Your message"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
