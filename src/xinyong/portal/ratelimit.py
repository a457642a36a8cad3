"""Per-client rate limits for the pages a scraper would walk (search, subjects, columns).

A fixed window: requests of one client to one kind of page are counted under a cache key
that names the window (`now // window`), so counters expire by themselves and no job
cleans up. A client may send up to twice the limit across a window boundary; that is
enough to stop a crawl of millions of subjects, which is the point, and costs one cache
operation per request.

Settings (read at request time, so tests can override them): `XINYONG_PORTAL_RATE_LIMIT`
requests per `XINYONG_PORTAL_RATE_WINDOW` seconds (0 turns the limits off), and
`XINYONG_TRUSTED_PROXIES`, how many reverse proxies in front append to X-Forwarded-For.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def client_address(request: HttpRequest) -> str:
    """The client's address as a rate-limit key.

    X-Forwarded-For is believed only as far as trusted proxies wrote it: each appends
    the address it saw, so with N proxies the client is the N-th entry from the right;
    anything further left was written by the client and may be forged. An IPv6 client
    counts as its /64 network, which one subscriber usually owns whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.XINYONG_TRUSTED_PROXIES
    if proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def check(scope: str, client: str, *, now: float | None = None) -> Verdict:
    """Count one request of `client` to `scope` and say whether it is within the limit."""
    limit: int = settings.XINYONG_PORTAL_RATE_LIMIT
    window: int = settings.XINYONG_PORTAL_RATE_WINDOW
    now = time.time() if now is None else now
    retry_after = max(1, math.ceil(window - now % window))
    if limit <= 0:
        return Verdict(True, retry_after)
    key = f"xinyong:portal-rate:{scope}:{client}:{int(now // window)}"
    # add() then incr(): atomic in every cache backend that has an atomic incr, and the
    # counter expires with its window.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return Verdict(count <= limit, retry_after)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request, "portal/too_many_requests.html", {"retry_after": retry_after}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str) -> Callable[[View], View]:
    """Decorate a view: over the limit, answer 429 with a friendly page and Retry-After."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            verdict = check(scope, client_address(request))
            if not verdict.allowed:
                return too_many_requests(request, verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
