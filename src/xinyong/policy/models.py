"""What the policy pack leaves in the database besides the domain tables it fills."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A legal or policy source that rules cite as their basis (依据)."""

    class Kind(models.TextChoices):
        LAW = "law", _("法律")
        REGULATION = "regulation", _("行政法规")
        NATIONAL_POLICY = "national_policy", _("国家政策文件")
        DEPARTMENT_RULE = "department_rule", _("部门规章")
        LOCAL_POLICY = "local_policy", _("地方政策文件")
        STANDARD = "standard", _("标准")

    key = models.SlugField(_("标识"), max_length=60, primary_key=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发布机关"), max_length=200, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("依据来源")
        verbose_name_plural = _("依据来源")

    def __str__(self) -> str:
        return f"{self.title}{f'（{self.document_number}）' if self.document_number else ''}"


class Basis(models.Model):
    """Abstract: the legal basis a policy object cites (a source and where in it)."""

    basis_source = models.ForeignKey(
        Source, models.PROTECT, related_name="+", verbose_name=_("依据")
    )
    basis_section = models.CharField(_("依据条款"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def basis_text(self) -> str:
        section = f" {self.basis_section}" if self.basis_section else ""
        return f"{self.basis_source}{section}"


class Rule(Basis):
    """A numeric or procedural rule of the pack (publicity period, timeliness, …).

    The body is the validated pydantic model of its kind, stored as JSON; services read
    it back through `xinyong.policy.rules`, never by indexing the JSON themselves.
    """

    key = models.SlugField(_("标识"), max_length=80, unique=True)
    kind = models.CharField(_("规则类型"), max_length=40, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    body = models.JSONField(_("内容"), default=dict)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["kind", "key"]
        verbose_name = _("规则")
        verbose_name_plural = _("规则")

    def __str__(self) -> str:
        return self.name


class PackLoad(models.Model):
    """One `xinyong policy load` that changed something."""

    pack_id = models.CharField(_("政策包"), max_length=60)
    version = models.CharField(_("版本"), max_length=40)
    digest = models.CharField(_("摘要"), max_length=64)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    loaded_by = models.CharField(_("操作者"), max_length=200)
    summary = models.JSONField(_("变更统计"), default=dict)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"
        verbose_name = _("政策包载入")
        verbose_name_plural = _("政策包载入记录")

    def __str__(self) -> str:
        return f"{self.pack_id} {self.version}"
