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
    for credit_list in pack.lists.lists:
        yield "lists.yaml", credit_list.code, credit_list.basis
    for measure in pack.measures.measures:
        yield "measures.yaml", measure.code, measure.basis
    for memorandum in pack.measures.memoranda:
        yield "measures.yaml", memorandum.code, memorandum.basis


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
    list_codes = {item.code for item in pack.lists.lists}
    for rule in pack.rules.rules:
        if isinstance(
            rule,
            schema.TimelinessRule
            | schema.PublicityPeriodRule
            | schema.LenientPublicityRule
            | schema.SeverityRule,
        ):
            for code in rule.applies_to:
                if code not in record_types:
                    problems.append(
                        Problem("rules.yaml", rule.key, f"unknown record type {code!r}")
                    )
        elif isinstance(rule, schema.DueProcessRule):
            for code in rule.applies_to:
                if code not in list_codes:
                    problems.append(Problem("rules.yaml", rule.key, f"unknown list {code!r}"))
        elif isinstance(rule, schema.RepairRule):
            problems += [
                Problem("rules.yaml", rule.key, f"unknown record type {code!r}")
                for code in rule.record_types
                if code not in record_types
            ] + [
                Problem("rules.yaml", rule.key, f"unknown list {code!r}")
                for code in rule.lists
                if code not in list_codes
            ]
        if isinstance(
            rule,
            schema.PublicityPeriodRule | schema.LenientPublicityRule | schema.SeverityRule,
        ):
            problems += _check_publicity_fields(pack, rule)

    problems += _check_detection_rules(pack)
    problems += _check_campaigns(pack)
    problems += _check_complaint_rules(pack)
    problems += _check_evaluation_schemes(pack)
    problems += _check_lists(pack)
    problems += _check_measures(pack)
    problems += _check_memoranda(pack)
    return problems


def _check_publicity_fields(
    pack: Pack,
    rule: schema.PublicityPeriodRule | schema.LenientPublicityRule | schema.SeverityRule,
) -> list[Problem]:
    """The fields a publicity or severity rule reads (penalty kinds, fines, special-minimum
    words) exist in every record type it applies to; a severity rule's serious kinds are
    among the kinds field's choices."""
    serious: list[str] = []
    if isinstance(rule, schema.LenientPublicityRule):
        fields = [rule.kinds_field]
        fields += [kinds.fine_field for kinds in rule.lenient if kinds.fine_at_most is not None]
    elif isinstance(rule, schema.SeverityRule):
        fields = [rule.kinds_field] + ([rule.fine_field] if rule.fine_at_least else [])
        serious = rule.serious_kinds
    else:
        fields = [words.field for special in rule.special_minimums for words in special.match]
    problems = []
    for spec in pack.catalogue.record_types:
        if spec.code not in rule.applies_to:
            continue
        known = {item.code: item for item in spec.fields}
        problems += [
            Problem("rules.yaml", rule.key, f"record type {spec.code!r} has no field {name!r}")
            for name in dict.fromkeys(fields)
            if name not in known
        ]
        kinds_field = known.get(fields[0]) if serious else None
        if kinds_field is not None and kinds_field.choices:
            problems += [
                Problem("rules.yaml", rule.key, f"{kind!r} is not a choice of {kinds_field.code}")
                for kind in serious
                if kind not in kinds_field.choices
            ]
    return problems


