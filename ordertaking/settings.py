"""Settings, all from environment variables with safe defaults.

Development defaults: SQLite under var/, DEBUG on only when ORDERTAKING_DEBUG=1
(the demo command sets it). Production: set DJANGO_SECRET_KEY, DATABASE_URL,
ORDERTAKING_ALLOWED_HOSTS and leave DEBUG off; `manage.py check --deploy` is clean.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ORDERTAKING_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("ORDERTAKING_DEBUG", False)
# Production mode (docs/deploy.md): HTTPS settings, a secret key required, no demo data.
ORDERTAKING_PRODUCTION = env_bool("ORDERTAKING_PRODUCTION")
_INSECURE_DEV_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghij"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _INSECURE_DEV_KEY)
if not DEBUG and SECRET_KEY == _INSECURE_DEV_KEY and ORDERTAKING_PRODUCTION:
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")

# Keys that encrypt the secrets kept in the database (a department webhook's signing secret, a carrier's webhook
# key; common/sealed.py):
# Fernet keys (`ordertaking field-key` makes one), comma-separated; the first encrypts, every one decrypts, so
# a new key goes first and an old one stays until `ordertaking reseal-secrets` has re-encrypted under the new.
# Unset: a key derived from SECRET_KEY (and one from each SECRET_KEY_FALLBACKS), which stays behind the ones set
# here for decrypting. Keep these keys out of the backups: a backup holds the encrypted values only.
ORDERTAKING_FIELD_KEYS = [k.strip() for k in os.environ.get("ORDERTAKING_FIELD_KEYS", "").split(",") if k.strip()]

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ORDERTAKING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ORDERTAKING_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "huey.contrib.djhuey",
    # The policy's chapters, one app each (CONVENTIONS.md).
    "ordertaking.common",
    "ordertaking.accounts",
    "ordertaking.ops",
    "ordertaking.notifications",
    "ordertaking.audit",
    "ordertaking.attachments",
    "ordertaking.confidentiality",
    "ordertaking.customers",
    "ordertaking.catalog",
    "ordertaking.inquiries",
    "ordertaking.orders",
    "ordertaking.review",
    "ordertaking.credit",
    "ordertaking.legal",
    "ordertaking.finance",
    "ordertaking.fulfilment",
    "ordertaking.production",
    "ordertaking.logistics",
    "ordertaking.tracking",
    "ordertaking.amendments",
    "ordertaking.portal",
    "ordertaking.deliveries",
    "ordertaking.feedback",
    "ordertaking.archive",
    "ordertaking.imports",
    "ordertaking.reports",
    "ordertaking.supervision",
    "ordertaking.whistleblowing",
    "ordertaking.assessment",
    # Project level, above every chapter (docs/conventions.md): the demo company, the home pages.
    "ordertaking.demo",
    "ordertaking.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Under /api/v1, Django's own error answers (unknown path, 405, 413, 500) in the API's JSON shape.
    "ordertaking.common.api.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out a session idle for ORDERTAKING_SESSION_IDLE_MINUTES; no-store and the CSP header.
    "ordertaking.common.middleware.SessionIdleTimeoutMiddleware",
    "ordertaking.common.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ordertaking.urls"
WSGI_APPLICATION = "ordertaking.wsgi.application"
ASGI_APPLICATION = "ordertaking.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ordertaking.home.context_processors.navigation",
            ],
            "builtins": ["ordertaking.common.templatetags.ot"],
        },
    }
]

# Databases: SQLite under var/ by default, DATABASE_URL for PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_sqlite = f"sqlite:///{VAR_DIR / 'ordertaking.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN: two writers queue instead of
        # failing with "database is locked" when both upgrade a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool(
        "ORDERTAKING_TEST_SQLITE_FILE"
    ) else {}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ORDERTAKING_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameter binding lets psycopg prepare a statement after it ran a few times on a
    # connection, so PostgreSQL plans each query shape once per connection instead of on every call.
    # The joins of an order page plan in 2-10 ms and run in under 1 ms (docs/performance.md).
    # Behind PgBouncer in transaction mode this needs PgBouncer >= 1.21 with max_prepared_statements
    # (docs/deploy.md), or ORDERTAKING_PG_PREPARE=0.
    if env_bool("ORDERTAKING_PG_PREPARE", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
# Reads that may lag (statistics, KPI scorecard, exports, search) go to a streaming replica when
# DATABASE_REPLICA_URL is set (ordertaking/common/db_router.py, docs/scaling.md); never a read inside a write.
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    _replica: dict[str, Any] = {**dj_database_url.parse(_replica_url), "TEST": {"MIRROR": "default"}}
    if _replica["ENGINE"] == DATABASES["default"]["ENGINE"]:  # the primary's pooling and prepared statements
        _replica.update({k: v for k, v in DATABASES["default"].items()
                         if k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS")})
    DATABASES["replica"] = _replica  # type: ignore[assignment]
    DATABASE_ROUTERS = ["ordertaking.common.db_router.ReplicaRouter"]
# PostgreSQL: the role the application runs as, when migrations run as the tables' owner
# (DATABASE_MIGRATE_URL). Every migrate grants it what it needs; on the audit log SELECT and INSERT only.
ORDERTAKING_DB_RUNTIME_ROLE = os.environ.get("ORDERTAKING_DB_RUNTIME_ROLE", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ordertaking.accounts.backends.RoleBackend",  # ModelBackend, permissions in one query
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins (ordertaking/accounts/throttle.py, docs/deploy.md): 5 failures for one username from
# one address lock that pair for 15 minutes; 20 failures from one address over all usernames lock
# the address. The cool-off runs from the failure that caused the lock: failures while locked are
# not recorded, so they cannot extend it.
# API tokens expire this many days after issue (docs/deploy.md).
ORDERTAKING_TOKEN_DAYS = int(os.environ.get("ORDERTAKING_TOKEN_DAYS", "90"))
# common/prepared.py: every prepared read also builds its queryset and checks the SQL is the same (the test
# suite turns this on, conftest.py; it costs what preparing saves).
ORDERTAKING_PREPARED_CHECK = env_bool("ORDERTAKING_PREPARED_CHECK")
# Where the product is reached from outside, for links that leave it (the customer's private link in
# e-mails and as the QR code on the printed delivery voucher, P2.5.b). No trailing slash.
ORDERTAKING_BASE_URL = os.environ.get("ORDERTAKING_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a customer's private link to their order is valid unless the sender chooses (P2.5.b; 1–365).
ORDERTAKING_PORTAL_LINK_DAYS = int(os.environ.get("ORDERTAKING_PORTAL_LINK_DAYS", "60"))

# Backups (P4.2.b, ordertaking/ops/backup.py): where they go, how many are kept (保存期限: the newest
# N daily, N weekly, N monthly), when a missing one is an alarm, and the scratch PostgreSQL database a
# scheduled run restores into to prove the backup restores (SQLite restores into a temporary file).
ORDERTAKING_BACKUP_DIR = Path(os.environ.get("ORDERTAKING_BACKUP_DIR", str(VAR_DIR / "backups")))
ORDERTAKING_BACKUP_KEEP_DAILY = int(os.environ.get("ORDERTAKING_BACKUP_KEEP_DAILY", "14"))
ORDERTAKING_BACKUP_KEEP_WEEKLY = int(os.environ.get("ORDERTAKING_BACKUP_KEEP_WEEKLY", "8"))
ORDERTAKING_BACKUP_KEEP_MONTHLY = int(os.environ.get("ORDERTAKING_BACKUP_KEEP_MONTHLY", "12"))
ORDERTAKING_BACKUP_MAX_AGE_HOURS = int(os.environ.get("ORDERTAKING_BACKUP_MAX_AGE_HOURS", "26"))
ORDERTAKING_RESTORE_CHECK_DB = os.environ.get("ORDERTAKING_RESTORE_CHECK_DB", "")
# P5.2.a: days an order may stay at risk without a contingency plan before the rep's leader is told.
ORDERTAKING_RISK_ESCALATION_DAYS = int(os.environ.get("ORDERTAKING_RISK_ESCALATION_DAYS", "2"))
# P4.1.a updated regularly: a customer's archive entry not confirmed for this many days is due for
# verification and appears on its sales rep's home page.
ORDERTAKING_VERIFY_AFTER_DAYS = int(os.environ.get("ORDERTAKING_VERIFY_AFTER_DAYS", "180"))
# P2.3 time node: hours the order processing center has to approve or return an order, from its submission
# (or from its release, when it waited on credit hold). The supervision checks and the KPIs read this one figure.
ORDERTAKING_REVIEW_HOURS = int(os.environ.get("ORDERTAKING_REVIEW_HOURS", "48"))
# P3.2: working days a complaint or dispute has from being received (or reopened) to being resolved.
ORDERTAKING_COMPLAINT_DAYS = int(os.environ.get("ORDERTAKING_COMPLAINT_DAYS", "5"))
# P6.1.b 举报邮箱和举报电话, shown on the public reporting page; the days a report may stay in each step
# before the daily job escalates it (received, assessed, investigating, concluded), and the public
# pages' rate limits (attempts per IP address and per receipt code, per window in minutes).
ORDERTAKING_WHISTLEBLOWING_EMAIL = os.environ.get("ORDERTAKING_WHISTLEBLOWING_EMAIL", "jubao@example.com")
ORDERTAKING_WHISTLEBLOWING_PHONE = os.environ.get("ORDERTAKING_WHISTLEBLOWING_PHONE", "400-800-1234")
ORDERTAKING_WHISTLEBLOWING_DAYS = {
    "received": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_RECEIVED_DAYS", "3")),
    "assessed": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_ASSESSED_DAYS", "5")),
    "investigating": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_INVESTIGATING_DAYS", "30")),
    "concluded": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_CONCLUDED_DAYS", "15")),
}
ORDERTAKING_WHISTLEBLOWING_LIMITS = {
    "submit_ip": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_SUBMIT_LIMIT", "5")),
    "login_ip": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_LOGIN_LIMIT", "10")),
    "login_code": int(os.environ.get("ORDERTAKING_WHISTLEBLOWING_CODE_LIMIT", "5")),
    "window_minutes": 15,
}
# P2.5.d 规定时间: working days to solve a general acceptance issue before it goes to the rep's leader.
ORDERTAKING_ACCEPTANCE_ISSUE_DAYS = int(os.environ.get("ORDERTAKING_ACCEPTANCE_ISSUE_DAYS", "3"))
AXES_FAILURE_LIMIT = int(os.environ.get("ORDERTAKING_LOGIN_FAILURE_LIMIT", "5"))
ORDERTAKING_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("ORDERTAKING_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HANDLER = "ordertaking.accounts.throttle.LoginThrottle"
# The client's address: X-Forwarded-For only when the request came from one of these proxies
# (addresses or networks, comma-separated; e.g. 127.0.0.1 for nginx on the same server).
ORDERTAKING_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("ORDERTAKING_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "ordertaking.common.net.client_ip"
# The same text as accounts/throttle.py, which puts it in the accounts catalogue (zh-hans and en).
AXES_COOLOFF_MESSAGE = gettext_lazy("Too many failed sign-ins: sign-in is locked for a while. Try again later.")
AXES_PERMALOCK_MESSAGE = gettext_lazy("Too many failed sign-ins: sign-in is locked. Ask an administrator.")
AXES_ENABLED = env_bool("ORDERTAKING_AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS: list[Path] = []  # each app carries its own locale/ (no shared catalogue to collide on)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Numbers are formatted by our own filters (¥1,234.50) so both languages agree.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
# The project's own static files (Bootstrap, icons, app.css): `ordertaking` itself is no app,
# so the app-directories finder would not see them.
STATICFILES_DIRS = [BASE_DIR / "ordertaking" / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def uploads_storage(env: Mapping[str, str]) -> dict[str, Any]:
    """Where uploaded files live (attachments, inspection photos, voucher scans): the file system under
    var/media by default; an S3-compatible bucket through django-storages once ORDERTAKING_S3_BUCKET is
    set (docs/deploy.md). Only the backend's dotted path is named here: django-storages is imported by
    Django when the first file is stored, so a deployment without the bucket never needs it."""
    bucket = env.get("ORDERTAKING_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": env.get("ORDERTAKING_S3_PREFIX", "").strip().strip("/"),
        "default_acl": None,  # the bucket's own policy: private; files are only served through the product
        "querystring_auth": True,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    for key, name in (("endpoint_url", "ORDERTAKING_S3_ENDPOINT_URL"), ("region_name", "ORDERTAKING_S3_REGION"),
                      ("access_key", "ORDERTAKING_S3_ACCESS_KEY_ID"),
                      ("secret_key", "ORDERTAKING_S3_SECRET_ACCESS_KEY"),
                      ("addressing_style", "ORDERTAKING_S3_ADDRESSING_STYLE")):
        value = env.get(name, "").strip()
        if value:  # else boto3's own chain (instance role, ~/.aws, AWS_* variables)
            options[key] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": uploads_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "ordertaking.common.storage.StaticStorage"  # hashed names + compressed; needs collectstatic
            if not DEBUG and env_bool("ORDERTAKING_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Attachments (P2.5.b): the largest file taken, and how many live files one record may carry.
ORDERTAKING_ATTACHMENT_MAX_MB = int(os.environ.get("ORDERTAKING_ATTACHMENT_MAX_MB", "20"))
ORDERTAKING_ATTACHMENTS_PER_RECORD = int(os.environ.get("ORDERTAKING_ATTACHMENTS_PER_RECORD", "50"))

# Security: strict by default outside DEBUG; HTTPS settings switch on with ORDERTAKING_HTTPS=1.
_https = env_bool("ORDERTAKING_HTTPS", not DEBUG and ORDERTAKING_PRODUCTION)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
SESSION_COOKIE_HTTPONLY = True
# A session idle this long is signed out (ordertaking/common/middleware.py); 0 turns it off.
ORDERTAKING_SESSION_IDLE_MINUTES = int(os.environ.get("ORDERTAKING_SESSION_IDLE_MINUTES", "30"))
# The API's Swagger page and schema need a signed-in user in production.
ORDERTAKING_API_DOCS_PUBLIC = env_bool("ORDERTAKING_API_DOCS_PUBLIC", not ORDERTAKING_PRODUCTION)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get("ORDERTAKING_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("ORDERTAKING_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("ORDERTAKING_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("ORDERTAKING_FROM_EMAIL", "ordertaking@localhost")
# Seconds an SMTP connection may block. Mail is sent by the job worker (common/mail.py), which
# retries; a hung server never holds a web worker.
EMAIL_TIMEOUT = int(os.environ.get("ORDERTAKING_EMAIL_TIMEOUT", "10"))


def cache_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Django's cache: per process (locmem) by default, which is right while nothing stores shared state
    in it; one Redis for every server once ORDERTAKING_CACHE_URL is set (docs/scaling.md), so two
    application servers never answer from different caches."""
    url = env.get("ORDERTAKING_CACHE_URL", "").strip()
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                        "KEY_PREFIX": "ordertaking"}}


