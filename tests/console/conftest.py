"""Console fixtures: staff users of the pack's units, penalty files, the browser."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.complaints.conftest import company, qujing_clerk  # noqa: F401  (fixtures)
from tests.records.factories import penalty
from tests.staff import make_user
from xinyong.accounts.models import User
from xinyong.accounts.roles import Role


def penalty_csv(rows: list[dict[str, str]]) -> bytes:
    """A CSV file of penalty rows, headed by the field codes the rows use."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_csv(directory: Path, rows: list[dict[str, str]], name: str = "penalties.csv") -> Path:
    path = directory / name
    path.write_bytes(penalty_csv(rows))
    return path


@pytest.fixture
def concurrent_sqlite():
    """Let a live server's pages read while an import thread writes, on in-memory SQLite.

    The test database in memory is one shared-cache database: there a connection that
    reads a table another connection is writing fails at once with "database table is
    locked" (and the reverse), where a file database in WAL mode, as in production, lets
    readers read the last commit. Reading uncommitted data takes no table locks.
    """
    from django.db import connection
    from django.db.backends.signals import connection_created

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return

    def read_uncommitted(sender, connection, **kwargs):
        connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(read_uncommitted)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA read_uncommitted = 1")
    yield
    connection_created.disconnect(read_uncommitted)


@pytest.fixture
def clerk(loaded_pack) -> User:
    return make_user("clerk-gat", "YN-GAT", Role.CLERK)


@pytest.fixture
def operator(loaded_pack) -> User:
    return make_user("operator", "YN-FGW", Role.OPERATOR)


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def inline_imports(settings):
    """Imports run in the request (no thread): the test's transaction sees them."""
    settings.XINYONG_IMPORT_IN_BACKGROUND = False


def valid_rows(count: int = 2) -> list[dict[str, str]]:
    return [penalty(f"公罚〔2024〕{n}号") for n in range(1, count + 1)]
