"""The portal's integrity column: only published articles, escaped text, tabs, the
campaign filter, capped pages, and the home page's block of the latest reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.publicity.conftest import ACTOR, COMPANY, published, write
from xinyong.campaigns.models import Campaign
from xinyong.publicity import articles
from xinyong.publicity.models import Article

pytestmark = pytest.mark.django_db


def test_a_published_article_is_public_with_its_paragraphs(client, loaded_pack):
    article = published(body="第一段。\n\n第二段。")
    response = client.get(f"/publicity/{article.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>第一段。</p>" in html and "<p>第二段。</p>" in html
    assert "云南省精神文明建设指导委员会办公室" in html


def test_a_withdrawn_article_is_not_public(client, loaded_pack):
    article = articles.withdraw(published(), actor=ACTOR, reason="有误")
    response = client.get(f"/publicity/{article.pk}/")
    assert response.status_code == 404
    assert "没有找到该稿件" in response.content.decode()
    assert article.title not in client.get("/publicity/").content.decode()


def test_a_draft_is_not_public(client, loaded_pack):
    draft = write(title="尚未发布的草稿")
    assert client.get(f"/publicity/{draft.pk}/").status_code == 404
    assert client.get(f"/publicity/{draft.pk + 1000}/").status_code == 404
    assert "尚未发布的草稿" not in client.get("/publicity/").content.decode()


def test_the_text_is_escaped_never_rendered_as_html(client, loaded_pack):
    article = published(
        title="<img src=x onerror=alert(1)>标题",
        summary="<b>摘要</b>",
        body='<script>alert("x")</script>\n<a href="javascript:alert(1)">链接</a>',
    )
    for url in (f"/publicity/{article.pk}/", "/publicity/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b>摘要</b>" not in html and 'href="javascript:' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;标题" in html
    html = client.get(f"/publicity/{article.pk}/").content.decode()
    assert "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>" in html


def test_each_kind_has_its_tab_and_reports_come_first(client, loaded_pack):
    campaign = Campaign.objects.get(code="wage-arrears")
    published(title="一篇报道")
    published(kind=Article.Kind.CASE, campaign=campaign, title="一个典型案例")
    published(kind=Article.Kind.STAR, title="一位诚信之星")
    shown = {
        kind: client.get(f"/publicity/?kind={kind}").content.decode()
        for kind in ("", "case", "star")
    }
    assert "一篇报道" in shown[""] and "一个典型案例" not in shown[""]
    assert "一个典型案例" in shown["case"] and "一篇报道" not in shown["case"]
    assert "一位诚信之星" in shown["star"] and "一篇报道" not in shown["star"]
    assert 'href="?kind=case" aria-current="page"' in shown["case"]


def test_typical_cases_are_filtered_by_campaign(client, loaded_pack):
    wages = Campaign.objects.get(code="wage-arrears")
    drugs = Campaign.objects.get(code="counterfeit-drugs")
    published(kind=Article.Kind.CASE, campaign=wages, title="欠薪案例")
    published(kind=Article.Kind.CASE, campaign=drugs, title="假药案例")
    html = client.get("/publicity/?kind=case&campaign=counterfeit-drugs").content.decode()
    assert "假药案例" in html and "欠薪案例" not in html
    assert '<option value="counterfeit-drugs" selected>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=news", "栏目“news”不存在"),
        ("kind=case&campaign=no-such", "没有标识为“no-such”的专项治理"),
        ("size=500", "每页条数“500”无效"),
        ("page=0", "页码“0”无效"),
    ],
)
def test_a_bad_address_is_a_clear_error_not_a_crash(client, loaded_pack, query, message):
    response = client.get(f"/publicity/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'lang="en"' in html


def test_the_column_is_paged_in_capped_pages(client, loaded_pack):
    start = timezone.now() - timedelta(days=30)
    for n in range(12):
        articles.publish(write(title=f"报道{n:02d}"), actor=ACTOR, now=start + timedelta(hours=n))
    html = client.get("/publicity/?size=10&page=2").content.decode()
    assert "共 12 条" in html and "第 2 页，共 2 页" in html
    assert "报道01" in html and "报道02" not in html  # newest first: page 2 holds the oldest


def test_an_integrity_star_links_to_its_organisation(client, company):
    star = published(kind=Article.Kind.STAR, subject=company, title="诚信之星：昆明守信商贸")
    html = client.get(f"/publicity/{star.pk}/").content.decode()
    assert f'href="/subjects/{COMPANY}/"' in html


def test_the_home_page_shows_the_three_latest_reports_in_one_query(client, loaded_pack):
    start = timezone.now() - timedelta(days=10)
    for n in range(4):
        articles.publish(write(title=f"首页报道{n}"), actor=ACTOR, now=start + timedelta(days=n))
    campaign = Campaign.objects.get(code="wage-arrears")
    published(kind=Article.Kind.CASE, campaign=campaign, title="最新的典型案例")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    html = response.content.decode()
    assert len([q for q in queries if "publicity_article" in q["sql"]]) == 1
    assert all(f"首页报道{n}" in html for n in (1, 2, 3))
    assert "首页报道0" not in html and "最新的典型案例" not in html
    assert html.index("首页报道3") < html.index("首页报道1")
    assert 'href="/publicity/"' in html  # the main navigation and the block's link
