"""`GET /metrics`: Prometheus text format, for the master key (or anyone with METRICS_PUBLIC)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gql_server.auth import bearer_token, is_master_key
from gql_server.services.metrics import CONTENT_TYPE

if TYPE_CHECKING:
    from gql_server.runtime import Runtime


def metrics_route(runtime: Callable[[], Runtime]) -> Route:
    async def metrics(request: Request) -> Response:
        rt = runtime()
        if not rt.settings.metrics_public:
            token = bearer_token(request.headers.get("authorization"))
            if token is None or not is_master_key(token, rt.master_key):
                return JSONResponse({"error": "the master key is required"}, status_code=401)
        body = await rt.services.metrics.render(rt.registry)
        return Response(body, media_type=CONTENT_TYPE)

    return Route("/metrics", metrics, methods=["GET"])
