"""Audit action codes of the supervision app (督查考核)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.rectification.ordered": _("下达整改事项"),
    "xinyong.rectification.reported": _("报告整改进展"),
    "xinyong.rectification.closed": _("整改事项销号"),
}
