"""The two groups of a name query (name starts with it; contains it elsewhere) as SQL.

A group's candidates come from the posting list of one gram, in subject order (one
range of the primary key): the exact gram for queries of one or two characters; for
longer ones the rarest gram, a probe for the next rarest, and a check of the indexed
text. A group is counted on the postings alone; only the rows a page can show are
joined to their subjects for status (active first) and kind. Every statement has a
LIMIT, so a query that matches nearly everything (`公司`) costs what its page and its
capped count read, not the length of its posting list.

The SQL is written by hand rather than with the ORM: building and compiling the same
statements as querysets cost several milliseconds per search, more than running them.
`CROSS JOIN` makes SQLite walk the postings first (PostgreSQL plans it as an inner
join); it is what lets a LIMIT stop the scan early.

How rare a gram is gets estimated from its first SAMPLE postings: a list shorter than
SAMPLE is counted exactly; otherwise the further into the subject ids its SAMPLE-th
posting lies, the rarer it is. That reads at most SAMPLE index entries per gram,
whatever the list's length.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from xinyong.search.models import IndexedName, NameGram
from xinyong.search.text import keys_are_exact, prefix_key, substring_keys
from xinyong.subjects.models import Subject

SAMPLE = 256
ACTIVE = Subject.Status.ACTIVE.value
PERSON = Subject.Kind.PERSON.value
# The query's own %, _ and \ are escaped with a backslash (see `_escaped`).
_LIKE = "LIKE %s ESCAPE '\\'"
Param = str | int


@dataclass(frozen=True)
class Counted:
    """How many matches a group has, counting no further than a limit."""

    matches: int  # at most the limit
    reached: bool  # the limit was reached: there may be more


@dataclass(frozen=True)
class Group:
    """Matches of one rank: the postings `g` of one gram meeting `where`."""

    where: str
    params: tuple[Param, ...]

    def count(self, limit: int) -> Counted:
        """Counted on the postings alone, the cheapest part of the work.

        No join to the subjects is needed: persons are never indexed, and deleting
        a subject deletes its postings.
        """
        postings = f"FROM {_table(NameGram)} g WHERE {self.where}"
        sql = f"SELECT count(*) FROM (SELECT 1 {postings} LIMIT %s) AS hits"
        matches = _one(sql, (*self.params, limit))
        return Counted(matches, matches >= limit)

    def count_active(self, limit: int) -> int:
        sql = f"SELECT count(*) FROM (SELECT 1 {self._joined()} AND s.status = %s LIMIT %s) AS hits"
        return _one(sql, (*self.params, PERSON, ACTIVE, limit))

    def ids(self, *, active: bool, offset: int, limit: int) -> list[int]:
        """Ids of this group's active (or other) matches, in subject order."""
        status = "s.status = %s" if active else "s.status <> %s"
        order = "ORDER BY g.subject_id LIMIT %s OFFSET %s"
        sql = f"SELECT g.subject_id {self._joined()} AND {status} {order}"
        with connection.cursor() as cursor:
            cursor.execute(sql, (*self.params, PERSON, ACTIVE, limit, offset))
            return [pk for (pk,) in cursor.fetchall()]

    def ranked(self) -> list[int]:
        """All of this group's ids, active first: one query, for a small group."""
        sql = f"SELECT g.subject_id, s.status {self._joined()} ORDER BY g.subject_id"
        with connection.cursor() as cursor:
            cursor.execute(sql, (*self.params, PERSON))
            rows = cursor.fetchall()
        return [pk for pk, status in rows if status == ACTIVE] + [
            pk for pk, status in rows if status != ACTIVE
        ]

    def _joined(self) -> str:
        # The kind is checked again in case a person was indexed by hand.
        return (
            f"FROM {_table(NameGram)} g CROSS JOIN {_table(Subject)} s WHERE {self.where} "
            "AND s.id = g.subject_id AND s.kind <> %s"
        )


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the search's statements without PostgreSQL's JIT compilation.

    The planner cannot tell how soon a LIMIT is reached through per-candidate checks,
    so it prices some scans as if they read a whole posting list, and then spent up
    to 100 ms compiling a statement that ran in 3 ms. SET LOCAL lasts until the end
    of the (read-only) transaction opened for it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def groups(query: str, *, exclude: int | None = None) -> tuple[Group, Group]:
    """(names starting with the query, names containing it elsewhere)."""
    if keys_are_exact(query):
        (key,) = substring_keys(query)
        prefix = _group(prefix_key(query), exclude)
        # NOT EXISTS (an anti-join) is safe here: the prefix list is only ever read when
        # it is shorter than the cap, since a longer one fills every reachable page.
        others = _group(key, exclude, f"AND NOT EXISTS ({_posting('p')})", prefix_key(query))
        return prefix, others
    order = rarest_first({prefix_key(query), *substring_keys(query)})
    grams = [key for key in order if key != prefix_key(query)]
    starts, contains = _like_prefix(query), _like_anywhere(query)
    prefix = _checked(order, exclude, f"n.text {_LIKE}", starts)
    others = _checked(grams, exclude, f"n.text {_LIKE} AND n.text NOT {_LIKE}", contains, starts)
    return prefix, others


