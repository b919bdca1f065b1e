"""Validation rules that bound what one GraphQL document may ask the server to do.

Depth and token limits (in `build.py`) bound the document's shape; these bound its work:
- every operation has at most `MAX_ROOT_FIELDS` root selections (aliases count: 400 aliased
  copies of one field are 400 fields), and a document at most `MAX_ALIASES` aliases;
- expensive fields (each sends a real request through a Router) cost more, and one document may
  spend at most `MAX_OPERATION_COST`: a few `testRoutingGroup`s, never hundreds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import SchemaExtension

MAX_ROOT_FIELDS = 20
MAX_ALIASES = 30
MAX_OPERATION_COST = 3
# Root fields that do real work per selection (a Router call, a provider request).
EXPENSIVE_FIELDS: dict[str, int] = {"testRoutingGroup": 1}


class OperationLimits(ValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._aliases = 0
        self._fragments = {
            definition.name.value: definition.selection_set
            for definition in context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.alias is not None:
            self._aliases += 1
            if self._aliases == MAX_ALIASES + 1:
                self.report_error(
                    GraphQLError(f"a document may use at most {MAX_ALIASES} aliases", node)
                )

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        roots = list(self._root_fields(node.selection_set, set()))
        if len(roots) > MAX_ROOT_FIELDS:
            self.report_error(
                GraphQLError(
                    f"an operation may select at most {MAX_ROOT_FIELDS} root fields "
                    f"(this one selects {len(roots)})",
                    node,
                )
            )
        cost = sum(EXPENSIVE_FIELDS.get(field.name.value, 0) for field in roots)
        if cost > MAX_OPERATION_COST:
            names = sorted({f.name.value for f in roots if f.name.value in EXPENSIVE_FIELDS})
            self.report_error(
                GraphQLError(
                    f"operation cost {cost} exceeds the limit of {MAX_OPERATION_COST} "
                    f"(each of {', '.join(names)} costs "
                    f"{', '.join(str(EXPENSIVE_FIELDS[n]) for n in names)})",
                    node,
                )
            )

    def _root_fields(self, selections: SelectionSetNode, seen: set[str]) -> list[FieldNode]:
        out: list[FieldNode] = []
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                out.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                out.extend(self._root_fields(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is not None and name not in seen:
                    seen.add(name)
                    out.extend(self._root_fields(fragment, seen))
        return out


LONE_SURROGATE = "the request contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"


class RejectLoneSurrogates(SchemaExtension):
    """`"\\ud800"` is valid JSON but not Unicode text: refused as a request error before any
    resolver or database sees it (over HTTP and the websocket alike)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if has_lone_surrogate(context.query) or has_lone_surrogate(context.variables):
            context.pre_execution_errors = [
                GraphQLError(LONE_SURROGATE, extensions={"code": "BAD_USER_INPUT"})
            ]
        yield


def has_lone_surrogate(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if depth > 64:
        return False
    if isinstance(value, dict):
        return any(
            has_lone_surrogate(k, depth + 1) or has_lone_surrogate(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(has_lone_surrogate(v, depth + 1) for v in value)
    return False
