from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinyong.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from xinyong.core import checks  # noqa: F401  (registers the system checks)
