from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.roles import ROLE_LABELS
from ordertaking.catalog.models import Region
from ordertaking.common.forms import DATE, Styled

from .models import Carrier, Method, Shipment, ShippingException, TrackingEvent
from .services import DEPARTMENTS


class ShipmentForm(Styled):
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.filter(active=True),
                                     required=False, empty_label=_("— own fleet, no carrier —"))
    waybill_number = forms.CharField(label=_("Waybill number"), max_length=60, required=False)
    packages = forms.IntegerField(label=_("Packages"), min_value=1, initial=1)
    planned_ship_date = forms.DateField(label=_("Planned ship date"), widget=DATE)
    planned_arrival = forms.DateField(label=_("Planned arrival"), widget=DATE, required=False,
                                      help_text=_("Empty: the ship date plus the province's transit days."))
    override_reason = forms.CharField(label=_("Reason for choosing this carrier anyway"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class CarrierForm(Styled):
    code = forms.SlugField(label=_("Carrier code"), max_length=30,
                           help_text=_("Short code in the carrier's webhook address."))
    name = forms.CharField(label=_("Name"), max_length=100)
    contract_number = forms.CharField(label=_("Contract number"), max_length=60)
    contract_valid_from = forms.DateField(label=_("Contract valid from"), widget=DATE)
    contract_valid_to = forms.DateField(label=_("Contract valid to"), widget=DATE)
    methods = forms.MultipleChoiceField(label=_("Methods offered"), choices=Method.choices,
                                        widget=forms.CheckboxSelectMultiple)
    regions = forms.ModelMultipleChoiceField(label=_("Service regions"), queryset=Region.objects.order_by("code"),
                                             required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    contact = forms.CharField(label=_("Carrier contact"), max_length=100, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False


class TrackingForm(Styled):
    kind = forms.ChoiceField(label=_("Tracking status"), choices=TrackingEvent.Kind.choices)
    occurred_at = forms.DateTimeField(label=_("Time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                                  format="%Y-%m-%dT%H:%M"),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)


def department_choices() -> list[tuple[str, Any]]:
    return [(str(r), ROLE_LABELS[r]) for r in DEPARTMENTS]


class ExceptionForm(Styled):
    kind = forms.ChoiceField(label=_("Exception type"), choices=ShippingException.Kind.choices)
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label=_("Handling"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    new_arrival = forms.DateField(label=_("Expected arrival"), widget=DATE, required=False)
    told_departments = forms.MultipleChoiceField(label=_("Departments told"), required=False,
                                                 choices=department_choices, widget=forms.CheckboxSelectMultiple)
    told_contact = forms.CharField(label=_("Customer contact told"), max_length=200, required=False,
                                   help_text=_("Who, when and how; the contact's e-mail is added when mailed."))


class HandleForm(Styled):
    handling = forms.CharField(label=_("Handling"), widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(Styled):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ShipmentFilterForm(Styled):
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *Shipment.State.choices])
    q = forms.CharField(label=_("Search"), required=False)
