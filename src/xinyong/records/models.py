"""The catalogue of credit record types (信用信息目录); records come with ingestion."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.policy.models import Basis


class RecordType(Basis):
    """A kind of credit record the platform collects, with its standard fields."""

    class Category(models.TextChoices):
        # The groups a subject page shows, as 信用中国 groups them.
        LICENSING = "licensing", _("行政许可")
        PENALTY = "penalty", _("行政处罚")
        REWARD = "reward", _("守信激励")
        PUNISHMENT = "punishment", _("失信惩戒")
        WATCH = "watch", _("重点关注")
        QUALIFICATION = "qualification", _("资质资格")
        RISK = "risk", _("风险提示")
        OTHER = "other", _("其他")

    class Nature(models.TextChoices):
        POSITIVE = "positive", _("正面")
        NEGATIVE = "negative", _("负面")
        NEUTRAL = "neutral", _("中性")

    code = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("信息类别"), max_length=20, choices=Category.choices)
    nature = models.CharField(_("性质"), max_length=10, choices=Nature.choices)
    public_for_persons = models.BooleanField(_("自然人信息可公示"), default=False)
    description = models.TextField(_("说明"), blank=True)
    fields = models.JSONField(_("标准字段"), default=list, blank=True)
    # How departments write "nothing", statuses and "indefinite" (catalogue.yaml).
    data_format = models.JSONField(_("数据格式约定"), default=dict, blank=True)
    reported_by = models.JSONField(_("可报送的单位类型"), default=list, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("信用信息类型")
        verbose_name_plural = _("信用信息目录")

    def __str__(self) -> str:
        return self.name


class StoredFile(models.Model):
    """An uploaded file, kept as received (nothing lost), named by its SHA-256."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    name = models.CharField(_("文件名"), max_length=255)
    size = models.BigIntegerField(_("大小（字节）"))
    path = models.CharField(_("存储路径"), max_length=300)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.CharField(_("上传者"), max_length=200)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """One import: a file or an API call, with its outcome counts."""

    class Source(models.TextChoices):
        API = "api", _("接口")
        CLI = "cli", _("命令行")
        CONSOLE = "console", _("管理台上传")
        FORM = "form", _("管理台填报")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    unit = models.ForeignKey(
        "subjects.Unit", models.PROTECT, related_name="batches", verbose_name=_("报送单位")
    )
    record_type = models.ForeignKey(
        RecordType, models.PROTECT, related_name="batches", verbose_name=_("信息类型")
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    file = models.ForeignKey(
        StoredFile,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("文件"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    actor = models.CharField(_("操作者"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    accepted = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("拒收"), default=0)
    failure = models.TextField(_("失败原因"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"#{self.pk} {self.record_type_id} {self.status}"


class CreditRecord(models.Model):
    """One credit record about a subject, identified by its natural key.

    The natural key (source unit, type, decision document number, subject) makes a
    re-import idempotent. `payload` holds the standard fields as normalised values, with
    personal ID numbers masked; their ciphertext lives in `sealed`. Every change is a new
    `RecordVersion`.
    """

    class Status(models.TextChoices):
        NORMAL = "normal", _("正常")
        REVOKED = "revoked", _("撤销")
        DISPUTED = "disputed", _("异议")

    class Withheld(models.TextChoices):
        NO = "", _("公示")
        MINOR = "minor", _("涉及未成年人")
        LENIENT = "lenient", _("轻微违法行为不予公示")

    # No single-column indexes on the foreign keys or the status: each costs every import
    # a write per row, and the composite indexes below serve their look-ups (a subject's
    # records, a unit's natural keys, a type's records by date).
    subject = models.ForeignKey(
        "subjects.Subject",
        models.PROTECT,
        related_name="records",
        verbose_name=_("信用主体"),
        db_index=False,
    )
    record_type = models.ForeignKey(
        RecordType,
        models.PROTECT,
        related_name="records",
        verbose_name=_("信息类型"),
        db_index=False,
    )
    unit = models.ForeignKey(
        "subjects.Unit",
        models.PROTECT,
        related_name="records",
        verbose_name=_("报送单位"),
        db_index=False,
    )
    document_number = models.CharField(_("决定文书号"), max_length=200)
    decision_date = models.DateField(_("决定日期"))
    categories = models.JSONField(_("类别"), default=list)
    severity = models.CharField(_("严重程度"), max_length=10, default="general")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.NORMAL
    )
    # The score of a rating or assessment (the catalogue's `value` role), for evaluation
    # indicators that average it; empty for the other types.
    value = models.FloatField(_("评分"), null=True, blank=True)
    payload = models.JSONField(_("标准字段"), default=dict)
    sealed = models.JSONField(_("加密字段"), default=dict, blank=True)
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    version = models.PositiveIntegerField(_("版本"), default=1)
    version_hash = models.CharField(_("最新版本哈希"), max_length=64)
    received_at = models.DateTimeField(_("接收时间"))
    publication_deadline = models.DateField(_("公开期限"), null=True, blank=True)
    publicity_start = models.DateField(_("公示起始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    # The last day of the minimum publicity period: repair may end publicity only after it.
    publicity_minimum_end = models.DateField(_("最短公示期截止"), null=True, blank=True)
    # Not public at all, whatever the window says: why (empty: not withheld).
    withheld = models.CharField(
        _("不予公示原因"), max_length=10, choices=Withheld.choices, blank=True, default=""
    )
    batch = models.ForeignKey(
        Batch, models.PROTECT, related_name="records", verbose_name=_("最近批次")
    )

    class Meta:
        ordering = ["-decision_date", "id"]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "record_type", "document_number", "subject"],
                name="record_natural_key",
            ),
        ]
        indexes = [
            # A subject's records by type, newest first (the subject page).
            models.Index(fields=["subject", "record_type", "decision_date"]),
            models.Index(fields=["record_type", "decision_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.document_number}"


class RecordVersion(models.Model):
    """An append-only version of a record: who, when, why, what, chained by hash."""

    # The unique (record, number) index serves a record's versions.
    record = models.ForeignKey(
        CreditRecord, models.PROTECT, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("时间"))
    actor = models.CharField(_("操作者"), max_length=200)
    reason = models.CharField(_("原因"), max_length=200)
    batch = models.ForeignKey(Batch, models.PROTECT, null=True, blank=True, related_name="versions")
    status = models.CharField(_("状态"), max_length=10)
    payload = models.JSONField(_("内容"))
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        ordering = ["record", "number"]
        verbose_name = _("记录版本")
        verbose_name_plural = _("记录版本")
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="record_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"


class QuarantinedRow(models.Model):
    """A rejected row, kept with its errors until corrected and resubmitted or discarded.

    The original cells are encrypted (`cells_enc`): a row may hold ID numbers.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待更正")
        RESUBMITTED = "resubmitted", _("已重新提交")
        DISCARDED = "discarded", _("已放弃")

    batch = models.ForeignKey(Batch, models.CASCADE, related_name="quarantine")
    row_number = models.PositiveIntegerField(_("行号"))
    cells_enc = models.TextField(_("原始数据（密文）"))
    errors = models.JSONField(_("错误"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("待更正行")
        verbose_name_plural = _("待更正行")

    def __str__(self) -> str:
        return f"#{self.batch_id} row {self.row_number}"
