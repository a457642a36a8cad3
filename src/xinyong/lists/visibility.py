"""Which list entries the public may see: the one rule every portal page goes through.

An entry is public on a day when

1. it has been published (`published`): a decided but unpublished entry binds the
   checking units but is not shown, and exited or declined entries never are;
2. it is in force that day (`entries.in_force_q`): begun, and `ends_on` empty or not
   past. An entry vanishes the day after its term by this filter alone, no job needed;
3. its list is active and public (`CreditList.public`, from the pack): a list the pack
   keeps from the public shows no entries anywhere.

A person on a public list is shown by name and masked ID number only, as every page
shows persons; the pages link to the subject by its opaque public id (`portal.links`).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from xinyong.lists.entries import in_force_q
from xinyong.lists.models import CreditList, ListEntry
from xinyong.subjects.models import Subject

# The subject page's tab for each kind of list (信用中国's groups).
TAB_OF_LIST_KIND: dict[str, str] = {
    CreditList.Kind.BLACK: "punishment",
    CreditList.Kind.WATCH: "watch",
    CreditList.Kind.RED: "reward",
}


def public_entries(today: date | None = None) -> QuerySet[ListEntry]:
    """The entries the public may see on `today` (the local date by default)."""
    today = today or timezone.localdate()
    return ListEntry.objects.filter(
        in_force_q(today),
        status=ListEntry.Status.PUBLISHED,
        credit_list__active=True,
        credit_list__public=True,
    )


def public_entries_of(subject: Subject, today: date | None = None) -> QuerySet[ListEntry]:
    return public_entries(today).filter(subject=subject)
