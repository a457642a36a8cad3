"""Rate limits per client on the search, subject and column pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from xinyong.portal import ratelimit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_rate_window")]
LIMITED = ("/search?q=白药", "/subjects/91530000000000000X/", "/penalties/", "/licences/")


@override_settings(XINYONG_PORTAL_RATE_LIMIT=3, XINYONG_PORTAL_RATE_WINDOW=60)
@pytest.mark.parametrize("url", LIMITED)
def test_it_returns_429_over_the_limit(client, loaded_pack, url):
    statuses = [client.get(url).status_code for _ in range(4)]
    assert 429 not in statuses[:3] and statuses[3] == 429


@override_settings(XINYONG_PORTAL_RATE_LIMIT=1, XINYONG_PORTAL_RATE_WINDOW=60)
def test_the_429_page_is_friendly_in_both_languages_with_retry_after(client, loaded_pack):
    client.get("/penalties/")
    response = client.get("/penalties/")
    html = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "访问过于频繁" in html and '<p lang="en">' in html and '<p lang="zh-hans">' in html
    assert f"{response['Retry-After']} 秒后再试" in html


@override_settings(XINYONG_PORTAL_RATE_LIMIT=1)
def test_each_client_has_its_own_count(client, loaded_pack):
    assert client.get("/penalties/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/penalties/", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/penalties/", REMOTE_ADDR="10.0.0.1").status_code == 429


@override_settings(XINYONG_PORTAL_RATE_LIMIT=1)
def test_each_kind_of_page_has_its_own_count(client, loaded_pack):
    assert client.get("/penalties/").status_code == 200
    assert client.get("/search", {"q": "白药"}).status_code == 200
    assert client.get("/penalties/").status_code == 429


@override_settings(XINYONG_PORTAL_RATE_LIMIT=1)
def test_the_home_and_about_pages_are_not_limited(client, loaded_pack):
    assert {client.get(url).status_code for url in ["/", "/", "/about/", "/about/"]} == {200}


@override_settings(XINYONG_PORTAL_RATE_LIMIT=0)
def test_zero_turns_the_limits_off(client, loaded_pack):
    assert {client.get("/penalties/").status_code for _ in range(5)} == {200}


@override_settings(XINYONG_PORTAL_RATE_LIMIT=2, XINYONG_PORTAL_RATE_WINDOW=60)
def test_a_new_window_starts_a_new_count():
    verdicts = [ratelimit.check("t", "10.0.0.9", now=120.0 + n) for n in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert verdicts[2].retry_after == 58
    assert ratelimit.check("t", "10.0.0.9", now=180.0).allowed


def _address(remote: str, forwarded: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return ratelimit.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@override_settings(XINYONG_TRUSTED_PROXIES=0)
def test_a_forged_forwarded_for_header_is_ignored_without_a_trusted_proxy():
    assert _address("203.0.113.7", "1.2.3.4") == "203.0.113.7"


@override_settings(XINYONG_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_client_is_the_last_forwarded_address():
    assert _address("10.0.0.1", "1.2.3.4, 203.0.113.7") == "203.0.113.7"
    assert _address("10.0.0.1") == "10.0.0.1"


@override_settings(XINYONG_TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_client_is_the_second_last_address():
    assert _address("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.2") == "203.0.113.7"


def test_an_ipv6_client_counts_as_its_64_network():
    assert _address("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert _address("::ffff:203.0.113.7") == "203.0.113.7"
