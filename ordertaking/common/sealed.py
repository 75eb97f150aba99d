"""Secrets the product must read back later, kept encrypted in the database (a department webhook's signing
secret, a carrier's webhook key): Fernet from the `cryptography` library (AES-128-CBC and HMAC-SHA256, with the
time it was sealed), so a backup, a dump or a look at the table shows a token, never the secret.

Keys (docs/deploy.md): ``ORDERTAKING_FIELD_KEYS``, Fernet keys, comma-separated; the first seals, every one
opens (MultiFernet), so a new key goes first and the old ones stay until ``ordertaking reseal-secrets`` has
sealed every value anew under it. Behind them always come keys derived from ``SECRET_KEY`` and each of
``SECRET_KEY_FALLBACKS`` (HKDF-SHA256): with no ORDERTAKING_FIELD_KEYS they are the keys, and once it is set
what they sealed still opens until it is resealed.

Opening happens only where the secret is used (a department webhook's post, in the job queue; the check of a
carrier's signed post): a page never opens a stored one, so a wrong key fails that job or that post with its
reason in the log, and never a page.

A model keeps such a column with the pieces below, the same for every one: the column holds the token and
`sealed_check` makes the database refuse anything else; `column_sealing` is the data migration that seals the
plain values already there (and opens them again going back); `column_reseal` is what `ordertaking
reseal-secrets` runs over each (ordertaking/cli.py:sealed_columns lists them).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models, transaction

if TYPE_CHECKING:
    from django.db.migrations import RunPython

# Every Fernet token starts so: the version byte 0x80 and the high bytes, zero until the year 36812, of the time
# it was sealed. A column that must hold tokens checks it (a plain secret written past the model is refused).
TOKEN_PREFIX = "gAAAAA"
_HKDF_INFO = b"ordertaking field keys v1"


class SecretUnreadable(Exception):
    """A sealed value that none of the configured keys opens, or keys that are not Fernet keys. The message
    says which, never the value."""


def key_derived(secret_key: str) -> bytes:
    """The Fernet key derived from a Django SECRET_KEY (HKDF-SHA256, its own `info`, so it is not a key
    Django itself derives for sessions or signing)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@lru_cache(maxsize=8)
def _fernet(configured: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    keys: list[bytes] = [k.encode() for k in configured] + [key_derived(k) for k in secret_keys]
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as e:  # binascii.Error is one too
        raise SecretUnreadable(f"ORDERTAKING_FIELD_KEYS holds a value that is not a Fernet key ({e}); "
                               "make one with `ordertaking field-key`") from None


def _keys() -> MultiFernet:
    configured = tuple(getattr(settings, "ORDERTAKING_FIELD_KEYS", ()) or ())
    secret_keys = (str(settings.SECRET_KEY), *(str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", ())))
    return _fernet(configured, secret_keys)


def key_new() -> str:
    """A fresh random Fernet key, for ORDERTAKING_FIELD_KEYS."""
    return Fernet.generate_key().decode()


def keys_problem() -> str | None:
    """Why the configured keys cannot seal or open anything, or None (the system check)."""
    try:
        _keys()
    except SecretUnreadable as e:
        return str(e)
    return None


def seal(plain: str) -> str:
    """The token to store for `plain`, sealed under the first key."""
    return _keys().encrypt(plain.encode()).decode()


_UNOPENED = ("none of the configured keys (ORDERTAKING_FIELD_KEYS, then the ones derived from DJANGO_SECRET_KEY and "
             "SECRET_KEY_FALLBACKS) opens the stored secret: it was sealed under a key no longer configured, or the "
             "column was changed")


def unseal(token: str) -> str:
    """The secret a stored token holds; SecretUnreadable when no configured key opens it."""
    keys = _keys()
    try:
        return keys.decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(_UNOPENED) from None


def reseal(token: str) -> str:
    """The same secret sealed anew under the first key (key rotation); SecretUnreadable as `unseal`."""
    keys = _keys()
    try:
        return keys.rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(_UNOPENED) from None


# --- a column that keeps sealed secrets ---------------------------------------------------------------------

def sealed_check(field: str, *, name: str, optional: bool = False) -> models.CheckConstraint:
    """The database's guard of a sealed column: it holds a token, or nothing when `optional` (no secret set yet),
    so a plain secret written past the model (raw SQL, `update()`, a careless migration) is refused."""
    condition = models.Q(**{f"{field}__startswith": TOKEN_PREFIX})
    if optional:
        condition |= models.Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=name)


def column_sealing(app_label: str, model_name: str, field: str, *, what: str) -> RunPython:
    """The data migration that starts keeping `field` sealed: forwards seals each plain value under the first
    key; backwards opens each token and stores the plain value again, and stops, naming `what` and the row's id,
    at a token no configured key opens. An empty value (no secret set) stays empty both ways."""
    from django.db.migrations import RunPython

    def rows(apps: Any) -> Any:
        model = apps.get_model(app_label, model_name)
        return model, model.objects.select_for_update().exclude(**{field: ""}).order_by("pk")

    def forwards(apps: Any, schema_editor: Any) -> None:
        model, found = rows(apps)
        for row in found:
            model.objects.filter(pk=row.pk).update(**{field: seal(getattr(row, field))})

    def backwards(apps: Any, schema_editor: Any) -> None:
        model, found = rows(apps)
        for row in found:
            try:
                plain = unseal(getattr(row, field))
            except SecretUnreadable as e:
                raise RuntimeError(f"{what} {row.pk}: {e}") from None
            model.objects.filter(pk=row.pk).update(**{field: plain})

    return RunPython(forwards, backwards)


def column_reseal(model: type[models.Model], field: str, describe: Callable[[Any], str]) -> tuple[int, list[str]]:
    """Seal every value of `field` anew under the first key (key rotation), one row at a time, locked, each in
    its own transaction. Returns how many were resealed and, for each one no configured key opens (left as it
    is), `describe(row)` with the reason."""
    done, failed = 0, []
    for pk in model._default_manager.exclude(**{field: ""}).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            row = model._default_manager.select_for_update().filter(pk=pk).first()
            if row is None or not getattr(row, field):  # removed or emptied meanwhile
                continue
            try:
                token = reseal(getattr(row, field))
            except SecretUnreadable as e:
                failed.append(f"{describe(row)}: {e}")
                continue
            model._default_manager.filter(pk=pk).update(**{field: token})
            done += 1
    return done, failed
