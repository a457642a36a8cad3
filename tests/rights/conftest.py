"""Fixtures for the subjects' rights (objections, repair): the loaded pack, a public
penalty record of a company and a public list entry, staff users, API tokens.

The penalty record comes through the real import pipeline (`tests.portal.pipeline`),
reported by YN-GSJ: that unit is the data-providing unit the procedures talk to.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.portal import pipeline
from tests.staff import make_user
from xinyong.accounts.models import User
from xinyong.accounts.roles import Role
from xinyong.accounts.tokens import create_token
from xinyong.core.audit import Actor
from xinyong.lists import entries
from xinyong.lists.models import ListEntry
from xinyong.records.models import CreditRecord
from xinyong.subjects.models import Subject
from xinyong.subjects.services import create_subject

DATA_UNIT = "YN-GSJ"  # reports the pipeline's records
OPERATOR_UNIT = "YN-FGW"
PENALTY = "昆市监罚〔2026〕1号"
LISTED = pipeline.uscc("530102", "87654321")
ACTOR = Actor("cli:rights-tests")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters start at zero in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def penalty(loaded_pack) -> CreditRecord:
    """A public penalty of 昆明鑫瑞商贸有限公司 (pipeline.COMPANY), reported by YN-GSJ."""
    pipeline.run("penalty", [pipeline.company_penalty(PENALTY)], unit=DATA_UNIT)
    return pipeline.record(PENALTY)


@pytest.fixture
def listed_entry(loaded_pack) -> ListEntry:
    """A published, public entry of a company on the wage-arrears list (YN-RST's)."""
    subject = create_subject(
        ACTOR, kind=Subject.Kind.ORGANISATION, name="昆明拖欠工资建筑有限公司", uscc=LISTED
    )
    return entries.record_decided(
        "wage-arrears",
        subject,
        reasons="拖欠农民工工资，经责令仍不支付。",
        decided_on=timezone.localdate() - timedelta(days=30),
        document_number="云人社欠薪〔2026〕9号",
        actor=ACTOR,
    )


@pytest.fixture
def operator(loaded_pack) -> User:
    return make_user("rights-operator", OPERATOR_UNIT, Role.OPERATOR)


@pytest.fixture
def unit_clerk(loaded_pack) -> User:
    """A clerk of the data-providing unit of `penalty`."""
    return make_user("gsj-clerk", DATA_UNIT, Role.CLERK)


@pytest.fixture
def other_clerk(loaded_pack) -> User:
    return make_user("gat-clerk", "YN-GAT", Role.CLERK)


@pytest.fixture
def token_for() -> Callable[..., dict[str, str]]:
    """`token_for("YN-GSJ", "rights:write")` → request headers with a bearer token."""

    def make(unit: str, *scopes: str) -> dict[str, str]:
        _token, secret = create_token(unit, list(scopes), ACTOR)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


def post_json(client: Any, url: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(
        url,
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        **headers,
    )
