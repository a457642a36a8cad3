"""The column's weekly target: published reports per ISO week against the pack's
`publicity_quota` rule, the shortfall of past weeks and what the current week still needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.publicity.conftest import ACTOR, published, write
from xinyong.campaigns.models import Campaign
from xinyong.core.errors import InvalidInput
from xinyong.policy.models import Rule
from xinyong.publicity import articles
from xinyong.publicity.models import Article

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)  # a Thursday: ISO week 2026-W48
MONDAY = TODAY - timedelta(days=TODAY.weekday())


def _week(weeks_ago: int) -> date:
    return MONDAY - timedelta(weeks=weeks_ago)


@pytest.fixture
def four_weeks(loaded_pack):
    """Three weeks ago none; two weeks ago one; last week two, at its very first and
    last hour (local time); this week one so far. Cases, stars, drafts and withdrawn
    reports around them, none of which count."""
    published(_week(2) + timedelta(days=2))
    published(_week(1), hour=0, title="周一零点的报道")
    published(_week(1) + timedelta(days=6), hour=23, title="周日深夜的报道")
    published(TODAY - timedelta(days=2), title="本周的报道")
    campaign = Campaign.objects.get(code="wage-arrears")
    published(_week(2), kind=Article.Kind.CASE, campaign=campaign, title="典型案例")
    published(_week(2), kind=Article.Kind.STAR, title="诚信之星")
    write(title="未发布的草稿")
    withdrawn = published(_week(2) + timedelta(days=1), title="已撤回的报道")
    articles.withdraw(withdrawn, actor=ACTOR, reason="有误")


def _set_quota(**changes) -> None:
    rule = Rule.objects.get(key="integrity-column-quota")
    for name, value in changes.items():
        if name in ("effective_from", "effective_to"):
            setattr(rule, name, value)
        else:
            rule.body = {**rule.body, name: value}
    rule.save()


def test_each_iso_week_counts_its_published_reports_against_the_pack(four_weeks):
    weeks = articles.weekly_counts(weeks=4, today=TODAY)
    assert [w.label for w in weeks] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [w.monday for w in weeks] == [_week(3), _week(2), _week(1), MONDAY]
    assert [w.published for w in weeks] == [0, 1, 2, 1]
    assert [w.target for w in weeks] == [2, 2, 2, 2]
    assert [w.shortfall for w in weeks] == [2, 1, 0, 1]
    assert [w.below_target for w in weeks] == [True, True, False, False]
    assert [w.current for w in weeks] == [False, False, False, True]
    assert weeks[-1].sunday == date(2026, 11, 29)


def test_the_target_is_read_from_the_pack_not_written_in_the_code(four_weeks):
    _set_quota(per_week=3)
    weeks = articles.weekly_counts(weeks=4, today=TODAY)
    assert [w.target for w in weeks] == [3, 3, 3, 3]
    assert [w.shortfall for w in weeks] == [3, 2, 1, 2]
    assert [w.below_target for w in weeks] == [True, True, True, False]


def test_a_week_before_the_rule_took_effect_has_no_target(four_weeks):
    _set_quota(effective_from=_week(1))
    weeks = articles.weekly_counts(weeks=4, today=TODAY)
    assert [w.target for w in weeks] == [None, None, 2, 2]
    assert [w.below_target for w in weeks] == [False, False, False, False]
    assert weeks[0].shortfall == 0


def test_a_quota_of_another_column_does_not_apply(four_weeks):
    _set_quota(column="其他专栏", per_week=5)
    assert {w.target for w in articles.weekly_counts(weeks=4, today=TODAY)} == {None}


def test_the_current_week_says_how_many_are_still_needed(loaded_pack):
    current = articles.weekly_counts(weeks=1, today=TODAY)[0]
    assert (current.current, current.published, current.shortfall) == (True, 0, 2)
    published(TODAY)
    published(TODAY, title="第二篇")
    current = articles.weekly_counts(weeks=1, today=TODAY)[0]
    assert (current.published, current.shortfall) == (2, 0)


@pytest.mark.parametrize("weeks", [0, 105])
def test_the_number_of_weeks_is_bounded(loaded_pack, weeks):
    with pytest.raises(InvalidInput) as caught:
        articles.weekly_counts(weeks=weeks, today=TODAY)
    assert caught.value.code == "publicity.bad_weeks"
