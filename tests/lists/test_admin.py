"""The admin shows lists, measures and memoranda but cannot change them."""

from __future__ import annotations

import pytest

from xinyong.lists.models import CreditList, Memorandum

pytestmark = pytest.mark.django_db


def test_the_admin_shows_lists_and_memoranda_read_only(admin_client, loaded_pack):
    assert admin_client.get("/admin/lists/creditlist/").status_code == 200
    assert admin_client.get("/admin/lists/creditlist/add/").status_code == 403
    credit_list = CreditList.objects.get(code="judgment-defaulters")
    page = admin_client.get(f"/admin/lists/creditlist/{credit_list.pk}/change/")
    assert page.status_code == 200 and "失信被执行人名单" in page.content.decode()
    memo = Memorandum.objects.get(code="judgment-defaulters-2016")
    response = admin_client.post(f"/admin/lists/memorandum/{memo.pk}/change/", {"name": "改"})
    assert response.status_code == 403
    assert Memorandum.objects.get(pk=memo.pk).name == "关于对失信被执行人实施联合惩戒的合作备忘录"
