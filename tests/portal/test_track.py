"""The tracking look-up (/track/): a reference leads to its procedure's page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_objection_reference_leads_to_the_objection_page(client):
    response = client.get("/track/", {"ref": " yy0123456789ab "})
    assert response.status_code == 302
    assert response["Location"] == "/objections/YY0123456789AB/"


def test_a_repair_reference_leads_to_the_repair_page(client):
    response = client.get("/track/", {"ref": "XF0123456789AB"})
    assert response["Location"] == "/repairs/XF0123456789AB/"


def test_it_explains_a_reference_of_no_known_kind(client):
    response = client.get("/track/", {"ref": "MD0123"})
    assert response.status_code == 400
    assert "编号应以 YY（异议）、XF（信用修复）或 TS（举报投诉）开头" in response.content.decode()


def test_without_a_reference_it_shows_the_form(client):
    response = client.get("/track/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="ref"' in html and 'aria-current="page"' in html
