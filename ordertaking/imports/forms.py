from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportBatch


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportBatch.Kind.choices,
                             widget=forms.RadioSelect)
    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}))

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
