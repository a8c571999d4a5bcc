"""GovMall settings: SQLite by default, any database by DATABASE_URL, secure unless DEBUG."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("GOVMALL_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("GOVMALL_VAR", BASE_DIR / "var")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-for-local-demo-never-use-in-production-0123456789"  # noqa: S105

_hosts = os.environ.get("ALLOWED_HOSTS", "")
ALLOWED_HOSTS = [h.strip() for h in _hosts.split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set in the environment when DEBUG is off."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "govmall.core",
    "govmall.audit",
    "govmall.accounts",
    "govmall.suppliers",
    "govmall.catalog",
    "govmall.pricing",
    "govmall.trading",
    "govmall.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govmall.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "govmall.core.middleware.RequestIdMiddleware",
]

ROOT_URLCONF = "govmall.urls"
WSGI_APPLICATION = "govmall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "govmall.core.context_processors.navigation",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "govmall.sqlite3"
_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
        "PRAGMA foreign_keys=ON;"
    ),
}

# Persistent connections, kept GOVMALL_DB_CONN_MAX_AGE seconds (0: a new one per request):
# without them every request on PostgreSQL forks a server backend (docs/benchmarks.md, "Direct
# orders over HTTP"). The health check replaces a connection the server has closed.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("GOVMALL_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run through govmall.core.planned are prepared on the connection and keep one
    # generic plan instead of being planned again at every execution. The ORM's statements
    # (client-side binding) are never prepared: the threshold is out of their reach.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan"
    _options.setdefault("prepare_threshold", 2**31 - 1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] == str(SQLITE_PATH):
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs its folder
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["govmall.accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:public_home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "govmall.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Security: strict unless DEBUG. GOVMALL_HTTPS=0 only for a plain-HTTP intranet behind a proxy.
_https = _env_flag("GOVMALL_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = _https
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = 31_536_000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVMALL_LOG_LEVEL", "WARNING")},
}

# Domain settings
GOVMALL_REGION_PREFIX = "15"  # 内蒙古自治区: "in-region"
GOVMALL_REGIONAL_CENTRE_DIVISION = "150000"
GOVMALL_LOGIN_MAX_FAILURES = 5
GOVMALL_LOGIN_WINDOW_SECONDS = 15 * 60
GOVMALL_LOGIN_LOCK_SECONDS = 15 * 60
GOVMALL_PRIVATE_MEDIA = Path(os.environ.get("GOVMALL_PRIVATE_MEDIA", VAR_DIR / "private"))
GOVMALL_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
GOVMALL_VERIFICATION_WORKING_DAYS = 2
GOVMALL_TICK_INTERVAL_SECONDS = int(os.environ.get("GOVMALL_TICK_INTERVAL_SECONDS", "60"))
