"""Audit action codes of the publicity app (诚信宣传)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "xinyong.article.created": _("新建宣传稿件"),
    "xinyong.article.edited": _("修改宣传稿件"),
    "xinyong.article.published": _("发布宣传稿件"),
    "xinyong.article.withdrawn": _("撤回宣传稿件"),
}
