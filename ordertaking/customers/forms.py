"""Page forms for the customer archive. They parse the input; a field the model validates carries the
model field's validator (as a ModelForm would), so the form, the service and the API give one message.
The services decide everything else and the view puts each refusal beside its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role
from ordertaking.catalog.models import Region

from .models import Customer, InvoiceType
from .validators import validate_credit_code, validate_phone


class InvalidMarks:
    """Bootstrap's red border on every field with an error, including those a service named."""

    def add_error(self, field: Any, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                w = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in w.attrs.get("class", ""):
                    w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()


class CustomerForm(InvalidMarks, forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    kind = forms.ChoiceField(label=_("Customer kind"), choices=Customer.Kind.choices, initial=Customer.Kind.ENTERPRISE,
                             required=False,
                             help_text=_("An individual (consumer) has no credit code; their orders go to the legal "
                                         "adviser (P5.3)."))
    # The model field's validator, and no max_length of its own: one message for a wrong code everywhere.
    credit_code = forms.CharField(label=_("Unified social credit code"), required=False,
                                  validators=[validate_credit_code],
                                  help_text=_("18 characters (GB 32100-2015)."))
    industry = forms.CharField(label=_("Industry"), max_length=50, required=False)
    size = forms.ChoiceField(label=_("Size"), choices=[("", "—"), *Customer.Size.choices], required=False)
    region = forms.ModelChoiceField(label=_("Province"), queryset=Region.objects.all(), required=False,
                                    to_field_name="code")
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Customer.Status.choices, initial=Customer.Status.PROSPECT)
    sales_rep = forms.ModelChoiceField(label=_("Sales rep"), queryset=User.objects.none(), required=False)
    preferences = forms.CharField(label=_("Needs and preferences"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sales_rep"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            groups__name=Role.SALES, is_active=True).order_by("username")
        for f in self.fields.values():
            css = "form-select form-select-sm" if isinstance(f.widget, forms.Select) else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)


class InvoicingForm(InvalidMarks, forms.Form):
    """开票信息 (P3.6). The taxpayer number is the unified social credit code, kept with the basic
    information; the service checks phone and account and writes the event."""

    invoice_title = forms.CharField(label=_("Invoice title"), max_length=200, required=False,
                                    help_text=_("发票抬头; the company name when left empty."))
    invoice_address = forms.CharField(label=_("Registered address"), max_length=255, required=False)
    invoice_phone = forms.CharField(label=_("Registered phone"), max_length=30, required=False)
    invoice_bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    invoice_bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)
    invoice_type = forms.ChoiceField(label=_("Invoice type wanted"), choices=InvoiceType.choices,
                                     widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if not isinstance(f.widget, forms.RadioSelect):
                f.widget.attrs.setdefault("class", "form-control form-control-sm")


class ContactForm(InvalidMarks, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Contact name"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, validators=[validate_phone])
    email = forms.EmailField(label=_("Email"), required=False)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)


class AddressForm(InvalidMarks, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Label"), max_length=50, required=False)
    region = forms.ModelChoiceField(label=_("Province"), queryset=Region.objects.all(), to_field_name="code")
    city = forms.CharField(label=_("City"), max_length=50)
    detail = forms.CharField(label=_("Street address"), max_length=255)
    is_default = forms.BooleanField(label=_("Default"), required=False)


class _RowFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form in self.forms:
            _style(form)

    @property
    def empty_form(self) -> forms.Form:
        form = super().empty_form
        _style(form)
        return form

    def rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(form index, data) for each filled row, deleted ones flagged, in order."""
        out = []
        for i, form in enumerate(self.forms):
            data = dict(form.cleaned_data or {})
            if not data:
                continue
            delete = bool(data.pop("DELETE", False))
            pk = data.pop("id", None)
            if pk is None and delete:
                continue
            out.append((i, {"id": pk, "delete": delete, **data}))
        return out


def _style(form: forms.Form) -> None:
    for name, f in form.fields.items():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(f.widget, forms.Select):
            f.widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            f.widget.attrs.setdefault("class", "form-control form-control-sm")
        if name == "DELETE":
            f.widget.attrs["class"] = "d-none row-delete"


ContactFormSet = forms.formset_factory(ContactForm, formset=_RowFormSet, extra=0, can_delete=True)
AddressFormSet = forms.formset_factory(AddressForm, formset=_RowFormSet, extra=0, can_delete=True)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ModelChoiceField(label=_("Province"), queryset=Region.objects.all(), required=False,
                                    to_field_name="code", empty_label=_("All provinces"))
    industry = forms.CharField(label=_("Industry"), required=False)
    size = forms.ChoiceField(label=_("Size"), choices=[("", _("All sizes")), *Customer.Size.choices],
                             required=False)
    tier = forms.ChoiceField(label=_("Value tier"), required=False, choices=[
        ("", _("All tiers")), *Customer.Tier.choices, ("unclassified", _("No orders yet"))])
    frequency = forms.ChoiceField(label=_("Purchase frequency"), required=False,
                                  choices=[("", _("All frequencies")), *Customer.Frequency.choices])
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
