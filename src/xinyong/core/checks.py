"""System checks for the settings that cannot be validated when they are read.

Stable ids: xinyong.E001 secret key, xinyong.E002 data key, xinyong.W001 debug exposure.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from xinyong.core.pii import decode_key

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@register()
def check_secret_key(**_kwargs: Any) -> list[Error]:
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    if len(key) < 32:
        return [
            Error(
                f"The secret key from {settings.XINYONG_SECRET_KEY_SOURCE} is missing or shorter "
                "than 32 characters.",
                hint="Set XINYONG_SECRET_KEY or XINYONG_SECRET_KEY_FILE, "
                "or run `xinyong keys init`.",
                id="xinyong.E001",
            )
        ]
    return []


@register()
def check_data_key(**_kwargs: Any) -> list[Error]:
    try:
        decode_key(settings.XINYONG_DATA_KEY)
    except ImproperlyConfigured as exc:
        return [
            Error(
                f"{exc} (read from {settings.XINYONG_DATA_KEY_SOURCE}).",
                hint="Set XINYONG_DATA_KEY (base64 of 32 random bytes) or XINYONG_DATA_KEY_FILE, "
                "or run `xinyong keys init`.",
                id="xinyong.E002",
            )
        ]
    return []


@register()
def check_debug_exposure(**_kwargs: Any) -> list[Warning]:
    if settings.DEBUG and set(settings.ALLOWED_HOSTS) - _LOCAL_HOSTS:
        return [
            Warning(
                "XINYONG_DEBUG is on while the site accepts non-local hosts.",
                hint="Debug pages show settings and data; switch it off outside development.",
                id="xinyong.W001",
            )
        ]
    return []
