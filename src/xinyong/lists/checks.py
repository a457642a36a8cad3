"""The joint reward-and-punishment check (联合奖惩核查) at the point of service.

A unit about to grant a licence, pay public funds or award a contract sends a scene and
up to `MAX_SUBJECTS` subjects; `run_check` answers, per subject, in the order sent:

- the match: by USCC (exact, case-insensitive after `identifiers.normalize`), by
  resident ID number (through the HMAC blind index: the number itself is never stored
  or echoed, only masked), or by name when nothing else is known. A name matches only
  when exactly one organisation or individual business has it; otherwise the fuzzy name
  index (`xinyong.search.fuzzy`) offers up to three candidates, each marked
  `"confirmed": false`. Nothing applies to an unconfirmed candidate. Persons are never
  matched by name: namesakes are common, an ID number is needed. When a code is given
  but matches nobody and a name is given too, the name gives candidates only, never a
  match, since the code says it is someone else.
- the entries in force on `today` (`entries.in_force_q`): every list, red, black or watch;
- the measures that apply in the scene, through the memoranda binding the subject's
  lists, exactly as `services.measures_for` decides (measure and memorandum active, the
  measure names the scene, both cover the subject's kind), each with its legal basis,
  implementing units and grounds (entry, list, memorandum, section). A scene with no
  measure for those lists returns the entries and no measure. Red lists give their
  incentives the same way.
- the incentives of the pack's `clean_record` rules (`incentives`), with why, and of its
  `grade_incentive` rules: the subject's grade in the scheme's latest finished run within
  the rule's `valid_for` (graded supervision), unless a black or watch entry is in force.

A query whose code is malformed (a masked USCC, a bad check character) does not fail
the batch: that subject is answered `"match": "none"` with an `"error"` {code, message,
message_en}, as is a query with no identifier at all. A batch-level problem (unknown
scene, no purpose, no subjects, too many) is refused as a whole.

Clean records (the seed 四、2, "连续3年无不良信用记录"): a matched subject of a kind the
rule covers is eligible when, in the rule's period up to `today`, it has no record of
the rule's negative types (not revoked; disputed ones count, as for detection) and no
black or watch entry was in force at any time (exited entries count up to their exit,
unless the listing was revoked). How long the subject has existed is not known: the
platform keeps no registration date, and `Subject.created_at` is when the platform first
saw it, which would deny every subject the incentive for the platform's first years. The
rule is read as "no negative information held for the period" (docs/api.md says so). A
registration date on subjects would let the check require the period of existence too.

Receipts: each check stores a `CheckReceipt` (who, unit, purpose, scene, counts, data
version, hits by list and measure) with the answer as zlib-compressed JSON, so "checked
on date X" can be shown later exactly as it was answered, whatever the lists say now.
`data_version` names the newest entry event, record version, pack load and evaluation run
the answer saw.
One audit event `xinyong.check.made` per check, not per subject.

Speed (bench/checks.py): every step is set-based, in chunks (SQLite's parameter limit;
PostgreSQL takes the chunk as one array, `= ANY(%s)`): codes to subjects, subjects to
entries, subjects to negative records (only when a clean-record incentive can apply in
the scene). The pack's side (lists, measures, memoranda, rules) is read once into a
snapshot and reused while no pack load happens (pack objects are written only by the
loader; `reset_cache` for code that writes them otherwise); measures are resolved once
per (set of lists, subject kind) within a check. The answer is written as JSON text from
pieces encoded once (`_Answer`), never built as objects and then encoded: on 100,000
subjects `json.dumps` alone took longer than the whole check takes now. A big answer is
compressed in a second thread while it is written.
"""

from __future__ import annotations

import gc
import itertools
import json
import queue
import re
import threading
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from json.encoder import encode_basestring
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from xinyong.core import audit, pii
from xinyong.core.errors import InvalidInput, NotFound, XinyongError
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.lists.detection import duration_text, window_start
from xinyong.lists.models import (
    CheckReceipt,
    CreditList,
    EntryEvent,
    ListEntry,
    Measure,
    MeasureScene,
    MeasureUnit,
    Memorandum,
    MemorandumList,
    MemorandumMeasure,
    Scene,
)
from xinyong.lists.services import find_scene
from xinyong.policy import schema
from xinyong.policy.models import PackLoad, Source
from xinyong.policy.rules import active_rules, in_force
from xinyong.records.models import CreditRecord, RecordType, RecordVersion
from xinyong.search import fuzzy
from xinyong.search.errors import QueryError
from xinyong.subjects import identifiers
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import ID_CONTEXT

MAX_SUBJECTS = 100_000
MAX_PURPOSE = 300
CANDIDATES = 3
# From this many subjects the garbage collector is paused while the answer is built.
BIG_BATCH = 1_000
# Results per block compressed in a second thread (a smaller answer in this one).
COMPRESS_BLOCK = 5_000
# zlib level of the stored answer: 1 is about twice as fast as 6 and, on check results
# (mostly repeated keys), within about 20 % of its size (measured in bench/checks.py).
COMPRESSION_LEVEL = 1
# Codes or ids per query. SQLite allows 32,766 parameters; PostgreSQL gets one array.
SQLITE_CHUNK = 10_000
POSTGRES_CHUNK = 100_000

