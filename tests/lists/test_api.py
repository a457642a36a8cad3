"""GET /api/v1/lists, /scenes, /measures, /memoranda and /scenes/{code}/measures."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_the_lists_with_owner_basis_and_terms(client, loaded_pack):
    lists = {item["code"]: item for item in client.get("/api/v1/lists").json()}
    assert len(lists) == 25
    wage = lists["wage-arrears"]
    assert wage["owner"] == {
        "code": "YN-RST",
        "name": "云南省人力资源和社会保障厅",
        "short_name": "省人社厅",
    }
    assert wage["basis"]["document_number"] == "人力资源社会保障部令第45号"
    assert wage["terms"][0]["period"] == "3 years"
    assert wage["terms"][0]["early_exit_after"] == "6 months"
    assert (wage["kind"], wage["serious"], wage["public"]) == ("black", True, True)
    assert lists["fraud-numbers-and-accounts"]["public"] is False


def test_it_lists_the_measures_of_one_scene(client, loaded_pack):
    measures = client.get("/api/v1/measures", {"scene": "travel"}).json()
    assert [m["code"] for m in measures] == ["flight-ban", "train-class-ban"]
    flight = measures[0]
    assert flight["scenes"] == ["travel"]
    assert [u["short_name"] for u in flight["implementing_units"]] == ["省高院", "省发展改革委"]
    assert "judgment-defaulters-2016" in flight["memoranda"]
    assert len(client.get("/api/v1/measures").json()) == 30


def test_an_unknown_scene_is_a_coded_404(client, loaded_pack):
    response = client.get("/api/v1/measures", {"scene": "nowhere"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "scene.unknown" and error["message"] and error["message_en"]


def test_it_lists_scenes_and_memoranda(client, loaded_pack):
    scenes = client.get("/api/v1/scenes").json()
    assert {
        "code": "government-procurement",
        "name": "政府采购",
        "description": "供应商参加政府采购活动。",
    } in scenes
    memoranda = {m["code"]: m for m in client.get("/api/v1/memoranda").json()}
    integrity = memoranda["yn-2019-integrity-incentives"]
    assert integrity["kind"] == "incentive" and integrity["lists"] == ["integrity-models"]
    assert integrity["measures"][2] == {
        "measure": "fewer-inspections",
        "section": "",
        "subject_kinds": ["organisation", "individual_business"],
    }


def test_it_answers_which_measures_apply_and_why(client, loaded_pack):
    response = client.get(
        "/api/v1/scenes/government-procurement/measures",
        {"list": ["judgment-defaulters", "abnormal-operations"], "subject_kind": "organisation"},
    )
    assert response.status_code == 200
    found = {item["measure"]["code"]: item["grounds"] for item in response.json()}
    assert set(found) == {"public-resource-trading-limit", "government-procurement-ban"}
    assert {g["memorandum"] for g in found["government-procurement-ban"]} == {
        "judgment-defaulters-2016",
        "procurement-credit-records-2016",
        "abnormal-operations-2014",
    }


def test_the_applicable_measures_need_a_list_and_a_valid_subject_kind(client, loaded_pack):
    url = "/api/v1/scenes/travel/measures"
    missing = client.get(url, {"subject_kind": "person"})
    wrong = client.get(url, {"list": "judgment-defaulters", "subject_kind": "company"})
    assert missing.status_code == wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "request.invalid"


def test_the_openapi_schema_has_the_new_paths(client):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {"/api/v1/lists", "/api/v1/measures", "/api/v1/scenes", "/api/v1/memoranda"} <= paths
    assert "/api/v1/scenes/{code}/measures" in paths
