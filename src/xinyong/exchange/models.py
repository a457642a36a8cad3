"""The outbox (发件箱): messages the platform owes other systems, written in the same
transaction as the change they report, delivered later by a sender.

A repair decision, for example, must reach the unit that made the original decision
within the pack's time limit. Writing the message beside the decision means a crash
cannot lose it and a retry cannot send it twice (`key` is unique). Delivery (to the
national platform, to a unit's system, to a bank's webhook) comes with the exchange
work; until then operators see what is pending and overdue.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    # Idempotency: the same event enqueued twice is one message ("repair:XF…:decided").
    key = models.CharField(_("消息键"), max_length=120, unique=True)
    topic = models.CharField(_("主题"), max_length=60, db_index=True)
    unit = models.ForeignKey(
        "subjects.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outbox_messages",
        verbose_name=_("接收单位"),
    )
    payload = models.JSONField(_("内容"))
    created_at = models.DateTimeField(_("创建时间"))
    due_by = models.DateField(_("送达期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("发件箱")
        indexes = [models.Index(fields=["status", "due_by"])]

    def __str__(self) -> str:
        return self.key
