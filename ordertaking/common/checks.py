"""System checks of the deployment (`manage.py check --deploy`, run before going live)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_KEY_PREFIX = "dev-only-insecure-key"


@register(Tags.security, deploy=True)
def development_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The development key is in the repository: outside DEBUG anyone could forge sessions with it."""
    if not settings.DEBUG and str(settings.SECRET_KEY).startswith(DEV_KEY_PREFIX):
        return [Error("The development secret key is in use outside DEBUG.",
                      hint="Set DJANGO_SECRET_KEY to 50+ random characters (docs/deploy.md, section 4).",
                      id="ordertaking.E001")]
    return []
