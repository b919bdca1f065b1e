"""The schema object, with unexpected errors masked for clients and logged for operators."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, MaxTokensLimiter
from strawberry.types import ExecutionContext

from gql_server.core.domain.errors import DomainError
from schema.limits import OperationBudget, RejectLoneSurrogates
from schema.operations.mutations import Mutation
from schema.operations.queries import Query
from schema.operations.subscriptions import Subscription
from schema.shared_results import SharingExecutionContext

log = logging.getLogger("gql_server.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """A bug or an outage, not the caller's mistake. Parse, validation and variable-coercion
    errors carry no original error or a GraphQLError; domain errors are expected answers."""
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError)


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry's default logs every error at ERROR with a traceback: a caller's typo
        # would cost 20x its size in log bytes. Only unexpected errors deserve that.
        for error in errors:
            if is_unexpected(error):
                log.error("unexpected error in %s", error.path, exc_info=error.original_error)
            else:
                # Bounded: a message may quote the caller's input back.
                log.info("request error: %.300s", error.message)


def build_schema() -> strawberry.Schema:
    return _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=SharingExecutionContext,  # one execution per shared event
        extensions=[
            lambda: MaskErrors(
                should_mask_error=is_unexpected,
                error_message="Internal server error; it has been logged.",
            ),
            lambda: MaxTokensLimiter(max_token_count=5000),
            OperationBudget,  # depth, aliases, root fields, cost: fragments expanded
            RejectLoneSurrogates,
        ],
    )
