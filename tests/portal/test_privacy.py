"""No page ever shows a full ID number: every page's whole HTML is scanned."""

from __future__ import annotations

import re

import pytest

from tests.portal import pipeline
from xinyong.search import index
from xinyong.subjects.identifiers import IdentifierError, check_id_number

pytestmark = pytest.mark.django_db
EIGHTEEN = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def _full_id_numbers(html: str) -> list[str]:
    """Every 18-character run in the page that is a valid resident ID number."""
    found = []
    for candidate in EIGHTEEN.findall(html):
        try:
            check_id_number(candidate)
        except IdentifierError:
            continue
        found.append(candidate)
    return found


@pytest.fixture
def people(loaded_pack):
    pipeline.run("penalty", [pipeline.persons_penalty(), pipeline.company_penalty()])
    pipeline.run("license", [pipeline.licence(XK_FR_ZJLX="身份证", XK_FR_ZJHM=pipeline.PERSON_ID)])
    index.rebuild()


def _pages() -> list[str]:
    person = pipeline.person()
    return [
        "/",
        "/search?q=李四",
        "/search?q=鑫瑞",
        f"/subjects/{person.public_id}/",
        f"/subjects/{person.public_id}/?tab=penalty",
        f"/subjects/{pipeline.COMPANY}/?tab=penalty",
        f"/subjects/{pipeline.PHARMACY}/?tab=licensing",
        "/penalties/",
        "/licences/",
        "/about/",
        f"/subjects/{pipeline.PERSON_ID}/",
        f"/search?q={pipeline.PERSON_ID}",
    ]


def test_the_scan_would_catch_a_full_id_number():
    assert _full_id_numbers(f"<td>{pipeline.PERSON_ID}</td>") == [pipeline.PERSON_ID]
    assert _full_id_numbers(f"<td>{pipeline.COMPANY}</td>") == []


def test_it_never_shows_a_full_id_number(client, people):
    for url in _pages():
        html = client.get(url).content.decode()
        assert _full_id_numbers(html) == [], url
        assert pipeline.PERSON_ID not in html and pipeline.REPRESENTATIVE_ID not in html, url


def test_the_persons_page_shows_the_masked_number(client, people):
    person = pipeline.person()
    html = client.get(f"/subjects/{person.public_id}/").content.decode()
    assert person.id_number_masked in html and "*" * 10 in person.id_number_masked
