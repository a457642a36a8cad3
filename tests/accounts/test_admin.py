from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from xinyong.accounts.models import User
from xinyong.accounts.roles import Role
from xinyong.core.models import AuditEvent
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, unit_a) -> User:
    user = User.objects.create_user("op", password="pw-long-enough", unit=unit_a, is_staff=True)
    user.groups.add(Group.objects.get(name=Role.OPERATOR))
    client.force_login(user)
    return user


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert (
        Group.objects.get(name=Role.AUDITOR)
        .permissions.filter(codename__startswith="change")
        .count()
        == 0
    )


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.AUDITOR, Role.OPERATOR])
def test_every_role_may_read_the_lists_and_their_measures(role):
    granted = set(
        Group.objects.get(name=role)
        .permissions.filter(content_type__app_label="lists")
        .values_list("codename", flat=True)
    )
    assert {"view_creditlist", "view_measure", "view_memorandum"} <= granted


def test_the_admin_speaks_chinese_to_an_operator(client, operator):
    html = client.get("/admin/").content.decode()
    assert "公共信用信息平台管理后台" in html and "信用主体" in html


def test_an_admin_change_is_written_to_the_audit_chain(client, operator, unit_a):
    response = client.post(
        f"/admin/subjects/unit/{unit_a.pk}/change/",
        {
            "code": unit_a.code,
            "code_kind": "pack",
            "name": "改名后的单位",
            "short_name": "甲单位",
            "aliases": "[]",
            "region": unit_a.region_id,
            "kind": "government",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=unit_a.pk).name == "改名后的单位"
    event = AuditEvent.objects.get(action="xinyong.admin.changed")
    assert event.actor == f"user:{operator.pk}:op" and event.actor_unit == "T-UNIT-A"
    assert event.object_type == "subjects.unit" and event.object_id == str(unit_a.pk)


def test_the_audit_log_cannot_be_edited_in_the_admin(client, operator):
    assert client.get("/admin/core/auditevent/add/").status_code == 403
