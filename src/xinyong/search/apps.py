from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "xinyong.search"
    label = "search"
    verbose_name = _("主体检索")

    def ready(self) -> None:
        from xinyong.search import signals  # noqa: F401  (keeps the index in step with saves)
