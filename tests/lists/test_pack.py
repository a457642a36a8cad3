"""lists.yaml and measures.yaml: what the loader accepts, refuses and writes."""

from __future__ import annotations

import pytest

from tests.conftest import PACK
from tests.lists.conftest import drop_basis
from tests.packedits import edit
from xinyong.core import audit
from xinyong.core.models import AuditEvent
from xinyong.lists.models import CreditList, Measure, Memorandum, MemorandumMeasure, Scene
from xinyong.policy.durations import Duration
from xinyong.policy.loader import load_pack
from xinyong.policy.models import Source
from xinyong.policy.reader import PackInvalid, read_pack

pytestmark = pytest.mark.django_db


def _problems(directory) -> list[tuple[str, str, str]]:
    with pytest.raises(PackInvalid) as error:
        read_pack(directory)
    return [(p.file, p.where, p.message) for p in error.value.problems]


def test_the_pack_loads_lists_scenes_measures_and_memoranda(loaded_pack):
    assert CreditList.objects.filter(active=True).count() == 25
    assert Scene.objects.count() == 22
    assert Measure.objects.count() == 30
    assert Memorandum.objects.count() == 20
    defaulters = CreditList.objects.get(code="judgment-defaulters")
    assert (defaulters.kind, defaulters.owner.short_name) == ("black", "省高院")
    assert defaulters.campaign is not None and defaulters.campaign.number == 11
    fixed = defaulters.list_terms()[1]
    assert (fixed.period, fixed.extendable_by) == (Duration(2, "year"), Duration(3, "year"))
    assert defaulters.list_terms()[0].kind == "until_obligation_met"
    assert audit.verify().ok


def test_the_lists_cover_red_black_and_watch(loaded_pack):
    kinds = dict(CreditList.objects.values_list("code", "kind"))
    assert kinds["a-grade-taxpayers"] == kinds["integrity-models"] == "red"
    assert kinds["abnormal-operations"] == "watch"
    assert kinds["wage-arrears"] == kinds["fraud-numbers-and-accounts"] == "black"


def test_a_serious_dishonesty_list_rests_on_a_national_source(loaded_pack):
    # 国办发〔2020〕49号: a serious-dishonesty list needs law, regulation or central policy.
    for item in CreditList.objects.filter(serious=True).select_related("basis_source"):
        assert item.basis_source.kind != Source.Kind.LOCAL_POLICY, item.code


def test_a_measure_knows_its_units_and_scenes(loaded_pack):
    shutdown = Measure.objects.get(code="fraud-account-shutdown")
    assert [u.short_name for u in shutdown.units.order_by("measure_links__position")] == [
        "人行昆明中心支行",
        "云南银监局",
        "省公安厅",
    ]
    assert list(shutdown.scenes.values_list("code", flat=True)) == ["banking-services"]


@pytest.mark.parametrize(
    ("file", "code", "where"),
    [
        ("lists.yaml", "judgment-defaulters", "lists.0.basis"),
        ("measures.yaml", "green-channel", "measures.0.basis"),
        ("measures.yaml", "judgment-defaulters-2016", "memoranda.0.basis"),
    ],
)
def test_the_loader_refuses_a_list_measure_or_memorandum_without_a_legal_basis(
    pack_copy, file, code, where
):
    drop_basis(pack_copy / file, code)
    assert _problems(pack_copy) == [(file, where, "Field required")]


def test_the_loader_refuses_a_list_without_a_legal_basis(pack_copy):
    drop_basis(pack_copy / "lists.yaml", "wage-arrears")
    with pytest.raises(PackInvalid) as error:
        load_pack(pack_copy, audit.Actor.cli())
    assert [str(p) for p in error.value.problems] == ["lists.yaml: lists.2.basis: Field required"]
    assert not CreditList.objects.exists() and not AuditEvent.objects.exists()


