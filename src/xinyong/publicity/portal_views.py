"""The portal's integrity column (诚信宣传): public, no login.

- `/publicity/`: one tab per kind (reports of 诚信建设万里行, typical cases, integrity
  stars), newest first, in capped pages (`portal.paging`); typical cases can be
  filtered by campaign. A bad filter is a bilingual error with its code, never a 500.
- `/publicity/<id>/`: one article. Only a published article exists here: a draft or a
  withdrawn one is the same 404 page as an id that was never used.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xinyong.campaigns.models import Campaign
from xinyong.core.errors import InvalidInput, XinyongError
from xinyong.portal.errors import shown
from xinyong.portal.paging import PAGE_SIZES, page_number, page_size, paginate
from xinyong.portal.ratelimit import rate_limited
from xinyong.publicity.articles import public_articles
from xinyong.publicity.models import Article

SCOPE = "publicity"
Kind = Article.Kind
SHOWN_VALUE = 40  # characters of a bad value repeated in the message


@dataclass(frozen=True)
class Tab:
    kind: str
    label: str
    count: int
    current: bool


@dataclass(frozen=True)
class Filters:
    kind: str
    campaign: Campaign | None


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "publicity/not_found.html", {"nav": "publicity"}, status=404)


def parse(params: QueryDict, campaigns: list[Campaign]) -> Filters:
    kind = params.get("kind", "").strip() or Kind.REPORT
    if kind not in Kind.values:
        raise InvalidInput(
            "publicity.bad_kind",
            _("栏目“%(value)s”不存在"),
            params={"value": kind[:SHOWN_VALUE]},
            field="kind",
        )
    code = params.get("campaign", "").strip()
    if not code or kind != Kind.CASE:
        return Filters(kind, None)
    for campaign in campaigns:
        if campaign.code == code:
            return Filters(kind, campaign)
    raise InvalidInput(
        "publicity.bad_campaign",
        _("没有标识为“%(value)s”的专项治理"),
        params={"value": code[:SHOWN_VALUE]},
        field="campaign",
    )


def _tabs(current: str) -> list[Tab]:
    counts = dict(public_articles().order_by().values_list("kind").annotate(count=Count("id")))
    return [
        Tab(kind, str(label), counts.get(kind, 0), kind == current) for kind, label in Kind.choices
    ]


@rate_limited(SCOPE)
@require_GET
def column(request: HttpRequest) -> HttpResponse:
    campaigns = list(Campaign.objects.order_by("number"))
    context: dict[str, object] = {
        "campaigns": campaigns,
        "sizes": PAGE_SIZES,
        "values": request.GET,
        "nav": "publicity",
    }
    try:
        filters = parse(request.GET, campaigns)
        context.update(filters=filters, tabs=_tabs(filters.kind))
        number, size = page_number(request.GET.get("page")), page_size(request.GET.get("size"))
        found = public_articles().filter(kind=filters.kind)
        if filters.campaign is not None:
            found = found.filter(campaign=filters.campaign)
        page = paginate(
            found.select_related("campaign", "unit").order_by("-published_at", "-id"),
            number,
            size,
        )
    except XinyongError as error:
        context["error"] = shown(error)
        context.setdefault("tabs", _tabs(Kind.REPORT))
        return render(request, "publicity/column.html", context, status=error.status)
    context.update(page=page, size=size)
    return render(request, "publicity/column.html", context)


@rate_limited(SCOPE)
@require_GET
def article(request: HttpRequest, pk: int) -> HttpResponse:
    found = (
        public_articles()
        .select_related("campaign", "unit", "subject")
        # Encrypted personal data: never needed on a public page.
        .defer("subject__id_number_enc")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return not_found(request)
    return render(request, "publicity/article.html", {"article": found, "nav": "publicity"})
