"""Secrets kept encrypted in the database (common/sealed.py): Fernet under ORDERTAKING_FIELD_KEYS, the first
key sealing and every key opening (MultiFernet), with the keys derived from SECRET_KEY behind them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.checks import run_checks

from ordertaking.common.sealed import (
    TOKEN_PREFIX,
    SecretUnreadable,
    key_derived,
    key_new,
    keys_problem,
    reseal,
    seal,
    unseal,
)

PLAIN = "wecom-robot-秘密-0001"


def test_a_sealed_secret_is_a_fernet_token_that_opens_to_the_secret_and_never_holds_it(settings):
    settings.ORDERTAKING_FIELD_KEYS = []
    token = seal(PLAIN)
    assert token.startswith(TOKEN_PREFIX) and PLAIN not in token and "wecom" not in token
    assert seal(PLAIN) != token  # a fresh IV each time: equal secrets do not show as equal tokens
    assert unseal(token) == PLAIN


def test_without_configured_keys_the_key_is_derived_from_the_secret_key(settings):
    settings.ORDERTAKING_FIELD_KEYS = []
    settings.SECRET_KEY = "one-secret-key-" + "x" * 40
    token = seal(PLAIN)
    assert Fernet(key_derived(settings.SECRET_KEY)).decrypt(token.encode()).decode() == PLAIN
    assert key_derived("another-secret-key") != key_derived(settings.SECRET_KEY)
    settings.SECRET_KEY = "a-new-secret-key-" + "y" * 40
    with pytest.raises(SecretUnreadable, match="none of the configured keys"):
        unseal(token)
    settings.SECRET_KEY_FALLBACKS = ["one-secret-key-" + "x" * 40]  # Django's own rotation of SECRET_KEY
    assert unseal(token) == PLAIN


def test_the_first_configured_key_seals_and_every_key_opens_so_keys_rotate(settings):
    old, new = key_new(), key_new()
    settings.ORDERTAKING_FIELD_KEYS = [old]
    token = seal(PLAIN)
    assert Fernet(old.encode()).decrypt(token.encode()).decode() == PLAIN
    settings.ORDERTAKING_FIELD_KEYS = [new, old]  # the new key goes first, the old one still opens
    assert unseal(token) == PLAIN
    resealed = reseal(token)
    assert Fernet(new.encode()).decrypt(resealed.encode()).decode() == PLAIN
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(resealed.encode())
    settings.ORDERTAKING_FIELD_KEYS = [new]  # the old key dropped: what was resealed still opens, the rest not
    assert unseal(resealed) == PLAIN
    with pytest.raises(SecretUnreadable):
        unseal(token)
    with pytest.raises(SecretUnreadable):
        reseal(token)


def test_what_the_derived_key_sealed_still_opens_once_keys_are_configured(settings):
    settings.ORDERTAKING_FIELD_KEYS = []
    token = seal(PLAIN)
    settings.ORDERTAKING_FIELD_KEYS = [key_new()]
    assert unseal(token) == PLAIN
    assert Fernet(settings.ORDERTAKING_FIELD_KEYS[0].encode()).decrypt(reseal(token).encode()).decode() == PLAIN


def test_a_changed_token_does_not_open(settings):
    token = seal(PLAIN)
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(SecretUnreadable):
        unseal(tampered)
    with pytest.raises(SecretUnreadable):
        unseal("")


def test_keys_that_are_not_fernet_keys_are_named_by_the_system_check(settings):
    settings.ORDERTAKING_FIELD_KEYS = ["not-a-key"]
    assert "not a Fernet key" in (keys_problem() or "")
    with pytest.raises(SecretUnreadable, match="not a Fernet key"):
        seal(PLAIN)
    assert [e.id for e in run_checks() if e.id == "ordertaking.E003"] == ["ordertaking.E003"]
    settings.ORDERTAKING_FIELD_KEYS = [key_new()]
    assert keys_problem() is None
    assert not [e for e in run_checks() if e.id == "ordertaking.E003"]


def test_the_console_prints_a_new_key_each_time(capsys):
    from ordertaking import cli

    assert cli.main(["field-key"]) == 0
    assert cli.main(["field-key"]) == 0
    first, second = capsys.readouterr().out.split()
    assert first != second
    token = Fernet(first.encode()).encrypt(b"x")  # a usable Fernet key
    assert Fernet(first.encode()).decrypt(token) == b"x"


def _sealed_fields(condition: object) -> set[str]:
    """The fields a check constraint's condition requires to hold a token (sealed_check), at any depth."""
    found: set[str] = set()
    for child in getattr(condition, "children", []):
        if isinstance(child, tuple) and child[0].endswith("__startswith") and child[1] == TOKEN_PREFIX:
            found.add(child[0].removesuffix("__startswith"))
        else:
            found |= _sealed_fields(child)
    return found


def test_reseal_secrets_covers_every_column_the_database_keeps_sealed():
    from django.apps import apps
    from django.db.models import CheckConstraint

    from ordertaking import cli

    constrained = {(model, field) for model in apps.get_models() for c in model._meta.constraints
                   if isinstance(c, CheckConstraint) for field in _sealed_fields(c.condition)}
    listed = {(model, field) for model, field, _describe in cli.sealed_columns()}
    assert listed == constrained
    from ordertaking.logistics.models import Carrier
    from ordertaking.notifications.models import DepartmentWebhook

    assert constrained == {(DepartmentWebhook, "secret"), (Carrier, "webhook_secret")}
