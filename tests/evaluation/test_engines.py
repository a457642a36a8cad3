"""How the database engine has its query planned: the records grouped by subject are
read in one scan, not one index look-up per record."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction

from tests.evaluation.conftest import TODAY
from xinyong.evaluation import engines, expressions, runs

pytestmark = pytest.mark.django_db


def compiled(key: str) -> str:
    _rule, scheme = runs.find_scheme(key, TODAY)
    return engines.sql(expressions.expression(scheme, TODAY, expressions.Ids.load()), "sqlite")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_sqlite_scans_the_records_it_groups_instead_of_reading_them_through_an_index(
    loaded_pack,
):
    query = compiled("public-credit")
    (alias,) = re.findall(r'"records_creditrecord" AS "(\w+)" NOT INDEXED', query)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query}")
        plan = [row[3] for row in cursor.fetchall()]
    # Without the hint: "SCAN t2 USING INDEX records_cre_subject_…", no sort.
    assert f"SCAN {alias}" in plan and "USE TEMP B-TREE FOR GROUP BY" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_a_populations_records_keep_their_indexes_on_sqlite(loaded_pack):
    # tourism-integrity picks its subjects by record type: a look-up, not a grouping.
    query = compiled("tourism-integrity")
    assert query.count('"records_creditrecord"') == 2
    assert query.count("NOT INDEXED") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.django_db(transaction=True)  # a real transaction, to see the setting end with it
def test_postgresql_plans_the_server_side_cursor_for_every_row(loaded_pack):
    _rule, scheme = runs.find_scheme("public-credit", TODAY)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == ("0.1",)  # the default: plan for the first rows
        rows = list(
            engines.run_in_database(expressions.expression(scheme, TODAY, expressions.Ids.load()))
        )
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == ("1",)
    assert rows == []  # no subjects: the query ran all the same
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == ("0.1",)  # local to the transaction
