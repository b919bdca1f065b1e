"""Expected errors are data: each mutation returns a union of its result and these."""

from __future__ import annotations

import strawberry

from gql_server.core.domain import errors as domain


@strawberry.interface
class Error:
    message: str


@strawberry.type
class FieldError:
    field: str
    message: str


@strawberry.type
class ValidationError(Error):
    field_errors: list[FieldError]


@strawberry.type
class NotFoundError(Error):
    pass


@strawberry.type
class ConflictError(Error):
    current_version: int | None = None


@strawberry.type
class PermissionDeniedError(Error):
    pass


@strawberry.type(description="Too many simulations are running for this key; wait for one.")
class LimitExceededError(Error):
    limit: int


ErrorType = (
    ValidationError | NotFoundError | ConflictError | PermissionDeniedError | LimitExceededError
)


def to_graphql_error(exc: domain.DomainError) -> ErrorType:
    """Map a domain error to its GraphQL type. Unexpected kinds are re-raised, not guessed."""
    if isinstance(exc, domain.ValidationError):
        return ValidationError(
            message=exc.message,
            field_errors=[FieldError(field=e.field, message=e.message) for e in exc.field_errors],
        )
    if isinstance(exc, domain.NotFoundError | domain.NoSuchRoutingGroupError):
        return NotFoundError(message=exc.message)
    if isinstance(exc, domain.ConflictError):
        return ConflictError(message=exc.message, current_version=exc.current_version)
    if isinstance(exc, domain.PermissionDeniedError):
        return PermissionDeniedError(message=exc.message)
    if isinstance(exc, domain.LimitExceededError):
        return LimitExceededError(message=exc.message, limit=exc.limit)
    raise exc
