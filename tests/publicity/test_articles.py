"""The article services: what a draft must hold, the steps draft → published → withdrawn,
and the audit log of every change."""

from __future__ import annotations

import pytest

from tests.publicity.conftest import ACTOR, COMPANY, PERSON_ID, published, write
from xinyong.campaigns.models import Campaign
from xinyong.core.audit import action_labels
from xinyong.core.errors import Conflict, InvalidInput
from xinyong.core.models import AuditEvent
from xinyong.publicity import articles
from xinyong.publicity.actions import ACTIONS
from xinyong.publicity.models import Article
from xinyong.subjects.models import Unit

pytestmark = pytest.mark.django_db


def _events(article: Article) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="publicity.article", object_id=str(article.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_draft_is_saved_as_written_and_audited(loaded_pack):
    article = write(title="  诚信建设万里行走进曲靖  ", body="一段。\n\n\n  二段。  ")
    assert article.status == Article.Status.DRAFT
    assert article.title == "诚信建设万里行走进曲靖"
    assert article.published_at is None
    assert article.created_by == ACTOR.label
    assert article.paragraphs() == ["一段。", "二段。"]
    assert _events(article) == ["xinyong.article.created"]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"title": "  "}, "article.title_required", "title"),
        ({"title": "长" * 201}, "article.title_too_long", "title"),
        ({"summary": "长" * 301}, "article.summary_too_long", "summary"),
        ({"body": ""}, "article.body_required", "body"),
        ({"body": "长" * 20_001}, "article.body_too_long", "body"),
        ({"kind": "news"}, "article.bad_kind", "kind"),
        ({"kind": Article.Kind.CASE}, "article.case_needs_campaign", "campaign"),
    ],
)
def test_a_bad_draft_is_refused_with_its_code_and_nothing_is_saved(
    loaded_pack, overrides, code, field
):
    with pytest.raises(InvalidInput) as caught:
        write(**overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.message_in("zh-hans") and caught.value.message_in("en")
    assert not Article.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="xinyong.article.").exists()


def test_a_typical_case_is_accepted_with_its_campaign(loaded_pack):
    campaign = Campaign.objects.get(code="wage-arrears")
    article = write(kind=Article.Kind.CASE, campaign=campaign)
    assert article.campaign == campaign


def test_only_an_organisation_may_be_linked(company, person):
    assert write(kind=Article.Kind.STAR, subject=company).subject == company
    with pytest.raises(InvalidInput) as caught:
        write(kind=Article.Kind.STAR, subject=person, title="另一篇")
    assert caught.value.code == "article.subject_not_organisation"


def test_an_organisation_is_found_by_its_code_and_a_person_never(company, person):
    assert articles.find_organisation(f" {COMPANY.lower()} ") == company
    with pytest.raises(InvalidInput) as caught:
        articles.find_organisation(PERSON_ID)
    assert caught.value.code == "article.subject_unknown"
    # The message never repeats what was typed: it may be an ID number.
    assert PERSON_ID not in caught.value.bilingual()


def test_publishing_makes_a_draft_public_and_is_audited(loaded_pack):
    article = articles.publish(write(), actor=ACTOR)
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert list(articles.public_articles()) == [article]
    assert _events(article) == ["xinyong.article.created", "xinyong.article.published"]


def test_a_published_article_can_be_neither_edited_nor_published_again(loaded_pack):
    article = published()
    with pytest.raises(Conflict) as caught:
        articles.publish(article, actor=ACTOR)
    assert caught.value.code == "article.not_draft"
    with pytest.raises(Conflict):
        articles.edit_draft(
            article, kind="report", title="改", body="改", unit=article.unit, actor=ACTOR
        )
    article.refresh_from_db()
    assert article.title == "诚信建设万里行走进昆明"


def test_editing_a_draft_changes_it_and_is_audited(loaded_pack):
    article = write()
    campaign = Campaign.objects.get(code="counterfeit-drugs")
    edited = articles.edit_draft(
        article,
        kind=Article.Kind.CASE,
        title="某药店销售假药被查处",
        body="正文。",
        unit=article.unit,
        campaign=campaign,
        actor=ACTOR,
    )
    assert (edited.kind, edited.title, edited.campaign) == (
        "case",
        "某药店销售假药被查处",
        campaign,
    )
    assert _events(article)[-1] == "xinyong.article.edited"


def test_a_withdrawal_needs_a_reason(loaded_pack):
    article = published()
    with pytest.raises(InvalidInput) as caught:
        articles.withdraw(article, actor=ACTOR, reason="   ")
    assert (caught.value.code, caught.value.field) == ("article.reason_required", "reason")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_withdrawing_takes_an_article_off_and_keeps_the_reason(loaded_pack):
    article = articles.withdraw(published(), actor=ACTOR, reason="数据有误，待核实")
    assert article.status == Article.Status.WITHDRAWN
    assert article.withdrawal_reason == "数据有误，待核实"
    assert not articles.public_articles().exists()
    event = AuditEvent.objects.get(action="xinyong.article.withdrawn")
    assert event.data["reason"] == "数据有误，待核实"


def test_a_draft_cannot_be_withdrawn(loaded_pack):
    with pytest.raises(Conflict) as caught:
        articles.withdraw(write(), actor=ACTOR, reason="不再需要")
    assert caught.value.code == "article.not_published"


def test_a_draft_of_a_unit_since_deactivated_cannot_be_published(loaded_pack):
    article = write()
    Unit.objects.filter(pk=article.unit_id).update(active=False)
    with pytest.raises(InvalidInput) as caught:
        articles.publish(article, actor=ACTOR)
    assert caught.value.code == "article.unit_inactive"
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_every_publicity_action_is_known_to_the_audit_log(loaded_pack):
    assert set(ACTIONS) <= set(action_labels())
    assert set(ACTIONS) == {
        "xinyong.article.created",
        "xinyong.article.edited",
        "xinyong.article.published",
        "xinyong.article.withdrawn",
    }
