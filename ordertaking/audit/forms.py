"""The filter bar of the audit log page: parsed by a form so bad input is shown, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .labels import action_label
from .models import AuditEvent
from .selectors import DATE_MAX, DATE_MIN, SORTS, known_actions


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Subject"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Number or name"),
                                                      "type": "search"}))
    action = forms.ChoiceField(label=pgettext_lazy("audit: what was done", "Action"), required=False)
    actor = forms.TypedChoiceField(label=_("Actor"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)])
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              validators=[MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)])
    clause = forms.CharField(label=_("Clause"), required=False, max_length=16,
                             widget=forms.TextInput(attrs={"placeholder": "P2.3.c"}))
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("All actions"))] + [(a, action_label(a)) for a in known_actions()]
        actor_ids = AuditEvent.objects.exclude(actor=None).values("actor_id")
        users = get_user_model().objects.filter(pk__in=actor_ids).order_by("username")
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ChoiceField)
        actor_field.choices = [("", _("Everyone"))] + [(u.pk, f"{u} ({u.username})") for u in users]
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else \
                "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters only: a wrong field is shown as an error and ignored, the rest still apply."""
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "action": data.get("action") or "",
            "actor_id": data.get("actor"),
            "date_from": data.get("date_from") if "date_from" not in self.errors else None,
            "date_to": data.get("date_to") if "date_to" not in self.errors else None,
            "clause": data.get("clause") or "",
            "sort": data.get("sort") or "-at",
        }
