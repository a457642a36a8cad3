from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from xinyong.conf.env import env_bool, env_database, env_int, env_list, env_secret


def test_it_reads_true_and_false_in_any_case():
    assert env_bool("X", False, {"X": "TRUE"}) is True
    assert env_bool("X", True, {"X": "off"}) is False
    assert env_bool("X", True, {}) is True


def test_it_refuses_an_ambiguous_boolean():
    with pytest.raises(ImproperlyConfigured, match="X='maybe'"):
        env_bool("X", False, {"X": "maybe"})


def test_it_refuses_a_number_that_is_not_whole_or_too_small():
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 1, {"N": "1.5"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 1, {"N": "0"}, minimum=1)


def test_it_refuses_an_empty_item_in_a_list():
    assert env_list("L", [], {"L": "a.example, b.example"}) == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("L", [], {"L": "a,,b"})


def test_it_reads_a_secret_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    assert env_secret("K", {"K_FILE": str(secret)}) == ("s3cret", f"K_FILE ({secret})")


def test_it_refuses_a_secret_given_twice_or_an_unreadable_file(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("K", {"K": "a", "K_FILE": "/x"})
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env_secret("K", {"K_FILE": str(tmp_path / "missing")})


def test_it_accepts_sqlite_and_postgres_urls_only(tmp_path):
    assert env_database("D", tmp_path / "db.sqlite3", {})["ENGINE"].endswith("sqlite3")
    config = env_database("D", tmp_path / "x", {"D": "postgres://u:p@db.internal:5433/credit"})
    assert (config["ENGINE"], config["NAME"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "credit",
        5433,
    )
    with pytest.raises(ImproperlyConfigured, match="only sqlite"):
        env_database("D", tmp_path / "x", {"D": "mysql://u@h/db"})
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        env_database("D", tmp_path / "x", {"D": "postgres://u@h"})
