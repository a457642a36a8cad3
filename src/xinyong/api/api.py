"""The JSON API at /api/v1 (django-ninja), assembled from the domain apps' routers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from xinyong.core.errors import XinyongError

api = NinjaAPI(
    title="xinyong API",
    version="1",
    urls_namespace="api-v1",
    description="公共信用信息平台接口 / Public credit information platform API",
)


@api.exception_handler(XinyongError)
def domain_error(request: HttpRequest, exc: XinyongError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)
