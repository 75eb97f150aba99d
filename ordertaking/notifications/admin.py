from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ordertaking.common.sealed import SecretUnreadable

from .models import DepartmentWebhook
from .services import department_webhook_recorded


def _https_by_default(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class DepartmentWebhookForm(forms.ModelForm):
    """The secret is write-only: the form never shows it (not even encrypted) and takes a new one, which is
    encrypted before it is saved; left empty on an existing webhook, the secret stays as it is."""

    new_secret = forms.CharField(
        label=_("New secret"), required=False, max_length=200, strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))

    class Meta:
        model = DepartmentWebhook
        fields = ("department", "url", "active")
        formfield_callback = _https_by_default  # as the admin's formfield_overrides below

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_secret"]
        if self.instance.secret:
            field.help_text = _("Leave empty to keep the secret that is set; type a new one to replace it. "
                                "It is stored encrypted and never shown.")
        else:
            field.required = True
            field.help_text = _("Shared with the receiver, which checks the signature. It is stored encrypted "
                                "and never shown.")

    def clean_new_secret(self) -> str:
        plain: str = self.cleaned_data["new_secret"]
        if plain:
            try:
                self.instance.secret_set(plain)
            except SecretUnreadable as e:  # keys that are not Fernet keys: the system check says so too
                raise forms.ValidationError(
                    _("The secret cannot be encrypted: the server's encryption keys are misconfigured (%(problem)s)."),
                    params={"problem": e}, code="field_keys") from None
        return ""  # the plain secret goes no further than the model's encrypted column


@admin.register(DepartmentWebhook)
class DepartmentWebhookAdmin(admin.ModelAdmin):
    """The administrator keeps each department's group-chat robot (issue 10); every change is audited."""

    form = DepartmentWebhookForm
    list_display = ("department", "url", "secret_state", "active", "created_at")
    list_filter = ("department", "active")
    fields = ("department", "url", "secret_state", "new_secret", "active")
    readonly_fields = ("secret_state",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("secret"))
    def secret_state(self, obj: DepartmentWebhook | None) -> str:
        """Whether a secret is set, in words: never the secret, nor its encrypted form."""
        return str(_("set") if obj is not None and obj.secret else _("not set"))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = DepartmentWebhook.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        department_webhook_recorded(hook=obj, actor=request.user, before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        department_webhook_recorded(hook=obj, actor=request.user, before=None, deleted=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            department_webhook_recorded(hook=obj, actor=request.user, before=None, deleted=True)
        super().delete_queryset(request, queryset)
