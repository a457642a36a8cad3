"""Staff users (who belong to a unit and hold roles) and API tokens (of a unit, with scopes)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.subjects.models import Unit


class User(AbstractUser):
    """A staff user. Roles are Django groups named after `xinyong.accounts.roles.Role`."""

    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属单位"),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def has_role(self, role: str) -> bool:
        return self.is_active and self.groups.filter(name=role).exists()


class ApiToken(models.Model):
    """A bearer token for a unit's system. Only the SHA-256 digest of the secret is kept.

    The token is `xy_<prefix>_<secret>`; the prefix identifies it in logs and the admin
    without revealing it. The secret has 256 bits of entropy, so a plain hash suffices
    (no password-style stretching is needed).
    """

    name = models.CharField(_("名称"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="api_tokens", verbose_name=_("所属单位")
    )
    scopes = models.JSONField(_("权限范围"), default=list)
    prefix = models.CharField(_("前缀"), max_length=16, unique=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.CharField(_("创建者"), max_length=200)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"xy_{self.prefix}_… ({self.unit})"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
