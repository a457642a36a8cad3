"""Fixtures for integrity publicity: the loaded pack, a small cast of staff users (an
operator, a clerk, a reviewer and an auditor of the publishing unit 省文明办, a clerk of
another unit), an organisation and a person, and helpers that write articles through
the real services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.records.factories import id_number, uscc
from tests.staff import make_user
from xinyong.accounts.models import User
from xinyong.accounts.roles import Role
from xinyong.core.audit import Actor
from xinyong.publicity import articles
from xinyong.publicity.models import Article
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import create_subject

PUBLISHER = "YN-WMB"
OTHER_UNIT = "YN-GAT"
ACTOR = Actor("cli:publicity-tests")
COMPANY = uscc("530102", "55667788")
PERSON_ID = id_number("530102", "19851120", "271")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters start at zero in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(loaded_pack) -> User:
    return make_user("publicity-operator", "YN-FGW", Role.OPERATOR)


@pytest.fixture
def clerk(loaded_pack) -> User:
    return make_user("wmb-clerk", PUBLISHER, Role.CLERK)


@pytest.fixture
def reviewer(loaded_pack) -> User:
    return make_user("wmb-reviewer", PUBLISHER, Role.REVIEWER)


@pytest.fixture
def auditor(loaded_pack) -> User:
    return make_user("wmb-auditor", PUBLISHER, Role.AUDITOR)


@pytest.fixture
def other_clerk(loaded_pack) -> User:
    return make_user("gat-clerk", OTHER_UNIT, Role.CLERK)


@pytest.fixture
def company(loaded_pack) -> Subject:
    return create_subject(
        ACTOR, kind=Subject.Kind.ORGANISATION, name="昆明守信商贸有限公司", uscc=COMPANY
    )


@pytest.fixture
def person(loaded_pack) -> Subject:
    return create_subject(ACTOR, kind=Subject.Kind.PERSON, name="张守信", id_number=PERSON_ID)


def write(**overrides: Any) -> Article:
    """A draft report of 省文明办, with `overrides` (`unit` may be a unit code)."""
    values: dict[str, Any] = {
        "kind": Article.Kind.REPORT,
        "title": "诚信建设万里行走进昆明",
        "summary": "采访组走访农贸市场。",
        "body": "第一段。\n第二段。",
        "unit": PUBLISHER,
        "actor": ACTOR,
    }
    values.update(overrides)
    if isinstance(values["unit"], str):
        values["unit"] = Unit.objects.get(code=values["unit"])
    return articles.create_draft(**values)


def at(day: date, hour: int = 10) -> datetime:
    """A moment on `day` in the platform's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def published(day: date | None = None, hour: int = 10, **overrides: Any) -> Article:
    """A published article (a report unless `kind` says otherwise), published on `day`."""
    moment = at(day, hour) if day else timezone.now() - timedelta(minutes=1)
    return articles.publish(write(**overrides), actor=ACTOR, now=moment)
