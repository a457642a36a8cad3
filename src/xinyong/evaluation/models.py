"""Evaluation runs (信用评价) and their results, one row per subject per run.

A run evaluates every subject of the scheme's kinds on one day with one engine (the
platform's database or Spark over a Parquet snapshot) and is numbered per scheme, so
history is kept run by run. A result keeps the indicator values in the scheme's order
(`values`): the contributions and the records behind them follow from the scheme and
the subject's records, so they are not stored a million times over.

A random inspection draw (双随机、一公开, `inspections.py`) samples a unit's supervised
subjects per grade of a run, with the pack's share per grade, and assigns inspectors;
its items link to the inspection results once they come back as records.
"""

from __future__ import annotations

import secrets

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
    # No single-column indexes on the foreign keys: (run, subject) and (subject, run)
    # below lead with them and serve the same look-ups, and each index costs a run a
    # million more inserts.
    run = models.ForeignKey(EvaluationRun, models.CASCADE, related_name="results", db_index=False)
    subject = models.ForeignKey(
        "subjects.Subject",
        models.CASCADE,
        related_name="evaluations",
        verbose_name=_("信用主体"),
        db_index=False,
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


def new_draw_reference() -> str:
    return "CC" + secrets.token_hex(6).upper()


class InspectionDraw(models.Model):
    """One random inspection draw (双随机抽查): which run's grades, which population, which
    seed, and per grade the share the pack set and how many were drawn. With the same
    seed, population (`population_digest`) and run, a draw gives the same items."""

    reference = models.CharField(
        _("抽查编号"), max_length=20, unique=True, default=new_draw_reference, editable=False
    )
    unit = models.ForeignKey(
        "subjects.Unit",
        models.PROTECT,
        related_name="inspection_draws",
        verbose_name=_("监管单位"),
    )
    run = models.ForeignKey(
        EvaluationRun, models.PROTECT, related_name="inspection_draws", verbose_name=_("评价批次")
    )
    seed = models.CharField(_("随机种子"), max_length=64)
    on = models.DateField(_("抽查日"))
    population = models.PositiveIntegerField(_("抽查范围主体数"))
    # Subjects of the population without a result in the run (e.g. registered since):
    # left out of the draw, counted here.
    unrated = models.PositiveIntegerField(_("未评价主体数"), default=0)
    # SHA-256 over the drawn-from subjects' ids, sorted, one a line.
    population_digest = models.CharField(_("抽查范围摘要"), max_length=64)
    # Grade → share, from the pack on the draw day.
    ratios = models.JSONField(_("抽查比例"), default=dict)
    # Grade → {rank (the scheme's order), name, population, drawn}.
    counts = models.JSONField(_("各等级主体数和抽取数"), default=dict)
    inspectors = models.JSONField(_("检查人员"), default=list)
    drawn_at = models.DateTimeField(_("抽取时间"))
    actor = models.CharField(_("操作者"), max_length=200)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("随机抽查")
        verbose_name_plural = _("随机抽查")

    def __str__(self) -> str:
        return self.reference


class InspectionItem(models.Model):
    """A subject drawn for inspection, its grade, its inspector, and the inspection
    result record once it comes back through the normal import."""

    draw = models.ForeignKey(InspectionDraw, models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("序号"))
    subject = models.ForeignKey(
        "subjects.Subject",
        models.PROTECT,
        related_name="inspection_items",
        verbose_name=_("信用主体"),
    )
    grade = models.CharField(_("等级"), max_length=20)
    inspector = models.CharField(_("检查人员"), max_length=100)
    result_record = models.ForeignKey(
        "records.CreditRecord",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspection_items",
        verbose_name=_("检查结果记录"),
    )

    class Meta:
        ordering = ["draw", "position"]
        verbose_name = _("抽查对象")
        verbose_name_plural = _("抽查对象")
        constraints = [
            models.UniqueConstraint(fields=["draw", "subject"], name="inspection_subject_once"),
            models.UniqueConstraint(fields=["draw", "position"], name="inspection_position"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id} {self.position} {self.subject_id}"
