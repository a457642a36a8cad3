"""The joint reward-and-punishment check (联合奖惩核查): matching, entries, measures, receipts."""

from __future__ import annotations

import io
import json
import zlib
from datetime import date

import pytest

from tests.records.factories import id_number, penalty, uscc
from xinyong.core.audit import Actor
from xinyong.core.errors import InvalidInput, NotFound
from xinyong.core.models import AuditEvent
from xinyong.lists import checks, entries
from xinyong.lists.checks import MAX_SUBJECTS, SubjectQuery, load_receipt, run_check
from xinyong.lists.models import CheckReceipt, CreditList, ListEntry, Measure, Scene
from xinyong.lists.services import measures_for
from xinyong.policy.schemas import BasisOut
from xinyong.records.imports import import_objects
from xinyong.records.models import RecordType
from xinyong.subjects.models import Subject, Unit
from xinyong.subjects.services import create_subject

pytestmark = pytest.mark.django_db

ACTOR = Actor("test:operator")
CHECKER = Actor("test:checker", "YN-CZT")
# 2025-03-03 is a Monday: the 5-working-day defence period ends on Monday 2025-03-10.
MONDAY = date(2025, 3, 3)
TODAY = date(2025, 6, 2)
PROCUREMENT = "government-procurement"
LICENSING = "administrative-licensing"


@pytest.fixture
def checker(loaded_pack) -> Unit:
    return Unit.objects.get(code="YN-CZT")


def company(name: str = "昆明拒执商贸有限公司", body: str = "12345678") -> Subject:
    return create_subject(ACTOR, kind="organisation", name=name, uscc=uscc(body=body))


def judgment_defaulter(subject: Subject) -> ListEntry:
    """失信被执行人 through the full due process: propose → notify → decide → publish."""
    entry = entries.propose(
        "judgment-defaulters", subject, reasons="有履行能力而拒不履行", actor=ACTOR, today=MONDAY
    )
    entries.notify(entry, actor=ACTOR, on=MONDAY)
    entries.decide(
        entry, listed=True, actor=ACTOR, on=date(2025, 3, 10), document_number="（2025）云01执1号"
    )
    return entries.publish(entry, actor=ACTOR)


