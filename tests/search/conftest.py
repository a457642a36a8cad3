"""A small cast of subjects for search tests, created the way the platform creates them."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest

from tests.records.factories import uscc
from xinyong.core import audit
from xinyong.subjects import services
from xinyong.subjects.models import Subject

_bodies = count(10_000_001)


@pytest.fixture
def organisation(db) -> Callable[..., Subject]:
    """Makes an organisation through `create_subject`, optionally closed or revoked."""

    def make(name: str, status: str = "active") -> Subject:
        subject = services.create_subject(
            audit.Actor.cli(), kind="organisation", name=name, uscc=uscc(body=f"{next(_bodies)}")
        )
        if status != "active":
            # A status change alone needs no re-indexing: queries read the status live.
            Subject.objects.filter(pk=subject.pk).update(status=status)
        return subject

    return make
