from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "xinyong.publicity"
    label = "publicity"
    verbose_name = _("诚信宣传")
