"""Articles of the integrity column: drafts, publication, withdrawal, the weekly target.

- `create_draft` / `edit_draft`: a unit writes an article; only a draft can be edited.
- `publish`: a draft becomes public (`published_at` is set); `withdraw`: a published
  article leaves the portal, with a reason. Neither goes back.
- `weekly_counts`: per ISO week (Monday to Sunday, local time), the column's published
  reports against the pack's `publicity_quota` rule for the column, with the shortfall.

Every change is checked here (refusals are `InvalidInput` or `Conflict` with a stable
code and a `field`) and written to the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinyong.campaigns.models import Campaign
from xinyong.core import audit
from xinyong.core.errors import Conflict, InvalidInput, Message
from xinyong.policy import schema
from xinyong.policy.rules import active_rules, in_force
from xinyong.publicity.models import Article
from xinyong.subjects import identifiers
from xinyong.subjects.models import Subject, Unit

# The `column` of the pack's `publicity_quota` rule that the reports count towards.
COLUMN = "诚信建设万里行"
QUOTA_KIND = "publicity_quota"
TITLE_MAX = Article._meta.get_field("title").max_length or 200
SUMMARY_MAX = Article._meta.get_field("summary").max_length or 300
BODY_MAX = 20_000
REASON_MAX = 1_000
MAX_WEEKS = 104

Kind, Status = Article.Kind, Article.Status


# --- reading ------------------------------------------------------------------------------
def public_articles() -> QuerySet[Article]:
    """What the portal may show: published articles, nothing else."""
    return Article.objects.filter(status=Status.PUBLISHED)


def latest_reports(count: int = 3) -> list[Article]:
    """The newest published reports of the column, in one query (the home page's block)."""
    return list(
        public_articles()
        .filter(kind=Kind.REPORT)
        .only("id", "title", "published_at")
        .order_by("-published_at", "-id")[:count]
    )


def find_organisation(code: str) -> Subject:
    """The organisation whose USCC is `code`; the code is never repeated in the message,
    since a clerk may have typed a person's ID number by mistake."""
    normalized = identifiers.normalize(code or "")
    subject = Subject.objects.filter(uscc=normalized).first() if normalized else None
    if subject is None:
        raise InvalidInput(
            "article.subject_unknown", _("没有该统一社会信用代码的信用主体"), field="subject"
        )
    _check_subject(subject)
    return subject


# --- checking -----------------------------------------------------------------------------
# Per field: the message when it is missing (None: optional), and when it is too long.
TEXT_MESSAGES: dict[str, tuple[Message | None, Message]] = {
    "title": (_("请填写标题"), _("标题不能超过 %(limit)d 个字")),
    "summary": (None, _("摘要不能超过 %(limit)d 个字")),
    "body": (_("请填写正文"), _("正文不能超过 %(limit)d 个字")),
    "reason": (_("请填写撤回理由"), _("撤回理由不能超过 %(limit)d 个字")),
}


def _text(value: str | None, field: str, limit: int) -> str:
    missing, too_long = TEXT_MESSAGES[field]
    text = (value or "").strip()
    if missing is not None and not text:
        raise InvalidInput(f"article.{field}_required", missing, field=field)
    if len(text) > limit:
        raise InvalidInput(
            f"article.{field}_too_long", too_long, params={"limit": limit}, field=field
        )
    return text


def _check_subject(subject: Subject) -> None:
    if subject.kind != Subject.Kind.ORGANISATION:
        raise InvalidInput(
            "article.subject_not_organisation",
            _("只能关联法人及非法人组织，不能关联自然人或个体工商户"),
            field="subject",
        )


def _checked(
    *,
    kind: str,
    title: str,
    summary: str,
    body: str,
    unit: Unit,
    campaign: Campaign | None,
    subject: Subject | None,
) -> dict[str, Any]:
    if kind not in Kind.values:
        raise InvalidInput("article.bad_kind", _("请选择稿件类别"), field="kind")
    values: dict[str, Any] = {
        "kind": kind,
        "title": _text(title, "title", TITLE_MAX),
        "summary": _text(summary, "summary", SUMMARY_MAX),
        "body": _text(body, "body", BODY_MAX),
    }
    if not unit.active:
        raise InvalidInput("article.unit_inactive", _("发布单位已停用"), field="unit")
    if kind == Kind.CASE and campaign is None:
        raise InvalidInput(
            "article.case_needs_campaign",
            _("典型案例须注明所属的专项治理领域"),
            field="campaign",
        )
    if subject is not None:
        _check_subject(subject)
    return values | {"unit": unit, "campaign": campaign, "subject": subject}


def _snapshot(article: Article) -> dict[str, Any]:
    return {
        "kind": article.kind,
        "title": article.title,
        "unit": article.unit.code,
        "campaign": article.campaign.code if article.campaign else None,
        "subject": article.subject.public_id if article.subject else None,
    }


def _locked(article: Article, status: str, code: str, message: Message) -> Article:
    """The article's row, locked; refused unless it is (still) at `status` (two clerks
    may press the button at once: the second waits for the lock and is refused here)."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status != status:
        raise Conflict(code, message, field="status")
    return locked


NOT_DRAFT = _("只有草稿可以修改或发布：该稿件已发布或已撤回")


# --- changing -----------------------------------------------------------------------------
def create_draft(
    *,
    kind: str,
    title: str,
    body: str,
    unit: Unit,
    summary: str = "",
    campaign: Campaign | None = None,
    subject: Subject | None = None,
    actor: audit.Actor,
    now: datetime | None = None,
) -> Article:
    values = _checked(
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        unit=unit,
        campaign=campaign,
        subject=subject,
    )
    with transaction.atomic():
        article = Article.objects.create(
            **values, created_at=now or timezone.now(), created_by=actor.label
        )
        audit.record("xinyong.article.created", actor, article, _snapshot(article))
    return article


def edit_draft(
    article: Article,
    *,
    kind: str,
    title: str,
    body: str,
    unit: Unit,
    summary: str = "",
    campaign: Campaign | None = None,
    subject: Subject | None = None,
    actor: audit.Actor,
) -> Article:
    values = _checked(
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        unit=unit,
        campaign=campaign,
        subject=subject,
    )
    with transaction.atomic():
        locked = _locked(article, Status.DRAFT, "article.not_draft", NOT_DRAFT)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save()
        audit.record("xinyong.article.edited", actor, locked, _snapshot(locked))
    return locked


def publish(article: Article, *, actor: audit.Actor, now: datetime | None = None) -> Article:
    """Make a draft public. It is checked again: the unit may have been deactivated."""
    with transaction.atomic():
        locked = _locked(article, Status.DRAFT, "article.not_draft", NOT_DRAFT)
        _checked(
            kind=locked.kind,
            title=locked.title,
            summary=locked.summary,
            body=locked.body,
            unit=locked.unit,
            campaign=locked.campaign,
            subject=locked.subject,
        )
        locked.status, locked.published_at = Status.PUBLISHED, now or timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit.record("xinyong.article.published", actor, locked, _snapshot(locked))
    return locked


def withdraw(
    article: Article, *, actor: audit.Actor, reason: str, now: datetime | None = None
) -> Article:
    """Take a published article off the portal; the reason is kept and audited."""
    reason = _text(reason, "reason", REASON_MAX)
    with transaction.atomic():
        locked = _locked(
            article,
            Status.PUBLISHED,
            "article.not_published",
            _("只有已发布的稿件可以撤回：该稿件是草稿或已撤回"),
        )
        locked.status, locked.withdrawn_at = Status.WITHDRAWN, now or timezone.now()
        locked.withdrawal_reason = reason
        locked.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "updated_at"])
        audit.record(
            "xinyong.article.withdrawn", actor, locked, _snapshot(locked) | {"reason": reason}
        )
    return locked


# --- the weekly target --------------------------------------------------------------------
@dataclass(frozen=True)
class WeekCount:
    """One ISO week of the column: reports published (and still public) against the
    pack's target for that week (None: no rule in force on its Monday)."""

    monday: date
    published: int
    target: int | None
    current: bool

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        year, week, _day = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def shortfall(self) -> int:
        """Reports missing to reach the target (for the current week: still needed)."""
        return max(self.target - self.published, 0) if self.target else 0

    @property
    def below_target(self) -> bool:
        """A finished week that missed its target (the current week is not over yet)."""
        return not self.current and self.shortfall > 0


def quota_rule(rules: list[schema.PublicityQuotaRule], day: date) -> int | None:
    """The column's weekly minimum on `day` from the pack's rules, or None."""
    for rule in rules:
        if rule.column == COLUMN and in_force(rule, day):
            return rule.per_week
    return None


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def weekly_counts(weeks: int = 12, today: date | None = None) -> list[WeekCount]:
    """The last `weeks` ISO weeks up to the current one, oldest first.

    1. Each week runs Monday to Sunday in the platform's time zone.
    2. A report counts in the week of its `published_at` while it is still published:
       a withdrawn report is no longer in the column.
    3. The target is the `per_week` of the pack's `publicity_quota` rule for `COLUMN`
       in force on the week's Monday.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(
            "publicity.bad_weeks",
            _("周数应在 1 到 %(max)d 之间"),
            params={"max": MAX_WEEKS},
            field="weeks",
        )
    today = today or timezone.localdate()
    current = today - timedelta(days=today.weekday())
    mondays = [current - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    published = (
        public_articles()
        .filter(
            kind=Kind.REPORT,
            published_at__gte=_local_start(mondays[0]),
            published_at__lt=_local_start(current + timedelta(weeks=1)),
        )
        .values_list("published_at", flat=True)
    )
    counts = dict.fromkeys(mondays, 0)
    for moment in published:
        day = timezone.localtime(moment).date()
        counts[day - timedelta(days=day.weekday())] += 1
    rules = active_rules(QUOTA_KIND)
    return [
        WeekCount(monday, counts[monday], quota_rule(rules, monday), monday == current)
        for monday in mondays
    ]
