from __future__ import annotations

import pytest

from tests.portal import pipeline
from xinyong.records.models import CreditRecord

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


def test_it_has_a_search_box_and_links_to_the_columns_and_the_about_page(client, loaded_pack):
    html = client.get("/").content.decode()
    assert 'action="/search"' in html and 'name="q"' in html and '<label for="q">' in html
    for url in ("/licences/", "/penalties/", "/about/"):
        assert f'href="{url}"' in html


def test_the_headline_figures_count_public_records_only(client, loaded_pack):
    pipeline.run("license", [pipeline.licence()])
    pipeline.run(
        "penalty",
        [pipeline.company_penalty("罚〔2026〕1号"), pipeline.company_penalty("罚〔2026〕2号")],
    )
    pipeline.set_status("罚〔2026〕2号", CreditRecord.Status.REVOKED)
    html = client.get("/").content.decode()
    assert "<strong>1</strong> <span>条公示中的行政许可</span>" in html
    assert "<strong>1</strong> <span>条公示中的行政处罚</span>" in html
    assert "<strong>2</strong> <span>个信用主体</span>" in html


def test_the_latest_penalties_link_to_their_subjects_newest_first(client, loaded_pack):
    rows = [
        pipeline.company_penalty(f"罚〔2026〕{n}号", CF_JDRQ=pipeline.days_ago(n))
        for n in range(1, 13)
    ]
    pipeline.run("penalty", rows)
    html = client.get("/").content.decode()
    section = html[html.index('id="penalties-title"') :]
    section = section[: section.index("</section>")]
    assert section.count(f'href="/subjects/{pipeline.COMPANY}/"') == 10
    assert section.index(pipeline.days_ago(1)) < section.index(pipeline.days_ago(10))
    assert pipeline.days_ago(11) not in section
