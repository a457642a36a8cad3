"""Integrity publicity (诚信宣传, seed part 五): the articles of the portal's column.

Three kinds share one model: reports of the "诚信建设万里行" column, typical cases
(典型案例) of the campaign domains, and integrity stars (诚信之星). An article is written
as a draft by its publishing unit, published, and may be withdrawn with a reason; only
published articles are public. Changes go through `xinyong.publicity.articles`, which
checks them and writes the audit log.

The body is plain text: the pages split it into paragraphs and escape it, so no HTML a
writer types reaches a reader's browser.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


class Article(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("诚信建设万里行报道")
        CASE = "case", _("典型案例")
        STAR = "star", _("诚信之星")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("专项治理"),
    )
    # An organisation only: a person is never named by a link to their subject page.
    subject = models.ForeignKey(
        "subjects.Subject",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("信用主体"),
    )
    unit = models.ForeignKey(
        "subjects.Unit", models.PROTECT, related_name="+", verbose_name=_("发布单位")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.CharField(_("创建者"), max_length=200)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("宣传稿件")
        verbose_name_plural = _("宣传稿件")
        indexes = [models.Index(fields=["status", "kind", "-published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="case") | models.Q(campaign__isnull=False),
                name="article_case_has_campaign",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def paragraphs(self) -> list[str]:
        """The body's paragraphs: one per line, blank lines dropped."""
        return [part for part in PARAGRAPH_BREAK.split(self.body.strip()) if part]