def test_it_reports_every_unknown_reference_at_once(pack_copy):
    edit(pack_copy / "lists.yaml", "owner: 省高院", "owner: 省高级法院")
    edit(pack_copy / "lists.yaml", "campaign: tax-fraud", "campaign: tax-evasion")
    edit(pack_copy / "measures.yaml", "scenes: [exit-entry]", "scenes: [border]")
    edit(
        pack_copy / "measures.yaml",
        "implementing_units: [省财政厅]",
        "implementing_units: [财政厅]",
    )
    edit(pack_copy / "measures.yaml", "lists: [judgment-defaulters]", "lists: [defaulters]")
    edit(
        pack_copy / "measures.yaml", "      - government-procurement-ban\n", "      - procurement\n"
    )
    edit(pack_copy / "measures.yaml", "source: ndrc-2016-141", "source: ndrc-2016-999")
    assert sorted(_problems(pack_copy)) == [
        ("lists.yaml", "judgment-defaulters", "no unit is called '省高级法院'"),
        ("lists.yaml", "major-tax-violators", "unknown campaign 'tax-evasion'"),
        ("measures.yaml", "exit-ban", "unknown scene 'border'"),
        ("measures.yaml", "government-procurement-ban", "no unit is called '财政厅'"),
        ("measures.yaml", "judgment-defaulters-2016", "cites unknown source 'ndrc-2016-999'"),
        ("measures.yaml", "judgment-defaulters-2016", "unknown list 'defaulters'"),
        ("measures.yaml", "judgment-defaulters-2016", "unknown measure 'procurement'"),
    ]


def test_it_refuses_an_unknown_subject_kind_and_a_misspelt_key(pack_copy):
    edit(pack_copy / "lists.yaml", "subject_kinds: [person]", "subject_kinds: [minor]")
    edit(pack_copy / "measures.yaml", "    condition:", "    conditon:")
    wheres = {(file, where) for file, where, _message in _problems(pack_copy)}
    assert ("lists.yaml", "lists.9.subject_kinds.0") in wheres
    assert ("measures.yaml", "measures.10.conditon") in wheres


def test_a_memorandum_cannot_bind_an_incentive_to_a_black_list(pack_copy):
    edit(
        pack_copy / "measures.yaml",
        "    lists: [integrity-models]",
        "    lists: [integrity-models, judgment-defaulters]",
    )
    edit(pack_copy / "measures.yaml", "measures: [charity-award-ban]", "measures: [green-channel]")
    assert sorted(_problems(pack_copy)) == [
        (
            "measures.yaml",
            "yn-2019-charity",
            "the punishment memorandum cannot bind the incentive 'green-channel'",
        ),
        (
            "measures.yaml",
            "yn-2019-integrity-incentives",
            "the incentive memorandum cannot bind the black list 'judgment-defaulters'",
        ),
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("period: 3 years\n        early", "period: three years\n        early", "not a period"),
        ("        period: 6 months\n", "", "a period is given exactly for a fixed term"),
    ],
)
def test_a_term_needs_a_period_in_the_pack_format(pack_copy, old, new, message):
    edit(pack_copy / "lists.yaml", old, new)
    ((file, _where, text),) = _problems(pack_copy)
    assert file == "lists.yaml" and message in text


def test_reloading_the_pack_writes_nothing(loaded_pack):
    events = AuditEvent.objects.count()
    again = load_pack(PACK, audit.Actor.cli())
    assert not again.changed
    assert AuditEvent.objects.count() == events
    lists_app = {label: counts for label, counts in again.summary.items() if "lists." in label}
    assert set(lists_app) == {
        "lists.creditlist",
        "lists.scene",
        "lists.measure",
        "lists.memorandum",
    }
    assert all(set(counts) == {"unchanged"} for counts in lists_app.values())


def test_a_list_dropped_from_the_pack_is_deactivated_not_deleted(loaded_pack, pack_copy):
    edit(pack_copy / "lists.yaml", "- code: fake-lottery-blacklist", "- code: fake-lottery-list")
    result = load_pack(pack_copy, audit.Actor.cli())
    assert result.summary["lists.creditlist"]["retired"] == 1
    assert CreditList.objects.get(code="fake-lottery-blacklist").active is False
    assert CreditList.objects.get(code="fake-lottery-list").active is True


def test_a_changed_binding_is_rewritten_with_an_audit_event(loaded_pack, pack_copy):
    edit(
        pack_copy / "measures.yaml",
        "measures: [research-funding-ban, public-funds-limit, key-supervision]",
        "measures: [research-funding-ban, key-supervision]",
    )
    result = load_pack(pack_copy, audit.Actor.cli())
    assert result.summary["lists.memorandummeasure"] == {"updated": 1}
    memo = Memorandum.objects.get(code="research-2018")
    assert list(
        memo.measures.order_by("memorandum_links__position").values_list("code", flat=True)
    ) == [
        "research-funding-ban",
        "key-supervision",
    ]
    event = AuditEvent.objects.filter(object_type="lists.memorandum", object_id=str(memo.pk)).last()
    assert event is not None
    rows = event.data["links"]["lists.memorandummeasure"]
    assert [row["position"] for row in rows] == [0, 1]
    assert MemorandumMeasure.objects.filter(memorandum=memo).count() == 2
