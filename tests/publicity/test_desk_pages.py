"""The console's publicity desk: who may see, write, publish and withdraw, the form's
errors with their codes, and the weekly target tracker."""

from __future__ import annotations

import pytest

from tests.publicity.conftest import PERSON_ID, published, write
from xinyong.policy.models import Rule
from xinyong.publicity.models import Article

pytestmark = pytest.mark.django_db

USERS = ("operator", "clerk", "reviewer", "auditor", "other_clerk")


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "report",
        "title": "诚信建设万里行走进丽江",
        "summary": "",
        "body": "采访组走访古城商户。",
        "unit": "YN-WMB",
        "campaign": "",
        "subject": "",
    }
    data.update(overrides)
    return data


def _get(client, url):
    return client.get(url)


def _post_publish(client, url):
    return client.post(url)


def _post_withdraw(client, url):
    return client.post(url, {"reason": "内容需要更新"})


# (page, how it is called, the article it needs, status per user in USERS order)
MATRIX = [
    ("", _get, None, (200, 200, 200, 200, 200)),
    ("new/", _get, None, (200, 200, 200, 403, 200)),
    ("weeks/", _get, None, (200, 200, 200, 200, 200)),
    ("{pk}/", _get, "draft", (200, 200, 200, 200, 404)),
    ("{pk}/edit/", _get, "draft", (200, 200, 200, 403, 404)),
    ("{pk}/publish/", _post_publish, "draft", (302, 302, 302, 403, 404)),
    ("{pk}/withdraw/", _post_withdraw, "published", (302, 302, 302, 403, 404)),
]


@pytest.mark.parametrize(("page", "call", "needs", "statuses"), MATRIX)
@pytest.mark.parametrize("who", range(len(USERS)))
def test_each_page_answers_each_user_as_their_role_allows(
    client, request, page, call, needs, statuses, who
):
    user = request.getfixturevalue(USERS[who])
    article = None
    if needs == "draft":
        article = write()
    elif needs == "published":
        article = published()
    url = "/console/publicity/" + page.format(pk=article.pk if article else "")
    client.force_login(user)
    assert call(client, url).status_code == statuses[who]
    if article is not None and statuses[who] != 302:
        before = article.status
        article.refresh_from_db()
        assert article.status == before  # a refused step changed nothing


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, loaded_pack):
    response = client.get("/console/publicity/")
    assert response.status_code == 302 and "/console/login" in response["Location"]


def test_a_unit_sees_only_its_own_articles(client, other_clerk, clerk):
    write(title="文明办的稿件")
    client.force_login(other_clerk)
    assert "文明办的稿件" not in client.get("/console/publicity/").content.decode()
    client.force_login(clerk)
    assert "文明办的稿件" in client.get("/console/publicity/").content.decode()


def test_a_clerk_writes_a_draft_then_publishes_it(client, clerk):
    client.force_login(clerk)
    response = client.post("/console/publicity/new/", _form())
    assert response.status_code == 302
    article = Article.objects.get()
    assert response["Location"] == f"/console/publicity/{article.pk}/"
    assert article.status == Article.Status.DRAFT and "wmb-clerk" in article.created_by
    assert client.get(f"/publicity/{article.pk}/").status_code == 404

    assert client.post(f"/console/publicity/{article.pk}/publish/").status_code == 302
    assert client.get(f"/publicity/{article.pk}/").status_code == 200


def test_a_clerk_cannot_write_for_another_unit(client, clerk):
    client.force_login(clerk)
    response = client.post("/console/publicity/new/", _form(unit="YN-GAT"))
    assert response.status_code == 400
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": ""}, "article.title_required"),
        ({"kind": "case"}, "article.case_needs_campaign"),
        ({"subject": PERSON_ID}, "article.subject_unknown"),
    ],
)
def test_a_refused_draft_shows_the_error_code_on_the_form(client, clerk, overrides, code):
    client.force_login(clerk)
    response = client.post("/console/publicity/new/", _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f"({code})" in html
    assert not Article.objects.exists()


def test_a_typical_case_is_saved_with_its_campaign(client, clerk):
    client.force_login(clerk)
    response = client.post("/console/publicity/new/", _form(kind="case", campaign="telecom-fraud"))
    assert response.status_code == 302
    assert Article.objects.get().campaign.code == "telecom-fraud"


def test_a_published_article_cannot_be_edited(client, clerk):
    article = published()
    client.force_login(clerk)
    response = client.post(f"/console/publicity/{article.pk}/edit/", _form(title="改过的"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title != "改过的"


def test_publishing_twice_is_a_conflict(client, clerk):
    article = published()
    client.force_login(clerk)
    response = client.post(f"/console/publicity/{article.pk}/publish/")
    assert response.status_code == 409
    assert "(article.not_draft)" in response.content.decode()


def test_a_withdrawal_without_a_reason_is_refused(client, clerk):
    article = published()
    client.force_login(clerk)
    response = client.post(f"/console/publicity/{article.pk}/withdraw/", {"reason": " "})
    assert response.status_code == 400
    assert "(article.reason_required)" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_the_tracker_highlights_short_weeks_and_says_what_this_week_needs(client, clerk):
    published()
    client.force_login(clerk)
    html = client.get("/console/publicity/weeks/").content.decode()
    assert "还需1篇" in html
    assert '<tr class="below">' in html  # the weeks before had no report at all
    assert '<tr class="current">' in html
    assert "<svg" in html and 'class="target"' in html

    rule = Rule.objects.get(key="integrity-column-quota")
    rule.body = {**rule.body, "per_week": 4}
    rule.save()
    assert "还需3篇" in client.get("/console/publicity/weeks/").content.decode()


def test_the_console_navigation_links_the_desk(client, clerk):
    client.force_login(clerk)
    html = client.get("/console/publicity/").content.decode()
    assert 'href="/console/publicity/" aria-current="page"' in html
