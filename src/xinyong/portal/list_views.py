"""The lists (名单) as the pack defines them: basis, criteria, terms, exit and measures.

Only lists the pack marks public are shown. A list's page says what puts a subject on
it and how one leaves it, then the entries the public may see today
(`lists.visibility.public_entries`: published, in force, on a public list), newest
first, in capped pages behind the rate limit; persons by name and masked ID number,
linked by their opaque public id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xinyong.core.errors import XinyongError
from xinyong.lists.models import CreditList, Measure, Memorandum
from xinyong.lists.visibility import public_entries
from xinyong.policy.durations import Duration
from xinyong.policy.schema import ListTerm
from xinyong.portal.errors import shown
from xinyong.portal.paging import page_number, paginate
from xinyong.portal.ratelimit import rate_limited
from xinyong.subjects.models import Subject

ENTRIES_PER_PAGE = 20


def duration_text(period: Duration) -> str:
    """A period in words, in the page's language ("2 年" / "2 years")."""
    amount = period.amount
    words = {
        "day": ngettext("%(n)d 日", "%(n)d 日", amount),
        "working_day": ngettext("%(n)d 个工作日", "%(n)d 个工作日", amount),
        "month": ngettext("%(n)d 个月", "%(n)d 个月", amount),
        "year": ngettext("%(n)d 年", "%(n)d 年", amount),
    }
    return words[period.unit] % {"n": amount}


def term_text(term: ListTerm) -> str:
    if term.kind == "until_obligation_met":
        text = _("至履行义务或纠正失信行为之日")
    elif term.kind == "open":
        text = _("依据未规定期限，由认定单位按移出条件移出")
    else:
        assert term.period is not None  # a fixed term has a period (schema)
        text = _("自认定之日起 %(period)s") % {"period": duration_text(term.period)}
        if term.extendable_by is not None:
            text += _("，可延长至多 %(more)s") % {"more": duration_text(term.extendable_by)}
    if term.early_exit_after is not None:
        text += _("；纠正后最早 %(after)s 可提前移出") % {
            "after": duration_text(term.early_exit_after)
        }
    return text


@dataclass(frozen=True)
class TermRow:
    applies_when: str
    text: str
    note: str


def _terms(credit_list: CreditList) -> list[TermRow]:
    return [
        TermRow(term.applies_when, term_text(term), term.note) for term in credit_list.list_terms()
    ]


def _kinds(codes: list[str]) -> list[str]:
    return [str(Subject.Kind(code).label) for code in codes if code in Subject.Kind.values]


def lists_index(request: HttpRequest) -> HttpResponse:
    lists = CreditList.objects.filter(active=True, public=True).select_related("owner")
    groups = [
        (label, [item for item in lists if item.kind == kind])
        for kind, label in CreditList.Kind.choices
    ]
    return render(
        request,
        "portal/lists.html",
        {"groups": [(label, items) for label, items in groups if items], "nav": "lists"},
    )


@rate_limited("lists")
def list_page(request: HttpRequest, code: str) -> HttpResponse:
    memoranda = Memorandum.objects.filter(active=True).select_related("basis_source")
    measures = Measure.objects.filter(active=True).prefetch_related("scenes")
    credit_list = (
        CreditList.objects.filter(code=code, active=True, public=True)
        .select_related("owner", "basis_source", "campaign")
        .prefetch_related(
            Prefetch(
                "memoranda",
                queryset=memoranda.prefetch_related(Prefetch("measures", queryset=measures)),
            )
        )
        .first()
    )
    if credit_list is None:
        raise Http404
    context = {
        "list": credit_list,
        "terms": _terms(credit_list),
        "subject_kinds": _kinds(credit_list.subject_kinds),
        "memoranda": credit_list.memoranda.all(),
        "nav": "lists",
    }
    entries = (
        public_entries()
        .filter(credit_list=credit_list)
        .select_related("subject", "unit")
        # Encrypted personal data: never needed on a public page.
        .defer("subject__id_number_enc")
        .order_by("-starts_on", "-id")
    )
    try:
        page = paginate(entries, page_number(request.GET.get("page")), ENTRIES_PER_PAGE)
    except XinyongError as error:
        context["error"] = shown(error)
        return render(request, "portal/list.html", context, status=error.status)
    context["page"] = page
    return render(request, "portal/list.html", context)
