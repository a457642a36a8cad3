"""The pack's complaint rules: which procedure (time limits, hotlines) governs a campaign's
complaints, and which unit handles a complaint about a region (一点举报投诉、全省联动受理)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.core.errors import InvalidInput
from xinyong.policy import schema
from xinyong.policy.rules import active_rules, in_force
from xinyong.rights.procedure import deadline
from xinyong.subjects.models import Region, Unit

__all__ = ["deadline", "hotlines", "procedure_for", "route"]


def procedure_for(campaign: Campaign, day: date) -> schema.ComplaintProcedureRule:
    """The procedure naming the campaign, else the one naming none, in force on `day`."""
    rules: list[schema.ComplaintProcedureRule] = [
        rule for rule in active_rules("complaint_procedure") if in_force(rule, day)
    ]
    for rule in rules:
        if campaign.code in rule.campaigns:
            return rule
    for rule in rules:
        if not rule.campaigns:
            return rule
    raise InvalidInput(
        "complaint.no_rule",
        _("政策包没有在%(day)s有效的举报投诉办理规则"),
        params={"day": day.isoformat()},
    )


def hotlines(day: date) -> dict[str, str]:
    """Hotline code → name, over every procedure in force."""
    lines: dict[str, str] = {}
    for rule in active_rules("complaint_procedure"):
        if in_force(rule, day):
            lines.update({line.code: line.name for line in rule.hotlines})
    return lines


def route(campaign: Campaign, region: Region, day: date) -> Unit:
    """The unit that handles a complaint in `campaign` about `region`."""
    found = _routed(campaign, region, day)
    if found is not None:
        return found
    lead = campaign.units_in_role("lead")
    active = [unit for unit in lead if unit.active]
    if not active:
        raise InvalidInput(
            "complaint.no_unit",
            _("“%(campaign)s”没有可以承办举报投诉的单位"),
            params={"campaign": campaign.name},
        )
    return active[0]


def _routed(campaign: Campaign, region: Region, day: date) -> Unit | None:
    for rule in active_rules("complaint_routing"):
        if not in_force(rule, day):
            continue
        for found in rule.routes:
            if found.campaign == campaign.code:
                return _unit_of_route(found, region)
    return None


def _unit_of_route(route_spec: schema.ComplaintRoute, region: Region) -> Unit | None:
    prefecture = _prefecture_of(region)
    candidates = [route_spec.units.get(region.code, "")]
    if prefecture is not None:
        candidates.append(route_spec.units.get(prefecture.code, ""))
        if route_spec.per_prefecture:
            candidates.append(route_spec.per_prefecture.format(code=prefecture.code))
    candidates.append(route_spec.fallback)
    for reference in candidates:
        unit = _unit(reference)
        if unit is not None:
            return unit
    return None


def _prefecture_of(region: Region) -> Region | None:
    found: Region | None = region
    while found is not None and found.level != Region.Level.PREFECTURE:
        found = found.parent
    return found


def _unit(reference: str) -> Unit | None:
    """A unit by code or short name (the pack writes either), if active."""
    if not reference:
        return None
    found = Unit.objects.filter(code=reference, active=True).first()
    return found or Unit.objects.filter(short_name=reference, active=True).first()