IN_FORCE = tuple(str(status) for status in ListEntry.IN_FORCE)
EXITED = str(ListEntry.Status.EXITED)
REVOKED_EXIT = str(ListEntry.ExitReason.REVOKED)
REVOKED_RECORD = str(CreditRecord.Status.REVOKED)
BARRING_KINDS = (str(CreditList.Kind.BLACK), str(CreditList.Kind.WATCH))
# Why a clean-record incentive applies; stored with the answer, so always in Chinese.
CLEAN_WHY = _(
    "%(start)s至%(end)s（%(period)s）无%(types)s记录，未列入黑名单或重点关注名单，"
    "符合“%(rule)s”（%(key)s）"
)
# Why a grade incentive applies; stored with the answer, so always in Chinese.
GRADE_WHY = _(
    "“%(scheme)s”第%(number)s版次（评价日%(on)s）评为%(grade)s（%(grade_name)s），"
    "符合“%(rule)s”（%(key)s）"
)
# An 18-character USCC as a system sends it (nothing to normalise once upper-cased).
_PLAIN_USCC = re.compile(f"[{identifiers.USCC_ALPHABET}]{{18}}")
# A JSON string literal (the C encoder json.dumps uses, without the call's overhead).
_enc = encode_basestring


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SubjectQuery:
    """One subject to check: a USCC, a resident ID number, or a name when nothing else."""

    uscc: str = ""
    id_number: str = ""
    name: str = ""


@dataclass
class CheckOutcome:
    """A check's receipt and its answer.

    The answer is made once, as the UTF-8 JSON that is stored and sent (`results_json`);
    `results` gives it as Python objects, decoded on first use, so that a caller that only
    sends it on (the API) does not pay for objects it never reads.
    """

    receipt: CheckReceipt
    results_json: bytes = field(repr=False)
    _results: list[dict[str, Any]] | None = field(default=None, init=False, repr=False)

    @property
    def results(self) -> list[dict[str, Any]]:
        """JSON-ready, exactly what the API returns per subject, in the order sent."""
        if self._results is None:
            self._results = json.loads(self.results_json)
        return self._results


# --- the pack's side, read once per pack load ----------------------------------------------


@dataclass(frozen=True)
class _List:
    id: int
    code: str
    name: str
    kind: str
    position: int


@dataclass(frozen=True)
class _Link:
    """A memorandum binding a measure (MemorandumMeasure), with the kinds it applies to."""

    measure_id: int
    memorandum_id: int
    section: str
    kinds: frozenset[str]


