"""About the data: the catalogue, the units by kind, and their timeliness."""

from __future__ import annotations

import pytest

from tests.portal import pipeline
from xinyong.portal.timeliness_summary import UnitTimeliness, by_unit
from xinyong.records.timeliness import MonthFigures

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(loaded_pack):
    # Received today: decided yesterday is on time, decided 60 days ago is late.
    pipeline.run(
        "penalty",
        [
            pipeline.company_penalty("罚〔2026〕1号", CF_JDRQ=pipeline.days_ago(1)),
            pipeline.company_penalty("罚〔2026〕2号", CF_JDRQ=pipeline.days_ago(60)),
        ],
    )


def test_it_lists_the_catalogue_with_each_types_fields(client, loaded_pack):
    html = client.get("/about/").content.decode()
    assert 'id="type-penalty"' in html and 'id="type-license"' in html
    assert "<code>CF_WSH</code></td><td>行政处罚决定书文号</td><td>是</td>" in html
    assert "信用承诺" in html and "标准字段将在后续版本的政策包中提供" in html


def test_it_groups_the_units_by_kind(client, loaded_pack):
    html = client.get("/about/").content.decode()
    assert "<summary>政府部门（" in html and "<summary>州市人民政府（" in html
    assert "云南省公安厅" in html and "<code>YN-GAT</code>" in html


def test_it_shows_each_units_timeliness(client, reported):
    html = client.get("/about/").content.decode()
    row = html[html.index("云南省工商行政管理局") :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">2</td><td class="num">50.0%</td>' in row


def test_a_chosen_unit_gets_its_monthly_chart(client, reported):
    html = client.get("/about/", {"unit": "YN-GSJ"}).content.decode()
    assert "<svg" in html and "云南省工商行政管理局：每月按时与逾期的记录数" in html
    assert '<option value="YN-GSJ" selected>' in html


def test_an_unknown_unit_gets_no_chart(client, reported):
    response = client.get("/about/", {"unit": "<script>"})
    assert response.status_code == 200 and "<svg" not in response.content.decode()


def test_the_summary_weighs_each_months_delay_by_its_late_records():
    rows = [
        MonthFigures("U", "2026-01", on_time=3, late=1, average_delay=2.0),
        MonthFigures("U", "2026-02", on_time=0, late=3, average_delay=6.0),
        MonthFigures("V", "2026-02", on_time=2, late=0, average_delay=None),
    ]
    summary = by_unit(rows)
    assert summary["U"] == UnitTimeliness(on_time=3, late=4, delay_days=20.0)
    assert (summary["U"].on_time_percent, summary["U"].average_delay) == (42.9, 5.0)
    assert (summary["V"].on_time_percent, summary["V"].average_delay) == (100.0, None)
