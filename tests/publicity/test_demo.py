"""The demo's articles: a dozen published over six weeks and a draft; twice adds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.publicity.conftest import ACTOR
from tests.records.factories import uscc
from xinyong.publicity import articles
from xinyong.publicity.demo import load_articles
from xinyong.publicity.models import Article
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(loaded_pack) -> list[Subject]:
    return [
        create_subject(ACTOR, kind=Subject.Kind.ORGANISATION, name=name, uscc=uscc("530102", body))
        for name, body in (
            ("昆明诚实商贸有限公司", "11112222"),
            ("曲靖守约物流有限公司", "33334444"),
        )
    ]


def test_loading_the_demo_twice_adds_nothing(organisations):
    today = timezone.localdate()
    added = load_articles(ACTOR, today)
    assert added == Article.objects.count() == 14
    assert load_articles(ACTOR, today) == 0
    assert Article.objects.count() == 14


def test_the_demo_column_has_every_kind_a_short_week_and_a_draft(organisations):
    today = timezone.localdate()
    load_articles(ACTOR, today)
    public = articles.public_articles()
    assert public.count() == 13
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    first_monday = today - timedelta(days=today.weekday(), weeks=5)
    assert all(timezone.localtime(a.published_at).date() >= first_monday for a in public)
    cases = public.filter(kind=Article.Kind.CASE)
    assert cases.values("campaign").distinct().count() >= 2
    stars = public.filter(kind=Article.Kind.STAR)
    assert {star.subject for star in stars} == set(organisations)
    weeks = articles.weekly_counts(weeks=6, today=today)
    assert sum(week.published for week in weeks) == public.filter(kind="report").count() == 8
    assert any(week.below_target for week in weeks)


def test_without_organisations_the_demo_has_no_stars(loaded_pack):
    assert load_articles(ACTOR) == 12
    assert not Article.objects.filter(kind=Article.Kind.STAR).exists()
