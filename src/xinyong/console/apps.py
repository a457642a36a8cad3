from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "xinyong.console"
    label = "console"
    verbose_name = _("管理台")
