"""Strict readers for settings that come from environment variables.

Each helper refuses a value it cannot read without guessing and raises
`ImproperlyConfigured` naming the variable, so a typo fails at start-up instead of
running with a silent default. Secrets may come from `NAME` or from a file named by
`NAME_FILE` (never both), as container platforms mount them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_DATABASE_ENGINES = {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected true or false")


def env_int(
    name: str, default: int, environ: Mapping[str, str] | None = None, minimum: int = 0
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r}: must be at least {minimum}")
    return number


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"{name}={value!r}: empty item in a comma-separated list")
    return items


def env_secret(name: str, environ: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """Read a secret from NAME or from the file named by NAME_FILE.

    Returns the value (None when neither is set) and where it came from, so system
    checks can say which variable to fix.
    """
    direct = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if direct is not None and file_name is not None:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if direct is not None:
        return direct, name
    if file_name is None:
        return None, name
    path = Path(file_name)
    try:
        return path.read_text(encoding="utf-8").strip(), f"{name}_FILE ({path})"
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc.strerror}") from None


def env_database(name: str, default_path: Path, environ: Mapping[str, str] | None = None) -> Any:
    """Parse a database URL; only SQLite and PostgreSQL are supported."""
    value = _raw(name, environ)
    if value is None:
        value = f"sqlite:///{default_path}"
    try:
        config = dj_database_url.parse(value)
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"{name}: cannot parse the database URL: {exc}") from None
    if config.get("ENGINE") not in _DATABASE_ENGINES:
        raise ImproperlyConfigured(f"{name}: only sqlite:/// and postgres:// URLs are supported")
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}: the URL names no database")
    return config
