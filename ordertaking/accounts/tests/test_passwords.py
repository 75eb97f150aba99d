"""The test suite hashes with MD5 for speed (root conftest); production must not."""

from __future__ import annotations

import importlib


def test_production_settings_hash_passwords_with_argon2_first():
    prod = importlib.import_module("ordertaking.settings")
    assert prod.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
