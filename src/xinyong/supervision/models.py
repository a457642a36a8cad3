"""Rectification items (整改事项) the steering office orders after an inspection (六、4:
约谈, 责令限期整改, 通报批评), tracked until closed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rectification(models.Model):
    class Kind(models.TextChoices):
        SUMMONS = "summons", _("约谈")
        DEADLINE = "deadline", _("限期整改")
        CRITICISM = "criticism", _("通报批评")

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        CLOSED = "closed", _("已销号")

    unit = models.ForeignKey(
        "subjects.Unit", models.PROTECT, related_name="rectifications", verbose_name=_("整改单位")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("专项治理"),
    )
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("问题和要求"))
    ordered_on = models.DateField(_("下达日期"))
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    progress = models.TextField(_("整改情况"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    ordered_by = models.CharField(_("下达人"), max_length=200)

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.ordered_on}"

    def is_overdue(self, today: object) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today  # type: ignore[operator]

    @property
    def closed_late(self) -> bool:
        return self.closed_on is not None and self.closed_on > self.due_on