@dataclass
class _Snapshot:
    scenes: dict[str, tuple[int, str]]  # code → (id, name)
    lists: dict[int, _List]
    measures: dict[int, dict[str, Any]]  # active measures, as the answer shows them
    measure_kinds: dict[int, frozenset[str]]
    measure_scenes: dict[int, frozenset[int]]
    measure_ids: dict[str, int]
    memoranda: dict[int, tuple[str, str]]  # id → (code, name)
    memo_lists: dict[int, tuple[int, ...]]  # active memorandum → its active lists, in order
    links_by_scene: dict[int, list[_Link]]  # in measure order, then memorandum order
    clean_rules: list[schema.CleanRecordRule]
    grade_rules: list[schema.GradeIncentiveRule]
    schemes: dict[str, schema.EvaluationSchemeRule]  # evaluation schemes by key
    record_types: dict[str, tuple[int, str]]  # code → (id, name)
    # _clean_rules by (scene, day): a single check must not pay for building them.
    clean_by_scene: dict[tuple[int, date], list[_CleanRule]] = field(default_factory=dict)
    # Pre-encoded JSON: a measure up to its grounds (`{"code":…,"grounds":[`), a list's
    # part of an entry (`,"list":…,"list_kind":…`), a ground after its entry.
    measure_json: dict[int, str] = field(default_factory=dict)
    list_json: dict[int, str] = field(default_factory=dict)
    ground_json: dict[tuple[int, int, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for pk, measure in self.measures.items():
            self.measure_json[pk] = _dumps(measure)[:-1] + ',"grounds":['
        for pk, item in self.lists.items():
            self.list_json[pk] = (
                f',"list":{_enc(item.code)},"list_name":{_enc(item.name)},'
                f'"list_kind":{_enc(item.kind)}'
            )

    def ground(self, list_id: int, memo_id: int, section: str) -> str:
        key = (list_id, memo_id, section)
        found = self.ground_json.get(key)
        if found is None:
            code, name = self.memoranda[memo_id]
            found = self.ground_json[key] = (
                f',"list":{_enc(self.lists[list_id].code)},"memorandum":{_enc(code)},'
                f'"memorandum_name":{_enc(name)},"section":{_enc(section)}}}'
            )
        return found


_cache_lock = threading.Lock()
_cache: tuple[Any, _Snapshot] | None = None


def reset_cache() -> None:
    """Forget the pack snapshot (for code that changes pack objects without a pack load)."""
    global _cache
    with _cache_lock:
        _cache = None


def _snapshot(key: Any) -> _Snapshot:
    global _cache
    cached = _cache
    if cached is not None and cached[0] == key:
        return cached[1]
    snapshot = _read_snapshot()
    with _cache_lock:
        _cache = (key, snapshot)
    return snapshot


def _basis_out(sources: dict[str, tuple[str, str]], source: str, section: str) -> dict[str, str]:
    title, number = sources.get(source, ("", ""))
    return {"source": source, "title": title, "document_number": number, "section": section}


def _read_snapshot() -> _Snapshot:
    sources = {
        key: (title, number)
        for key, title, number in Source.objects.values_list("key", "title", "document_number")
    }
    lists = {
        row[0]: _List(*row)
        for row in CreditList.objects.values_list("id", "code", "name", "kind", "position")
    }
    units: dict[int, list[str]] = defaultdict(list)
    for measure_id, name in MeasureUnit.objects.order_by("measure", "position").values_list(
        "measure_id", "unit__name"
    ):
        units[measure_id].append(name)
    scenes_of: dict[int, set[int]] = defaultdict(set)
    for measure_id, scene_id in MeasureScene.objects.values_list("measure_id", "scene_id"):
        scenes_of[measure_id].add(scene_id)
    measures: dict[int, dict[str, Any]] = {}
    kinds: dict[int, frozenset[str]] = {}
    positions: dict[int, tuple[int, str]] = {}
    for measure in Measure.objects.filter(active=True).order_by("position", "code"):
        measures[measure.pk] = {
            "code": measure.code,
            "name": measure.name,
            "kind": measure.kind,
            "description": measure.description,
            "basis": _basis_out(sources, measure.basis_source_id, measure.basis_section),
            "units": units.get(measure.pk, []),
            "all_units": measure.all_units,
        }
        kinds[measure.pk] = frozenset(measure.subject_kinds)
        positions[measure.pk] = (measure.position, measure.code)
    memoranda = {
        pk: (code, name, position)
        for pk, code, name, position in Memorandum.objects.filter(active=True).values_list(
            "id", "code", "name", "position"
        )
    }
    memo_lists: dict[int, list[int]] = defaultdict(list)
    bound = MemorandumList.objects.filter(memorandum__active=True, credit_list__active=True)
    for memo_id, list_id in bound.order_by(
        "credit_list__position", "credit_list__code"
    ).values_list("memorandum_id", "credit_list_id"):
        memo_lists[memo_id].append(list_id)
    links: list[_Link] = []
    for memo_id, measure_id, section, link_kinds in MemorandumMeasure.objects.filter(
        memorandum__active=True, measure__active=True
    ).values_list("memorandum_id", "measure_id", "section", "subject_kinds"):
        # MemorandumMeasure.applies_to: the binding's kinds (or else the measure's), and
        # always within the measure's own kinds.
        applies = frozenset(link_kinds or kinds[measure_id]) & kinds[measure_id]
        links.append(_Link(measure_id, memo_id, section, applies))
    links.sort(key=lambda link: (positions[link.measure_id], memoranda[link.memorandum_id][2]))
    scenes = {
        code: (pk, name)
        for pk, code, name in Scene.objects.filter(active=True).values_list("id", "code", "name")
    }
    by_scene = {
        scene_id: [link for link in links if scene_id in scenes_of[link.measure_id]]
        for scene_id, _name in scenes.values()
    }
    rules = [
        rule for rule in active_rules("clean_record") if isinstance(rule, schema.CleanRecordRule)
    ]
    return _Snapshot(
        scenes=scenes,
        lists=lists,
        measures=measures,
        measure_kinds=kinds,
        measure_scenes={pk: frozenset(scenes_of[pk]) for pk in measures},
        measure_ids={values["code"]: pk for pk, values in measures.items()},
        memoranda={pk: (code, name) for pk, (code, name, _position) in memoranda.items()},
        memo_lists={pk: tuple(ids) for pk, ids in memo_lists.items()},
        links_by_scene=by_scene,
        clean_rules=rules,
        grade_rules=[
            rule
            for rule in active_rules("grade_incentive")
            if isinstance(rule, schema.GradeIncentiveRule)
        ],
        schemes={
            rule.key: rule
            for rule in active_rules("evaluation_scheme")
            if isinstance(rule, schema.EvaluationSchemeRule)
        },
        record_types={
            code: (pk, name)
            for pk, code, name in RecordType.objects.values_list("id", "code", "name")
        },
    )


# --- data version ---------------------------------------------------------------------------


def _versions() -> tuple[str, Any]:
    """The data version text, and the key of the pack snapshot (latest pack load)."""
    quote = connection.ops.quote_name
    events = quote(EntryEvent._meta.db_table)
    versions = quote(RecordVersion._meta.db_table)
    loads = quote(PackLoad._meta.db_table)
    runs = quote(EvaluationRun._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {events}), (SELECT MAX(id) FROM {versions}), "
            f"(SELECT MAX(id) FROM {loads}), (SELECT MAX(loaded_at) FROM {loads}), "
            f"(SELECT MAX(id) FROM {runs})"
        )
        event, version, load, loaded_at, run = cursor.fetchone()
    text = f"entries:{event or 0}/records:{version or 0}/pack:{load or 0}/evaluations:{run or 0}"
    return text, (load, str(loaded_at))


# --- set-based queries -----------------------------------------------------------------------


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(
    sql: str, column: str, values: Sequence[Any], params: Sequence[Any] = (), tail: str = ""
) -> list[tuple[Any, ...]]:
    """Rows of `sql AND column IN values [tail]`, one query per chunk of values.

    `sql` ends inside a WHERE clause; `params` are its own parameters. Sorted values
    make each chunk one stretch of the index, so no page is read by several chunks.
    """
    rows: list[tuple[Any, ...]] = []
    if not values:
        return rows
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for chunk in _chunks(values, POSTGRES_CHUNK if postgres else SQLITE_CHUNK):
            if postgres:
                condition, array = _any(column, chunk)
                cursor.execute(f"{sql} AND {condition} {tail}", [*params, *array])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} AND {column} IN ({marks}) {tail}", [*params, *chunk])
            rows += cursor.fetchall()
    return rows


# PostgreSQL: a chunk of ids or codes as one text parameter that the server splits. As a
# list, psycopg writes the array element by element in Python (with a regular expression
# per string), which cost more than the query itself.
_SEPARATOR = "\x1f"


