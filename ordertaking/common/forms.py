"""What every page form shares: Bootstrap's classes on each widget, so the forms look alike everywhere."""

from __future__ import annotations

from typing import Any

from django import forms

# A date field's widget: the browser's date picker, its value written as the picker reads it (ISO).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Styled(forms.Form):
    """Bootstrap's controls on every widget: small ones on the staff pages (dense, like the rest of the site),
    full size where a form sets `control_size = ""` (the public pages, used once by people who don't know them)."""

    control_size = "sm"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = f" form-select-{self.control_size}" if self.control_size else ""
        control_size = f" form-control-{self.control_size}" if self.control_size else ""
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.HiddenInput):
                continue
            if isinstance(w, forms.RadioSelect | forms.CheckboxInput):  # CheckboxSelectMultiple is a RadioSelect
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):  # SelectMultiple too
                w.attrs.setdefault("class", f"form-select{size}")
            else:
                w.attrs.setdefault("class", f"form-control{control_size}")