def check(checker: Unit, *queries: SubjectQuery, scene: str = PROCUREMENT, **kwargs):
    return run_check(
        list(queries),
        scene_code=scene,
        purpose="政府采购供应商资格审查",
        actor=CHECKER,
        unit=checker,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def by_code(items: list[dict]) -> dict[str, dict]:
    return {item["code"]: item for item in items}


# --- the done-when ----------------------------------------------------------------


def test_a_judgment_defaulter_gets_the_procurement_measures_with_their_bases(checker):
    subject = company()
    entry = judgment_defaulter(subject)

    outcome = check(checker, SubjectQuery(uscc=subject.uscc))

    [result] = outcome.results
    assert (result["match"], result["matched_by"]) == ("matched", "uscc")
    assert result["subject"] == {
        "kind": "organisation",
        "name": "昆明拒执商贸有限公司",
        "code": subject.uscc,
        "public_id": subject.public_id,
    }
    assert result["entries"] == [
        {
            "reference": entry.reference,
            "list": "judgment-defaulters",
            "list_name": CreditList.objects.get(code="judgment-defaulters").name,
            "list_kind": "black",
            "starts_on": "2025-03-10",
            "ends_on": None,
            "unit": entry.unit.name,
            "document_number": "（2025）云01执1号",
        }
    ]
    # Pack order: public-resource-trading-limit comes before government-procurement-ban.
    assert [m["code"] for m in result["measures"]] == [
        "public-resource-trading-limit",
        "government-procurement-ban",
    ]
    ban = by_code(result["measures"])["government-procurement-ban"]
    measure = Measure.objects.get(code="government-procurement-ban")
    assert ban["basis"] == BasisOut.of(measure).model_dump()
    assert ban["basis"]["document_number"] == "财库〔2016〕125号"
    assert (ban["kind"], ban["units"], ban["all_units"]) == ("punishment", ["云南省财政厅"], False)
    assert [(g["entry"], g["list"], g["memorandum"]) for g in ban["grounds"]] == [
        (entry.reference, "judgment-defaulters", "judgment-defaulters-2016"),
        (entry.reference, "judgment-defaulters", "procurement-credit-records-2016"),
    ]
    trading = by_code(result["measures"])["public-resource-trading-limit"]
    assert trading["all_units"] is True
    assert {g["memorandum"] for g in trading["grounds"]} == {
        "judgment-defaulters-2016",
        "yn-2019-serious-dishonesty",
    }
    # On a black list: no clean-record incentive (none applies in procurement anyway).
    assert result["incentives"] == []
    receipt = outcome.receipt
    assert (receipt.subject_count, receipt.matched_count, receipt.listed_count) == (1, 1, 1)
    assert receipt.hits == {
        "lists": {"judgment-defaulters": 1},
        "measures": {"public-resource-trading-limit": 1, "government-procurement-ban": 1},
    }


def test_a_scene_without_a_measure_for_the_list_returns_the_entry_and_no_measure(checker):
    subject = company()
    entry = judgment_defaulter(subject)
    assert measures_for(["judgment-defaulters"], "charity-awards", "organisation") == []

    [result] = check(checker, SubjectQuery(uscc=subject.uscc), scene="charity-awards").results

    assert [e["reference"] for e in result["entries"]] == [entry.reference]
    assert result["measures"] == []


def test_an_expired_or_exited_entry_is_not_returned(checker):
    subject = company()
    entries.record_decided(
        "major-tax-violators",
        subject,
        reasons="虚开增值税专用发票",
        decided_on=date(2022, 1, 10),
        actor=ACTOR,
        ends_on=date(2025, 1, 9),
    )
    exited = judgment_defaulter(company("昆明已履行商贸有限公司", "22345678"))
    entries.exit_entry(exited, "conditions_met", actor=ACTOR, on=date(2025, 5, 1), note="已履行")

    results = check(
        checker, SubjectQuery(uscc=subject.uscc), SubjectQuery(uscc=exited.subject.uscc)
    ).results

    assert [r["match"] for r in results] == ["matched", "matched"]
    assert [r["entries"] for r in results] == [[], []]
    assert [r["measures"] for r in results] == [[], []]
    # The same entry is returned on a day within its term.
    [earlier] = check(checker, SubjectQuery(uscc=subject.uscc), today=date(2025, 1, 9)).results
    assert [e["list"] for e in earlier["entries"]] == ["major-tax-violators"]


def test_an_unknown_code_matches_nothing_and_a_malformed_one_says_why(checker):
    masked = "91530102****5678X"
    results = check(
        checker,
        SubjectQuery(uscc=uscc(body="99999999")),
        SubjectQuery(uscc=masked),
        SubjectQuery(),
    ).results

    assert [r["match"] for r in results] == ["none", "none", "none"]
    assert "error" not in results[0]
    assert results[1]["error"]["code"] == "uscc.masked"
    assert results[1]["error"]["message"] and results[1]["error"]["message_en"]
    assert results[2]["error"]["code"] == "check.query_empty"
    assert [r["query"] for r in results] == [{"uscc": uscc(body="99999999")}, {"uscc": masked}, {}]
    assert all(r["subject"] is None and r["measures"] == [] for r in results)


def test_a_uscc_matches_whatever_its_case_and_width(checker):
    subject = company()
    typed = " " + subject.uscc.lower()[:10] + "\u3000" + subject.uscc[10:].lower()
    [result] = check(checker, SubjectQuery(uscc=typed)).results
    assert result["subject"]["public_id"] == subject.public_id


def test_a_person_is_found_by_id_number_and_the_number_is_never_stored_in_full(checker):
    number = id_number(born="19800101")
    person = create_subject(ACTOR, kind="person", name="赵六", id_number=number)
    judgment_defaulter(person)

    outcome = check(checker, SubjectQuery(id_number=number.lower()))

    [result] = outcome.results
    assert (result["match"], result["matched_by"]) == ("matched", "id_number")
    assert result["subject"]["code"] == person.id_number_masked
    assert result["query"] == {"id_number": person.id_number_masked}
    assert "government-procurement-ban" in by_code(result["measures"])
    receipt = CheckReceipt.objects.get(pk=outcome.receipt.pk)
    stored = zlib.decompress(bytes(receipt.results)).decode("utf-8")
    event = AuditEvent.objects.get(action="xinyong.check.made")
    for text in (json.dumps(outcome.results), stored, json.dumps(event.data), str(receipt.hits)):
        assert number not in text and number[6:14] not in text


def test_a_malformed_id_number_is_answered_masked_with_its_error(checker):
    wrong = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    [result] = check(checker, SubjectQuery(id_number=wrong)).results
    assert result["error"]["code"] == "id.checksum"
    assert result["query"] == {"id_number": wrong[:4] + "*" * 10 + wrong[-4:]}


def test_a_unique_exact_name_matches_when_nothing_else_is_known(checker):
    subject = company("昆明独一无二商贸有限公司")
    [result] = check(checker, SubjectQuery(name="昆明独一无二商贸有限公司")).results
    assert (result["match"], result["matched_by"]) == ("matched", "name")
    assert result["subject"]["public_id"] == subject.public_id


# --- receipts -------------------------------------------------------------------------------


def test_the_receipt_gives_back_the_same_answer_later(checker):
    subject = company()
    judgment_defaulter(subject)
    outcome = check(checker, SubjectQuery(uscc=subject.uscc), SubjectQuery(uscc="x"))

    # The lists change afterwards; the receipt still says what was answered then.
    ListEntry.objects.update(status="exited", exit_reason="revoked")
    receipt, results = load_receipt(outcome.receipt.reference.lower())

    assert results == outcome.results
    assert receipt.purpose == "政府采购供应商资格审查"
    assert (receipt.actor, receipt.unit, receipt.scene.code) == (
        "test:checker",
        checker,
        PROCUREMENT,
    )
    entries_version, records_version, pack_version, runs = receipt.data_version.split("/")
    assert entries_version.startswith("entries:") and int(entries_version.split(":")[1]) > 0
    assert records_version == "records:0" and pack_version.startswith("pack:")
    assert runs == "evaluations:0"
    [event] = AuditEvent.objects.filter(action="xinyong.check.made")
    assert event.data["reference"] == receipt.reference
    assert (event.data["count"], event.data["purpose"]) == (2, "政府采购供应商资格审查")
    assert event.actor_unit == "YN-CZT"


def test_an_unknown_receipt_is_a_coded_404(loaded_pack):
    with pytest.raises(NotFound) as caught:
        load_receipt("HC0000000000000000")
    assert caught.value.code == "check.unknown_receipt"


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("queries", "purpose", "code"),
    [
        ([], "资格审查", "check.empty"),
        ([SubjectQuery(uscc="x")], "  ", "check.purpose_required"),
        ([SubjectQuery(uscc="x")], "审查" * 151, "check.purpose_too_long"),
        ([SubjectQuery(uscc="x")] * (MAX_SUBJECTS + 1), "资格审查", "check.too_many"),
    ],
)
def test_it_refuses_a_batch_that_is_empty_unexplained_or_too_big(checker, queries, purpose, code):
    with pytest.raises(InvalidInput) as caught:
        run_check(queries, scene_code=PROCUREMENT, purpose=purpose, actor=CHECKER, unit=checker)
    assert caught.value.code == code
    assert not CheckReceipt.objects.exists()


