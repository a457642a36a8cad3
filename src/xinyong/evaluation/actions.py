"""Audit action codes of the evaluation app (信用评价)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.evaluation.run": _("运行信用评价"),
}
