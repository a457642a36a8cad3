"""The console's evaluation pages (信用评价), for operators and auditors (`may_supervise`).

- The overview: each scheme's latest runs, and for its latest finished run the grade
  distribution by prefecture and by unit.
- A subject: every indicator, public or not, with its value, contribution and the
  records or list entries behind it, in each scheme's latest finished run.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.errors import NotFound
from xinyong.evaluation import explain, figures
from xinyong.evaluation.explain import Explanation
from xinyong.evaluation.expressions import Ids
from xinyong.evaluation.models import EvaluationResult, EvaluationRun
from xinyong.policy import schema
from xinyong.policy.rules import active_rules
from xinyong.subjects.models import Subject
from xinyong.supervision.charts import Chart, stacked
from xinyong.supervision.views import may_supervise

RUNS_SHOWN = 10
USCC_LENGTH = 18


@dataclass(frozen=True)
class SchemeRuns:
    scheme: schema.EvaluationSchemeRule
    runs: list[figures.RunRow]
    latest: EvaluationRun | None
    charts: list[Chart]


def _scheme_runs(scheme: schema.EvaluationSchemeRule) -> SchemeRuns:
    runs = list(EvaluationRun.objects.filter(scheme=scheme.key).order_by("-number")[:RUNS_SHOWN])
    done = EvaluationRun.Status.DONE
    latest = next((run for run in runs if run.status == done), None)
    if latest is None:
        latest = (
            EvaluationRun.objects.filter(scheme=scheme.key, status=done).order_by("-number").first()
        )
    charts = []
    if latest is not None:
        series = figures.grade_series(scheme)
        charts = [
            stacked(_("各州（市）主体等级分布"), series, figures.by_prefecture(latest, scheme)),
            stacked(
                _("各报送单位所涉主体等级分布（前%(n)d个单位）") % {"n": figures.TOP_UNITS},
                series,
                figures.by_unit(latest, scheme),
            ),
        ]
    return SchemeRuns(scheme, figures.run_rows(runs, scheme), latest, charts)


@console_view
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    if not may_supervise(request.user):
        return access.forbidden(request)
    wanted = request.GET.get("subject", "").strip()
    if wanted:
        subject = find_subject(wanted)
        if subject is not None:
            return redirect("evaluation_desk:subject", code=subject.public_id)
    context = {
        "schemes": [_scheme_runs(scheme) for scheme in active_rules("evaluation_scheme")],
        "wanted": wanted,
        "not_found": bool(wanted),
        "nav": "evaluation",
    }
    return render(request, "evaluation/overview.html", context, status=404 if wanted else 200)


def find_subject(code: str) -> Subject | None:
    """By public id, id or USCC (an ID number is never looked up)."""
    wanted = Q(public_id=code)
    if code.isdigit():
        wanted |= Q(pk=int(code))
    if len(code) == USCC_LENGTH:
        wanted |= Q(uscc=code.upper())
    found = list(Subject.objects.filter(wanted)[:2])
    found.sort(key=lambda subject: subject.public_id != code)  # the public id wins
    return found[0] if found else None


@dataclass(frozen=True)
class Missing:
    """A result whose scheme the pack no longer has for the run's day."""

    result: EvaluationResult
    scheme: None = None


def _explanations(subject: Subject) -> list[Explanation | Missing]:
    ids = Ids.load()
    shown: list[Explanation | Missing] = []
    for result in explain.latest_results(subject):
        try:
            shown.append(explain.explain(result, ids=ids))
        except NotFound:
            shown.append(Missing(result))
    return shown


@console_view
@require_GET
def subject_page(request: HttpRequest, code: str) -> HttpResponse:
    if not may_supervise(request.user):
        return access.forbidden(request)
    subject = find_subject(code)
    if subject is None:
        context = {"wanted": code, "not_found": True, "schemes": [], "nav": "evaluation"}
        return render(request, "evaluation/overview.html", context, status=404)
    context = {"subject": subject, "explanations": _explanations(subject), "nav": "evaluation"}
    return render(request, "evaluation/subject.html", context)