def _any(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """`column = ANY(…)` and its parameter, for PostgreSQL."""
    if values and isinstance(values[0], int):
        numbers = ",".join(map(str, values))
        return f"{column} = ANY(string_to_array(%s, ',')::bigint[])", [numbers]
    text = [str(value) for value in values]
    if any(_SEPARATOR in value for value in text):
        return f"{column} = ANY(%s)", [text]
    return f"{column} = ANY(string_to_array(%s, %s))", [_SEPARATOR.join(text), _SEPARATOR]


_SUBJECT_COLUMNS = "id, kind, name, uscc, id_number_masked, public_id"
_Row = tuple[Any, ...]  # (id, kind, name, uscc, id_number_masked, public_id)


class _Found:
    """Subjects found by a unique column: value → id → row."""

    def __init__(self, ids: dict[str, int], rows: dict[int, _Row]) -> None:
        self.ids = ids
        self.rows = rows

    def get(self, value: str) -> _Row | None:
        pk = self.ids.get(value)
        return None if pk is None else self.rows.get(pk)


def _subjects_by(column: str, values: Iterable[str]) -> _Found:
    """Subjects by a unique column (uscc, id_number_index).

    On SQLite, many are found in two steps: the ids from the column's unique index alone,
    then the rows by id, which SQLite reads in id order, front to back through the table.
    Asked for by code, the rows lie all over the table, a page read for each: on a
    million subjects the two steps take two thirds of the time. PostgreSQL does better
    with the one query (measured in bench/checks.py).
    """
    table = connection.ops.quote_name(Subject._meta.db_table)
    wanted = sorted(set(values))
    if len(wanted) < BIG_BATCH or connection.vendor == "postgresql":
        sql = f"SELECT {column}, {_SUBJECT_COLUMNS} FROM {table} WHERE 1 = 1"
        found = _select_in(sql, column, wanted)
        return _Found({row[0]: row[1] for row in found}, {row[1]: row[1:] for row in found})
    sql = f"SELECT {column}, id FROM {table} WHERE 1 = 1"
    ids: dict[str, int] = dict(_select_in(sql, column, wanted))
    sql = f"SELECT {_SUBJECT_COLUMNS} FROM {table} WHERE 1 = 1"
    rows = {row[0]: row for row in _select_in(sql, "id", sorted(ids.values()))}
    return _Found(ids, rows)


def _subjects_named(names: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    table = connection.ops.quote_name(Subject._meta.db_table)
    sql = f"SELECT name, {_SUBJECT_COLUMNS} FROM {table} WHERE kind <> %s"
    found: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _select_in(sql, "name", list(set(names)), [str(Subject.Kind.PERSON)]):
        found[row[0]].append(row[1:])
    return found


def _day(value: Any) -> date | None:
    """A date column as a date (SQLite returns an aggregate's date as text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(slots=True)
class _Entry:
    subject_id: int
    reference: str
    list_id: int
    status: str
    starts_on: date
    ends_on: date | None
    unit_id: int
    document_number: str
    exited_on: date | None
    exit_reason: str

    def in_force_on(self, day: date) -> bool:
        return (
            self.status in IN_FORCE
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )

    def in_force_after(self, since: date, day: date) -> bool:
        """In force on some day in (since, day]: a black or watch entry that bars a clean record."""
        if self.status == EXITED and self.exit_reason == REVOKED_EXIT:
            return False
        if self.status not in IN_FORCE and self.status != EXITED:
            return False
        last = self.ends_on
        if self.exited_on is not None:
            exited = self.exited_on - timedelta(days=1)
            last = exited if last is None else min(last, exited)
        return self.starts_on <= day and (last is None or last > since)


def _entries(subject_ids: Sequence[int], day: date, since: date) -> dict[int, list[_Entry]]:
    """Entries of these subjects in force on some day in [since, day], by subject (and a
    few more: exited and revoked ones, which the caller sorts out)."""
    table = connection.ops.quote_name(ListEntry._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    statuses = [*IN_FORCE, EXITED]
    marks = ", ".join(["%s"] * len(statuses))
    sql = (
        "SELECT subject_id, reference, credit_list_id, status, starts_on, ends_on, unit_id, "
        f"document_number, exited_on, exit_reason FROM {table} "
        f"WHERE status IN ({marks}) AND starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s)"
    )
    found: dict[int, list[_Entry]] = defaultdict(list)
    for row in _select_in(sql, "subject_id", subject_ids, [*statuses, adapt(day), adapt(since)]):
        subject_id, reference, list_id, status, starts, ends, unit_id, number, exited, why = row
        found[subject_id].append(
            _Entry(
                subject_id,
                reference,
                list_id,
                status,
                _day(starts) or day,
                _day(ends),
                unit_id,
                number,
                _day(exited),
                why,
            )
        )
    return found


def _negative_records(
    subject_ids: Sequence[int], type_ids: Sequence[int], since: date, day: date
) -> dict[int, dict[int, date]]:
    """subject → record type → latest decision date in (since, day], not revoked."""
    if not type_ids:
        return {}
    table = connection.ops.quote_name(CreditRecord._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    marks = ", ".join(["%s"] * len(type_ids))
    sql = (
        f"SELECT subject_id, record_type_id, MAX(decision_date) FROM {table} "
        f"WHERE record_type_id IN ({marks}) AND decision_date > %s AND decision_date <= %s "
        "AND status <> %s"
    )
    params = [*type_ids, adapt(since), adapt(day), REVOKED_RECORD]
    found: dict[int, dict[int, date]] = defaultdict(dict)
    tail = "GROUP BY subject_id, record_type_id"
    for subject_id, type_id, latest in _select_in(sql, "subject_id", subject_ids, params, tail):
        found[subject_id][type_id] = _day(latest) or since
    return found


# --- parsing the queries ----------------------------------------------------------------


@dataclass(slots=True)
class _Parsed:
    index: int
    echo: str  # the query as sent, as JSON (an ID number masked)
    uscc: str = ""
    id_index: str = ""
    name: str = ""
    code_given: bool = False  # a USCC or ID number was sent (valid or not)
    error: XinyongError | None = None
    matched_by: str | None = None


def _error_dict(error: XinyongError) -> dict[str, Any]:
    return {
        "code": error.code,
        "message": error.message_in("zh-hans"),
        "message_en": error.message_in("en"),
    }


def _parse(index: int, query: SubjectQuery, day: date) -> _Parsed:
    uscc = (query.uscc or "").strip()
    number = (query.id_number or "").strip()
    name = (query.name or "").strip()
    if uscc and not name:  # the common case, kept short
        upper = uscc.upper()
        code = upper if _PLAIN_USCC.fullmatch(upper) else identifiers.normalize(uscc)
        return _Parsed(index, f'{{"uscc":{_enc(uscc)}}}', uscc=code, code_given=True)
    echo: dict[str, str] = {}
    parsed = _Parsed(index, "", name=name, code_given=bool(uscc or number))
    if uscc:
        echo["uscc"] = uscc
        upper = uscc.upper()
        parsed.uscc = upper if _PLAIN_USCC.fullmatch(upper) else identifiers.normalize(uscc)
    elif number:
        # Only ever masked, also when malformed: it may be a real number mistyped.
        normalised = identifiers.normalize(number)
        try:
            checked = identifiers.check_id_number(normalised, today=day)
        except identifiers.IdentifierError as error:
            parsed.error = error
            echo["id_number"] = pii.mask(normalised)
        else:
            echo["id_number"] = pii.mask(checked)
            parsed.id_index = pii.blind_index(checked, ID_CONTEXT)
    elif not name:
        parsed.error = InvalidInput(
            "check.query_empty", _("请填写统一社会信用代码、身份证件号码或名称之一")
        )
    if name:
        echo["name"] = name
    parsed.echo = _dumps(echo)
    return parsed


# --- the check ------------------------------------------------------------------------------


class _Measures:
    """Measures for (set of lists, subject kind) in one scene, resolved once per check."""

    def __init__(self, snapshot: _Snapshot, scene_id: int) -> None:
        self.snapshot = snapshot
        self.links = snapshot.links_by_scene.get(scene_id, [])
        self.cache: dict[tuple[frozenset[int], str], list[tuple[int, list[tuple[int, int, str]]]]]
        self.cache = {}
        self.templates: dict[
            tuple[frozenset[int], str], tuple[str, tuple[int, ...], tuple[str, ...]]
        ] = {}

    def resolve(
        self, lists: frozenset[int], kind: str
    ) -> list[tuple[int, list[tuple[int, int, str]]]]:
        """[(measure id, [(list id, memorandum id, section), …])] in the pack's order."""
        key = (lists, kind)
        found = self.cache.get(key)
        if found is None:
            grouped: dict[int, list[tuple[int, int, str]]] = {}
            memo_lists = self.snapshot.memo_lists
            for link in self.links:
                if kind not in link.kinds:
                    continue
                bound = [lid for lid in memo_lists.get(link.memorandum_id, ()) if lid in lists]
                if bound:
                    grounds = grouped.setdefault(link.measure_id, [])
                    grounds += [(lid, link.memorandum_id, link.section) for lid in bound]
            found = self.cache[key] = list(grouped.items())
        return found

    def template(
        self, lists: frozenset[int], kind: str
    ) -> tuple[str, tuple[int, ...], tuple[str, ...]]:
        """The measures' JSON items for a subject on these lists, with a `%s` for each
        ground's entry reference; the list of each `%s`; the measure codes."""
        key = (lists, kind)
        found = self.templates.get(key)
        if found is None:
            snapshot = self.snapshot
            items, order, codes = [], [], []
            for measure_id, grounds in self.resolve(lists, kind):
                text = [
                    '{"entry":%s' + snapshot.ground(list_id, memo_id, section).replace("%", "%%")
                    for list_id, memo_id, section in grounds
                ]
                order += [list_id for list_id, _memo, _section in grounds]
                measure = snapshot.measure_json[measure_id].replace("%", "%%")
                items.append(f"{measure}{','.join(text)}]}}")
                codes.append(snapshot.measures[measure_id]["code"])
            found = self.templates[key] = (",".join(items), tuple(order), tuple(codes))
        return found


@dataclass
class _CleanRule:
    rule: schema.CleanRecordRule
    since: date  # the day before the clean period
    kinds: frozenset[str]
    type_ids: frozenset[int]
    incentives: dict[str, tuple[list[str], bytes]]  # subject kind → (codes, JSON items)


def _clean_rules(snapshot: _Snapshot, scene_id: int, day: date) -> list[_CleanRule]:
    """The clean-record rules in force that grant something applicable in this scene."""
    key = (scene_id, day)
    cached = snapshot.clean_by_scene.get(key)
    if cached is None:
        if len(snapshot.clean_by_scene) > 1000:
            snapshot.clean_by_scene.clear()
        cached = snapshot.clean_by_scene[key] = _read_clean_rules(snapshot, scene_id, day)
    return cached


def _read_clean_rules(snapshot: _Snapshot, scene_id: int, day: date) -> list[_CleanRule]:
    found = []
    for rule in snapshot.clean_rules:
        if not in_force(rule, day):
            continue
        since = window_start(rule.period, day)
        types = [
            snapshot.record_types[c]
            for c in rule.negative_record_types
            if c in snapshot.record_types
        ]
        with translation.override("zh-hans"):
            why = str(CLEAN_WHY) % {
                "start": (since + timedelta(days=1)).isoformat(),
                "end": day.isoformat(),
                "period": duration_text(rule.period),
                "types": "、".join(name for _pk, name in types),
                "rule": rule.name,
                "key": rule.key,
            }
        incentives: dict[str, tuple[list[str], bytes]] = {}
        for kind in rule.subject_kinds:
            granted = _grants(snapshot, scene_id, kind, rule.grants, rule.key, why)
            if granted:
                incentives[kind] = granted
        if incentives:
            found.append(
                _CleanRule(
                    rule,
                    since,
                    frozenset(incentives),
                    frozenset(pk for pk, _n in types),
                    incentives,
                )
            )
    return found


def _grants(
    snapshot: _Snapshot, scene_id: int, kind: str, codes: list[str], rule: str, why: str
) -> tuple[list[str], bytes] | None:
    """The incentives `codes` that apply in the scene to the subject kind, as their codes
    and JSON items (None: none applies)."""
    granted = []
    for code in codes:
        measure_id = snapshot.measure_ids.get(code)
        if (
            measure_id is None
            or scene_id not in snapshot.measure_scenes[measure_id]
            or kind not in snapshot.measure_kinds[measure_id]
        ):
            continue
        measure = snapshot.measures[measure_id]
        granted.append(
            {
                "code": code,
                "name": measure["name"],
                "basis": measure["basis"],
                "rule": rule,
                "why": why,
            }
        )
    if not granted:
        return None
    return [item["code"] for item in granted], ",".join(_dumps(i) for i in granted).encode()


@dataclass
class _GradeRule:
    run_id: int
    # (subject kind, grade) → (measure codes, JSON items)
    incentives: dict[tuple[str, str], tuple[list[str], bytes]]


def _grade_rules(snapshot: _Snapshot, scene_id: int, day: date) -> list[_GradeRule]:
    """The grade-incentive rules in force that grant something in this scene and whose
    scheme has a finished run recent enough (one query per rule: runs are data, not
    pack, so they are not kept in the snapshot)."""
    found = []
    for rule in snapshot.grade_rules:
        scheme = snapshot.schemes.get(rule.scheme)
        if scheme is None or not in_force(rule, day) or not _grants_in(snapshot, rule, scene_id):
            continue
        run = (
            EvaluationRun.objects.filter(
                scheme=rule.scheme,
                status=EvaluationRun.Status.DONE,
                on__lte=day,
                on__gt=window_start(rule.valid_for, day),
            )
            .order_by("-on", "-number")
            .values_list("pk", "number", "on")
            .first()
        )
        if run is None:
            continue
        names = {grade.code: grade.name for grade in scheme.grades}
        incentives = {}
        for grade in rule.grades:
            with translation.override("zh-hans"):
                why = str(GRADE_WHY) % {
                    "scheme": scheme.name,
                    "number": run[1],
                    "on": run[2].isoformat(),
                    "grade": grade,
                    "grade_name": names.get(grade, grade),
                    "rule": rule.name,
                    "key": rule.key,
                }
            for kind in scheme.subject_kinds:
                granted = _grants(snapshot, scene_id, kind, rule.grants, rule.key, why)
                if granted:
                    incentives[(str(kind), grade)] = granted
        if incentives:
            found.append(_GradeRule(run[0], incentives))
    return found


def _grants_in(snapshot: _Snapshot, rule: schema.GradeIncentiveRule, scene_id: int) -> bool:
    """Whether the rule grants anything in the scene: if not, its run is not even read
    (most checks are for scenes without grade incentives)."""
    return any(
        scene_id in snapshot.measure_scenes[snapshot.measure_ids[code]]
        for code in rule.grants
        if code in snapshot.measure_ids
    )


def _grades(rules: list[_GradeRule], subject_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """Run → subject → grade, for the runs the rules read."""
    table = EvaluationResult._meta.db_table
    return {
        rule.run_id: dict(
            _select_in(
                f"SELECT subject_id, grade FROM {table} WHERE run_id = %s",
                "subject_id",
                subject_ids,
                [rule.run_id],
            )
        )
        for rule in rules
    }


def _validate(queries: Sequence[SubjectQuery], purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput(
            "check.purpose_required",
            _("请说明核查用途（如：政府采购供应商资格审查）"),
            field="purpose",
        )
    if len(purpose) > MAX_PURPOSE:
        raise InvalidInput(
            "check.purpose_too_long",
            _("核查用途不能超过%(max)s个字"),
            params={"max": MAX_PURPOSE},
            field="purpose",
        )
    if not queries:
        raise InvalidInput("check.empty", _("请至少提供一个要核查的主体"), field="subjects")
    if len(queries) > MAX_SUBJECTS:
        raise InvalidInput(
            "check.too_many",
            _("一次最多核查%(max)s个主体，这里有%(count)s个；请分批核查"),
            params={"max": f"{MAX_SUBJECTS:,}", "count": f"{len(queries):,}"},
            field="subjects",
        )
    return purpose


def run_check(
    queries: Sequence[SubjectQuery],
    *,
    scene_code: str,
    purpose: str,
    actor: audit.Actor,
    unit: Unit,
    today: date | None = None,
) -> CheckOutcome:
    """Check the subjects in one scene; store and audit the receipt; return the answer."""
    purpose = _validate(queries, purpose)
    day = today or timezone.localdate()
    data_version, pack_key = _versions()
    snapshot = _snapshot(pack_key)
    if scene_code not in snapshot.scenes:
        find_scene(scene_code)  # refuses an unknown scene with its coded error
        reset_cache()  # the scene exists: the snapshot is older than the pack
        snapshot = _snapshot(pack_key)
    scene_id = snapshot.scenes[scene_code][0]
    with _collector_paused(len(queries) >= BIG_BATCH):
        parsed = [_parse(index, query, day) for index, query in enumerate(queries)]
        matches, by_name = _match(parsed)
        answer = _Answer(snapshot, scene_id, day, {row[0]: row for row in matches if row})
        candidates = _candidates_for(parsed, matches, by_name)
        encoded, compressed = _write(
            answer.result(item, row, candidates) for item, row in zip(parsed, matches, strict=True)
        )
    receipt = CheckReceipt(
        created_at=timezone.now(),
        actor=actor.label,
        unit=unit,
        purpose=purpose,
        scene_id=scene_id,
        subject_count=len(parsed),
        matched_count=answer.matched_count,
        listed_count=answer.listed_count,
        data_version=data_version,
        hits={"lists": dict(answer.list_hits), "measures": dict(answer.measure_hits)},
        results=compressed,
    )
    with _write_lock(), transaction.atomic():
        receipt.save(force_insert=True)
        audit.record(
            "xinyong.check.made",
            actor,
            receipt,
            {
                "reference": receipt.reference,
                "scene": scene_code,
                "purpose": purpose,
                "count": len(parsed),
                "matched": answer.matched_count,
                "listed": answer.listed_count,
                "data_version": data_version,
            },
        )
    return CheckOutcome(receipt, encoded)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector while a big answer is built.

    A 100,000-subject answer makes hundreds of thousands of objects, none in a cycle; the
    collector would walk the growing heap again and again. It is resumed at once
    afterwards, also on error.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _write(results: Iterator[bytes]) -> tuple[bytes, bytes]:
    """The answer as a JSON array, and compressed.

    Results come encoded one by one and are joined as bytes (one string of the whole
    answer would take twice its size: Chinese text is stored two bytes a character). A big
    answer is compressed block by block in a second thread while the next block is
    written: zlib lets go of the interpreter while it works, so the two overlap.
    """
    blocks: list[bytes] = []
    compressor = zlib.compressobj(COMPRESSION_LEVEL)
    pending: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    compressed: list[bytes] = []

    def compress() -> None:
        while (block := pending.get()) is not None:
            compressed.append(compressor.compress(block))

    worker: threading.Thread | None = None
    opening = b"["
    try:
        while block := list(itertools.islice(results, COMPRESS_BLOCK)):
            data = opening + b",".join(block)
            opening = b","
            blocks.append(data)
            if worker is None and len(block) == COMPRESS_BLOCK:
                worker = threading.Thread(target=compress, name="check-compress", daemon=True)
                worker.start()
            pending.put(data)
        blocks.append(b"]" if blocks else b"[]")
        pending.put(blocks[-1])
    finally:
        pending.put(None)  # also on error: the worker must not wait for ever
        if worker is None:
            compress()
        else:
            worker.join()
    return b"".join(blocks), b"".join([*compressed, compressor.flush()])


_sqlite_writer = threading.Lock()


@contextmanager
def _write_lock() -> Iterator[None]:
    """On SQLite, one writing thread per process at a time.

    SQLite has one writer; a thread that finds the database locked sleeps in SQLite's
    busy handler for 1, 2, 5 … 100 ms, which under concurrent checks gives a long tail.
    Threads of one process queue here instead and wake as soon as the writer is done.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with _sqlite_writer:
        yield


def _match(parsed: list[_Parsed]) -> tuple[list[_Row | None], dict[str, list[_Row]]]:
    """Each query's subject row or None, and the subjects found by the names sent."""
    by_uscc = _subjects_by("uscc", (p.uscc for p in parsed if p.uscc))
    by_index = _subjects_by("id_number_index", (p.id_index for p in parsed if p.id_index))
    matches: list[_Row | None] = []
    for item in parsed:
        row = None
        if item.uscc:
            row = by_uscc.get(item.uscc)
            if row is None:
                # Validated only on a miss: a stored code is valid (or one an operator
                # accepted), so only misses pay for the check, and get its reason.
                try:
                    identifiers.check_uscc(item.uscc)
                except identifiers.IdentifierError as error:
                    item.error = error
            else:
                item.matched_by = "uscc"
        elif item.id_index:
            row = by_index.get(item.id_index)
            item.matched_by = "id_number" if row is not None else None
        matches.append(row)
    # Names: the only identifier, or a help (candidates) when the code sent matched nobody.
    by_name = _subjects_named(
        item.name for item, row in zip(parsed, matches, strict=True) if item.name and row is None
    )
    for position, item in enumerate(parsed):
        if item.name and not item.code_given:
            same = by_name.get(item.name, [])
            if len(same) == 1:
                matches[position] = same[0]
                item.matched_by = "name"
    return matches, by_name


_NOTHING = ',"entries":[],"measures":[],"incentives":[]'
_UNLISTED = ',"entries":[],"measures":[],"incentives":['
_CLOSE = b"]}"
_NONE: tuple[bytes, list[str]] = (_CLOSE, [])


class _Answer:
    """The per-subject results of one check, as JSON text, and its counts and hits.

    Each result is written from pre-encoded pieces (a measure, a list, a ground, a
    rule's incentives are encoded once per snapshot or check); only what differs per
    subject is encoded per subject. Keys come in the order of the documented shape.
    """

    def __init__(
        self, snapshot: _Snapshot, scene_id: int, day: date, matched: dict[int, _Row]
    ) -> None:
        self.snapshot = snapshot
        self.day = day
        self.clean = _clean_rules(snapshot, scene_id, day)
        since = min([rule.since for rule in self.clean], default=day)
        ids = sorted(matched)
        self.entries = _entries(ids, day, since)
        type_ids = sorted({pk for rule in self.clean for pk in rule.type_ids})
        kinds = {kind for rule in self.clean for kind in rule.kinds}
        eligible = [pk for pk in ids if matched[pk][1] in kinds]
        self.records = _negative_records(eligible, type_ids, since, day)
        self.graded = _grade_rules(snapshot, scene_id, day)
        self.grades = _grades(self.graded, ids) if self.graded else {}
        unit_ids = {e.unit_id for found in self.entries.values() for e in found}
        self.unit_json: dict[int, str] = {}
        if unit_ids:
            names = Unit.objects.filter(pk__in=unit_ids).values_list("id", "name")
            self.unit_json = {pk: _enc(name) for pk, name in names}
        self.measures = _Measures(snapshot, scene_id)
        self.list_hits: dict[str, int] = defaultdict(int)
        self.measure_hits: dict[str, int] = defaultdict(int)
        self.matched_count = 0
        self.listed_count = 0

    def result(
        self, item: _Parsed, row: _Row | None, candidates: dict[int, list[dict[str, Any]]]
    ) -> bytes:
        """One subject's result as UTF-8 JSON."""
        head = f'{{"index":{item.index},"query":{item.echo}'
        if row is None:
            found = candidates.get(item.index)
            error = f',"error":{_dumps(_error_dict(item.error))}' if item.error else ""
            if found:
                return (
                    f'{head},"match":"candidates","matched_by":null,"subject":null,'
                    f'"candidates":{_dumps(found)}{_NOTHING}{error}}}'
                ).encode()
            return (
                f'{head},"match":"none","matched_by":null,"subject":null,"candidates":[]'
                f"{_NOTHING}{error}}}"
            ).encode()
        self.matched_count += 1
        subject_id, kind, name, uscc, masked, public_id = row
        text = (
            f'{head},"match":"matched","matched_by":"{item.matched_by}","subject":'
            f'{{"kind":{_enc(kind)},"name":{_enc(name)},"code":{_enc(uscc or masked)},'
            f'"public_id":{_enc(public_id)}}},"candidates":[]'
        )
        own = self.entries.get(subject_id)
        # The incentives are encoded once per check (they are most of a clean answer).
        tail, granted = (
            self._incentives(kind, own, subject_id) if self.clean or self.graded else _NONE
        )
        if not own:
            self._count(granted, ())
            return f"{text}{_UNLISTED}".encode() + tail
        day = self.day
        current = [e for e in own if e.in_force_on(day)]
        if not current:
            self._count(granted, ())
            return f"{text}{_UNLISTED}".encode() + tail
        self.listed_count += 1
        lists = self.snapshot.lists
        if len(current) > 1:
            current.sort(key=lambda e: (lists[e.list_id].position, lists[e.list_id].code))
        for code in {lists[e.list_id].code for e in current}:
            self.list_hits[code] += 1
        entries = ",".join(self._entry(e) for e in current)
        measures, codes = self._measures(current, kind)
        self._count(granted, codes)
        listed = f'{text},"entries":[{entries}],"measures":[{measures}],"incentives":['
        return listed.encode() + tail

    def _count(self, incentives: Iterable[str], measures: Iterable[str]) -> None:
        """Hits per measure: once per subject, whether by a list, a rule, or both."""
        for code in {*incentives, *measures}:
            self.measure_hits[code] += 1

    def _entry(self, entry: _Entry) -> str:
        ends = f'"{entry.ends_on.isoformat()}"' if entry.ends_on else "null"
        return (
            f'{{"reference":{_enc(entry.reference)}{self.snapshot.list_json[entry.list_id]},'
            f'"starts_on":"{entry.starts_on.isoformat()}","ends_on":{ends},'
            f'"unit":{self.unit_json.get(entry.unit_id, _EMPTY)},'
            f'"document_number":{_enc(entry.document_number)}}}'
        )

    def _measures(self, current: list[_Entry], kind: str) -> tuple[str, tuple[str, ...]]:
        """The measures' JSON items, and their codes."""
        by_list = {e.list_id: _enc(e.reference) for e in current}
        template, order, codes = self.measures.template(frozenset(by_list), kind)
        return template % tuple(by_list[list_id] for list_id in order), codes

    def _incentives(
        self, kind: str, entries: list[_Entry] | None, subject_id: int
    ) -> tuple[bytes, list[str]]:
        """The clean-record incentives the subject is eligible for, as the end of its
        result (JSON items, then `]}`), and their measure codes."""
        granted: list[bytes] = []
        granted_codes: list[str] = []
        records = self.records.get(subject_id)
        lists = self.snapshot.lists
        for rule in self.clean:
            if kind not in rule.kinds:
                continue
            if records and any(
                pk in rule.type_ids and decided > rule.since for pk, decided in records.items()
            ):
                continue
            if entries and any(
                lists[e.list_id].kind in BARRING_KINDS and e.in_force_after(rule.since, self.day)
                for e in entries
            ):
                continue
            codes, text = rule.incentives[kind]
            granted.append(text)
            granted_codes += codes
        for graded in self.graded:
            grade = self.grades[graded.run_id].get(subject_id)
            found = graded.incentives.get((kind, grade)) if grade else None
            if found is None or (
                entries
                and any(
                    lists[e.list_id].kind in BARRING_KINDS and e.in_force_on(self.day)
                    for e in entries
                )
            ):
                continue
            granted.append(found[1])
            granted_codes += found[0]
        if len(granted) == 1:
            return granted[0] + _CLOSE, granted_codes
        return b",".join(granted) + _CLOSE, granted_codes


_EMPTY = '""'


def _candidates_for(
    parsed: list[_Parsed],
    matches: list[_Row | None],
    by_name: dict[str, list[_Row]],
) -> dict[int, list[dict[str, Any]]]:
    """Unconfirmed candidates for the unmatched queries that give a name: the subjects
    with exactly that name (score 1.0) when there are several, then the fuzzy index's."""
    wanted = [item for item, row in zip(parsed, matches, strict=True) if row is None and item.name]
    if not wanted:
        return {}
    scored: dict[int, list[tuple[int, float]]] = {}
    for item in wanted:
        exact = [(row[0], 1.0) for row in by_name.get(item.name, [])]
        try:
            near = fuzzy.candidates(item.name, CANDIDATES)
        except QueryError:
            near = []  # a name the index cannot search (too long): exact matches only
        found = [(c.subject_id, float(c.score)) for c in near]
        ranked: dict[int, float] = {}
        for subject_id, score in [*exact, *found]:
            ranked.setdefault(subject_id, score)
        scored[item.index] = list(ranked.items())[: max(CANDIDATES, len(exact))]
    wanted_ids = {pk for ranked in scored.values() for pk, _score in ranked}
    rows = {
        row[0]: row
        for row in Subject.objects.filter(pk__in=wanted_ids).values_list(
            "id", "kind", "name", "uscc", "id_number_masked", "public_id"
        )
    }
    return {
        index: [
            {
                "name": rows[pk][2],
                "code": rows[pk][3] or rows[pk][4],
                "public_id": rows[pk][5],
                "score": round(score, 3),
                "confirmed": False,
            }
            for pk, score in ranked
            if pk in rows
        ]
        for index, ranked in scored.items()
    }


# --- reading a receipt back ------------------------------------------------------------------


def find_receipt(reference: str) -> CheckReceipt:
    receipt = (
        CheckReceipt.objects.select_related("unit", "scene")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if receipt is None:
        raise NotFound(
            "check.unknown_receipt",
            _("没有编号为“%(reference)s”的核查回执"),
            params={"reference": reference},
        )
    return receipt


def results_json(receipt: CheckReceipt) -> bytes:
    """The stored answer's per-subject results, as the UTF-8 JSON they were stored as."""
    return zlib.decompress(bytes(receipt.results))


def load_receipt(reference: str) -> tuple[CheckReceipt, list[dict[str, Any]]]:
    """A receipt and its results exactly as answered; NotFound `check.unknown_receipt`."""
    receipt = find_receipt(reference)
    results: list[dict[str, Any]] = json.loads(results_json(receipt))
    return receipt, results
