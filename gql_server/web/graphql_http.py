"""GraphQL over HTTP details the view applies before and after Strawberry runs a request.

- Request errors (the document or its variables are unusable: nothing executed) are told apart
  from field errors, so a client that accepts `application/graphql-response+json` gets 400.
- Checks Strawberry does not make: persisted queries (APQ) are not supported, and say so in the
  words Apollo clients look for; a document above `MAX_DOCUMENT_CHARS` is refused before it is
  lexed (comments and whitespace escape the token limit). Lone surrogates are refused by the
  schema (`schema.limits.RejectLoneSurrogates`), for the websocket too.
- The error answers given before Strawberry runs (401, 503, a request it refused), in the
  GraphQL-over-HTTP error shape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.responses import JSONResponse, Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
MAX_DOCUMENT_CHARS = 100_000
UNAVAILABLE = "the API key could not be checked: the database is unreachable; try again shortly"
SUBSCRIPTION_OVER_HTTP = (
    "subscriptions are served over the websocket at /graphql (graphql-transport-ws), not over HTTP"
)


@dataclass(frozen=True)
class Problem:
    message: str
    code: str

    def __str__(self) -> str:
        return self.message


def request_error(message: str | Problem, code: str | None = None) -> ExecutionResult:
    extensions = {"code": code} if code else None
    return ExecutionResult(data=None, errors=[GraphQLError(str(message), extensions=extensions)])


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: errors, no data, and no error belongs to a field path."""
    errors = result.errors or []
    return bool(errors) and result.data is None and all(e.path is None for e in errors)


def wants_graphql_response_json(accept: str | None) -> bool:
    if not accept:
        return False
    return any(
        part.split(";")[0].strip().lower() == GRAPHQL_RESPONSE_JSON for part in accept.split(",")
    )


def preflight_error(data: GraphQLRequestData) -> Problem | None:
    extensions = data.extensions if isinstance(data.extensions, dict) else {}
    if "persistedQuery" in extensions:
        return Problem("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
    if data.query is not None and len(data.query) > MAX_DOCUMENT_CHARS:
        return Problem(
            f"the GraphQL document is longer than {MAX_DOCUMENT_CHARS} characters",
            "DOCUMENT_TOO_LARGE",
        )
    return None


def http_error(refused: HTTPException, accept: str | None) -> Response:
    """A request Strawberry refused (unparseable body, no query, wrong method) in the
    GraphQL-over-HTTP error shape, with its status."""
    media_type = GRAPHQL_RESPONSE_JSON if wants_graphql_response_json(accept) else None
    return JSONResponse(
        {"errors": [{"message": refused.reason}]},
        status_code=refused.status_code,
        media_type=media_type,
    )


def unavailable() -> Response:
    """An API key that cannot be checked (the database is down): try again, not refused."""
    problem = {"message": UNAVAILABLE, "extensions": {"code": "SERVICE_UNAVAILABLE"}}
    return JSONResponse(
        {"errors": [problem]},
        status_code=503,
        headers={"Retry-After": "1"},
    )


def too_many_waiting(reason: str, retry_after_s: float) -> Response:
    """A websocket refused at the handshake because too many sockets wait to sign in (from its
    address, or in all): try again once the waiting ones have signed in or timed out."""
    problem = {
        "message": f"too many websockets: {reason}",
        "extensions": {"code": "TOO_MANY_SOCKETS"},
    }
    return JSONResponse(
        {"errors": [problem]},
        status_code=429,
        headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))},
    )


def unauthorized() -> Response:
    return JSONResponse(
        {"errors": [{"message": "missing or invalid API key (Authorization: Bearer <key>)"}]},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )
