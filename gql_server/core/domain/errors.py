"""Domain errors.

    DomainError
    ├── ValidationError          bad input; carries per-field messages; nothing was written
    ├── NotFoundError            the object does not exist (or the caller may not see it)
    ├── ConflictError            duplicate name or stale version; carries current_version
    ├── PermissionDeniedError    the caller is known but may not do this
    ├── LimitExceededError       a per-caller limit (e.g. simulations at once) is reached
    ├── NoSuchRoutingGroupError  a call named a routing group that is not live
    └── RoutingFailedError       every deployment the Router tried failed; names group + last error

Adapters map these to GraphQL result types, HTTP status codes and OpenAI error shapes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    def __init__(self, field_errors: list[FieldError], message: str | None = None) -> None:
        summary = message or "; ".join(f"{e.field}: {e.message}" for e in field_errors)
        super().__init__(summary or "invalid input")
        self.field_errors = field_errors


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class PermissionDeniedError(DomainError):
    pass


class LimitExceededError(DomainError):
    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class NoSuchRoutingGroupError(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no such routing group: {name!r}")
        self.name = name


class RoutingFailedError(DomainError):
    """Every attempt failed. `last_error` is the Router's final exception; `detail` replaces
    its text in the message (a throwaway Router's message names its internal namespace)."""

    def __init__(
        self, group_name: str, last_error: BaseException, *, detail: str | None = None
    ) -> None:
        if detail is None:
            detail = f"{type(last_error).__name__}: {last_error}"
        super().__init__(
            f"routing group {group_name!r}: every deployment failed; last error: {detail}"
        )
        self.group_name = group_name
        self.last_error = last_error
