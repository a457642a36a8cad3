from __future__ import annotations

import glob
import subprocess

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from xinyong.accounts.models import User
from xinyong.core import audit
from xinyong.core.errors import InvalidInput, PermissionDenied
from xinyong.core.models import AuditEvent
from xinyong.subjects import services
from xinyong.subjects.demo import insert_subjects
from xinyong.subjects.identifiers import IdentifierError
from xinyong.subjects.models import Subject

PERSON_ID = "530102199003071238"  # 五华区, born 1990-03-07, valid check character


def _person(**overrides) -> Subject:
    values = {"kind": "person", "name": "李四", "id_number": PERSON_ID} | overrides
    return services.create_subject(audit.Actor.cli(), **values)


@pytest.mark.django_db
def test_it_stores_a_persons_id_number_sealed_and_masked(loaded_pack):
    person = _person()
    assert person.id_number_masked == "5301**********1238"
    assert PERSON_ID not in person.id_number_enc + person.id_number_index
    assert person.region_id == "530102"
    assert services.find_subject(PERSON_ID) == person
    assert services.find_subject(" 530102 1990 0307 1238 ") == person


@pytest.mark.django_db
def test_it_finds_an_organisation_by_a_lowercase_code(loaded_pack):
    company = services.create_subject(
        audit.Actor.cli(),
        kind="organisation",
        name="昆明鑫瑞商贸有限公司",
        uscc=_valid_uscc("9153010012345678"),
    )
    assert company.region_id == "530100"
    assert services.find_subject(company.uscc.lower()) == company


def _valid_uscc(first16: str) -> str:
    from xinyong.subjects.identifiers import org_code_check_character, uscc_check_character

    first17 = first16[:8] + first16[8:16] + org_code_check_character(first16[8:16])
    return first17 + uscc_check_character(first17)


@pytest.mark.django_db
def test_it_refuses_identifiers_that_do_not_fit_the_kind(loaded_pack):
    with pytest.raises(InvalidInput) as error:
        _person(uscc=_valid_uscc("9153010212345678"))
    assert error.value.code == "subject.kind_mismatch"
    with pytest.raises(InvalidInput) as missing:
        services.create_subject(audit.Actor.cli(), kind="organisation", name="某公司")
    assert missing.value.code == "subject.uscc_required"
    with pytest.raises(IdentifierError) as masked:
        _person(id_number="5301**********1238")
    assert masked.value.code == "id.masked"


@pytest.mark.django_db
def test_the_audit_log_of_a_new_person_holds_only_the_masked_number(loaded_pack):
    person = _person()
    event = AuditEvent.objects.get(action="xinyong.subject.created", object_id=str(person.pk))
    assert event.data["code"] == "5301**********1238"
    assert PERSON_ID not in str(AuditEvent.objects.values_list("data", flat=True)[::1])


@pytest.mark.django_db
def test_revealing_a_full_number_needs_the_permission_and_a_purpose_and_is_audited(loaded_pack):
    person = _person()
    clerk = User.objects.create_user("clerk", password="x")
    with pytest.raises(PermissionDenied):
        services.reveal_id_number(person, clerk, "核查身份")
    clerk.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
    clerk = User.objects.get(pk=clerk.pk)  # permissions are cached on the instance
    with pytest.raises(InvalidInput) as no_purpose:
        services.reveal_id_number(person, clerk, " ")
    assert no_purpose.value.code == "subject.reveal_purpose"
    assert services.reveal_id_number(person, clerk, "行政许可核查身份") == PERSON_ID
    event = AuditEvent.objects.get(action="xinyong.subject.id_revealed")
    assert event.data == {"purpose": "行政许可核查身份"}
    assert event.actor == f"user:{clerk.pk}:clerk"


def _dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    settings = connection.settings_dict
    pg_dump = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
    return subprocess.run(
        [pg_dump, "-h", settings["HOST"], "-U", settings["USER"], settings["NAME"]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_contains_no_plaintext_id_number(loaded_pack):
    from xinyong.subjects.demo import generate_subjects, load_regions

    _person()
    insert_subjects(300, seed=7)
    rows = generate_subjects(300, 7, load_regions())
    numbers = [row.id_number for row in rows if row.id_number]
    assert len(numbers) > 5
    dump = _dump()
    assert "5301**********1238" in dump  # the dump is real and holds the subjects
    leaked = [number for number in [PERSON_ID, *numbers] if number in dump]
    assert leaked == []
