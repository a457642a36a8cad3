"""What the public sees of a subject's evaluation (信用评价) on its portal page.

Per scheme: the grade of the latest finished run, the score and the evaluation day,
and the public indicators (`IndicatorSpec.public`) with the records and list entries
behind them that the public may see today (`records.visibility`, `lists.visibility`).
Indicators the pack keeps private are left out altogether, values included.

Persons are not evaluated (the schemes cover organisations and individual businesses):
a person's page shows nothing of it and costs no query. For others the page pays

1. one query for the latest results (`explain.latest_results`);
2. one for the public records behind them, only when a public records indicator is not
   0 (a clean subject skips it);

and no more: the entries behind come from the public entries the page has already read,
kept when they were in force on the run's day (`ListEntry.in_force_on`) on one of the
indicator's lists. Schemes and resolved ids are cached for a minute, as the portal's
other reference tables are.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from django.core.cache import cache

from xinyong.core.errors import NotFound
from xinyong.evaluation import explain
from xinyong.evaluation.explain import Behind, Explanation
from xinyong.evaluation.expressions import Ids, Resolved
from xinyong.evaluation.models import EvaluationResult
from xinyong.lists.models import ListEntry
from xinyong.policy import schema
from xinyong.records.visibility import public_records_of
from xinyong.subjects.models import Subject

CACHE_SECONDS = 60
# A subject page shows at most this many records behind its indicators, newest first.
RECORDS_SHOWN = 100
RECORD_FIELDS = (
    "id",
    "subject_id",
    "record_type_id",
    "unit_id",
    "document_number",
    "decision_date",
    "severity",
    "status",
    "value",
    "publicity_end",
)


def public_explanations(subject: Subject, entries: Sequence[ListEntry]) -> list[Explanation]:
    """The subject's latest grades with their public indicators; `entries`: the subject's
    public entries (`lists.visibility.public_entries_of`), as the page read them."""
    if subject.kind == Subject.Kind.PERSON:
        return []
    found = [
        (result, scheme)
        for result in explain.latest_results(subject)
        if (scheme := _scheme(result)) is not None
    ]
    if not found:
        return []
    ids = _ids()
    records = _records(subject, found, ids)
    explanations = []
    for place, (result, scheme) in enumerate(found):
        behind = records.get(place, {})
        for index, indicator in enumerate(scheme.indicators):
            if indicator.public and indicator.measure == "entries":
                lists = set(Resolved.of(indicator, ids).lists)
                behind[index] = [
                    Behind(entry, 1.0)
                    for entry in entries
                    if entry.credit_list_id in lists and entry.in_force_on(result.run.on)
                ]
        explanations.append(explain.assemble(result, scheme, behind, public_only=True))
    return explanations


def _records(
    subject: Subject, found: list[tuple[EvaluationResult, schema.EvaluationSchemeRule]], ids: Ids
) -> dict[int, dict[int, list[Behind]]]:
    """Public records behind public records indicators that are not 0, in one query:
    {place of the result: {indicator index: records}}, the newest `RECORDS_SHOWN`."""
    asked = {}
    for place, (result, scheme) in enumerate(found):
        for index, indicator in enumerate(scheme.indicators):
            if indicator.public and indicator.measure != "entries" and result.values[index]:
                asked[f"w{place}_{index}"] = (indicator, result.run.on)
    if not asked:
        return {}
    records = public_records_of(subject).only(*RECORD_FIELDS).order_by("-decision_date", "-id")
    split: dict[int, dict[int, list[Behind]]] = {}
    for record, weights in islice(explain.records_behind(asked, ids, records), RECORDS_SHOWN):
        for name, weight in weights.items():
            place, index = (int(part) for part in name[1:].split("_"))
            split.setdefault(place, {}).setdefault(index, []).append(Behind(record, weight))
    return split


def _scheme(result: EvaluationResult) -> schema.EvaluationSchemeRule | None:
    """The result's scheme, cached per run; None when the pack no longer has it."""
    key = f"xinyong:evaluation-scheme:{result.run_id}"
    # A tuple, so that "no such scheme" is cached too (the cache takes None as a miss).
    found: tuple[schema.EvaluationSchemeRule, ...] | None = cache.get(key)
    if found is None:
        try:
            found = (explain.scheme_of(result),)
        except NotFound:
            found = ()
        cache.set(key, found, CACHE_SECONDS)
    return found[0] if found else None


def _ids() -> Ids:
    found: Ids | None = cache.get("xinyong:evaluation-ids")
    if found is None:
        found = Ids.load()
        cache.set("xinyong:evaluation-ids", found, CACHE_SECONDS)
    return found
