"""Re-index a subject whenever it is saved one at a time (services, the admin, tests),
and forget it when it is deleted.

Bulk creators call `index.index_subjects` themselves: `bulk_create` sends no signal.
The receiver runs inside the saving transaction, so a rolled-back save leaves the
index as it was. A save that did not change the name or kind writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from xinyong.search.index import forget_subject, reindex_subject
from xinyong.subjects.models import Subject

_INDEXED_FIELDS = frozenset({"name", "kind"})


@receiver(post_save, sender=Subject, dispatch_uid="xinyong.search.reindex_on_save")
def reindex_on_save(
    sender: type[Subject],
    instance: Subject,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    # Fixtures are saved raw; `xinyong search rebuild` indexes them after loading.
    if raw or (update_fields is not None and not _INDEXED_FIELDS & update_fields):
        return
    reindex_subject(instance)


@receiver(pre_delete, sender=Subject, dispatch_uid="xinyong.search.forget_on_delete")
def forget_on_delete(sender: type[Subject], instance: Subject, **kwargs: Any) -> None:
    # Before the delete cascades to IndexedName, which says which postings to remove.
    forget_subject(instance.pk)
