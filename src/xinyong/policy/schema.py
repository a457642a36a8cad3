"""The policy pack's file format, as pydantic models (docs/policy-packs.md).

A pack is a folder of YAML files with fixed names. `read_pack()` parses and validates
all of them and their cross-references, and raises `PolicyError` listing every problem
(file, place, message) without touching the database.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from xinyong.policy.durations import Duration

Code6 = Annotated[str, Field(pattern=r"^\d{6}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
SubjectKind = Literal["organisation", "individual_business", "person"]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt key must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BasisRef(Strict):
    source: Slug
    section: str = ""


# --- pack.yaml ---------------------------------------------------------------------
class Manifest(Strict):
    id: Slug
    name: str
    version: str
    province: Code6
    description: str = ""


# --- sources.yaml ------------------------------------------------------------------
class SourceSpec(Strict):
    key: Slug
    kind: Literal[
        "law", "regulation", "national_policy", "department_rule", "local_policy", "standard"
    ]
    title: str
    document_number: str = ""
    issuer: str = ""
    issued_on: date | None = None
    effective_from: date | None = None
    note: str = ""


class SourcesFile(Strict):
    sources: list[SourceSpec]


# --- regions.yaml ------------------------------------------------------------------
class CountySpec(Strict):
    code: Code6
    name: str
    short_name: str = ""
    former_codes: list[Code6] = []


class PrefectureSpec(Strict):
    code: Code6
    name: str
    short_name: str
    former_codes: list[Code6] = []
    counties: list[CountySpec]


class ProvinceSpec(Strict):
    code: Code6
    name: str
    short_name: str


class RegionsFile(Strict):
    basis: BasisRef
    province: ProvinceSpec
    prefectures: list[PrefectureSpec]


# --- units.yaml --------------------------------------------------------------------
UnitKind = Literal[
    "party",
    "government",
    "vertical",
    "judicial",
    "committee",
    "local_government",
    "local_office",
    "other",
]


class UnitSpec(Strict):
    code: Annotated[str, Field(min_length=2, max_length=64)]
    code_kind: Literal["uscc", "pack"] = "pack"
    name: str
    short_name: str
    aliases: list[str] = []
    region: Code6
    kind: UnitKind


class PerPrefectureUnit(Strict):
    """A unit that every prefecture has; `{code}`, `{name}` and `{short_name}` are the
    prefecture's, e.g. code "{code}-WMB", short name "{short_name}文明办"."""

    code: str
    name: str
    short_name: str
    aliases: list[str] = []
    kind: UnitKind


class UnitsFile(Strict):
    units: list[UnitSpec]
    per_prefecture: list[PerPrefectureUnit] = []


# --- catalogue.yaml ----------------------------------------------------------------
FieldType = Literal[
    "text", "choice", "multi_choice", "date", "amount_wan", "score", "uscc", "id_number"
]


# What a field means to the platform, whatever its code in a given record type.
FieldRole = Literal[
    "subject_name",
    "subject_kind",
    "uscc",
    "id_number",
    "legal_representative",
    "legal_representative_id",
    "document_number",
    "decision_date",
    "categories",
    "validity_from",
    "validity_to",
    "status",
    "source_unit_uscc",
    "deciding_unit_uscc",
    # A number the record measures (a rating, an assessment score): kept as
    # `CreditRecord.value` for evaluation indicators that average it.
    "value",
]


