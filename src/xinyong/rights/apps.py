from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "xinyong.rights"
    label = "rights"
    verbose_name = _("异议与信用修复")

    def ready(self) -> None:
        from xinyong.records import holds
        from xinyong.rights import holds as rights_holds

        holds.register(rights_holds.open_objections)
        holds.register(rights_holds.approved_repairs)
