"""The schema object, with unexpected errors masked for clients and logged for operators."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, MaxTokensLimiter, QueryDepthLimiter

from gql_server.core.errors import DomainError
from schema.mutations import Mutation
from schema.queries import Query
from schema.subscriptions import Subscription

log = logging.getLogger("gql_server.graphql")


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, DomainError):
        return False  # the caller's own mistake: parse/validation errors, domain errors
    log.error("unexpected error in %s", error.path, exc_info=original)
    return True


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: MaskErrors(
                should_mask_error=_should_mask,
                error_message="Internal server error; it has been logged.",
            ),
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxTokensLimiter(max_token_count=5000),
        ],
    )