def test_the_too_many_error_gives_the_limit(checker):
    with pytest.raises(InvalidInput) as caught:
        check(checker, *[SubjectQuery(uscc="x")] * (MAX_SUBJECTS + 1))
    assert "100,000" in caught.value.message_in("zh-hans")
    assert "100,001" in caught.value.message_in("en")


def test_an_unknown_scene_is_refused(checker):
    with pytest.raises(NotFound) as caught:
        check(checker, SubjectQuery(uscc="x"), scene="nowhere")
    assert caught.value.code == "scene.unknown"


# --- incentives -----------------------------------------------------------------------------


def _penalise(subject: Subject, decided: str) -> None:
    row = penalty(
        f"昆市监罚〔{decided[:4]}〕{subject.pk}号",
        CF_XDR_MC=subject.name,
        CF_XDR_SHXYM=subject.uscc,
        CF_JDRQ=decided,
        CF_YXQ="2099-12-31",
    )
    result = import_objects(
        [row], RecordType.objects.get(code="penalty"), Unit.objects.get(code="YN-GSJ"), ACTOR
    )
    assert result.accepted == 1, result.errors


def test_a_clean_record_gets_the_green_channel_in_licensing(checker):
    clean = company("昆明守信商贸有限公司")
    long_ago = company("昆明旧账商贸有限公司", "22345678")
    _penalise(long_ago, "2022-06-01")  # more than 3 years before TODAY

    results = check(
        checker, SubjectQuery(uscc=clean.uscc), SubjectQuery(uscc=long_ago.uscc), scene=LICENSING
    ).results

    for result in results:
        incentives = result["incentives"]
        assert [i["code"] for i in incentives] == ["green-channel", "accept-with-missing-materials"]
        assert {i["rule"] for i in incentives} == {"clean-record-3-years"}
        assert "2022-06-03至2025-06-02" in incentives[0]["why"]
        assert "行政处罚" in incentives[0]["why"]
        assert incentives[0]["basis"]["source"] == "yn-2019-integrity-measures"
        assert result["measures"] == []


