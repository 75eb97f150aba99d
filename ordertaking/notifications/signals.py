from __future__ import annotations

from typing import Any

from django.conf import settings


def language_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A user who chose a language (the cookie the language switch sets) reads in it: record it at
    login too, so a choice made before signing in counts. No cookie: keep what we knew."""
    from .services import user_language_set

    if request is None:
        return
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code:
        user_language_set(user=user, language=code)
