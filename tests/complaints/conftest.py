"""Fixtures for complaints: the loaded pack, staff of the units complaints are routed to,
and a registered company in 曲靖 (麒麟区) to complain about."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.portal import pipeline
from tests.rights.conftest import post_json, token_for
from tests.staff import make_user
from xinyong.accounts.models import User
from xinyong.accounts.roles import Role
from xinyong.core.audit import Actor
from xinyong.subjects.models import Region, Subject
from xinyong.subjects.services import create_subject

__all__ = ["post_json", "token_for"]

ACTOR = Actor("cli:complaint-tests")
QUJING_RSJ = "530300-RSJ"
COMPANY_USCC = pipeline.uscc("530302", "55667788")
COMPANY = "曲靖欠薪建筑工程有限公司"
NAME, CONTACT = "王秀英", "13912345678"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def company(loaded_pack) -> Subject:
    return create_subject(
        ACTOR,
        kind=Subject.Kind.ORGANISATION,
        name=COMPANY,
        uscc=COMPANY_USCC,
        region=Region.objects.get(code="530302"),
    )


@pytest.fixture
def qujing_clerk(loaded_pack) -> User:
    return make_user("qujing-clerk", QUJING_RSJ, Role.CLERK)


@pytest.fixture
def provincial_clerk(loaded_pack) -> User:
    return make_user("rst-clerk", "YN-RST", Role.CLERK)


@pytest.fixture
def operator(loaded_pack) -> User:
    return make_user("operator", "YN-FGW", Role.OPERATOR)
