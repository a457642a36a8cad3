"""The JSON API at /api/v1 (django-ninja), assembled from the domain apps' routers.

Errors always have the shape {"error": {"code", "message", "message_en", "field"?}}.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from xinyong.api.auth import TokenAuth
from xinyong.core.errors import InvalidInput, XinyongError

api = NinjaAPI(
    title="xinyong API",
    version="1",
    urls_namespace="api-v1",
    description="公共信用信息平台接口 / Public credit information platform API",
)


def _error(request: HttpRequest, exc: XinyongError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


@api.exception_handler(XinyongError)
def domain_error(request: HttpRequest, exc: XinyongError) -> HttpResponse:
    return _error(request, exc)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    error = XinyongError("auth.required", _("需要有效的接口令牌（Authorization: Bearer …）"))
    error.status = 401
    return _error(request, error)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    error = InvalidInput(
        "request.invalid",
        _("请求格式不正确：%(detail)s"),
        params={"detail": "; ".join(_describe(e) for e in exc.errors)},
    )
    return _error(request, error)


def _describe(error: dict[str, object]) -> str:
    location = ".".join(str(part) for part in error.get("loc", []))  # type: ignore[attr-defined]
    return f"{location}: {error.get('msg', '')}"


@api.exception_handler(HttpError)
def unparsable_request(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # A body that is not JSON at all: ninja raises HttpError(400, "Cannot parse request
    # body"); answer it in the error shape of every other error.
    error = InvalidInput(
        "request.invalid", _("请求格式不正确：%(detail)s"), params={"detail": str(exc)}
    )
    error.status = exc.status_code
    return _error(request, error)


def _register_routers() -> None:
    from xinyong.api.routes import router
    from xinyong.complaints import api as api_complaints
    from xinyong.lists import api_checks, api_entries, api_feedback
    from xinyong.records import api_public
    from xinyong.records.api import router as records_router
    from xinyong.rights import api_objections, api_repairs

    api.add_router("", router)
    api.add_router("", records_router)
    for module in (
        api_entries,
        api_checks,
        api_feedback,
        api_public,
        api_objections,
        api_repairs,
        api_complaints,
    ):
        api.add_router("", module.router)


_register_routers()
__all__ = ["TokenAuth", "api"]
