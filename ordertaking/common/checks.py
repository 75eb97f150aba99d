"""System checks of the deployment (`manage.py check --deploy`, run before going live)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DEV_KEY_PREFIX = "dev-only-insecure-key"


@register(Tags.security, deploy=True)
def development_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The development key is in the repository: outside DEBUG anyone could forge sessions with it."""
    if not settings.DEBUG and str(settings.SECRET_KEY).startswith(DEV_KEY_PREFIX):
        return [Error("The development secret key is in use outside DEBUG.",
                      hint="Set DJANGO_SECRET_KEY to 50+ random characters (docs/deploy.md, section 4).",
                      id="ordertaking.E001")]
    return []


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Behind the documented nginx, without the proxy list every client is 127.0.0.1 to the login
    throttle: one attacker locks everyone out."""
    if getattr(settings, "ORDERTAKING_PRODUCTION", False) and not settings.ORDERTAKING_TRUSTED_PROXIES:
        return [Warning("ORDERTAKING_TRUSTED_PROXIES is empty in production.",
                        hint="Behind nginx on this server set ORDERTAKING_TRUSTED_PROXIES=127.0.0.1 "
                             "(docs/deploy.md, section 7).", id="ordertaking.W001")]
    return []


@register()
def pdf_font(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Documents (sales contract, statement) embed a Chinese font; without one they cannot be drawn,
    and a PDF relying on the reader's fonts shows boxes on machines without Chinese fonts. Reads the
    font's header only: every management command runs this check."""
    from .pdf import FONT_HINT, FontMissing, font_outline_problem, font_path

    try:
        path, index = font_path()
    except FontMissing as e:
        return [Error(e.problem, hint=FONT_HINT, id="ordertaking.E002")]
    problem = font_outline_problem(path, index)
    return [Error(problem, hint=FONT_HINT, id="ordertaking.E002")] if problem else []


@register("refdata")
def refdata_triggers(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The cached reference data (common/refdata.py) is trusted only while triggers move its version: without
    one, a calendar day, an assignment rule, a department member, an e-mail choice or a department webhook
    changed there goes unseen by the submissions and approvals of running processes until the next change
    elsewhere moves the version. A warning, not an error: new code that changes the triggers finds them out of
    date until its `migrate`, which the check must not block."""
    from .refdata import refdata_triggers_missing

    try:
        missing = refdata_triggers_missing()
    except Exception:  # noqa: BLE001 - no database to look at: a check must not break unrelated commands
        return []
    if not missing:
        return []
    return [Warning("The reference data version is not moved by triggers on every table it covers: missing, "
                    "disabled or out of date " + ", ".join(missing) + ".",
                    hint="Run `ordertaking migrate`: it re-creates them and moves the version.",
                    id="ordertaking.W002")]


@register(Tags.security)
def field_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """ORDERTAKING_FIELD_KEYS must be Fernet keys: otherwise no webhook secret or key can be stored or opened
    (the admin form refuses to save one, a carrier's key is not generated, every department webhook post fails in
    the job queue and every carrier's post is answered 503)."""
    from .sealed import keys_problem

    problem = keys_problem()
    return [Error(problem, hint="Each key is 44 characters of URL-safe base64: `ordertaking field-key` prints a "
                                "new one (docs/deploy.md, section 4).", id="ordertaking.E003")] if problem else []
