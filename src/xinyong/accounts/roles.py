"""Staff roles and API scopes.

Roles are Django groups, so the admin can assign them and permission checks use
Django's machinery. Their permissions are kept in step with this table after every
`migrate` (the `post_migrate` signal), so a new model gets the right access at once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    OPERATOR = "operator", _("平台运营人员")
    CLERK = "clerk", _("单位经办人")
    REVIEWER = "reviewer", _("单位审核人")
    AUDITOR = "auditor", _("审计人员")


# The apps whose data a unit's clerks and reviewers look at.
UNIT_APPS = ("subjects", "records", "campaigns", "lists", "rights", "complaints", "publicity")

# Which model permissions each role's group holds, by app label and action.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OPERATOR: {
        app: ("add", "change", "delete", "view")
        for app in (
            "subjects",
            "records",
            "campaigns",
            "accounts",
            "policy",
            "lists",
            "rights",
            "complaints",
            "publicity",
            "supervision",
            "evaluation",
            "exchange",
        )
    }
    | {"core": ("add", "change", "view"), "auth": ("view",)},
    Role.CLERK: {app: ("view",) for app in UNIT_APPS},
    Role.REVIEWER: {app: ("view",) for app in UNIT_APPS},
    Role.AUDITOR: {
        app: ("view",)
        for app in (
            "core",
            "subjects",
            "records",
            "campaigns",
            "accounts",
            "policy",
            "lists",
            "rights",
            "complaints",
            "publicity",
            "supervision",
            "evaluation",
            "exchange",
        )
    },
}

# Permissions that no role receives through the table, because they are granted
# explicitly: seeing a full ID number needs its own permission and a stated purpose.
REVEAL_ID_PERMISSION = "subjects.reveal_id_number"


class Scope(TextChoices):
    RECORDS_READ = "records:read", _("读取信用记录")
    RECORDS_WRITE = "records:write", _("报送信用记录")
    LISTS_READ = "lists:read", _("读取名单")
    LISTS_WRITE = "lists:write", _("报送名单")
    CHECKS = "checks", _("联合奖惩核查")
    COMPLAINTS_WRITE = "complaints:write", _("录入投诉举报")
    RIGHTS_WRITE = "rights:write", _("提交和办理异议、信用修复")


def sync_role_groups(**_kwargs: Any) -> None:
    """Create one group per role and give it exactly the permissions in the table."""
    from django.contrib.auth.models import Group, Permission

    for role, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = [
            permission
            for permission in Permission.objects.filter(content_type__app_label__in=apps)
            if permission.codename.split("_", 1)[0] in apps[permission.content_type.app_label]
        ]
        group.permissions.set(wanted)