def _check_detection_rules(pack: Pack) -> list[Problem]:
    """What a count-in-window, clean-record or grade-incentive rule names exists and fits:
    its record types (and the matched field), the list it proposes for (which must take
    the rule's subject kinds), the negative types it counts, the scheme and grades it
    reads, and the incentive measures it grants."""
    types = {item.code: item for item in pack.catalogue.record_types}
    lists = {item.code: item for item in pack.lists.lists}
    measures = {measure.code: measure for measure in pack.measures.measures}
    schemes = {
        rule.key: rule for rule in pack.rules.rules if isinstance(rule, schema.EvaluationSchemeRule)
    }
    problems: list[Problem] = []

    def known_types(rule: schema.RuleBase, codes: list[str]) -> list[schema.RecordTypeSpec]:
        problems.extend(
            Problem("rules.yaml", rule.key, f"unknown record type {code!r}")
            for code in codes
            if code not in types
        )
        return [types[code] for code in codes if code in types]

    for rule in pack.rules.rules:
        messages: list[str] = []
        if isinstance(rule, schema.CountInWindowRule):
            field = rule.match.field
            messages += [
                f"record type {spec.code!r} has no field {field!r}"
                for spec in known_types(rule, rule.match.record_types)
                if field and field not in {item.code for item in spec.fields}
            ]
            if rule.window.unit == "working_day":
                messages.append("a detection window is counted in days, months or years")
            target = lists.get(rule.proposes)
            stray = sorted(set(rule.subject_kinds) - set(target.subject_kinds if target else []))
            if target is None:
                messages.append(f"unknown list {rule.proposes!r}")
            elif stray:
                messages.append(f"list {target.code!r} does not take {', '.join(stray)}")
        elif isinstance(rule, schema.CleanRecordRule):
            messages += [
                f"record type {spec.code!r} is not negative"
                for spec in known_types(rule, rule.negative_record_types)
                if spec.nature != "negative"
            ]
            messages += _incentive_problems(rule.grants, measures)
        elif isinstance(rule, schema.GradeIncentiveRule):
            scheme = schemes.get(rule.scheme)
            if scheme is None:
                messages.append(f"unknown evaluation scheme {rule.scheme!r}")
            else:
                known = {grade.code for grade in scheme.grades}
                messages += [
                    f"scheme {rule.scheme!r} has no grade {grade!r}"
                    for grade in rule.grades
                    if grade not in known
                ]
            messages += _incentive_problems(rule.grants, measures)
        problems += [Problem("rules.yaml", rule.key, message) for message in messages]
    return problems


def _incentive_problems(codes: list[str], measures: dict[str, schema.MeasureSpec]) -> list[str]:
    """What is wrong with the measures a rule grants: unknown, or not incentives."""
    messages = []
    for code in codes:
        measure = measures.get(code)
        if measure is None:
            messages.append(f"unknown measure {code!r}")
        elif measure.kind != "incentive":
            messages.append(f"measure {code!r} is a {measure.kind}, not an incentive")
    return messages


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


def _unit_problems(
    index: UnitIndex, file: str, where: str, references: Iterable[str]
) -> list[Problem]:
    problems: list[Problem] = []
    for reference in references:
        try:
            index.resolve(reference)
        except LookupError as exc:
            problems.append(Problem(file, where, str(exc)))
    return problems


def _check_lists(pack: Pack) -> list[Problem]:
    lists = pack.lists.lists
    problems = _duplicates("lists.yaml", "code", (item.code for item in lists))
    index = UnitIndex(pack.expanded_units)
    campaigns = {campaign.code for campaign in pack.campaigns.campaigns}
    for item in lists:
        problems += _unit_problems(index, "lists.yaml", item.code, [item.owner])
        if item.campaign and item.campaign not in campaigns:
            problems.append(Problem("lists.yaml", item.code, f"unknown campaign {item.campaign!r}"))
    return problems


def _check_measures(pack: Pack) -> list[Problem]:
    scenes, measures = pack.measures.scenes, pack.measures.measures
    problems = _duplicates("measures.yaml", "scene code", (scene.code for scene in scenes))
    problems += _duplicates("measures.yaml", "measure code", (m.code for m in measures))
    index = UnitIndex(pack.expanded_units)
    known = {scene.code for scene in scenes}
    for measure in measures:
        where = measure.code
        problems += _unit_problems(index, "measures.yaml", where, measure.implementing_units)
        problems += [
            Problem("measures.yaml", where, f"unknown scene {code!r}")
            for code in measure.scenes
            if code not in known
        ]
    return problems


def _check_memoranda(pack: Pack) -> list[Problem]:
    """Every bound list and measure exists and has the memorandum's kind: incentives go to
    red lists, punishments to black and watch lists."""
    memoranda = pack.measures.memoranda
    problems = _duplicates("measures.yaml", "memorandum code", (m.code for m in memoranda))
    lists = {item.code: item for item in pack.lists.lists}
    measures = {measure.code: measure for measure in pack.measures.measures}
    for memo in memoranda:
        problems += _memorandum_lists(memo, lists)
        problems += _memorandum_measures(memo, measures)
    return problems


def _memorandum_lists(
    memo: schema.MemorandumSpec, lists: dict[str, schema.CreditListSpec]
) -> list[Problem]:
    problems = _duplicates("measures.yaml", f"{memo.code} lists", memo.lists)
    for code in memo.lists:
        item = lists.get(code)
        if item is None:
            problems.append(_memo_problem(memo, f"unknown list {code!r}"))
        elif (item.kind == "red") != (memo.kind == "incentive"):
            message = f"the {memo.kind} memorandum cannot bind the {item.kind} list {code!r}"
            problems.append(_memo_problem(memo, message))
    return problems


