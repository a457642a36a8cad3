from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_nineteen_campaigns_with_their_units(client, loaded_pack):
    html = client.get("/").content.decode()
    assert html.count('class="campaign"') == 19
    assert "电信网络诈骗" in html and "省公安厅" in html and "人行昆明中心支行" in html
    assert '<html lang="zh-hans">' in html


def test_the_home_page_says_so_when_no_pack_is_loaded(client):
    html = client.get("/").content.decode()
    assert "尚未载入政策包" in html


def test_the_home_page_uses_no_external_asset(client, loaded_pack):
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html and "//cdn" not in html
    assert client.get("/static/portal/site.css").status_code == 200