class FieldSpec(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$")]
    name: str
    type: FieldType = "text"
    role: FieldRole | None = None
    required: bool = False
    required_for: list[SubjectKind] = []
    choices: list[str] = []
    # A score field's range, both ends included (e.g. 1–5 stars, 0–100 points).
    minimum: float | None = None
    maximum: float | None = None
    note: str = ""

    @model_validator(mode="after")
    def _choices_match_type(self) -> FieldSpec:
        if (self.type in ("choice", "multi_choice")) != bool(self.choices):
            raise ValueError("choices are given exactly for choice and multi_choice fields")
        ends = (self.minimum, self.maximum)
        if self.type == "score":
            if self.minimum is None or self.maximum is None:
                raise ValueError("a score field gives its minimum and maximum")
            if not 0 <= self.minimum <= self.maximum:
                raise ValueError("a score's range is 0 ≤ minimum ≤ maximum")
        elif ends != (None, None):
            raise ValueError("minimum and maximum are for score fields")
        if self.role == "value" and self.type != "score":
            raise ValueError("the value role needs a score field")
        return self


class RecordTypeSpec(Strict):
    code: Slug
    name: str
    category: Literal[
        "licensing", "penalty", "reward", "punishment", "watch", "qualification", "risk", "other"
    ]
    nature: Literal["positive", "negative", "neutral"]
    public_for_persons: bool = False
    description: str = ""
    basis: BasisRef
    # Which kinds of unit may report this type; empty means any unit.
    reported_by: list[UnitKind] = []
    fields: list[FieldSpec] = []

    @field_validator("fields")
    @classmethod
    def _unique_fields(cls, fields: list[FieldSpec]) -> list[FieldSpec]:
        roles: list[str] = [f.role for f in fields if f.role]
        for what, keys in (("codes", [f.code for f in fields]), ("roles", roles)):
            duplicates = sorted({key for key in keys if keys.count(key) > 1})
            if duplicates:
                raise ValueError(f"duplicate field {what}: {', '.join(duplicates)}")
        return fields

    @model_validator(mode="after")
    def _ingestible(self) -> RecordTypeSpec:
        """A type with fields can be imported only if the fields say who and what it is:
        a USCC field if organisations may be named, an ID-number field if persons may."""
        roles = {spec.role for spec in self.fields}
        kinds = next((f.choices for f in self.fields if f.role == "subject_kind"), [])
        needed = set(INGEST_ROLES)
        if kinds and PERSON_CHOICE not in kinds:
            needed.discard("id_number")
        if kinds and set(kinds) <= {PERSON_CHOICE}:
            needed.discard("uscc")
        missing = sorted(needed - roles) if self.fields else []
        if missing:
            raise ValueError(f"fields need the roles {', '.join(missing)}")
        return self


PERSON_CHOICE = "自然人"  # the 2019 format's subject-kind choice for natural persons
INGEST_ROLES = {
    "subject_name",
    "subject_kind",
    "uscc",
    "id_number",
    "document_number",
    "decision_date",
}


class CatalogueFile(Strict):
    empty_values: list[str] = []
    empty_dates: list[date] = []
    status_values: dict[str, Literal["normal", "revoked", "disputed"]] = {}
    indefinite_date: date | None = None
    record_types: list[RecordTypeSpec]


# --- rules.yaml --------------------------------------------------------------------
class RuleBase(Strict):
    key: Slug
    name: str
    basis: BasisRef
    effective_from: date | None = None
    effective_to: date | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> RuleBase:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class TimelinessRule(RuleBase):
    """Records of these types are due within `within` of `counted_from`."""

    kind: Literal["timeliness"]
    applies_to: list[Slug]
    within: Duration
    counted_from: Literal["decision_date"] = "decision_date"


class PublicityTier(Strict):
    severity: Literal["any", "general", "serious"] = "any"
    minimum: Duration
    maximum: Duration


class FieldWords(Strict):
    """A payload field containing any of these words (e.g. CF_YJ citing 《消防法》)."""

    field: str
    contains: Annotated[list[str], Field(min_length=1)]


class SpecialMinimum(Strict):
    """A longer minimum for decisions in these domains (e.g. 安全生产 → 1 year).

    A decision is in a domain when one of `match` finds its words: the law a penalty cites
    (CF_YJ) names the domain more reliably than the unit or the narrative.
    """

    domains: list[str]
    match: Annotated[list[FieldWords], Field(min_length=1)]
    minimum: Duration


class LenientKinds(Strict):
    """Penalty kinds (处罚类别) treated as minor: a shorter period, or none (`public:
    false`). A fine counts as minor only up to `fine_at_most` (万元, in `fine_field`)."""

    name: str
    categories: Annotated[list[str], Field(min_length=1)]
    fine_at_most: float | None = None
    fine_field: str = "CF_NR_FK"
    public: bool = True
    minimum: Duration | None = None
    maximum: Duration | None = None

    @model_validator(mode="after")
    def _period_or_withheld(self) -> LenientKinds:
        if self.public and (self.minimum is None or self.maximum is None):
            raise ValueError("a public lenient period needs a minimum and a maximum")
        if not self.public and (self.minimum or self.maximum):
            raise ValueError("a withheld kind (public: false) has no period")
        if self.minimum and self.maximum and self.minimum.months() > self.maximum.months():
            raise ValueError(f"{self.name}: minimum is longer than maximum")
        return self


class PublicityPeriodRule(RuleBase):
    kind: Literal["publicity_period"]
    applies_to: list[Slug]
    counted_from: Literal["decision_date"] = "decision_date"
    tiers: list[PublicityTier]
    special_minimums: list[SpecialMinimum] = []
    several_kinds: Literal["longest"] = "longest"
    stops_automatically: bool = True

    @field_validator("tiers")
    @classmethod
    def _tiers_sane(cls, tiers: list[PublicityTier]) -> list[PublicityTier]:
        for tier in tiers:
            if tier.minimum.months() > tier.maximum.months():
                raise ValueError(f"tier {tier.severity}: minimum is longer than maximum")
        return tiers


class DueProcessRule(RuleBase):
    """How an entry gets onto a list: the subject's defence period after notice, and the
    age under which a natural person is never listed (checked on the decision date)."""

    kind: Literal["listing_due_process"]
    applies_to: list[Slug] = []  # list codes; empty: every list
    defence_period: Duration
    minimum_age: Annotated[int, Field(ge=0, le=30)]


class RecordMatch(Strict):
    """Which records a detection rule counts: these types, and optionally a payload field
    containing any of the given words (e.g. CF_WFXW containing 超限)."""

    record_types: Annotated[list[Slug], Field(min_length=1)]
    field: str = ""
    contains: list[str] = []

    @model_validator(mode="after")
    def _field_and_words_together(self) -> RecordMatch:
        if bool(self.field) != bool(self.contains):
            raise ValueError("give both field and contains, or neither")
        return self


class CountInWindowRule(RuleBase):
    """More than `more_than` matching records of one subject within `window` → a proposal
    for the list `proposes`, which waits for an operator."""

    kind: Literal["count_in_window"]
    match: RecordMatch
    more_than: Annotated[int, Field(ge=0)]
    window: Duration
    subject_kinds: Annotated[list[SubjectKind], Field(min_length=1)]
    proposes: Slug


class CleanRecordRule(RuleBase):
    """No negative record and no black or watch entry for `period` → eligible for the
    incentives `grants` (measure codes)."""

    kind: Literal["clean_record"]
    period: Duration
    negative_record_types: Annotated[list[Slug], Field(min_length=1)]
    subject_kinds: Annotated[list[SubjectKind], Field(min_length=1)]
    grants: Annotated[list[Slug], Field(min_length=1)]


class GradeIncentiveRule(RuleBase):
    """A subject graded one of `grades` by `scheme` is eligible for the incentives `grants`
    (measure codes): graded supervision (分级分类监管) in the joint check. The grade is that
    of the scheme's latest finished run with an evaluation day within `valid_for` before
    the check; an older grade grants nothing, nor does a black or watch entry in force."""

    kind: Literal["grade_incentive"]
    scheme: Slug
    grades: Annotated[list[str], Field(min_length=1)]
    valid_for: Duration
    grants: Annotated[list[Slug], Field(min_length=1)]


class LenientPublicityRule(RuleBase):
    """Leniency for minor acts (轻微): the kinds in `lenient` get their own shorter period
    (or none) instead of the publicity rule's tier. Each kind of a decision gets its own
    period and the decision takes the longest (the publicity rule's `several_kinds`):
    警告 with a large fine is published as the fine is."""

    kind: Literal["lenient_publicity"]
    applies_to: list[Slug]
    # The field holding a decision's penalty kinds, several joined by 、，, ; or spaces.
    kinds_field: str = "CF_CFLB"
    lenient: Annotated[list[LenientKinds], Field(min_length=1)]


class SeverityRule(RuleBase):
    """Which records of `applies_to` are serious (严重失信): a decision with any penalty
    kind of `serious_kinds` (in `kinds_field`), or a fine of at least `fine_at_least`
    万元 (in `fine_field`). The others are general. Severity picks the publicity tier
    and feeds evaluation indicators that count serious records."""

    kind: Literal["severity"]
    applies_to: Annotated[list[Slug], Field(min_length=1)]
    kinds_field: str = "CF_CFLB"
    serious_kinds: list[str] = []
    fine_field: str = "CF_NR_FK"
    fine_at_least: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _says_what_is_serious(self) -> SeverityRule:
        if not self.serious_kinds and self.fine_at_least is None:
            raise ValueError("a severity rule names serious_kinds or fine_at_least")
        return self


class MinorRecordsRule(RuleBase):
    """Records about a natural person under `minimum_age` on the decision date are never
    public (the record is kept and reaches staff, never the portal)."""

    kind: Literal["minor_records"]
    minimum_age: Annotated[int, Field(ge=0, le=30)]


class ObjectionGround(Strict):
    code: Slug
    name: str


class ObjectionRule(RuleBase):
    """How an objection (异议) is handled: its grounds and each step's time limit, counted
    from the day the step begins. The record is flagged at once on filing; `flag_within`
    states the limit the pack's source sets for that."""

    kind: Literal["objection_procedure"]
    grounds: Annotated[list[ObjectionGround], Field(min_length=1)]
    flag_within: Duration
    platform_check: Duration
    unit_check: Duration
    decision: Duration


class RepairRule(RuleBase):
    """Credit repair (信用修复): which record types and lists can be repaired, whether a
    信用修复型 commitment is required, and the time limits to decide and to share the
    result with the deciding unit. A record is repairable only after its minimum
    publicity period (the publicity rules)."""

    kind: Literal["credit_repair"]
    record_types: list[Slug] = []
    lists: list[Slug] = []
    commitment_required: bool = True
    decide_within: Duration
    share_within: Duration


class Hotline(Strict):
    code: Annotated[str, Field(min_length=3, max_length=20)]
    name: str


class ComplaintProcedureRule(RuleBase):
    """How a complaint (举报投诉) is handled: accepted (or declined) by the unit it is routed
    to, handled, and the complainant answered, each step within its limit, counted from
    the day the step begins (a transfer starts acceptance again at the new unit). A rule
    naming `campaigns` governs those campaigns' complaints; the rule naming none governs
    the rest. `hotlines` are the telephone lines whose operators file through the API."""

    kind: Literal["complaint_procedure"]
    campaigns: list[Slug] = []
    accept_within: Duration
    handle_within: Duration
    reply_within: Duration
    rate_within: Duration
    hotlines: list[Hotline] = []


class ComplaintRoute(Strict):
    """Complaints in `campaign` go to the unit named for their region in `units` (a county
    falls under its prefecture), else to the prefecture's own unit from the `per_prefecture`
    template (a units.yaml code such as "{code}-RSJ"), else to `fallback`, else to the
    campaign's first lead unit. A complaint about the province as a whole goes to the
    fallback."""

    campaign: Slug
    units: dict[str, str] = {}
    per_prefecture: str = ""
    fallback: str = ""


class ComplaintRoutingRule(RuleBase):
    """一点举报投诉、全省联动受理: where each campaign's complaints are handled."""

    kind: Literal["complaint_routing"]
    routes: list[ComplaintRoute] = []


class PublicityQuotaRule(RuleBase):
    """A publicity column's minimum number of published reports per calendar week."""

    kind: Literal["publicity_quota"]
    column: str
    per_week: Annotated[int, Field(ge=1)]


AssessmentMeasure = Literal[
    "tasks_on_time",
    "complaints_on_time",
    "records_on_time",
    "rectifications_closed",
]


class AssessmentItem(Strict):
    """One line of the rubric: a measure the platform computes for a unit over the
    quarter (a share from 0 to 1; a unit with nothing to measure gets full marks) times
    its weight in points."""

    key: Slug
    name: str
    measure: AssessmentMeasure
    points: Annotated[int, Field(ge=1)]


class AssessmentGrade(Strict):
    name: str
    at_least: Annotated[float, Field(ge=0)]


class UnitAssessmentRule(RuleBase):
    """The steering office's quarterly assessment (督查考核) of units: points per item,
    grades by total points (highest threshold first)."""

    kind: Literal["unit_assessment"]
    items: Annotated[list[AssessmentItem], Field(min_length=1)]
    grades: Annotated[list[AssessmentGrade], Field(min_length=1)]

    @model_validator(mode="after")
    def _grades_descend(self) -> UnitAssessmentRule:
        thresholds = [grade.at_least for grade in self.grades]
        if thresholds != sorted(thresholds, reverse=True) or thresholds[-1] != 0:
            raise ValueError("grades must go from the highest threshold down to 0")
        return self


class RecencyBand(Strict):
    """Records decided within `within` before the evaluation day count `weight` each
    (bands from the nearest out; a record older than every band counts 0)."""

    within: Duration
    weight: Annotated[float, Field(ge=0)]


class IndicatorSpec(Strict):
    """One indicator of an evaluation scheme: a number per subject, times `points`,
    limited to ±`cap`, added to the score.

    - `records`: the subject's records of `record_types` (any status but revoked),
      optionally only of `severity`, reported by `units`, decided within `within` before
      the evaluation day; each weighted by the `recency` band it falls in (1 if none).
    - `entries`: the subject's list entries in force on the evaluation day, on `lists` or
      on any list of `list_kinds`.
    - `average`: the mean `value` (a rating, an assessment score) of the records a
      `records` indicator would count, unweighted; `when_none` if there are none.
    """

    code: Slug
    name: str
    measure: Literal["records", "entries", "average"]
    record_types: list[Slug] = []
    severity: Literal["any", "general", "serious"] = "any"
    units: list[str] = []
    within: Duration | None = None
    recency: list[RecencyBand] = []
    lists: list[Slug] = []
    list_kinds: list[Literal["red", "black", "watch"]] = []
    points: float
    cap: Annotated[float, Field(gt=0)] | None = None
    when_none: float = 0
    public: bool = True

    @model_validator(mode="after")
    def _measure_has_what_it_needs(self) -> IndicatorSpec:
        if self.measure in ("records", "average") and not self.record_types:
            raise ValueError(f"a {self.measure} indicator names its record_types")
        if self.measure == "entries" and not (self.lists or self.list_kinds):
            raise ValueError("an entries indicator names lists or list_kinds")
        if self.measure == "average" and self.recency:
            raise ValueError("an average is unweighted: no recency bands")
        if self.measure != "average" and self.when_none:
            raise ValueError("when_none is for average indicators")
        return self


class PopulationSpec(Strict):
    """Who a scheme evaluates beyond its subject kinds: subjects with at least one record
    (not revoked, decided by the evaluation day) of `record_types`, e.g. the tourism
    scheme only the subjects rated as tourism businesses."""

    record_types: Annotated[list[Slug], Field(min_length=1)]


class GradeSpec(Strict):
    """A grade from `at_least` points; `inspect` is the share of the grade's subjects a
    random inspection draws (双随机、一公开)."""

    code: Annotated[str, Field(min_length=1, max_length=20)]
    name: str
    at_least: float
    inspect: Annotated[float, Field(ge=0, le=1)]


class EvaluationSchemeRule(RuleBase):
    """A credit evaluation: every subject of `subject_kinds` starts at `base`, each
    indicator adds its contribution, the score is kept within 0…`maximum`, and the
    first grade (highest threshold first) whose `at_least` it reaches is its grade."""

    kind: Literal["evaluation_scheme"]
    subject_kinds: Annotated[list[SubjectKind], Field(min_length=1)]
    population: PopulationSpec | None = None
    base: float = 100
    maximum: float = 100
    indicators: Annotated[list[IndicatorSpec], Field(min_length=1)]
    grades: Annotated[list[GradeSpec], Field(min_length=2)]

    @model_validator(mode="after")
    def _grades_descend(self) -> EvaluationSchemeRule:
        thresholds = [grade.at_least for grade in self.grades]
        if thresholds != sorted(thresholds, reverse=True) or thresholds[-1] > 0:
            raise ValueError("grades must go from the highest threshold down to 0 or below")
        codes = [indicator.code for indicator in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        return self


_RULES = (
    TimelinessRule
    | PublicityPeriodRule
    | DueProcessRule
    | CountInWindowRule
    | CleanRecordRule
    | GradeIncentiveRule
    | LenientPublicityRule
    | SeverityRule
    | MinorRecordsRule
    | ObjectionRule
    | RepairRule
    | ComplaintProcedureRule
    | ComplaintRoutingRule
    | PublicityQuotaRule
    | UnitAssessmentRule
    | EvaluationSchemeRule
)
Rule = Annotated[_RULES, Field(discriminator="kind")]
AnyRule = _RULES


class RulesFile(Strict):
    rules: list[Rule]


# --- campaigns.yaml ----------------------------------------------------------------
class TargetSpec(Strict):
    """A number the seed sets for a campaign; `context` marks one the platform only shows."""

    key: Slug
    description: str
    value: float
    unit: str
    comparison: Literal["eq", "gt", "ge", "lt", "le"] = "eq"
    window: Duration | None = None
    context: bool = False
    section: str = ""


class CampaignSpec(Strict):
    number: Annotated[int, Field(ge=1)]
    code: Slug
    name: str
    name_en: str = ""
    summary: str = ""
    basis: BasisRef
    lead: Annotated[list[str], Field(min_length=1)]
    participants: list[str] = []
    targets: list[TargetSpec] = []


class CampaignsFile(Strict):
    campaigns: list[CampaignSpec]


# --- lists.yaml --------------------------------------------------------------------
class ListTerm(Strict):
    """How long an entry stays on a list (期限); a list may set different terms by ground.

    `fixed`: `period` from the listing decision, possibly `extendable_by` up to that much
    more; `until_obligation_met`: until the subject performs the obligation or corrects
    the act; `open`: the basis sets no term, the owner removes entries under the exit
    conditions. `early_exit_after` is the earliest early exit after correcting.
    """

    applies_when: str = ""
    kind: Literal["fixed", "until_obligation_met", "open"]
    period: Duration | None = None
    extendable_by: Duration | None = None
    early_exit_after: Duration | None = None
    note: str = ""

    @model_validator(mode="after")
    def _period_matches_kind(self) -> ListTerm:
        if (self.kind == "fixed") != (self.period is not None):
            raise ValueError("a period is given exactly for a fixed term")
        if self.extendable_by is not None and self.kind != "fixed":
            raise ValueError("only a fixed term can be extended")
        return self


class CreditListSpec(Strict):
    code: Slug
    name: str
    kind: Literal["red", "black", "watch"]
    # A serious-dishonesty list (严重失信主体名单) needs a basis in law, regulation or
    # central policy and due process before listing (国办发〔2020〕49号).
    serious: bool = False
    owner: str
    subject_kinds: Annotated[list[SubjectKind], Field(min_length=1)]
    campaign: Slug | None = None
    basis: BasisRef
    criteria: str
    terms: Annotated[list[ListTerm], Field(min_length=1)]
    exit_conditions: str
    exit_procedure: str
    public: bool
    note: str = ""

    @model_validator(mode="after")
    def _serious_lists_are_black(self) -> CreditListSpec:
        if self.serious and self.kind != "black":
            raise ValueError("only a black list can be a serious-dishonesty list")
        return self


class ListsFile(Strict):
    lists: list[CreditListSpec]


# --- measures.yaml -----------------------------------------------------------------
MeasureKind = Literal["incentive", "punishment"]


class SceneSpec(Strict):
    """A business scene (应用场景) in which a unit checks a subject before acting."""

    code: Slug
    name: str
    description: str = ""


class MeasureSpec(Strict):
    code: Slug
    name: str
    kind: MeasureKind
    description: str = ""
    # When the measure applies to an entry, in the words of its basis (有履行能力但拒不履行…).
    condition: str = ""
    basis: BasisRef
    implementing_units: list[str] = []
    # The basis leaves it to every unit within its duties (各有关部门按职责分工).
    all_units: bool = False
    subject_kinds: Annotated[list[SubjectKind], Field(min_length=1)]
    scenes: Annotated[list[Slug], Field(min_length=1)]

    @model_validator(mode="after")
    def _someone_implements(self) -> MeasureSpec:
        if not self.implementing_units and not self.all_units:
            raise ValueError("name implementing_units or set all_units")
        return self


class BoundMeasure(Strict):
    """A measure a memorandum applies, where it says so, and to whom if narrower."""

    measure: Slug
    section: str = ""
    subject_kinds: list[SubjectKind] = []


def _bound_measure(value: object) -> object:
    return {"measure": value} if isinstance(value, str) else value


class MemorandumSpec(Strict):
    code: Slug
    name: str
    kind: MeasureKind
    summary: str = ""
    basis: BasisRef
    lists: Annotated[list[Slug], Field(min_length=1)]
    measures: Annotated[
        list[Annotated[BoundMeasure, BeforeValidator(_bound_measure)]], Field(min_length=1)
    ]


class MeasuresFile(Strict):
    scenes: list[SceneSpec]
    measures: list[MeasureSpec]
    memoranda: list[MemorandumSpec]


# --- calendar.yaml (and files for `xinyong calendar load`) ---------------------------
class DayGroup(Strict):
    name: str
    dates: Annotated[list[date], Field(min_length=1)]


class YearSchedule(Strict):
    """One year's official schedule, as the State Council's notice gives it."""

    year: Annotated[int, Field(ge=1990, le=2200)]
    source: str
    holidays: list[DayGroup]
    workdays: list[DayGroup] = []

    @model_validator(mode="after")
    def _dates_consistent(self) -> YearSchedule:
        off = [day for group in self.holidays for day in group.dates]
        on = [day for group in self.workdays for day in group.dates]
        stray = sorted(day.isoformat() for day in off + on if day.year != self.year)
        if stray:
            raise ValueError(f"dates outside {self.year}: {', '.join(stray)}")
        both = sorted({day.isoformat() for day in off} & {day.isoformat() for day in on})
        if both:
            raise ValueError(f"dates both holiday and working day: {', '.join(both)}")
        return self


class CalendarFile(Strict):
    basis: BasisRef
    seed_from_library: bool = True
    unscheduled_years: Literal["weekends_only"] = "weekends_only"
    years: list[YearSchedule] = []
