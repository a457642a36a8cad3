"""Keeping the index in step: creation, renames, persons, imports, demo data, rebuild."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.records.factories import penalty, person_penalty, uscc
from xinyong.core import audit
from xinyong.records.models import Batch, RecordType
from xinyong.records.pipeline import Importer, SourceRow, start_batch
from xinyong.search.index import index_subjects, rebuild, reindex_subject
from xinyong.search.models import IndexedName, NameGram
from xinyong.search.query import search_subjects
from xinyong.subjects import services
from xinyong.subjects.demo import insert_subjects
from xinyong.subjects.models import Subject, Unit

pytestmark = pytest.mark.django_db
PERSON_ID = "530102199003071238"


def _names(query: str) -> list[str]:
    return [subject.name for subject in search_subjects(query).items]


def test_a_renamed_subject_is_found_by_its_new_name_only(organisation):
    subject = organisation("昆明鑫瑞商贸有限公司")
    subject.name = "昆明白药坊大药房有限公司"
    subject.save()
    assert _names("白药") == ["昆明白药坊大药房有限公司"]
    assert _names("鑫瑞") == []
    assert _names("鑫瑞商贸") == []


def test_reindex_subject_follows_a_rename_made_in_bulk(organisation):
    subject = organisation("昆明鑫瑞商贸有限公司")
    Subject.objects.filter(pk=subject.pk).update(name="玉溪红塔烟草有限公司")  # no signal
    assert _names("红塔") == []
    reindex_subject(Subject.objects.get(pk=subject.pk))
    assert (_names("红塔"), _names("鑫瑞")) == (["玉溪红塔烟草有限公司"], [])


def test_a_save_that_changes_no_name_writes_nothing(organisation, django_assert_num_queries):
    subject = organisation("昆明鑫瑞商贸有限公司")
    assert index_subjects([(subject.pk, subject.name, subject.kind)]) == 0
    with django_assert_num_queries(1):  # the UPDATE; the status is not indexed
        subject.save(update_fields=["status"])


def test_natural_persons_are_never_indexed_or_found(organisation):
    person = services.create_subject(
        audit.Actor.cli(), kind="person", name="白药", id_number=PERSON_ID
    )
    organisation("云南白药集团股份有限公司")
    assert index_subjects([(person.pk, person.name, person.kind)]) == 0
    assert not NameGram.objects.filter(subject=person).exists()
    assert not IndexedName.objects.filter(subject=person).exists()
    assert _names("白药") == ["云南白药集团股份有限公司"]
    assert _names("白") == ["云南白药集团股份有限公司"]


def test_a_subject_created_by_an_import_is_findable(loaded_pack):
    actor = audit.Actor("cli:tester")
    batch = start_batch(
        Unit.objects.get(code="YN-GAT"),
        RecordType.objects.get(code="penalty"),
        Batch.Source.CLI,
        actor,
    )
    rows = [penalty(CF_XDR_MC="昆明白药坊大药房有限公司"), person_penalty(CF_XDR_MC="白药")]
    sources = [SourceRow(n, cells, cells) for n, cells in enumerate(rows, start=2)]
    result = Importer(batch, actor, today=date(2026, 11, 27)).run(sources)
    assert result.accepted == 2
    assert _names("白药") == ["昆明白药坊大药房有限公司"]
    assert search_subjects(uscc().lower()).items[0].name == "昆明白药坊大药房有限公司"


def test_demo_subjects_are_findable_but_not_the_demo_persons(loaded_pack):
    insert_subjects(300, seed=7)
    organisation = Subject.objects.exclude(kind="person").order_by("pk").last()
    person = Subject.objects.filter(kind="person").first()
    assert organisation is not None and person is not None
    assert organisation in search_subjects(organisation.name).items
    assert all(found.kind != "person" for found in search_subjects(person.name[-1]).items)
    assert not IndexedName.objects.filter(subject=person).exists()
    assert IndexedName.objects.count() == Subject.objects.exclude(kind="person").count()


def test_indexing_the_same_subjects_twice_writes_nothing(organisation):
    subject = organisation("昆明鑫瑞商贸有限公司")
    rows = [(subject.pk, subject.name, subject.kind)]
    assert index_subjects(rows) == 0
    NameGram.objects.filter(subject=subject).delete()
    IndexedName.objects.filter(subject=subject).delete()
    assert index_subjects(rows) == NameGram.objects.filter(subject=subject).count() > 0


def test_deleting_a_subject_removes_its_postings(organisation):
    kept = organisation("昆明鑫瑞商贸有限公司")
    gone = organisation("昆明鑫瑞物流有限公司")
    gone_id = gone.pk
    gone.delete()
    assert not NameGram.objects.filter(subject_id=gone_id).exists()
    assert not IndexedName.objects.filter(subject_id=gone_id).exists()
    page = search_subjects("鑫瑞")
    assert (page.items, page.total) == ([kept], 1)


def test_rebuild_restores_a_lost_index_and_drops_orphans(organisation):
    organisation("昆明鑫瑞商贸有限公司")
    gone = organisation("玉溪红塔烟草有限公司")
    NameGram.objects.filter(gram="鑫瑞").delete()
    IndexedName.objects.filter(subject=gone).delete()
    with connection.cursor() as cursor:  # around the ORM: no signal
        cursor.execute("DELETE FROM subjects_subject WHERE id = %s", [gone.pk])
    assert NameGram.objects.filter(subject_id=gone.pk).exists()
    assert search_subjects("红塔").items == []
    assert _names("鑫瑞") == []
    assert rebuild(batch_size=1) > 0
    assert _names("鑫瑞") == ["昆明鑫瑞商贸有限公司"]
    assert not NameGram.objects.filter(subject_id=gone.pk).exists()
    assert search_subjects("红塔").total == 0


def test_the_rebuild_command_reports_progress_and_a_summary(organisation):
    for n in range(3):
        organisation(f"昆明鑫瑞{n}商贸有限公司")
    NameGram.objects.all().delete()
    out = StringIO()
    call_command("search", "rebuild", "--batch-size", "1", stdout=out)
    lines = out.getvalue().splitlines()
    assert "3 / 3" in lines[-2]
    assert "3" in lines[-1] and "postings" in lines[-1]
    assert len(_names("鑫瑞")) == 3


def test_a_rolled_back_creation_leaves_no_postings():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_subject(
            audit.Actor.cli(), kind="organisation", name="昆明鑫瑞商贸有限公司", uscc=uscc()
        )
        raise RuntimeError("abandoned")
    assert not NameGram.objects.exists()
