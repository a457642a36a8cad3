"""`fuzzy.candidates`: subjects whose names are close to a name typed with a mistake."""

from __future__ import annotations

import pytest

from xinyong.core import audit
from xinyong.core.errors import InvalidInput
from xinyong.search import fuzzy
from xinyong.search.fuzzy import candidates, similarity
from xinyong.subjects import services

pytestmark = pytest.mark.django_db
PERSON_ID = "530102199003071238"
CAST = (
    "昆明鑫瑞商贸有限公司",
    "昆明鑫瑞茶业有限公司",
    "大理苍山茶业有限公司",
    "玉溪红塔烟草有限公司",
    "五华区李记米线店",
    "云南白药集团股份有限公司",
)


@pytest.fixture
def cast(organisation) -> dict[str, int]:
    return {name: organisation(name).pk for name in CAST}


def _names(name: str, limit: int = 3) -> list[str]:
    return [candidate.name for candidate in candidates(name, limit)]


def test_one_character_changed_finds_the_original_unconfirmed(cast):
    found = candidates("昆明鑫瑞商茂有限公司")
    assert [c.subject_id for c in found][:1] == [cast["昆明鑫瑞商贸有限公司"]]
    assert found[0].score == pytest.approx(0.9)  # one of ten characters
    assert all(c.score < 1 for c in found)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("昆朋鑫瑞商贸有限公司", "昆明鑫瑞商贸有限公司"),  # second character
        ("昌明鑫瑞商贸有限公司", "昆明鑫瑞商贸有限公司"),  # first: the prefix grams break
        ("昆明鑫瑞商贸有限公可", "昆明鑫瑞商贸有限公司"),  # last
        ("五华区季记米线店", "五华区李记米线店"),
        ("云南白药集团股分有限公司", "云南白药集团股份有限公司"),
    ],
)
def test_a_changed_character_anywhere_is_found(cast, typed, meant):
    assert _names(typed)[0] == meant


@pytest.mark.parametrize(
    "typed",
    [
        "昆明鑫商贸有限公司",  # one missing
        "昆明鑫瑞瑞商贸有限公司",  # one doubled
        "(昆明鑫瑞商贸有限公司",  # one before the first
        "昆明鑫瑞商贸有限公司。",  # one after the last
    ],
)
def test_a_missing_or_extra_character_is_one_edit(cast, typed):
    found = candidates(typed)
    assert found[0].name == "昆明鑫瑞商贸有限公司"
    assert 0.9 <= found[0].score < 1


def test_an_exact_name_scores_one_and_comes_first(organisation):
    organisation("昆明鑫瑞商茂有限公司")
    organisation("昆明鑫瑞商贸有限公司")
    found = candidates("昆明鑫瑞商贸有限公司")
    assert [(c.name, c.score) for c in found] == [
        ("昆明鑫瑞商贸有限公司", 1.0),
        ("昆明鑫瑞商茂有限公司", 0.9),
    ]


def test_the_same_name_typed_in_full_width_scores_one(organisation):
    organisation("ABC科技(云南)有限公司")
    found = candidates("ＡＢＣ科技（云南）有限公司")
    assert [(c.name, c.score) for c in found] == [("ABC科技(云南)有限公司", 1.0)]


def test_subjects_bearing_the_same_name_are_all_candidates(organisation):
    first, second = organisation("昆明鑫瑞商贸有限公司"), organisation("昆明鑫瑞商贸有限公司")
    found = candidates("昆明鑫瑞商茂有限公司")
    assert [c.subject_id for c in found] == [first.pk, second.pk]


def test_persons_are_never_candidates(organisation):
    services.create_subject(
        audit.Actor.cli(), kind="person", name="昆明鑫瑞商贸有限公司", id_number=PERSON_ID
    )
    assert candidates("昆明鑫瑞商贸有限公司") == []
    assert candidates("昆明鑫瑞商茂有限公司") == []
    organisation("昆明鑫瑞商贸有限公司")
    assert [c.score for c in candidates("昆明鑫瑞商贸有限公司")] == [1.0]


@pytest.mark.parametrize("typed", ["北京字节跳动网络技术有限公司", "上海浦东发展银行", "张三"])
def test_unrelated_names_give_no_candidate(cast, typed):
    assert candidates(typed) == []


def test_a_name_sharing_only_the_industry_and_form_is_no_candidate(cast):
    # 茶业有限公司 in common with two of the cast, four characters of ten apart: 0.6.
    assert similarity("普洱思茅茶业有限公司", "大理苍山茶业有限公司") < fuzzy.FLOOR
    assert candidates("普洱思茅茶业有限公司") == []


def test_two_characters_changed_are_still_found(cast):
    found = candidates("昆明金瑞商贸有银公司")
    assert found[0].name == "昆明鑫瑞商贸有限公司"
    assert found[0].score == pytest.approx(0.8)


def test_a_name_whose_every_gram_is_indexed_somewhere_is_still_searched(organisation):
    # Each pair of 昆明金瑞商贸有限公司 is in one of these names, so no gram says where
    # the difference lies: the lookup splits on a rare gram instead.
    organisation("昆明金桥商贸有限公司")
    organisation("云南金瑞茶业有限公司")
    organisation("昆明鑫瑞商贸有限公司")
    found = candidates("昆明金瑞商贸有限公司")
    assert sorted(c.name for c in found) == ["昆明金桥商贸有限公司", "昆明鑫瑞商贸有限公司"]
    assert {c.score for c in found} == {0.9}


def test_the_limit_bounds_the_candidates(organisation):
    for name in ("昆明鑫瑞茶业有限公司", "昆明鑫瑞酒业有限公司", "昆明鑫瑞糖业有限公司"):
        organisation(name)
    assert len(candidates("昆明鑫瑞果业有限公司")) == 3
    assert len(candidates("昆明鑫瑞果业有限公司", limit=1)) == 1
    assert len(candidates("昆明鑫瑞果业有限公司", limit=5)) == 3


def test_a_name_indexed_after_a_lookup_is_found(organisation):
    organisation("昆明鑫瑞商贸有限公司")
    assert _names("大理苍山茶叶有限公司") == []  # its grams are looked up and cached
    organisation("大理苍山茶业有限公司")
    assert _names("大理苍山茶叶有限公司") == ["大理苍山茶业有限公司"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "search.empty_query"),
        (" \u3000", "search.empty_query"),
        ("云" * 51, "search.query_too_long"),
    ],
)
def test_it_refuses_an_empty_or_too_long_name_with_the_search_codes(db, text, code):
    with pytest.raises(InvalidInput) as error:
        candidates(text)
    assert (error.value.code, error.value.field) == (code, "name")


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("", "", 1.0),
        ("鑫瑞", "鑫瑞", 1.0),
        ("昆明鑫瑞商贸有限公司", "昆明鑫瑞商茂有限公司", 0.9),
        ("昆明鑫瑞商贸有限公司", "昆明鑫商贸有限公司", 0.9),
        ("kitten", "sitting", 1 - 3 / 7),
        ("鑫瑞", "", 0.0),
    ],
)
def test_similarity_is_one_minus_edits_over_the_longer_length(a, b, score):
    assert similarity(a, b) == pytest.approx(score)
    assert similarity(b, a) == pytest.approx(score)
