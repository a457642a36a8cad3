"""Django settings, read from XINYONG_* environment variables (docs/operations.md)."""

from __future__ import annotations

import warnings
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from xinyong.conf.env import env_bool, env_database, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("XINYONG_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("XINYONG_DEBUG", False)
ALLOWED_HOSTS = env_list("XINYONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("XINYONG_CSRF_TRUSTED_ORIGINS", [])


def _secret_with_default_file(name: str, file_name: str) -> tuple[str | None, str]:
    """A secret from NAME / NAME_FILE, else from var/<file_name> (made by `xinyong keys init`)."""
    value, source = env_secret(name)
    default_file = VAR_DIR / file_name
    if value is None and default_file.is_file():
        return default_file.read_text(encoding="utf-8").strip(), str(default_file)
    return value, source


_secret_key, XINYONG_SECRET_KEY_SOURCE = _secret_with_default_file(
    "XINYONG_SECRET_KEY", "secret.key"
)
# An empty key is reported by the system check xinyong.E001 rather than here, so that
# `xinyong keys init` can still run to create it.
SECRET_KEY = _secret_key or ""
XINYONG_DATA_KEY, XINYONG_DATA_KEY_SOURCE = _secret_with_default_file(
    "XINYONG_DATA_KEY", "data.key"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files instead of a CDN
    "xinyong.core",
    "xinyong.subjects",
    "xinyong.records",
    "xinyong.search",
    "xinyong.campaigns",
    "xinyong.lists",
    "xinyong.rights",
    "xinyong.publicity",
    "xinyong.complaints",
    "xinyong.supervision",
    "xinyong.evaluation",
    "xinyong.exchange",
    "xinyong.accounts",
    "xinyong.policy",
    "xinyong.portal",
    "xinyong.console",
    "xinyong.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xinyong.urls"
WSGI_APPLICATION = "xinyong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env_database("XINYONG_DATABASE_URL", VAR_DIR / "xinyong.sqlite3")}
# Keep a worker's connection between requests: connecting cost more than a whole joint
# check (measured: single checks 415 → 582 req/s on SQLite, 122 → ~300 on PostgreSQL).
# Health checks reopen a connection the server dropped. 0 closes after every request.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("XINYONG_DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while an import writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on the timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("XINYONG_SQLITE_TIMEOUT", 30, minimum=1),
    }
# The records API takes up to 10,000 rows per call (about 7 MB of JSON); raise a reverse
# proxy's body limit to match.
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
# An XLSX sheet is parsed whole before its first row is read (CSV streams): about 1.3 MB
# of memory per MB of sheet XML (measured: 194 MB of XML, 100,000 penalty rows, took
# 256 MB), so the default keeps an import well under 500 MB. Larger files come as CSV.
XINYONG_XLSX_MAX_XML_MB = env_int("XINYONG_XLSX_MAX_XML_MB", 200, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("XINYONG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served from the apps' folders through the finders, so the demo and
# the tests need no `collectstatic`; production runs `xinyong collectstatic` once.
WHITENOISE_USE_FINDERS = True
# ... and WhiteNoise's note that STATIC_ROOT was never collected is noise there.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
MEDIA_ROOT = VAR_DIR / "media"

# One process's memory: enough for the rate limits of a single server process. With
# several worker processes each counts on its own; point CACHES at a shared cache
# (Redis, Memcached) in a settings module that imports this one.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Portal rate limits against scraping (docs/operations.md): requests per client and page
# kind within a window of seconds; 0 turns them off. Behind reverse proxies, the number
# of proxies whose X-Forwarded-For entries can be trusted (0: use the peer address).
XINYONG_PORTAL_RATE_LIMIT = env_int("XINYONG_PORTAL_RATE_LIMIT", 120)
XINYONG_PORTAL_RATE_WINDOW = env_int("XINYONG_PORTAL_RATE_WINDOW", 60, minimum=1)
XINYONG_TRUSTED_PROXIES = env_int("XINYONG_TRUSTED_PROXIES", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"xinyong": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# The Spark engine of the evaluation (xinyong[spark]): local mode by default; a cluster's
# master URL at national scale.
XINYONG_SPARK_MASTER = env_str("XINYONG_SPARK_MASTER", "local[2]")
XINYONG_SPARK_DRIVER_MEMORY = env_str("XINYONG_SPARK_DRIVER_MEMORY", "2g")
