"""The 双公示 columns: public records only, filters, capped pages, messages for bad input."""

from __future__ import annotations

import pytest

from tests.portal import pipeline
from tests.records.factories import uscc
from xinyong.portal import paging
from xinyong.records.models import CreditRecord

pytestmark = pytest.mark.django_db
DALI = uscc("532901", "34567890")


@pytest.fixture
def penalties(loaded_pack):
    # Dates and fines keep every row inside its publicity window: a 警告 or a fine of at
    # most 0.3 万元 is published for 3 months only (the pack's leniency rule).
    pipeline.run(
        "penalty",
        [
            pipeline.company_penalty("罚〔2026〕1号", CF_JDRQ=pipeline.days_ago(10)),
            pipeline.company_penalty(
                "罚〔2026〕2号", CF_JDRQ=pipeline.days_ago(60), CF_CFLB="警告", CF_NR_FK=""
            ),
            pipeline.company_penalty(
                "罚〔2026〕3号",
                CF_XDR_MC="大理苍洱茶业有限公司",
                CF_XDR_SHXYM=DALI,
                CF_JDRQ=pipeline.days_ago(200),
                CF_NR_FK="5",  # above the pack's small-fine limit: published for a year
            ),
        ],
    )
    pipeline.run(
        "penalty",
        [pipeline.company_penalty("罚〔2026〕4号", CF_JDRQ=pipeline.days_ago(5))],
        "YN-GAT",
    )


def _html(client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[-2000:]
    return response.content.decode()


def _documents(html: str) -> list[str]:
    return [
        d for d in ("罚〔2026〕4号", "罚〔2026〕1号", "罚〔2026〕2号", "罚〔2026〕3号") if d in html
    ]


def test_the_penalty_column_lists_public_penalties_newest_first(client, penalties):
    html = _html(client, "/penalties/")
    assert _documents(html) == ["罚〔2026〕4号", "罚〔2026〕1号", "罚〔2026〕2号", "罚〔2026〕3号"]
    assert html.index("罚〔2026〕4号") < html.index("罚〔2026〕1号") < html.index("罚〔2026〕3号")
    assert "大理苍洱茶业有限公司" in html and f'href="/subjects/{DALI}/"' in html
    assert "共 4 条" in html


def test_a_revoked_penalty_is_absent(client, penalties):
    pipeline.set_status("罚〔2026〕1号", CreditRecord.Status.REVOKED)
    assert "罚〔2026〕1号" not in _html(client, "/penalties/")


def test_a_revoked_licence_is_absent_and_a_normal_one_listed(client, loaded_pack):
    pipeline.run(
        "license", [pipeline.licence("许〔2026〕1号"), pipeline.licence("许〔2026〕2号", XK_ZT="1")]
    )
    html = _html(client, "/licences/")
    assert "许〔2026〕1号" in html and "许〔2026〕2号" not in html
    assert "罚〔" not in html


def test_it_filters_by_unit(client, penalties):
    assert _documents(_html(client, "/penalties/", unit="YN-GAT")) == ["罚〔2026〕4号"]


def test_it_filters_by_the_subjects_prefecture(client, penalties):
    assert _documents(_html(client, "/penalties/", region="532900")) == ["罚〔2026〕3号"]
    assert "罚〔2026〕3号" not in _html(client, "/penalties/", region="530100")


def test_it_filters_by_decision_dates_inclusive(client, penalties):
    html = _html(
        client, "/penalties/", date_from=pipeline.days_ago(100), date_to=pipeline.days_ago(10)
    )
    assert _documents(html) == ["罚〔2026〕1号", "罚〔2026〕2号"]


def test_it_filters_by_penalty_category(client, penalties):
    assert _documents(_html(client, "/penalties/", category="警告")) == ["罚〔2026〕2号"]
    assert "罚〔2026〕2号" not in _html(client, "/penalties/", category="罚款")


def test_the_filter_form_keeps_its_values_and_has_labels(client, penalties):
    html = _html(client, "/penalties/", unit="YN-GAT", category="警告")
    assert '<option value="YN-GAT" selected>' in html and "<option selected>警告</option>" in html
    for field in ("f-unit", "f-region", "f-from", "f-to", "f-category", "f-size"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        ({"unit": "NOPE"}, "没有代码为“NOPE”的单位", "unit"),
        ({"region": "530102"}, "“530102”不是州（市）的区划代码", "region"),
        ({"date_from": "2024-13-01"}, "日期“2024-13-01”无效", "date_from"),
        ({"date_to": "yesterday"}, "日期“yesterday”无效", "date_to"),
        (
            {"date_from": "2025-01-02", "date_to": "2025-01-01"},
            "起始日期 2025-01-02 晚于",
            "date_from",
        ),
        ({"category": "罚酒三杯"}, "类别“罚酒三杯”不在可选范围内", "category"),
        ({"size": "500"}, "每页条数“500”无效", "size"),
        ({"page": "0"}, "页码“0”无效", "page"),
        ({"page": "101"}, "最多只能查看前 100 页", "page"),
    ],
)
def test_a_bad_filter_value_gets_a_message_in_both_languages(
    client, penalties, params, message, field
):
    response = client.get("/penalties/", params)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html and '<p lang="en">' in html
    assert f'id="error-{field}"' in html
    assert "罚〔2026〕1号" not in html


def test_a_page_past_the_last_is_a_message(client, penalties):
    response = client.get("/penalties/", {"page": "2"})
    assert response.status_code == 404
    assert "第 2 页没有内容：共 1 页" in response.content.decode()


def test_pages_are_capped_and_the_total_says_so(client, penalties, monkeypatch):
    monkeypatch.setattr(paging, "MAX_PAGES", 1)
    html = _html(client, "/penalties/", size="10")
    assert "共 4 条" in html
    pipeline.run(
        "penalty",
        [
            pipeline.company_penalty(
                f"罚〔2025〕{n}号", CF_JDRQ=pipeline.days_ago(300 + n), CF_NR_FK="5"
            )
            for n in range(8)
        ],
    )
    html = _html(client, "/penalties/", size="10")
    assert "共 10+ 条" in html and html.count('<article class="record') == 10
    assert 'rel="next"' not in html


def test_the_page_size_is_one_of_the_offered_sizes(client, penalties):
    html = _html(client, "/penalties/", size="50")
    assert "<option selected>50</option>" in html
    assert paging.MAX_PAGE_SIZE <= 50