def test_a_recent_penalty_or_a_recent_listing_bars_the_incentive(checker):
    penalised = company("昆明新近受罚商贸有限公司")
    _penalise(penalised, "2024-01-15")
    was_listed = company("昆明曾失信商贸有限公司", "22345678")
    entry = judgment_defaulter(was_listed)
    entries.exit_entry(entry, "conditions_met", actor=ACTOR, on=date(2025, 4, 1), note="已履行")
    revoked = company("昆明错列商贸有限公司", "32345678")
    wrong = judgment_defaulter(revoked)
    entries.exit_entry(wrong, "revoked", actor=ACTOR, on=date(2025, 4, 1), note="认定错误")

    results = check(
        checker,
        SubjectQuery(uscc=penalised.uscc),
        SubjectQuery(uscc=was_listed.uscc),
        SubjectQuery(uscc=revoked.uscc),
        scene=LICENSING,
    ).results

    assert [len(r["incentives"]) for r in results] == [0, 0, 2]
    assert [r["entries"] for r in results] == [[], [], []]


def test_no_clean_record_incentive_applies_outside_its_scenes(checker):
    subject = company()
    [result] = check(checker, SubjectQuery(uscc=subject.uscc), scene=PROCUREMENT).results
    assert result["incentives"] == []


def test_a_red_list_gives_its_incentives_through_the_memoranda(checker):
    subject = company("昆明诚信典型商贸有限公司")
    entry = entries.record_decided(
        "integrity-models", subject, reasons="诚信典型", decided_on=date(2025, 1, 2), actor=ACTOR
    )
    outcome = check(checker, SubjectQuery(uscc=subject.uscc), scene=LICENSING)
    [result] = outcome.results
    assert [e["list_kind"] for e in result["entries"]] == ["red"]
    measures = by_code(result["measures"])
    assert set(measures) == {"green-channel", "accept-with-missing-materials"}
    assert measures["green-channel"]["kind"] == "incentive"
    assert measures["green-channel"]["grounds"][0]["entry"] == entry.reference
    assert measures["green-channel"]["grounds"][0]["memorandum"] == "yn-2019-integrity-incentives"
    # A red list does not bar the clean-record rule; the same measure counts once.
    assert [i["code"] for i in result["incentives"]] == [
        "green-channel",
        "accept-with-missing-materials",
    ]
    assert outcome.receipt.hits["measures"] == {
        "green-channel": 1,
        "accept-with-missing-materials": 1,
    }


# --- the set-based resolver agrees with measures_for ------------------------------------


def test_the_measures_agree_with_measures_for_for_every_list_kind_and_scene(loaded_pack):
    checks.reset_cache()
    key = checks._versions()[1]
    snapshot = checks._snapshot(key)
    lists = dict(CreditList.objects.values_list("id", "code"))
    compared = 0
    for scene in Scene.objects.filter(active=True):
        resolver = checks._Measures(snapshot, scene.pk)
        for list_id, code in lists.items():
            for kind in Subject.Kind.values:
                expected = [
                    (
                        a.measure.code,
                        [(g.credit_list.code, g.memorandum.code, g.section) for g in a.grounds],
                    )
                    for a in measures_for([code], scene.code, kind)
                ]
                found = [
                    (
                        snapshot.measures[measure_id]["code"],
                        [
                            (lists[lid], snapshot.memoranda[mid][0], section)
                            for lid, mid, section in grounds
                        ],
                    )
                    for measure_id, grounds in resolver.resolve(frozenset([list_id]), kind)
                ]
                assert found == expected, (scene.code, code, kind)
                compared += len(found)
    assert compared > 50


# --- names ------------------------------------------------------------------------------------


def test_a_name_with_one_character_changed_gives_unconfirmed_candidates_and_no_measures(checker):
    subject = company("昆明拒执商贸有限公司")
    judgment_defaulter(subject)

    outcome = check(checker, SubjectQuery(name="昆明拒执商茂有限公司"))

    [result] = outcome.results
    assert (result["match"], result["matched_by"], result["subject"]) == ("candidates", None, None)
    [candidate] = result["candidates"]
    assert candidate == {
        "name": "昆明拒执商贸有限公司",
        "code": subject.uscc,
        "public_id": subject.public_id,
        "score": 0.9,
        "confirmed": False,
    }
    assert (result["entries"], result["measures"], result["incentives"]) == ([], [], [])
    assert outcome.receipt.matched_count == 0
    assert outcome.receipt.hits == {"lists": {}, "measures": {}}


