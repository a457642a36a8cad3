from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import PACK
from tests.packedits import edit
from xinyong.campaigns.models import Campaign
from xinyong.core import audit
from xinyong.core.models import AuditEvent, CalendarYear
from xinyong.policy.loader import load_pack
from xinyong.policy.models import PackLoad, Rule
from xinyong.policy.reader import PackInvalid, read_pack
from xinyong.records.models import RecordType
from xinyong.subjects.models import Region, Unit

pytestmark = pytest.mark.django_db


def test_it_loads_the_yunnan_pack(loaded_pack):
    assert Region.objects.filter(level="county").count() == 129
    assert Region.objects.filter(level="prefecture").count() == 16
    assert Campaign.objects.count() == 19
    assert Unit.objects.filter(short_name="昆明海关").exists()
    assert Unit.objects.filter(code="530300-WMB", region_id="530300").exists()
    assert RecordType.objects.get(code="penalty").fields[0]["code"] == "CF_XDR_MC"
    assert Rule.objects.get(key="shuang-gongshi-timeliness").body["within"] == "7 working days"
    assert CalendarYear.objects.filter(year=2026).exists()
    assert audit.verify().ok


def test_every_campaign_has_lead_units_and_a_basis_in_the_seed(loaded_pack):
    for campaign in Campaign.objects.prefetch_related("links__unit"):
        assert campaign.units_in_role("lead"), campaign
        assert campaign.basis_source_id == "yn-2019-integrity-measures"
        assert campaign.basis_section == f"二、{campaign.number}"


def test_loading_the_same_pack_again_changes_nothing(loaded_pack):
    events = AuditEvent.objects.count()
    again = load_pack(PACK, audit.Actor.cli())
    assert not again.changed
    assert AuditEvent.objects.count() == events
    assert PackLoad.objects.count() == 1


def test_a_changed_unit_is_updated_with_an_audit_event(loaded_pack, pack_copy):
    edit(pack_copy / "units.yaml", "name: 云南省公安厅", "name: 云南省公安厅（测试）")
    result = load_pack(pack_copy, audit.Actor.cli())
    assert result.summary["subjects.unit"]["updated"] == 1
    event = AuditEvent.objects.filter(
        action="xinyong.policy.object_updated", object_type="subjects.unit"
    ).get()
    assert event.data == {
        "before": {"name": "云南省公安厅"},
        "after": {"name": "云南省公安厅（测试）"},
    }


def test_a_unit_dropped_from_the_pack_is_retired_not_deleted(loaded_pack, pack_copy):
    edit(pack_copy / "units.yaml", "- code: YN-TYJ", "- code: YN-TYJ-NEW")
    load_pack(pack_copy, audit.Actor.cli())
    assert Unit.objects.get(code="YN-TYJ").active is False
    assert Unit.objects.get(code="YN-TYJ-NEW").active is True


def test_it_refuses_a_rule_without_a_legal_basis(pack_copy):
    text = (pack_copy / "rules.yaml").read_text(encoding="utf-8")
    start = text.index("    basis:\n      source: yn-2019-integrity-measures")
    end = text.index("    applies_to", start)
    (pack_copy / "rules.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(PackInvalid) as error:
        read_pack(pack_copy)
    assert [(p.file, p.where, p.message) for p in error.value.problems] == [
        ("rules.yaml", "rules.0.timeliness.basis", "Field required")
    ]


def test_it_reports_every_problem_at_once_and_loads_nothing(pack_copy):
    edit(
        pack_copy / "campaigns.yaml",
        "lead: [省公安厅, 省发展改革委, 省工信厅, 省通管局]",
        "lead: [省公安局, 省发展改革委, 省工信厅, 省通管局]",
    )
    edit(pack_copy / "catalogue.yaml", "source: ", "source: no-such-source-")
    (pack_copy / "extra.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(PackInvalid) as error:
        load_pack(pack_copy, audit.Actor.cli())
    messages = [str(problem) for problem in error.value.problems]
    assert any(message.startswith("extra.yaml: unknown file") for message in messages)
    assert not Unit.objects.exists() and not AuditEvent.objects.exists()


def test_it_reports_an_unknown_unit_and_an_unknown_source(pack_copy):
    edit(
        pack_copy / "campaigns.yaml",
        "lead: [省公安厅, 省发展改革委, 省工信厅, 省通管局]",
        "lead: [省公安局, 省发展改革委, 省工信厅, 省通管局]",
    )
    edit(pack_copy / "catalogue.yaml", "source: ", "source: no-such-source-")
    with pytest.raises(PackInvalid) as error:
        read_pack(pack_copy)
    messages = [str(problem) for problem in error.value.problems]
    assert "campaigns.yaml: telecom-fraud: no unit is called '省公安局'" in messages
    assert any("cites unknown source 'no-such-source-" in message for message in messages)


def test_it_refuses_a_misspelt_key(pack_copy):
    edit(pack_copy / "pack.yaml", "version:", "verison:")
    with pytest.raises(PackInvalid) as error:
        read_pack(pack_copy)
    wheres = {(p.file, p.where) for p in error.value.problems}
    assert ("pack.yaml", "verison") in wheres and ("pack.yaml", "version") in wheres


def test_the_check_command_prints_ok_or_every_problem(pack_copy):
    out = StringIO()
    call_command("policy", "check", str(PACK), stdout=out)
    assert out.getvalue().startswith("ok\tyunnan-2019 ")
    edit(pack_copy / "pack.yaml", "version:", "verison:")
    err = StringIO()
    with pytest.raises(CommandError, match="policy pack has 2 problem"):
        call_command("policy", "check", str(pack_copy), stderr=err)
    assert "pack.yaml: verison: Extra inputs are not permitted" in err.getvalue()


def test_show_campaigns_prints_the_nineteen_campaigns_as_json(loaded_pack):
    import json

    out = StringIO()
    call_command("policy", "show", "campaigns", "--format", "json", stdout=out)
    campaigns = json.loads(out.getvalue())
    assert [c["number"] for c in campaigns] == list(range(1, 20))
    overload = campaigns[11]
    assert [u["short_name"] for u in overload["lead"]] == ["省交通厅", "省公安厅", "省发展改革委"]
    over_limit = next(t for t in overload["targets"] if t["key"] == "over-limit-transport-count")
    assert (over_limit["comparison"], over_limit["value"], over_limit["window"]) == (
        "gt",
        3.0,
        "1 year",
    )


def test_show_units_lists_codes_and_the_table_format_works(loaded_pack):
    import json

    out = StringIO()
    call_command("policy", "show", "units", "--format", "json", stdout=out)
    units = {unit["code"]: unit for unit in json.loads(out.getvalue())}
    assert units["YN-KMHG"]["short_name"] == "昆明海关"
    assert units["YN-KMHG"]["code_kind"] == "pack"
    table = StringIO()
    call_command("policy", "show", "units", stdout=table)
    assert "昆明海关" in table.getvalue()
