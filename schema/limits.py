"""What one GraphQL document may ask the server to do, measured before anything runs.

`OperationBudget` weighs each operation of the parsed document once, with every fragment spread
expanded (a fragment spread in three places is paid three times) and each fragment weighed only
once (memoized), so the weighing is linear in the document however its fragments nest. It runs
before validation and refuses, as a request error naming every limit passed:
- more than `MAX_DEPTH` levels of nested fields (introspection fields not counted);
- more than `MAX_ROOT_FIELDS` root selections or `MAX_ALIASES` aliases, after expansion;
- a cost above `MAX_COST`: each field costs its weight (1, `FIELD_WEIGHTS` for the costly ones)
  for every object it is resolved on; a field with a `size` argument is resolved on `size`
  objects (its value, a variable's, or its default), any other list on `ASSUMED_LIST_LENGTH`;
- real work above `MAX_REAL_CALLS`: each `testRoutingGroup` sends a request through a Router.

Strawberry's own `QueryDepthLimiter` and `MaxAliasesLimiter` expand fragments too, but walk every
spread path anew: a 829-character document of fragments that spread the next one twice held
`QueryDepthLimiter` for 27 s of CPU (2^20 paths). Hence one memoized walk here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

MAX_DEPTH = 12
MAX_ROOT_FIELDS = 20
MAX_ALIASES = 30
MAX_COST = 10_000  # the UI's largest page (200 request-log rows) costs ~9,200
MAX_REAL_CALLS = 3
ASSUMED_LIST_LENGTH = 10
# Fields that cost more than a field: `health` reads each deployment's Router state.
FIELD_WEIGHTS: dict[str, int] = {"health": 10}
# Root fields that send a request through a Router (a provider call in real mode).
REAL_CALLS: dict[str, int] = {"testRoutingGroup": 1}
_CAP = 10**12  # weights saturate here: a pathological document must not grow big integers

_Parent = GraphQLObjectType | GraphQLInterfaceType | None
_PLAIN, _PAGE, _STATIC = "plain", "page", "static"


@dataclass(frozen=True)
class Weight:
    cost: int = 0
    aliases: int = 0
    depth: int = 0
    root_fields: int = 0
    real_calls: int = 0

    def __add__(self, other: Weight) -> Weight:
        return Weight(
            cost=min(self.cost + other.cost, _CAP),
            aliases=min(self.aliases + other.aliases, _CAP),
            depth=max(self.depth, other.depth),
            root_fields=min(self.root_fields + other.root_fields, _CAP),
            real_calls=min(self.real_calls + other.real_calls, _CAP),
        )


class _Weigher:
    """Weighs selection sets of one document, each (selection set, parent type, paged) once."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self._schema = schema
        self._variables = variables
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[int, str | None, str, bool], Weight] = {}
        self._open: set[str] = set()  # fragments being weighed: a cycle weighs nothing

    def operation(self, operation: OperationDefinitionNode) -> Weight:
        root = self._schema.get_root_type(operation.operation)
        return self._selections(operation.selection_set, root, _PLAIN, at_root=True)

    def _selections(
        self, selections: SelectionSetNode, parent: _Parent, mode: str, *, at_root: bool = False
    ) -> Weight:
        key = (id(selections), parent.name if parent else None, mode, at_root)
        if (known := self._memo.get(key)) is not None:
            return known
        total = Weight()
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, mode, at_root=at_root)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._type(condition.name.value) if condition else parent
                total += self._selections(selection.selection_set, inner, mode, at_root=at_root)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection.name.value, mode, at_root=at_root)
        self._memo[key] = total
        return total

    def _spread(self, name: str, mode: str, *, at_root: bool) -> Weight:
        fragment = self._fragments.get(name)
        if fragment is None or name in self._open:
            return Weight()
        self._open.add(name)
        try:
            parent = self._type(fragment.type_condition.name.value)
            return self._selections(fragment.selection_set, parent, mode, at_root=at_root)
        finally:
            self._open.discard(name)

    def _field(self, node: FieldNode, parent: _Parent, mode: str, *, at_root: bool) -> Weight:
        name = node.name.value
        definition = parent.fields.get(name) if parent is not None else None
        static = mode == _STATIC or name.startswith("__")
        own = Weight(
            cost=FIELD_WEIGHTS.get(name, 1),
            aliases=1 if node.alias is not None else 0,
            root_fields=1 if at_root else 0,
            real_calls=REAL_CALLS.get(name, 0) if at_root else 0,
        )
        if node.selection_set is None:
            return own
        page = self._page_size(node, definition)
        if static:
            # Introspection describes the schema: bounded by it, not by data; no depth counted.
            objects, inner_mode = 1, _STATIC
        elif page is not None:
            objects, inner_mode = page, _PAGE  # the page's list is these objects
        elif definition is not None and _is_list(definition) and mode != _PAGE:
            objects, inner_mode = ASSUMED_LIST_LENGTH, _PLAIN
        else:
            objects, inner_mode = 1, _PLAIN
        child_type = self._type(_named(definition)) if definition is not None else None
        inner = self._selections(node.selection_set, child_type, inner_mode)
        return own + Weight(
            cost=min(objects * inner.cost, _CAP),
            aliases=inner.aliases,
            depth=0 if static else 1 + inner.depth,
        )

    def _page_size(self, node: FieldNode, definition: GraphQLField | None) -> int | None:
        if definition is None or "size" not in definition.args:
            return None
        value: Any = definition.args["size"].default_value
        for argument in node.arguments or ():
            if argument.name.value != "size":
                continue
            if isinstance(argument.value, IntValueNode):
                value = argument.value.value
            elif isinstance(argument.value, VariableNode):
                value = self._variables.get(argument.value.name.value, value)
        try:
            return max(1, min(int(value), _CAP))
        except (TypeError, ValueError):
            return ASSUMED_LIST_LENGTH

    def _type(self, name: str | None) -> _Parent:
        found = self._schema.get_type(name) if name else None
        return found if isinstance(found, GraphQLObjectType | GraphQLInterfaceType) else None


