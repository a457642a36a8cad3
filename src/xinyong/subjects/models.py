"""Regions (GB/T 2260), units (单位) and credit subjects (信用主体)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division: the province, a prefecture or a county (GB/T 2260)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        PREFECTURE = "prefecture", _("州（市）")
        COUNTY = "county", _("县（市、区）")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级区划"),
    )
    former_codes = models.JSONField(_("曾用代码"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Unit(models.Model):
    """A department or other body that reports, checks or acts (单位)."""

    class CodeKind(models.TextChoices):
        USCC = "uscc", _("统一社会信用代码")
        PACK = "pack", _("政策包自编代码")

    class Kind(models.TextChoices):
        PARTY = "party", _("党委部门")
        GOVERNMENT = "government", _("政府部门")
        VERTICAL = "vertical", _("中央驻滇机构")
        JUDICIAL = "judicial", _("司法机关")
        COMMITTEE = "committee", _("议事协调机构")
        LOCAL_GOVERNMENT = "local_government", _("州市人民政府")
        LOCAL_OFFICE = "local_office", _("州市部门")
        OTHER = "other", _("其他")

    code = models.CharField(_("单位代码"), max_length=64, unique=True)
    code_kind = models.CharField(_("代码类型"), max_length=8, choices=CodeKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, db_index=True)
    aliases = models.JSONField(_("别称"), default=list, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="units", verbose_name=_("所在区划")
    )
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.short_name or self.name


def new_public_id() -> str:
    """An opaque, unguessable id for URLs: persons are never addressed by ID number."""
    return secrets.token_urlsafe(12)


class Subject(models.Model):
    """A credit subject: an organisation, an individual business or a natural person.

    A person's resident ID number is never stored in clear: `id_number_enc` holds the
    AES-GCM ciphertext, `id_number_index` the HMAC blind index used for lookups, and
    `id_number_masked` what may be shown (`5301**********123X`).
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("法人及非法人组织")
        INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")
        PERSON = "person", _("自然人")

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        CLOSED = "closed", _("注销")
        REVOKED = "revoked", _("吊销")

    public_id = models.CharField(
        _("公开标识"), max_length=20, unique=True, default=new_public_id, editable=False
    )
    kind = models.CharField(_("主体类别"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True
    )
    id_number_enc = models.TextField(_("身份证件号码（密文）"), blank=True, editable=False)
    id_number_index = models.CharField(
        _("身份证件号码（盲索引）"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )
    id_number_masked = models.CharField(
        _("身份证件号码"), max_length=18, blank=True, editable=False
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="subjects",
        verbose_name=_("所在区划"),
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("信用主体")
        verbose_name_plural = _("信用主体")
        permissions = [("reveal_id_number", _("查看完整身份证件号码（须说明用途并留痕）"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="person", uscc__isnull=True) | ~models.Q(kind="person"),
                name="subject_person_has_no_uscc",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="person") | models.Q(id_number_index__isnull=False),
                name="subject_person_has_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_code(self) -> str:
        """The code that may be shown to anyone: the USCC, or the masked ID number."""
        return self.uscc or self.id_number_masked
