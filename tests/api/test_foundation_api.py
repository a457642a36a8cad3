from __future__ import annotations

import pytest

from xinyong.accounts import tokens
from xinyong.core.audit import Actor

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_tells_a_token_its_unit_and_scopes(client, unit_a):
    token, secret = tokens.create_token(unit_a.code, ["records:read"], Actor.cli())
    response = client.get("/api/v1/me", **_bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "prefix": token.prefix,
        "scopes": ["records:read"],
        "unit": {"code": "T-UNIT-A", "name": "测试甲单位", "short_name": "甲单位"},
    }


def test_it_answers_a_missing_token_with_a_coded_bilingual_error(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "auth.required"
    assert error["message"] and error["message_en"]


def test_it_refuses_a_revoked_token(client, unit_a):
    token, secret = tokens.create_token(unit_a.code, ["records:read"], Actor.cli())
    tokens.revoke_token(token.prefix, Actor.cli())
    assert client.get("/api/v1/me", **_bearer(secret)).status_code == 401


def test_it_serves_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/units", "/api/v1/campaigns"} <= set(schema["paths"])


def test_it_lists_the_campaigns_of_the_loaded_pack(client, loaded_pack):
    campaigns = client.get("/api/v1/campaigns").json()
    assert [c["number"] for c in campaigns] == list(range(1, 20))
    assert all(c["lead"] and c["basis"]["source"] for c in campaigns)


def test_the_interactive_docs_load_no_asset_from_a_cdn(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "https://" not in html
