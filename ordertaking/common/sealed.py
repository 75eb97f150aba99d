"""Secrets the product must hand on later, kept encrypted in the database (a department webhook's signing
secret): Fernet from the `cryptography` library (AES-128-CBC and HMAC-SHA256, with the time it was sealed),
so a backup, a dump or a look at the table shows a token, never the secret.

Keys (docs/deploy.md): ``ORDERTAKING_FIELD_KEYS``, Fernet keys, comma-separated; the first seals, every one
opens (MultiFernet), so a new key goes first and the old ones stay until ``ordertaking reseal-secrets`` has
sealed every value anew under it. Behind them always come keys derived from ``SECRET_KEY`` and each of
``SECRET_KEY_FALLBACKS`` (HKDF-SHA256): with no ORDERTAKING_FIELD_KEYS they are the keys, and once it is set
what they sealed still opens until it is resealed.

Opening happens only where the secret is used (the webhook post, in the job queue): a page never opens one,
so a wrong key fails that job with its reason in the log and never a page.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

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
