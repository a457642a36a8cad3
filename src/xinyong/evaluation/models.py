"""Evaluation runs (信用评价) and their results, one row per subject per run.

A run evaluates every subject of the scheme's kinds on one day with one engine (the
platform's database or Spark over a Parquet snapshot) and is numbered per scheme, so
history is kept run by run. A result keeps the indicator values in the scheme's order
(`values`): the contributions and the records behind them follow from the scheme and
the subject's records, so they are not stored a million times over.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationRun(models.Model):
    class Engine(models.TextChoices):
        DB = "db", _("平台数据库")
        SPARK = "spark", _("Spark")

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    scheme = models.CharField(_("评价方案"), max_length=80)
    number = models.PositiveIntegerField(_("版次"))
    rule = models.ForeignKey(
        "policy.Rule", models.PROTECT, related_name="+", verbose_name=_("方案规则")
    )
    engine = models.CharField(_("引擎"), max_length=8, choices=Engine.choices)
    on = models.DateField(_("评价日"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    subjects = models.PositiveIntegerField(_("主体数"), default=0)
    grades = models.JSONField(_("等级分布"), default=dict, blank=True)
    changed = models.PositiveIntegerField(_("等级变化数"), default=0)
    # SHA-256 over (subject, score, grade) in subject order: equal runs, equal digests.
    digest = models.CharField(_("结果摘要"), max_length=64, blank=True)
    actor = models.CharField(_("操作者"), max_length=200)
    failure = models.TextField(_("失败原因"), blank=True)

    class Meta:
        ordering = ["scheme", "-number"]
        verbose_name = _("评价批次")
        verbose_name_plural = _("评价批次")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="evaluation_run_number")
        ]

    def __str__(self) -> str:
        return f"{self.scheme} #{self.number}"


class EvaluationResult(models.Model):
    run = models.ForeignKey(EvaluationRun, models.CASCADE, related_name="results")
    subject = models.ForeignKey(
        "subjects.Subject", models.CASCADE, related_name="evaluations", verbose_name=_("信用主体")
    )
    score = models.FloatField(_("得分"))
    grade = models.CharField(_("等级"), max_length=20)
    values = models.JSONField(_("指标值"), default=list)

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        indexes = [
            models.Index(fields=["run", "grade"]),
            models.Index(fields=["subject", "run"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "subject"], name="one_result_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.subject_id} {self.grade}"
