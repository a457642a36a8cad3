"""The console's publicity desk (诚信宣传): articles of the units and the weekly target.

Who may do what
- Operators (平台运营人员) see, write, publish and withdraw every unit's articles.
- A unit's clerks and reviewers do the same for their own unit's articles; its other
  staff (auditors, users without a role) only look. Another unit's article is a 404.
- Everyone in the console sees the weekly target tracker: the column is the province's.
Every change is a call to `xinyong.publicity.articles`; its refusals come back on the
form with their code (400, or 409 when the article changed state meanwhile).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinyong.accounts.roles import Role
from xinyong.console import access
from xinyong.console.access import console_view
from xinyong.core.audit import Actor
from xinyong.core.errors import XinyongError
from xinyong.publicity import articles
from xinyong.publicity.charts import week_chart
from xinyong.publicity.forms import ArticleForm, FilterForm, WithdrawForm
from xinyong.publicity.models import Article
from xinyong.rights.objection_forms import add_error, error_text
from xinyong.subjects.models import Unit

PER_PAGE = 30
WEEKS = 12


# --- who may do what --------------------------------------------------------------------
def writable_units(user: Any) -> QuerySet[Unit]:
    """The units this user may write, publish and withdraw articles for."""
    if access.is_operator(user):
        return Unit.objects.filter(active=True)
    if user.unit_id is not None and (user.has_role(Role.CLERK) or user.has_role(Role.REVIEWER)):
        return Unit.objects.filter(pk=user.unit_id, active=True)
    return Unit.objects.none()


def may_write(user: Any, article: Article) -> bool:
    return writable_units(user).filter(pk=article.unit_id).exists()


def visible(user: Any) -> QuerySet[Article]:
    found = Article.objects.select_related("unit", "campaign")
    if access.is_operator(user):
        return found
    return found.filter(unit_id=user.unit_id)


def _visible(request: HttpRequest, pk: int) -> Article:
    return get_object_or_404(visible(request.user).select_related("subject"), pk=pk)


# --- the list ---------------------------------------------------------------------------
@console_view
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    found = visible(request.user).filter(**form.chosen()).order_by("-created_at", "-id")
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "extra_query": f"&{query.urlencode()}" if query else "",
        "may_create": writable_units(request.user).exists(),
        "nav": "publicity",
    }
    return render(request, "publicity/desk/list.html", context)


# --- writing ----------------------------------------------------------------------------
def _save(request: HttpRequest, form: ArticleForm, article: Article | None) -> Article | None:
    """Create or edit through the service; None (with the errors on the form) if refused."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        code = data["subject"].strip()
        values: dict[str, Any] = {
            "kind": data["kind"],
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "unit": data["unit"],
            "campaign": data["campaign"],
            "subject": articles.find_organisation(code) if code else None,
            "actor": Actor.for_user(request.user),
        }
        if article is None:
            return articles.create_draft(**values)
        return articles.edit_draft(article, **values)
    except XinyongError as exc:
        add_error(form, exc)
        return None


def _form_page(
    request: HttpRequest, form: ArticleForm, article: Article | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "article": article, "nav": "publicity"}
    return render(request, "publicity/desk/form.html", context, status=status)


@console_view
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    units = writable_units(request.user)
    if not units.exists():
        return access.forbidden(request)
    if request.method == "GET":
        return _form_page(request, ArticleForm(units=units), None)
    form = ArticleForm(request.POST, units=units)
    saved = _save(request, form, None)
    if saved is None:
        return _form_page(request, form, None, status=400)
    messages.success(request, _("草稿“%(title)s”已保存") % {"title": saved.title})
    return redirect("publicity_desk:detail", saved.pk)


@console_view
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _visible(request, pk)
    if not may_write(request.user, article):
        return access.forbidden(request)
    units = writable_units(request.user)
    if article.status != Article.Status.DRAFT:
        messages.error(request, _("只有草稿可以修改"))
        return redirect("publicity_desk:detail", article.pk)
    if request.method == "GET":
        return _form_page(request, ArticleForm.of(article, units), article)
    form = ArticleForm(request.POST, units=units)
    saved = _save(request, form, article)
    if saved is None:
        return _form_page(request, form, article, status=400)
    messages.success(request, _("草稿“%(title)s”已保存") % {"title": saved.title})
    return redirect("publicity_desk:detail", saved.pk)


# --- publishing -------------------------------------------------------------------------
def _detail(
    request: HttpRequest,
    article: Article,
    *,
    withdraw_form: forms.Form | None = None,
    error: XinyongError | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "article": article,
        "author": _actor_name(article.created_by),
        "may_write": may_write(request.user, article),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "error": error_text(error) if error else "",
        "nav": "publicity",
    }
    return render(request, "publicity/desk/detail.html", context, status=status)


def _actor_name(label: str) -> str:
    """A user's name from their actor label ("user:7:wang" → "wang"); other actors
    ("cli:root", "system") as they are."""
    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return rest.partition(":")[2] or label
    return label


@console_view
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


@console_view
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    article = _visible(request, pk)
    if not may_write(request.user, article):
        return access.forbidden(request)
    try:
        articles.publish(article, actor=Actor.for_user(request.user))
    except XinyongError as exc:
        article.refresh_from_db()
        return _detail(request, article, error=exc, status=exc.status)
    messages.success(request, _("“%(title)s”已发布") % {"title": article.title})
    return redirect("publicity_desk:detail", article.pk)


@console_view
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    article = _visible(request, pk)
    if not may_write(request.user, article):
        return access.forbidden(request)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            articles.withdraw(
                article, actor=Actor.for_user(request.user), reason=form.cleaned_data["reason"]
            )
        except XinyongError as exc:
            add_error(form, exc)
            article.refresh_from_db()
            return _detail(request, article, withdraw_form=form, status=exc.status)
        messages.success(request, _("“%(title)s”已撤回") % {"title": article.title})
        return redirect("publicity_desk:detail", article.pk)
    return _detail(request, article, withdraw_form=form, status=400)


# --- the weekly target ------------------------------------------------------------------
@console_view
@require_GET
def weeks(request: HttpRequest) -> HttpResponse:
    counts = articles.weekly_counts(WEEKS)
    context = {
        "weeks": counts,
        "this_week": counts[-1],
        "chart": week_chart(counts),
        "column": articles.COLUMN,
        "nav": "publicity",
    }
    return render(request, "publicity/desk/weeks.html", context)
