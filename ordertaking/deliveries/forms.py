"""Forms of the delivery chapter's pages (P2.5): one per part of the readiness checklist."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProductionPartForm(forms.Form):
    packaging_intact = forms.BooleanField(label=_("Packaging intact"), required=False)
    inspection_passed = forms.BooleanField(label=_("Finished product inspection passed"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class LogisticsPartForm(forms.Form):
    vehicle_ready = forms.BooleanField(label=_("Vehicle ready"), required=False)
    packing_materials_ready = forms.BooleanField(label=_("Packing materials ready"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class SalesPartForm(forms.Form):
    agreed_time = forms.DateTimeField(label=_("Agreed delivery time"), widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    agreed_place = forms.CharField(label=_("Agreed delivery place"), max_length=300)
    agreed_with = forms.CharField(label=_("Agreed with"), max_length=100,
                                  help_text=_("Who at the customer agreed to it."))
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


PART_FORMS: dict[str, type[forms.Form]] = {"production": ProductionPartForm, "logistics": LogisticsPartForm,
                                           "sales": SalesPartForm}


class VoucherPaperForm(forms.Form):
    """The paper delivery voucher signed on site (P2.5.b): its scan, the name on it and when."""

    signer_name = forms.CharField(label=_("Signed by"), max_length=100,
                                  help_text=_("The name the customer wrote on the voucher."))
    signed_at = forms.DateTimeField(label=_("Signed at"), widget=DATETIME, required=False,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    help_text=_("Leave empty for now."))
    file = forms.FileField(label=_("Scan of the signed voucher"), help_text=_("A PDF or a photo."))