def _is_list(definition: GraphQLField) -> bool:
    kind = definition.type
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)


def _named(definition: GraphQLField) -> str | None:
    kind: Any = definition.type
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return getattr(kind, "name", None)


def weigh(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None = None
) -> list[tuple[OperationDefinitionNode, Weight]]:
    weigher = _Weigher(schema, document, variables or {})
    return [
        (d, weigher.operation(d))
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]


def over_budget(operation: OperationDefinitionNode, weight: Weight) -> list[GraphQLError]:
    problems: list[str] = []
    if weight.depth > MAX_DEPTH:
        problems.append(f"fields nest {weight.depth} deep; the limit is {MAX_DEPTH}")
    if weight.root_fields > MAX_ROOT_FIELDS:
        problems.append(
            f"{weight.root_fields} root fields, fragments expanded; at most {MAX_ROOT_FIELDS} "
            "root fields may be selected"
        )
    if weight.aliases > MAX_ALIASES:
        problems.append(
            f"{weight.aliases} aliases, fragments expanded; at most {MAX_ALIASES} aliases may "
            "be used"
        )
    if weight.real_calls > MAX_REAL_CALLS:
        names = ", ".join(sorted(REAL_CALLS))
        problems.append(
            f"real-call cost {weight.real_calls} exceeds the limit of {MAX_REAL_CALLS} "
            f"(each {names} costs 1)"
        )
    if weight.cost > MAX_COST:
        problems.append(
            f"cost {weight.cost} exceeds the limit of {MAX_COST} (each field costs 1 for "
            f"every object it is resolved on, fragments expanded; a page counts its `size`, "
            f"any other list {ASSUMED_LIST_LENGTH})"
        )
    label = f"operation {operation.name.value!r}" if operation.name else "the operation"
    return [
        GraphQLError(f"{label}: {problem}", operation, extensions={"code": "TOO_COSTLY"})
        for problem in problems
    ]


class OperationBudget(SchemaExtension):
    """Refuses an over-budget document after parsing, before validation and execution."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            schema = context.schema._schema  # the GraphQLSchema Strawberry built
            errors: list[GraphQLError] = []
            for operation, weight in weigh(schema, document, context.variables):
                errors.extend(over_budget(operation, weight))
            if errors:
                context.pre_execution_errors = errors
        yield


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
