"""The groups of a subject page, as 信用中国 shows them.

资质资格 (qualification) and 风险提示 (risk) have no tab of their own here: they go to 其他.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinyong.records.models import RecordType

Category = RecordType.Category


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    categories: tuple[str, ...]


TABS = (
    Tab("licensing", Category.LICENSING.label, (Category.LICENSING,)),
    Tab("penalty", Category.PENALTY.label, (Category.PENALTY,)),
    Tab("reward", Category.REWARD.label, (Category.REWARD,)),
    Tab("punishment", Category.PUNISHMENT.label, (Category.PUNISHMENT,)),
    Tab("watch", Category.WATCH.label, (Category.WATCH,)),
    Tab("other", _("其他"), (Category.QUALIFICATION, Category.RISK, Category.OTHER)),
)
TAB_OF_CATEGORY = {category: tab for tab in TABS for category in tab.categories}


@dataclass(frozen=True)
class TabCount:
    tab: Tab
    count: int
    current: bool


def tab_counts(by_category: dict[str, int], current: Tab) -> list[TabCount]:
    totals = dict.fromkeys((tab.key for tab in TABS), 0)
    for category, count in by_category.items():
        tab = TAB_OF_CATEGORY.get(category)
        if tab is not None:
            totals[tab.key] += count
    return [TabCount(tab, totals[tab.key], tab == current) for tab in TABS]


def choose(requested: str | None, by_category: dict[str, int]) -> Tab:
    """The tab asked for; else the first with records; else the first."""
    for tab in TABS:
        if tab.key == requested:
            return tab
    for tab in TABS:
        if any(by_category.get(category) for category in tab.categories):
            return tab
    return TABS[0]