def _memorandum_measures(
    memo: schema.MemorandumSpec, measures: dict[str, schema.MeasureSpec]
) -> list[Problem]:
    codes = [bound.measure for bound in memo.measures]
    problems = _duplicates("measures.yaml", f"{memo.code} measures", codes)
    for bound in memo.measures:
        measure = measures.get(bound.measure)
        if measure is None:
            problems.append(_memo_problem(memo, f"unknown measure {bound.measure!r}"))
            continue
        if measure.kind != memo.kind:
            message = f"the {memo.kind} memorandum cannot bind the {measure.kind} {measure.code!r}"
            problems.append(_memo_problem(memo, message))
        stray = sorted(set(bound.subject_kinds) - set(measure.subject_kinds))
        if stray:
            message = f"{measure.code!r} does not apply to {', '.join(stray)}"
            problems.append(_memo_problem(memo, message))
    return problems


def _memo_problem(memo: schema.MemorandumSpec, message: str) -> Problem:
    return Problem("measures.yaml", memo.code, message)


def _check_complaint_rules(pack: Pack) -> list[Problem]:
    """Complaint procedures and routes name known campaigns, regions and units; one
    procedure, naming no campaign, covers the rest, and no campaign has two."""
    campaigns = {campaign.code for campaign in pack.campaigns.campaigns}
    regions = pack.region_codes()
    index = UnitIndex(pack.expanded_units)
    problems: list[Problem] = []
    procedures = [r for r in pack.rules.rules if isinstance(r, schema.ComplaintProcedureRule)]
    if procedures and sum(1 for r in procedures if not r.campaigns) != 1:
        problems.append(
            Problem("rules.yaml", "complaint_procedure", "exactly one must name no campaigns")
        )
    named = [code for rule in procedures for code in rule.campaigns]
    problems += _duplicates("rules.yaml", "complaint_procedure campaign", named)
    for rule in pack.rules.rules:
        if isinstance(rule, schema.ComplaintProcedureRule):
            where = [(rule.key, code) for code in rule.campaigns]
        elif isinstance(rule, schema.ComplaintRoutingRule):
            where = [(rule.key, route.campaign) for route in rule.routes]
            problems += _check_routes(rule, regions, index, pack)
        else:
            continue
        problems += [
            Problem("rules.yaml", key, f"unknown campaign {code!r}")
            for key, code in where
            if code not in campaigns
        ]
    return problems


def _check_routes(
    rule: schema.ComplaintRoutingRule, regions: set[str], index: UnitIndex, pack: Pack
) -> list[Problem]:
    problems: list[Problem] = []
    references = []
    for route in rule.routes:
        for region, unit in route.units.items():
            if region not in regions:
                problems.append(Problem("rules.yaml", rule.key, f"unknown region {region!r}"))
            references.append(unit)
        if route.fallback:
            references.append(route.fallback)
        if route.per_prefecture:
            references += [
                route.per_prefecture.format(code=prefecture.code)
                for prefecture in pack.regions.prefectures
            ]
    for reference in references:
        try:
            index.resolve(reference)
        except LookupError as exc:
            problems.append(Problem("rules.yaml", rule.key, str(exc)))
    return problems


def _check_evaluation_schemes(pack: Pack) -> list[Problem]:
    """What an evaluation scheme counts exists: record types, lists, units; an average
    reads record types whose fields give a value."""
    types = {item.code: item for item in pack.catalogue.record_types}
    lists = {item.code for item in pack.lists.lists}
    index = UnitIndex(pack.expanded_units)
    problems: list[Problem] = []
    for rule in pack.rules.rules:
        if not isinstance(rule, schema.EvaluationSchemeRule):
            continue
        if rule.population is not None:
            problems += [
                Problem("rules.yaml", f"{rule.key}.population", f"unknown record type {code!r}")
                for code in rule.population.record_types
                if code not in types
            ]
        for indicator in rule.indicators:
            where = f"{rule.key}.{indicator.code}"
            problems += [
                Problem("rules.yaml", where, f"unknown record type {code!r}")
                for code in indicator.record_types
                if code not in types
            ]
            if indicator.measure == "average":
                problems += [
                    Problem("rules.yaml", where, f"record type {code!r} has no value field")
                    for code in indicator.record_types
                    if code in types and not any(f.role == "value" for f in types[code].fields)
                ]
            problems += [
                Problem("rules.yaml", where, f"unknown list {code!r}")
                for code in indicator.lists
                if code not in lists
            ]
            for unit in indicator.units:
                try:
                    index.resolve(unit)
                except LookupError as exc:
                    problems.append(Problem("rules.yaml", where, str(exc)))
    return problems
