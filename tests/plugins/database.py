"""Chooses the database the suite runs on, before pytest-django reads the settings.

`pytest` runs on SQLite; `pytest --postgres` starts a throwaway PostgreSQL cluster and
points XINYONG_DATABASE_URL at it. The hook is a wrapper so that it runs before
pytest-django's own `pytest_load_initial_conftests`, which imports the settings.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from collections.abc import Generator

import pytest

from tests.plugins.pgcluster import PostgresCluster

_cluster: PostgresCluster | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--postgres", action="store_true", help="run on a throwaway PostgreSQL")


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    global _cluster
    os.environ["XINYONG_VAR_DIR"] = tempfile.mkdtemp(prefix="xinyong-test-var-")
    os.environ["XINYONG_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["XINYONG_DATA_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
    # Playwright's sync API runs an event loop on the main thread while the browser is
    # open; Django would otherwise refuse database calls from the test's own thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    for name in ("XINYONG_SECRET_KEY_FILE", "XINYONG_DATA_KEY_FILE", "XINYONG_DATABASE_URL"):
        os.environ.pop(name, None)
    if parser.parse_known_args(args).postgres:
        _cluster = PostgresCluster().start()
        os.environ["XINYONG_DATABASE_URL"] = _cluster.url
    return (yield)


def pytest_report_header(config: pytest.Config) -> str:
    return f"xinyong database: {'PostgreSQL (throwaway cluster)' if _cluster else 'SQLite'}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if _cluster is not None:
        _cluster.stop()
