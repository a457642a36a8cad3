"""The key acceptance test of publicity periods: with the date frozen, every kind of
negative record is on the subject page, in the /penalties/ column and in the public API
through its last public day, and gone the day after: not a day early, not a day late.
A minor's record is never visible.

Records are imported through the real pipeline on 2024-03-01; the clock then jumps to
each record's last public day and the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.portal import pipeline
from tests.records.factories import id_number, penalty, person_penalty, uscc
from xinyong.records.models import CreditRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMPORTED_ON = date(2024, 3, 1)
FIRE_LAW = "《中华人民共和国消防法》第六十条"
MINOR_ID = id_number("530102", "20080601", "125")


@dataclass(frozen=True)
class Case:
    name: str
    document: str
    decided: str
    cells: dict[str, str]
    last_day: date


CASES = [
    Case("general 3 years", "罚〔2024〕1号", "2024-01-15", {"CF_NR_FK": "5"}, date(2027, 1, 14)),
    Case(
        "lenient 3 months",
        "罚〔2024〕2号",
        "2024-01-15",
        {"CF_CFLB": "警告", "CF_NR_FK": ""},
        date(2024, 4, 14),
    ),
    Case(
        "small fine 3 months",
        "罚〔2024〕3号",
        "2024-01-31",
        {"CF_NR_FK": "0.3"},
        date(2024, 4, 29),  # 31 January + 3 months = 30 April
    ),
    Case(
        "special 1-year minimum",
        "罚〔2024〕4号",
        "2024-01-15",
        {"CF_CFLB": "警告", "CF_NR_FK": "", "CF_YJ": FIRE_LAW},
        date(2025, 1, 14),
    ),
    Case(
        "several kinds, the longest",
        "罚〔2024〕5号",
        "2024-02-29",
        {"CF_CFLB": "警告、没收违法所得", "CF_NR_FK": "", "CF_NR_WFFF": "1"},
        date(2027, 2, 27),  # 3 years from 29 February end on 28 February 2027
    ),
    Case(
        "2019 rule, 1 year",
        "罚〔2023〕6号",
        "2023-03-10",
        {"CF_CFLB": "警告", "CF_NR_FK": ""},
        date(2024, 3, 9),
    ),
]


def _at(day: date) -> time_machine.travel:
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=SHANGHAI), tick=False
    )


def _company(index: int) -> str:
    return uscc("530102", f"2000000{index}")


def _row(index: int, case: Case) -> dict[str, str]:
    return penalty(
        case.document,
        CF_XDR_MC=f"测试商贸有限公司{index}",
        CF_XDR_SHXYM=_company(index),
        CF_JDRQ=case.decided,
        CF_YXQ="2099-12-31",
        **case.cells,
    )


@pytest.fixture
def imported(loaded_pack, settings):
    # Dozens of requests in one frozen minute: the rate limit is not what is tested here.
    settings.XINYONG_PORTAL_RATE_LIMIT = 0
    with _at(IMPORTED_ON):
        rows = [_row(index, case) for index, case in enumerate(CASES)]
        rows.append(
            person_penalty(
                "罚〔2024〕7号",
                CF_XDR_MC="王小明",
                CF_XDR_ZJHM=MINOR_ID,
                CF_JDRQ="2024-01-15",
                CF_YXQ="2099-12-31",
                CF_NR_FK="5",
            )
        )
        pipeline.run("penalty", rows)


def _visible(client, index: int, case: Case) -> dict[str, bool]:
    """Where the record shows today: subject page, penalties column, public API."""
    cache.clear()  # the portal's per-day figures and lookups: nothing left from another day
    code = _company(index)
    page = client.get(reverse("portal:subject", args=[code]))
    column = client.get("/penalties/?size=50")
    api = client.get(f"/api/v1/public/subjects/{code}")
    assert (page.status_code, column.status_code, api.status_code) == (200, 200, 200)
    documents = [record["document_number"] for record in api.json()["records"]]
    return {
        "subject page": case.document in page.content.decode(),
        "penalties column": case.document in column.content.decode(),
        "public API": case.document in documents,
    }


EVERYWHERE = {"subject page": True, "penalties column": True, "public API": True}
NOWHERE = {"subject page": False, "penalties column": False, "public API": False}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.name for case in CASES])
def test_a_record_is_public_through_its_last_day_and_gone_the_day_after(imported, client, index):
    case = CASES[index]
    assert CreditRecord.objects.get(document_number=case.document).publicity_end == case.last_day
    with _at(case.last_day - timedelta(days=1)):
        assert _visible(client, index, case) == EVERYWHERE
    with _at(case.last_day):
        assert _visible(client, index, case) == EVERYWHERE
    with _at(case.last_day + timedelta(days=1)):
        assert _visible(client, index, case) == NOWHERE


def test_every_record_is_public_on_the_day_it_is_imported(imported, client):
    with _at(IMPORTED_ON):
        for index, case in enumerate(CASES):
            assert _visible(client, index, case) == EVERYWHERE, case.name


@pytest.mark.parametrize(
    "day", [IMPORTED_ON, date(2024, 4, 14), date(2025, 1, 14), date(2027, 1, 14)]
)
def test_a_minors_record_is_never_visible(imported, client, day):
    record = CreditRecord.objects.select_related("subject").get(document_number="罚〔2024〕7号")
    assert record.withheld == CreditRecord.Withheld.MINOR
    public_id = record.subject.public_id
    with _at(day):
        cache.clear()
        page = client.get(reverse("portal:subject", args=[public_id]))
        column = client.get("/penalties/?size=50").content.decode()
        api = client.get(f"/api/v1/public/subjects/{public_id}")
    # The person has nothing public: no page, no API answer, no line in the column.
    assert (page.status_code, api.status_code) == (404, 404)
    assert "罚〔2024〕7号" not in column and "王小明" not in column