CACHES = cache_settings(os.environ)

# Jobs: huey on SQLite under var/ by default, Redis when HUEY_REDIS_URL is set.
_redis_url = os.environ.get("HUEY_REDIS_URL")
HUEY = {
    "name": "ordertaking",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "huey_class": "huey.RedisHuey" if _redis_url else "huey.SqliteHuey",
    "connection": {"url": _redis_url} if _redis_url else {"filename": str(VAR_DIR / "huey.sqlite3")},
    "consumer": {"workers": 2, "worker_type": "thread"},
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ORDERTAKING_LOG_LEVEL", "WARNING")},
}

# Business settings (P2.3.b): the company's "today" is Asia/Shanghai.
ORDERTAKING_COMPANY_NAME = os.environ.get("ORDERTAKING_COMPANY_NAME", "华东精工机电有限公司")

# Documents (PDF: sales contract, customer statement; common/pdf.py). The company's particulars printed
# on them, the template of the contract's terms, and the Chinese font embedded in every PDF.
ORDERTAKING_COMPANY_ADDRESS = os.environ.get("ORDERTAKING_COMPANY_ADDRESS", "江苏省苏州市工业园区星湖街 328 号")
ORDERTAKING_COMPANY_PHONE = os.environ.get("ORDERTAKING_COMPANY_PHONE", "0512-6288 0000")
ORDERTAKING_COMPANY_CREDIT_CODE = os.environ.get("ORDERTAKING_COMPANY_CREDIT_CODE", "91320594MA1T8K3Q72")
ORDERTAKING_COMPANY_BANK = os.environ.get("ORDERTAKING_COMPANY_BANK", "中国工商银行苏州工业园区支行")
ORDERTAKING_COMPANY_BANK_ACCOUNT = os.environ.get("ORDERTAKING_COMPANY_BANK_ACCOUNT", "1102 0203 0900 0088 168")
ORDERTAKING_CONTRACT_TERMS_TEMPLATE = os.environ.get("ORDERTAKING_CONTRACT_TERMS_TEMPLATE",
                                                     "orders/documents/contract_terms.txt")
ORDERTAKING_PDF_FONT = os.environ.get("ORDERTAKING_PDF_FONT", "")
ORDERTAKING_PDF_FONT_INDEX = int(os.environ.get("ORDERTAKING_PDF_FONT_INDEX", "0"))
# P2.4: an approved order's cancellation is agreed by the order center up to this order total (yuan),
# by leadership above it.
ORDERTAKING_CANCEL_LEADERSHIP_ABOVE = os.environ.get("ORDERTAKING_CANCEL_LEADERSHIP_ABOVE", "500000")