def test_a_name_several_subjects_share_is_not_a_match(checker):
    first = company("昆明同名商贸有限公司")
    second = company("昆明同名商贸有限公司", "22345678")
    [result] = check(checker, SubjectQuery(name="昆明同名商贸有限公司")).results
    assert result["match"] == "candidates"
    assert [(c["public_id"], c["score"]) for c in result["candidates"]] == [
        (first.public_id, 1.0),
        (second.public_id, 1.0),
    ]


def test_a_code_that_matches_nobody_lets_the_name_offer_candidates_only(checker):
    subject = company("昆明独一无二商贸有限公司")
    [result] = check(
        checker, SubjectQuery(uscc=uscc(body="99999999"), name="昆明独一无二商贸有限公司")
    ).results
    assert result["match"] == "candidates"
    assert result["query"] == {"uscc": uscc(body="99999999"), "name": "昆明独一无二商贸有限公司"}
    assert [c["public_id"] for c in result["candidates"]] == [subject.public_id]
    assert result["measures"] == []


def test_a_person_is_never_matched_by_name(checker):
    create_subject(ACTOR, kind="person", name="赵六", id_number=id_number(born="19800101"))
    [result] = check(checker, SubjectQuery(name="赵六")).results
    assert (result["match"], result["candidates"]) == ("none", [])


# --- the command line ---------------------------------------------------------------------


def test_the_command_prints_a_chinese_summary_and_the_api_json(checker):
    from django.core.management import call_command

    subject = company()
    entry = judgment_defaulter(subject)
    number = id_number(born="19800101")
    create_subject(ACTOR, kind="person", name="赵六", id_number=number)
    out = io.StringIO()
    arguments = [subject.uscc, number, "--scene", PROCUREMENT, "--purpose", "资格审查"]

    call_command("check", *arguments, "--unit", "YN-CZT", stdout=out)

    text = out.getvalue()
    assert "核查回执 HC" in text and "应用场景 政府采购（government-procurement）" in text
    assert f"昆明拒执商贸有限公司 {subject.uscc}（按统一社会信用代码匹配）" in text
    assert entry.reference in text and "措施（惩戒）：限制参与政府采购活动" in text
    assert (
        "依据：财政部关于在政府采购活动中查询及使用信用记录有关问题的通知 财库〔2016〕125号" in text
    )
    assert "不在任何名单中" in text and number not in text
    out = io.StringIO()
    call_command("check", *arguments, "--unit", "YN-CZT", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["unit"] == "YN-CZT" and len(answer["results"]) == 2
    assert number not in out.getvalue()
    assert CheckReceipt.objects.count() == 2


def test_the_command_refuses_an_unknown_scene_with_its_code(checker):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as caught:
        call_command("check", "x", "--scene", "nowhere", "--purpose", "x", "--unit", "YN-CZT")
    assert "scene.unknown" in str(caught.value)


def test_a_big_batch_answers_every_subject_in_order(checker):
    subject = company()
    judgment_defaulter(subject)
    unknown = [SubjectQuery(uscc=uscc(body=f"{n:08d}")) for n in range(30_000_000, 30_012_000)]
    queries = [*unknown[:7000], SubjectQuery(uscc=subject.uscc), *unknown[7000:]]

    outcome = check(checker, *queries)

    results = outcome.results
    assert [r["index"] for r in results] == list(range(len(queries)))
    assert results[7000]["subject"]["public_id"] == subject.public_id
    assert [m["code"] for m in results[7000]["measures"]] == [
        "public-resource-trading-limit",
        "government-procurement-ban",
    ]
    assert {r["match"] for r in results[:7000] + results[7001:]} == {"none"}
    stored = zlib.decompress(bytes(CheckReceipt.objects.get().results))
    assert stored == outcome.results_json
    assert outcome.receipt.subject_count == 12_001


def test_a_name_with_control_characters_is_answered_like_any_other(checker):
    subject = company("昆明独一无二商贸有限公司")
    results = check(
        checker, SubjectQuery(name="昆明\x1f商贸,有限公司"), SubjectQuery(name=subject.name)
    ).results
    assert results[0]["match"] in ("none", "candidates")
    assert results[1]["subject"]["public_id"] == subject.public_id


def test_the_check_command_without_codes_still_runs_the_system_checks(db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("check", stdout=out)
    assert "System check identified no issues" in out.getvalue()
