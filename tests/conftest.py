"""Shared fixtures: a small cast of units, users and the loaded policy pack."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import time_machine

from tests.browser import chromium, page  # noqa: F401  (session-wide browser fixtures)
from xinyong.subjects.models import Region, Unit

PACK = Path(__file__).resolve().parent.parent / "policies" / "yunnan-2019"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A fast password hasher in tests, as Django's testing guide advises: the default
    PBKDF2 costs about half a second a hash, and console tests make several users. The
    platform's own setting (settings.py) is untouched."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    """A copy of the Yunnan pack to change (`tests.packedits`)."""
    return Path(shutil.copytree(PACK, tmp_path / "pack"))


@pytest.fixture
def mid_rate_window(settings):
    """Stop the clock half-way through the current rate-limit window. Counts are kept per
    window, so requests made on both sides of a boundary start afresh and would turn an
    expected 429 into a 200 on a slow run."""
    window = settings.XINYONG_PORTAL_RATE_WINDOW
    now = time.time()
    with time_machine.travel(now - now % window + window / 2, tick=False):
        yield


@pytest.fixture
def province(db) -> Region:
    return Region.objects.create(
        code="530000", name="云南省", short_name="云南", level=Region.Level.PROVINCE
    )


@pytest.fixture
def unit_a(province) -> Unit:
    return Unit.objects.create(
        code="T-UNIT-A",
        code_kind="pack",
        name="测试甲单位",
        short_name="甲单位",
        region=province,
        kind="government",
    )


@pytest.fixture
def unit_b(province) -> Unit:
    return Unit.objects.create(
        code="T-UNIT-B",
        code_kind="pack",
        name="测试乙单位",
        short_name="乙单位",
        region=province,
        kind="government",
    )


@pytest.fixture(scope="session")
def pack_snapshot(django_db_setup, django_db_blocker):
    from tests.packsnapshot import PackSnapshot

    with django_db_blocker.unblock():
        return PackSnapshot.take(PACK)


@pytest.fixture
def loaded_pack(db, pack_snapshot):
    """The database as `load_pack(PACK)` leaves it (restored from the session's load)."""
    return pack_snapshot.restore()
