"""WSGI entry point: `gunicorn xinyong.wsgi` in production."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinyong.settings")
application = get_wsgi_application()
