from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectsConfig(AppConfig):
    name = "xinyong.subjects"
    label = "subjects"
    verbose_name = _("信用主体与单位")
