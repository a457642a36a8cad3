"""Shared plumbing: the hash-chained audit log and the working-day calendar."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only entry of the audit log.

    `seq` is assigned by the service under a lock on `AuditHead`, not by the database
    sequence: PostgreSQL sequences skip numbers on rollback, and the chain must have no
    gaps for a deleted event to be noticed. `hash` covers every other column and the
    previous event's hash.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=200)
    actor_unit = models.CharField(_("操作者单位"), max_length=64, blank=True)
    action = models.CharField(_("操作代码"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=200, blank=True)
    data = models.JSONField(_("数据"), default=dict)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The single row that holds the last sequence number and hash of the chain.

    Appending locks it (`select_for_update`), which serialises writers; verification
    compares it with the last event so that deleting the newest events is noticed too.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule is known to the calendar."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    source = models.CharField(_("来源"), max_length=200)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the weekday rule: a holiday, or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历例外日")
        verbose_name_plural = _("节假日与调休日")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
