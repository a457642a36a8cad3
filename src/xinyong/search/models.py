"""The search index: each subject's normalised name and its n-gram postings.

Both tables are derived data: `xinyong search rebuild` recreates them from the
subjects, so they hold nothing that is not also elsewhere.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinyong.search.text import GRAM_LENGTH
from xinyong.subjects.models import Subject


class IndexedName(models.Model):
    """The text a subject is indexed under; matches of 3+ characters are checked on it.

    Kept so that re-indexing a renamed subject knows which postings to remove without
    an index on `NameGram.subject` (which would be as large as the postings).
    """

    subject = models.OneToOneField(
        Subject,
        models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("信用主体"),
    )
    text = models.TextField(_("规范化名称"))

    class Meta:
        verbose_name = _("检索名称")
        verbose_name_plural = _("检索名称")

    def __str__(self) -> str:
        return self.text


class NameGram(models.Model):
    """One posting: subject S's name contains gram G.

    The key (gram, subject) makes a posting list one range of the primary key, in
    subject order. No foreign-key constraint and no index on `subject`: each would
    cost as much as the table. Deleting a subject through the ORM removes its postings
    (`signals`); one deleted by raw SQL leaves postings that counts include until
    `search rebuild`, though pages never show it.
    """

    pk = models.CompositePrimaryKey("gram", "subject")
    gram = models.CharField(_("片段"), max_length=GRAM_LENGTH)
    subject = models.ForeignKey(
        Subject,
        models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("信用主体"),
    )

    class Meta:
        verbose_name = _("名称片段")
        verbose_name_plural = _("名称片段")

    def __str__(self) -> str:
        return f"{self.gram} → {self.subject_id}"
