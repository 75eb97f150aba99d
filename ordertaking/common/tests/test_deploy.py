"""Production settings (docs/deploy.md): `manage.py check --deploy` is clean with the production
environment, and production refuses to start without a secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDERTAKING_", "DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "ordertaking.settings",
        "ORDERTAKING_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "ORDERTAKING_ALLOWED_HOSTS": "orders.example.cn",
        "ORDERTAKING_CSRF_TRUSTED_ORIGINS": "https://orders.example.cn",
        "ORDERTAKING_TRUSTED_PROXIES": "127.0.0.1",
        "ORDERTAKING_VAR_DIR": str(tmp_path),
    })
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_check_deploy_gives_no_warning_with_the_production_environment(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_on_postgresql_settings_too(tmp_path):
    # Only the settings are checked; nothing connects to this database.
    env = _production_env(tmp_path, DATABASE_URL="postgresql://ordertaking@db.internal:5432/ordertaking")
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_turns_on_https_cookies_hsts_and_the_proxy_header(tmp_path):
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_PROXY_SSL_HEADER, s.ALLOWED_HOSTS)")
    result = _manage(_production_env(tmp_path), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "False True True True True ('HTTP_X_FORWARDED_PROTO', 'https') ['orders.example.cn']")


def test_collectstatic_makes_hashed_compressed_files_for_production(tmp_path):
    """ORDERTAKING_MANIFEST_STATIC=1: hashed names (cached forever) and .gz copies, which the
    vendored Bootstrap's source-map comments must not break."""
    env = _production_env(tmp_path, ORDERTAKING_MANIFEST_STATIC="1")
    result = _manage(env, "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    static = tmp_path / "staticfiles"
    assert (static / "staticfiles.json").exists()
    assert list(static.glob("ot/app.*.css")), "no hashed app.css"
    assert list(static.glob("vendor/bootstrap/bootstrap.bundle.min.*.js.gz"))
    code = "from django.templatetags.static import static; print(static('ot/app.css'))"
    url = _manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1]
    assert url.startswith("/static/ot/app.") and url != "/static/ot/app.css"


def test_check_deploy_fails_when_the_development_secret_key_is_used_outside_debug(tmp_path):
    """Without ORDERTAKING_PRODUCTION the settings start with the development key; check --deploy must stop it."""
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    del env["ORDERTAKING_PRODUCTION"]
    result = _manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "ordertaking.E001" in result.stderr + result.stdout


def test_check_deploy_warns_when_production_names_no_trusted_proxy(tmp_path):
    """Behind nginx every client would be 127.0.0.1 to the login throttle (docs/deploy.md, section 7)."""
    env = _production_env(tmp_path)
    del env["ORDERTAKING_TRUSTED_PROXIES"]
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "ordertaking.W001" in result.stderr + result.stdout