def rarest_first(keys: Iterable[str]) -> list[str]:
    """The grams, rarest first (see the module docstring for the estimate)."""
    ordered = sorted(keys)
    parts = [
        f"SELECT {i}, count(*), max(subject_id) FROM (SELECT subject_id FROM {_table(NameGram)} "
        f"WHERE gram = %s ORDER BY subject_id LIMIT {SAMPLE}) AS sample{i}"
        for i in range(len(ordered))
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), ordered)
        found = {i: (count, last or 0) for i, count, last in cursor.fetchall()}
    # Fewer than SAMPLE postings: exact, and fewer than any longer list has; otherwise
    # a later SAMPLE-th posting means a sparser list.
    rank = {
        key: (0, found[i][0]) if found[i][0] < SAMPLE else (1, -found[i][1])
        for i, key in enumerate(ordered)
    }
    return sorted(ordered, key=rank.__getitem__)


def _group(key: str, exclude: int | None, condition: str = "", *params: Param) -> Group:
    where = "g.gram = %s"
    arguments: tuple[Param, ...] = (key,)
    if exclude is not None:
        where, arguments = f"{where} AND g.subject_id <> %s", (*arguments, exclude)
    return Group(f"{where} {condition}", (*arguments, *params))


def _checked(grams: list[str], exclude: int | None, condition: str, *params: Param) -> Group:
    """Candidates from the rarest gram, which must have the next rarest and the text.

    The second gram is a probe of the primary key, cheaper than reading the text,
    and rejects most candidates that lack the query.
    """
    also = f"AND ({_posting('p')}) IS NOT NULL" if len(grams) > 1 else ""
    second = grams[1:2]
    return _group(grams[0], exclude, f"{also} AND {_text(condition)}", *second, *params)


def _posting(alias: str) -> str:
    return (
        f"SELECT 1 FROM {_table(NameGram)} {alias} "
        f"WHERE {alias}.gram = %s AND {alias}.subject_id = g.subject_id"
    )


def _text(condition: str) -> str:
    """`condition` on the candidate's indexed text.

    A scalar subquery, not EXISTS: PostgreSQL turned EXISTS into a hash join reading
    every indexed text (200 ms for a million subjects); a correlated scalar subquery
    is looked up per candidate.
    """
    return f"(SELECT {condition} FROM {_table(IndexedName)} n WHERE n.subject_id = g.subject_id)"


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(query: str) -> str:
    return f"{_escaped(query)}%"


def _like_anywhere(query: str) -> str:
    return f"%{_escaped(query)}%"


def _table(model: type[Subject] | type[NameGram] | type[IndexedName]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _one(sql: str, params: tuple[Param, ...]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0
