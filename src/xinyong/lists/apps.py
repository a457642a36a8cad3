from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "xinyong.lists"
    label = "lists"
    verbose_name = _("名单与联合奖惩")
