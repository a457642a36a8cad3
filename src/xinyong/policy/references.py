"""Cross-file checks of a pack: every reference resolves, every key is unique."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from xinyong.policy import schema
from xinyong.policy.reader import Pack, Problem


def _duplicates(file: str, what: str, keys: Iterable[object]) -> list[Problem]:
    counts = Counter(keys)
    return [
        Problem(file, what, f"{key!r} appears {count} times")
        for key, count in counts.items()
        if count > 1
    ]


class UnitIndex:
    """Finds a unit by code, full name, short name or alias; refuses ambiguous names."""

    def __init__(self, units: list[schema.UnitSpec]) -> None:
        self.by_name: dict[str, set[str]] = {}
        for unit in units:
            for name in {unit.code, unit.name, unit.short_name, *unit.aliases}:
                self.by_name.setdefault(name, set()).add(unit.code)

    def resolve(self, reference: str) -> str:
        codes = self.by_name.get(reference, set())
        if len(codes) != 1:
            problem = "no unit is" if not codes else f"{len(codes)} units are"
            raise LookupError(f"{problem} called {reference!r}")
        return next(iter(codes))


def _basis_refs(pack: Pack) -> Iterable[tuple[str, str, schema.BasisRef]]:
    yield "regions.yaml", "basis", pack.regions.basis
    yield "calendar.yaml", "basis", pack.calendar.basis
    for item in pack.catalogue.record_types:
        yield "catalogue.yaml", item.code, item.basis
    for rule in pack.rules.rules:
        yield "rules.yaml", rule.key, rule.basis
    for campaign in pack.campaigns.campaigns:
        yield "campaigns.yaml", campaign.code, campaign.basis


def check_references(pack: Pack) -> list[Problem]:
    problems: list[Problem] = []
    sources = {source.key for source in pack.sources.sources}
    problems += _duplicates("sources.yaml", "key", (s.key for s in pack.sources.sources))
    for file, where, basis in _basis_refs(pack):
        if basis.source not in sources:
            problems.append(Problem(file, where, f"cites unknown source {basis.source!r}"))

    regions = pack.region_codes()
    problems += _duplicates("units.yaml", "code", (u.code for u in pack.expanded_units))
    for unit in pack.expanded_units:
        if unit.region not in regions:
            problems.append(Problem("units.yaml", unit.code, f"unknown region {unit.region}"))

    record_types = {item.code for item in pack.catalogue.record_types}
    problems += _duplicates("catalogue.yaml", "code", (t.code for t in pack.catalogue.record_types))
    problems += _duplicates("rules.yaml", "key", (r.key for r in pack.rules.rules))
    for rule in pack.rules.rules:
        for code in rule.applies_to:
            if code not in record_types:
                problems.append(Problem("rules.yaml", rule.key, f"unknown record type {code!r}"))

    problems += _check_campaigns(pack)
    return problems


def _check_campaigns(pack: Pack) -> list[Problem]:
    campaigns = pack.campaigns.campaigns
    problems = _duplicates("campaigns.yaml", "number", (c.number for c in campaigns))
    problems += _duplicates("campaigns.yaml", "code", (c.code for c in campaigns))
    index = UnitIndex(pack.expanded_units)
    for campaign in campaigns:
        resolved: list[str] = []
        for reference in campaign.lead + campaign.participants:
            try:
                resolved.append(index.resolve(reference))
            except LookupError as exc:
                problems.append(Problem("campaigns.yaml", campaign.code, str(exc)))
        problems += _duplicates("campaigns.yaml", f"{campaign.code} units", resolved)
    return problems
