"""Fuzzy candidates for a subject known only by its name (模糊匹配), on the search's postings.

A check may name a subject by name alone, typed by hand or copied from a document, with
a character wrong. `candidates(name)` returns the indexed subjects whose names are
closest, each with a score; a candidate is never a match: whoever checks confirms it
(by code, address, representative) before acting on it. Natural persons are not indexed
and never returned.

Score: 1 − (Levenshtein edits) / (length of the longer normalised name), so an exact name
scores 1.0 and one character changed in ten 0.9. Candidates below FLOOR (0.7) are dropped:
昆明鑫瑞茶业有限公司 and 普洱思茅茶业有限公司 share their industry and form and score 0.6.

Three searches on the existing `NameGram` postings (no second index), each only when the
one before found no candidate:

1. **One edit.** Every name within one edit (change, insertion or deletion of one
   character) of the query is found, by exact reasoning on the query's grams. An edit at
   position e can remove only grams covering e; a gram no name has (frequency 0: usually
   the pairs around a mistyped character) must be covered by the edit, which narrows
   where it can be. Every gram clear of those positions is *required*: each such name has
   them all, so one posting list drives (the rarest required gram, read in subject order)
   and a few more are probed on the primary key, as the substring search does. When the
   required grams are all frequent (or none is known absent) the positions are split on a
   rare gram, since names with the edit elsewhere have that gram and names with the edit
   on it have the grams clear of it: a few branches in one statement.
2. **Two edits,** when the grams no name has lie in two places (two typos): the grams
   clear of both are required, as above.
3. **Shared rare grams:** the subjects sharing most of the query's rarer grams (grams
   in more than COMMON names, such as 有限 and 公司, are skipped; at most BUDGET postings
   are counted), rescored the same way.

Gram frequencies are estimated as `postings.rarest_first` does (how far into the subject
ids a gram's first SAMPLE postings reach) and cached per process, bounded; only non-zero
estimates are cached, so the cache can make a lookup slower but never miss a name
indexed since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from xinyong.search.errors import QueryError
from xinyong.search.models import IndexedName, NameGram
from xinyong.search.postings import PERSON, without_jit
from xinyong.search.query import checked_query
from xinyong.search.text import MARK
from xinyong.subjects.models import Subject

FLOOR = 0.7
# One-edit search: a branch whose driving list is longer than DRIVE is split, into at
# most BRANCHES branches; each is checked on up to PROBES more grams and returns at
# most ROWS names.
DRIVE = 2_000
BRANCHES = 6
PROBES = 3
ROWS = 500
# Shared-gram search: grams in more than COMMON names are skipped; at most BUDGET
# postings are counted; the TOP subjects sharing most are rescored.
COMMON = 20_000
BUDGET = 20_000
TOP = 50
# Frequencies are estimated from a gram's first SAMPLE postings (a quarter of what the
# substring search reads: a name has some 25 grams, and only their order matters much).
SAMPLE = 64
CACHE_SIZE = 100_000

# A gram and where it lies in the query: the positions an edit there would break. The
# start mark is position -1, so an insertion before the first character breaks the
# prefix grams.
Positions = frozenset[int]


@dataclass(frozen=True)
class Candidate:
    """A subject whose name is close to the one asked for. Unconfirmed by definition."""

    subject_id: int
    name: str
    score: float  # 0..1; 1.0 only for the same normalised name


def candidates(name: str, limit: int = 3) -> list[Candidate]:
    """Up to `limit` indexed subjects with names closest to `name`, best first.

    Equal scores in subject order (generated and real names repeat: each subject bearing
    a name is a candidate). Fewer than `limit`, or none, when no other name is close.
    QueryError (the search's codes, field "name") for an empty or too long name.
    """
    query = _checked(name)
    with without_jit():
        grams = _occurrences(query)
        frequency = _frequencies(grams)
        # Where each gram no name has lies: every edit leading to a name breaks them all.
        broken = [p for gram, places in grams.items() if frequency[gram] == 0 for p in places]
        found = _scored(query, _one_edit(query, grams, frequency, broken))
        if not found:
            found = _scored(query, _two_edits(query, grams, frequency, broken))
        if not found:
            found = _scored(query, _shared(grams, frequency))
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.subject_id))
    return ranked[: max(limit, 0)]


def similarity(a: str, b: str) -> float:
    """1 − edits / longer length (both normalised); 1.0 for equal texts."""
    longer = max(len(a), len(b))
    return 1.0 - Distance(a)(b) / longer if longer else 1.0


def _checked(name: str) -> str:
    try:
        return checked_query(name)
    except QueryError as error:
        error.field = "name"
        raise


# --- grams and their positions ------------------------------------------------------------


def _occurrences(query: str) -> dict[str, list[Positions]]:
    """Each gram the query's name would be indexed under, with every place it occurs."""
    found: dict[str, list[Positions]] = {}
    marked = MARK + query  # position i of `marked` is position i - 1 of the query
    for i in range(len(marked)):
        if i > 0:
            found.setdefault(marked[i], []).append(frozenset({i - 1}))
        if i + 1 < len(marked):
            found.setdefault(marked[i : i + 2], []).append(frozenset({i - 1, i}))
    found.setdefault(marked[:3], []).append(frozenset({-1, 0, 1}))
    return found


def _required(grams: dict[str, list[Positions]], edits: Positions) -> list[str]:
    """The grams that survive an edit at any of these positions."""
    return [gram for gram, places in grams.items() if any(not p & edits for p in places)]


# --- step 1: every name within one edit ----------------------------------------------------


@dataclass(frozen=True)
class Branch:
    drive: str
    probes: tuple[str, ...]


def _one_edit(
    query: str,
    grams: dict[str, list[Positions]],
    frequency: dict[str, float],
    broken: list[Positions],
) -> list[Row]:
    edits = frozenset(range(-1, len(query))).intersection(*broken)
    if not edits:
        return []  # no one place breaks them all: nothing is one edit away
    branches = _plan(grams, frequency, edits)
    return _rows(branches, len(query), 1) if branches else []


def _two_edits(
    query: str,
    grams: dict[str, list[Positions]],
    frequency: dict[str, float],
    broken: list[Positions],
) -> list[Row]:
    """Names two edits away when the broken grams lie in two places (two typos)."""
    everywhere = frozenset(range(-1, len(query)))
    edits: set[int] = set()
    for first in everywhere:
        rest = [places for places in broken if first not in places]
        if not rest:
            return []  # one edit here breaks them all; the other could be anywhere
        if everywhere.intersection(*rest):
            edits.add(first)  # and the second edit is also in `edits`, by symmetry
    if not edits:
        return []  # three places or more
    required = sorted(_required(grams, frozenset(edits)), key=frequency.__getitem__)
    if not required or frequency[required[0]] == 0:
        return []
    return _rows([_branch(grams, required)], len(query), 2)


def _plan(
    grams: dict[str, list[Positions]], frequency: dict[str, float], edits: Positions
) -> list[Branch]:
    """Branches whose union holds every name one edit (at one of `edits`) away."""
    pending: list[Positions] = [edits]
    branches: list[Branch] = []
    while pending:
        positions = pending.pop()
        required = sorted(_required(grams, positions), key=frequency.__getitem__)
        if required and frequency[required[0]] == 0:
            continue  # a gram every such name has is in none: no such name
        split = _split(grams, frequency, positions) if len(positions) > 1 else None
        cheap = bool(required) and frequency[required[0]] <= DRIVE
        if split is None or cheap or len(branches) + len(pending) + 2 > BRANCHES:
            if required:
                branches.append(_branch(grams, required))
            continue
        pending += [positions & split, positions - split]
    return branches


def _branch(grams: dict[str, list[Positions]], required: list[str]) -> Branch:
    """The rarest required gram drives; the probes are the next rarest in other places.

    Grams next to each other go together (a name with 氏日 mostly has 日用 too), so a
    probe overlapping the grams already chosen rejects few names; one elsewhere
    (the place name before it) rejects most.
    """
    drive, *others = required
    covered = set().union(*grams[drive])
    probes: list[str] = []
    for gram in others:
        if len(probes) == PROBES:
            break
        places = set().union(*grams[gram])
        if not places & covered:
            probes.append(gram)
            covered |= places
    probes += [gram for gram in others if gram not in probes][: PROBES - len(probes)]
    return Branch(drive, tuple(probes))


def _split(
    grams: dict[str, list[Positions]], frequency: dict[str, float], positions: Positions
) -> Positions | None:
    """The places of the rarest single-occurrence gram that cut `positions` in two."""
    cuts = [
        (frequency[gram], sorted(places[0]), places[0])
        for gram, places in grams.items()
        if len(places) == 1
        and frequency[gram] > 0
        and places[0] & positions < positions
        and places[0] & positions
    ]
    return min(cuts)[2] if cuts else None


# --- step 2: the subjects sharing most rare grams -------------------------------------------


def _shared(grams: dict[str, list[Positions]], frequency: dict[str, float]) -> list[Row]:
    rare = sorted((g for g in grams if 0 < frequency[g] <= COMMON), key=frequency.__getitem__)
    chosen: list[str] = []
    read = 0.0
    for gram in rare:
        if chosen and read + frequency[gram] > BUDGET:
            break
        chosen.append(gram)
        read += frequency[gram]
    if not chosen:
        return []
    marks = ", ".join(["%s"] * len(chosen))
    shared = (
        f"SELECT subject_id, count(*) AS shared FROM {_table(NameGram)} "
        f"WHERE gram IN ({marks}) GROUP BY subject_id ORDER BY shared DESC, subject_id LIMIT %s"
    )
    sql = (
        f"SELECT t.subject_id, n.text, s.name FROM ({shared}) t "
        f"CROSS JOIN {_table(IndexedName)} n CROSS JOIN {_table(Subject)} s "
        "WHERE n.subject_id = t.subject_id AND s.id = t.subject_id AND s.kind <> %s"
    )
    return _fetch(sql, [*chosen, TOP, PERSON])


# --- SQL -----------------------------------------------------------------------------------

Row = tuple[int, str, str]  # subject id, indexed text, name


def _rows(branches: Sequence[Branch], length: int, edits: int) -> list[Row]:
    """Names with each branch's grams, at most `edits` characters longer or shorter."""
    parts: list[str] = []
    params: list[str | int] = []
    for i, branch in enumerate(branches):
        probes = "".join(
            f" AND (SELECT 1 FROM {_table(NameGram)} p{i}_{j} WHERE p{i}_{j}.gram = %s "
            f"AND p{i}_{j}.subject_id = g{i}.subject_id) IS NOT NULL"
            for j in range(len(branch.probes))
        )
        parts.append(
            f"SELECT * FROM (SELECT g{i}.subject_id, n{i}.text, s{i}.name "
            f"FROM {_table(NameGram)} g{i} CROSS JOIN {_table(IndexedName)} n{i} "
            f"CROSS JOIN {_table(Subject)} s{i} "
            f"WHERE g{i}.gram = %s{probes} AND n{i}.subject_id = g{i}.subject_id "
            f"AND length(n{i}.text) BETWEEN %s AND %s "
            f"AND s{i}.id = g{i}.subject_id AND s{i}.kind <> %s LIMIT %s) AS b{i}"
        )
        params += [branch.drive, *branch.probes, length - edits, length + edits, PERSON, ROWS]
    return _fetch(" UNION ALL ".join(parts), params)


def _fetch(sql: str, params: Sequence[str | int]) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), text, name) for pk, text, name in cursor.fetchall()]


