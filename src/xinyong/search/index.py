"""Keeping the postings in step with the subjects.

Whoever creates subjects in bulk calls `index_subjects` in the same transaction
(`bulk_create` sends no signals); single saves, the admin's included, are indexed by
the `post_save` receiver in `signals`, and deletions forgotten by its `pre_delete`
receiver. Changes made around the ORM (`QuerySet.update` of names, raw SQL) are not
seen: `rebuild` recreates everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from django.db import connection, transaction

from xinyong.search.models import IndexedName, NameGram
from xinyong.search.text import grams, normalise
from xinyong.subjects.models import Subject

SubjectRow = tuple[int, str, str]  # (id, name, kind)
# Subjects per round trip: keeps `IN (…)` lists under SQLite's 32,766 variables.
CHUNK = 2000
PERSON = Subject.Kind.PERSON.value
T = TypeVar("T")


def index_subjects(subjects: Iterable[SubjectRow]) -> int:
    """Make the index right for these subjects; return how many postings were written.

    1. Natural persons are not indexed (searching people by name is what the portal's
       anti-scraping rules exist to stop); one indexed before is taken out.
    2. A subject already indexed under the same text is left alone, so indexing the
       same subjects twice writes nothing.
    3. A subject indexed under another text (renamed) loses its old postings first.
    4. The new texts and postings are written; postings in subject order per gram.
    """
    written = 0
    with transaction.atomic():
        for chunk in _batched(subjects):
            written += _index_chunk(chunk)
    return written


def reindex_subject(subject: Subject) -> int:
    """Re-index one subject after its name or kind changed."""
    return index_subjects([(subject.pk, subject.name, subject.kind)])


def forget_subject(pk: int) -> int:
    """Remove a subject from the index (an empty name is never indexed)."""
    return index_subjects([(pk, "", "")])


def index_by_uscc(codes: Sequence[str]) -> int:
    """Index the subjects with these codes: a bulk insert ignoring conflicts sets no ids."""
    written = 0
    for chunk in _batched(codes):
        rows = Subject.objects.filter(uscc__in=chunk).values_list("pk", "name", "kind")
        written += index_subjects(rows)
    return written


def rebuild(*, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None) -> int:
    """Recreate the whole index in one transaction; return the postings written.

    Readers keep seeing the old index until the transaction commits. `progress`
    receives (subjects done, subjects in all) after each batch.
    """
    total = Subject.objects.count()
    done = written = last = 0
    with transaction.atomic():
        _delete_everything()
        while batch := _subjects_after(last, batch_size):
            written += index_subjects(batch)
            done += len(batch)
            last = batch[-1][0]
            if progress is not None:
                progress(done, max(total, done))
    return written


def _batched(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _subjects_after(last: int, size: int) -> list[SubjectRow]:
    rows = Subject.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name", "kind")
    return list(rows[:size])


def _index_chunk(chunk: Sequence[SubjectRow]) -> int:
    texts = {pk: normalise(name) for pk, name, kind in chunk if kind != PERSON}
    texts = {pk: text for pk, text in texts.items() if text}
    old = dict(
        IndexedName.objects.filter(subject_id__in=[row[0] for row in chunk]).values_list(
            "subject_id", "text"
        )
    )
    changed = {pk: text for pk, text in texts.items() if old.get(pk) != text}
    stale = {pk: text for pk, text in old.items() if texts.get(pk) != text}
    _delete_postings(stale)
    IndexedName.objects.filter(subject_id__in=[pk for pk in stale if pk not in texts]).delete()
    IndexedName.objects.bulk_create(
        [IndexedName(subject_id=pk, text=text) for pk, text in changed.items()],
        update_conflicts=True,
        unique_fields=["subject"],
        update_fields=["text"],
    )
    return _insert_postings(changed)


def _postings(texts: dict[int, str]) -> list[tuple[str, int]]:
    # Sorted: consecutive inserts then land on neighbouring pages of the key.
    return sorted((gram, pk) for pk, text in texts.items() for gram in grams(text))


def _table() -> str:
    return connection.ops.quote_name(NameGram._meta.db_table)


def _insert_postings(texts: dict[int, str]) -> int:
    rows = _postings(texts)
    if not rows:
        return 0
    insert = f"INSERT INTO {_table()} (gram, subject_id)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per chunk: executemany has the server parse and plan one
            # INSERT per posting, about ten times slower here.
            grams, ids = zip(*rows, strict=True)
            cursor.execute(
                f"{insert} SELECT * FROM unnest(%s::text[], %s::bigint[]) ON CONFLICT DO NOTHING",
                [list(grams), list(ids)],
            )
        else:
            cursor.executemany(f"{insert} VALUES (%s, %s) ON CONFLICT DO NOTHING", rows)
    return len(rows)


def _delete_postings(texts: dict[int, str]) -> None:
    rows = _postings(texts)
    if rows:
        sql = f"DELETE FROM {_table()} WHERE gram = %s AND subject_id = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _delete_everything() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table()}")
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(IndexedName._meta.db_table)}")
