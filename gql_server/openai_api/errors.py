"""Errors in OpenAI's shape, and upstream failures normalised into them.

Every error body is `{"error": {"message", "type", "param", "code"}}`; an upstream failure adds
`status` (the provider's HTTP status), `provider` and `deployment` (the last one tried), and
the headers `x-should-retry: false` and `x-litellm-*` (what the gateway already tried). Messages
are bounded and scrubbed (`core.redaction`): a provider that echoes our key back, a traceback or a
server path never reaches the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.redaction import scrub
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import resolve_reference
from gql_server.openai_api.exchange import routing_headers

MESSAGE_LIMIT = 500


@dataclass
class ApiError(Exception):
    status: int
    message: str
    kind: str = "invalid_request_error"
    code: str | None = None
    param: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def response(self) -> JSONResponse:
        body = {
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
            **self.extra,
        }
        return JSONResponse({"error": body}, status_code=self.status, headers=self.headers)


def unauthenticated() -> ApiError:
    return ApiError(401, "invalid or missing API key", "invalid_request_error", "invalid_api_key")


def database_unreachable() -> ApiError:
    """A key not cached while the database is down: it cannot be checked now, not refused."""
    return ApiError(
        503,
        "the API key could not be checked: the database is unreachable; try again shortly",
        "api_error",
        "service_unavailable",
        headers={"retry-after": "1"},
    )


def not_found(message: str, code: str = "not_found") -> ApiError:
    return ApiError(404, message, "invalid_request_error", code)


def method_not_allowed(method: str, path: str, allowed: Iterable[str]) -> ApiError:
    allow = ", ".join(sorted(allowed))
    return ApiError(
        405,
        f"{method} is not allowed on {path}; use {allow}",
        "invalid_request_error",
        "method_not_allowed",
        headers={"allow": allow},
    )


def upstream_failure(
    built: BuiltRouter, error: BaseException | None, trace: RequestTrace | None = None
) -> ApiError:
    """The Router's final error as an OpenAI error: a status the SDKs understand, what failed
    where, and a scrubbed message."""
    last = error.last_error if isinstance(error, RoutingFailedError) else error
    status = _status_of(last)
    failed = trace.attempts[-1] if trace is not None and trace.attempts else None
    deployment = failed.deployment_id if failed else None
    provider = failed.provider if failed else _provider_of(last)
    detail = scrub(
        f"{type(last).__name__}: {last}" if last is not None else "no response",
        limit=MESSAGE_LIMIT,
        known_secrets=known_secrets(built.deployments),
    )
    message = f"routing group {built.group.name!r}: every deployment failed; last error: {detail}"
    http, kind, code = _classify(status)
    # The gateway has already retried and failed over: an SDK retrying on its own would only
    # multiply the attempts (openai-python sent a final 502 three times).
    headers = {"x-should-retry": "false"}
    headers.update(routing_headers(deployment, trace.attempts if trace is not None else ()))
    return ApiError(
        http,
        scrub(message, limit=MESSAGE_LIMIT + 100),
        kind,
        code,
        extra={"status": status, "provider": provider, "deployment": deployment},
        headers=headers,
    )


def known_secrets(deployments: Mapping[str, Any]) -> list[str]:
    """The resolved provider keys of a group's deployments: scrubbed verbatim wherever seen."""
    found: list[str] = []
    for deployment in deployments.values():
        for value in (deployment.api_key, *deployment.extra_params.values()):
            resolved = resolve_reference(value)
            if isinstance(resolved, str) and len(resolved) >= 8:
                found.append(resolved)
    return found


def _status_of(error: BaseException | None) -> int | None:
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def _provider_of(error: BaseException | None) -> str | None:
    provider = getattr(error, "llm_provider", None)
    return provider if isinstance(provider, str) else None


def _classify(status: int | None) -> tuple[int, str, str | None]:
    if status == 429:
        return 429, "rate_limit_error", "rate_limit_exceeded"
    if status in (408, 504):
        return 504, "timeout_error", "timeout"
    if status in (400, 404, 413, 422):
        return 400, "invalid_request_error", "upstream_rejected_request"
    if status in (401, 403):
        # The provider refused our credentials: not the caller's key, so a gateway error.
        return 502, "api_error", "upstream_authentication_error"
    if status in (502, 503):
        return status, "api_error", "upstream_unavailable"
    return 502, "api_error", "upstream_error"