def _table(model: type[Subject] | type[NameGram] | type[IndexedName]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- gram frequencies ----------------------------------------------------------------------

_cache: dict[str, float] = {}


def _frequencies(grams: Iterable[str]) -> dict[str, float]:
    """Estimated number of names with each gram; 0 exactly when none has it."""
    found = {}
    for gram in grams:
        cached = _cache.get(gram)  # .get: another thread may clear the cache meanwhile
        if cached is not None:
            found[gram] = cached
    missing = sorted(set(grams) - found.keys())
    if not missing:
        return found
    parts = [
        f"SELECT {i}, count(*), max(subject_id) FROM (SELECT subject_id FROM {_table(NameGram)} "
        f"WHERE gram = %s ORDER BY subject_id LIMIT {SAMPLE}) AS sample{i}"
        for i in range(len(missing))
    ]
    parts.append(f"SELECT -1, 0, max(subject_id) FROM {_table(IndexedName)}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), missing)
        sampled = {i: (count, last or 0) for i, count, last in cursor.fetchall()}
    top = sampled.pop(-1)[1]
    if len(_cache) + len(missing) > CACHE_SIZE:
        _cache.clear()
    for i, gram in enumerate(missing):
        count, last = sampled[i]
        # SAMPLE postings by the `last`-th subject id: that density over all of them.
        estimate = float(count) if count < SAMPLE else SAMPLE * max(top, last) / max(last, 1)
        found[gram] = estimate
        if estimate:
            _cache[gram] = estimate
    return found


# --- scoring -------------------------------------------------------------------------------


def _scored(query: str, rows: Iterable[Row]) -> dict[int, Candidate]:
    distance = Distance(query)
    scored = {}
    for pk, text, name in rows:
        longer = max(len(query), len(text))
        score = 1.0 - distance(text) / longer if longer else 1.0
        if score >= FLOOR:
            scored[pk] = Candidate(pk, name, round(score, 4))
    return scored


class Distance:
    """Levenshtein distance from one text, bit-parallel (Myers 1999, as Hyyrö 2003 puts it).

    A column of the edit-distance table is kept as bit vectors of its +1 and -1 steps, so
    each character of the other text costs a dozen integer operations, not a loop over the
    first: five times faster than filling the table in Python, for names.
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.matches: dict[str, int] = {}
        for i, character in enumerate(text):
            self.matches[character] = self.matches.get(character, 0) | 1 << i

    def __call__(self, other: str) -> int:
        if not self.length:
            return len(other)
        mask = (1 << self.length) - 1
        top = 1 << (self.length - 1)
        plus, minus, score = mask, 0, self.length
        for character in other:
            match = self.matches.get(character, 0)
            vertical = match | minus
            horizontal = (((match & plus) + plus) ^ plus) | match
            up = minus | ~(horizontal | plus)
            down = plus & horizontal
            if up & top:
                score += 1
            elif down & top:
                score -= 1
            up = (up << 1) | 1
            down <<= 1
            plus = (down | ~(vertical | up)) & mask
            minus = up & vertical & mask
        return score
