"""Issue 20, item D: a document's cost is counted with its fragments expanded, and an
over-budget document is refused before anything runs (and before validation walks it).

An 812-character document with 30 aliases, by a team key that sees 80 groups, returned 5.5 MB
in 7.0 s: aliases were counted per document, so fragments multiplied them. Strawberry's own
depth limiter walked every spread path anew: 829 characters of fragments that spread the next
one twice held it for 27 s of CPU.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import parse, print_ast
from strawberry.types import ExecutionResult

from schema.build import build_schema
from schema.limits import MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_ROOT_FIELDS, weigh

ROOT = Path(__file__).resolve().parents[2]

DEPLOYMENT_FIELDS = ["modelId", "modelName", "provider", "priority", "weight", "displayName"]
# 30 aliases in its text: 3 pages of groups x 9 aliased deployment lists x 18 aliased fields.
FRAGMENT_BOMB = (
    "query{"
    + "".join(f"p{i}:routingGroups(size:100){{items{{...G}}}}" for i in range(3))
    + "}fragment G on RoutingGroup{"
    + "".join(f"d{i}:deployments{{...D}}" for i in range(9))
    + "}fragment D on RoutingGroupDeployment{"
    + " ".join(f"f{i}:{DEPLOYMENT_FIELDS[i % 6]}" for i in range(18))
    + "}"
)


def _chain(links: int) -> str:
    """Each fragment spreads the next one twice: 2^links paths through a linear document."""
    fragments = [f"fragment F{i} on Query{{...F{i + 1} ...F{i + 1}}}" for i in range(links)]
    return "query{...F0}" + "".join(fragments) + f"fragment F{links} on Query{{me{{identity}}}}"


async def _run(document: str) -> ExecutionResult:
    # No context: a document that reaches a resolver fails differently from a refused one.
    return await build_schema().execute(document, context_value=None)


def _refusals(result: ExecutionResult) -> list[str]:
    assert result.data is None
    errors = result.errors or []
    assert errors, "the document was not refused"
    assert all((e.extensions or {}).get("code") == "TOO_COSTLY" for e in errors), errors
    return [e.message for e in errors]


async def test_aliases_multiplied_by_fragments_are_refused() -> None:
    assert len(FRAGMENT_BOMB) < 820
    assert FRAGMENT_BOMB.count(":") - FRAGMENT_BOMB.count("(size:") == MAX_ALIASES
    messages = " | ".join(_refusals(await _run(FRAGMENT_BOMB)))
    assert f"516 aliases, fragments expanded; at most {MAX_ALIASES} aliases" in messages
    assert f"exceeds the limit of {MAX_COST}" in messages


@pytest.mark.timeout(60)
async def test_fragments_that_spread_twice_are_weighed_once_each() -> None:
    # 2^60 paths: walking them (as Strawberry's QueryDepthLimiter does) never ends.
    messages = _refusals(await _run(_chain(60)))
    assert any("cost" in m and "exceeds" in m for m in messages), messages
    assert any("root fields" in m for m in messages), messages


async def test_depth_counts_through_fragments() -> None:
    nested = "fragment N on RoutingGroupDeployment{modelId}"
    body = "routingGroups{items{deployments{...N}}}"
    fine = weigh(build_schema()._schema, parse("query{" + body + "}" + nested))[0][1]
    assert fine.depth == 3
    deep = "{__typename}"
    for _ in range(MAX_DEPTH + 1):  # refused before validation: no such path need exist
        deep = "{me" + deep + "}"
    deep_messages = " | ".join(_refusals(await _run("query{...Q}fragment Q on Query" + deep)))
    assert f"fields nest {MAX_DEPTH + 1} deep" in deep_messages


async def test_root_fields_count_through_fragments() -> None:
    fragment = "fragment R on Query{" + " ".join(f"m{i}:me{{identity}}" for i in range(11)) + "}"
    # The same fragment twice, through two inline fragments: 22 roots.
    document = "query{...on Query{...R} ...on Query{...R}}" + fragment
    messages = " | ".join(_refusals(await _run(document)))
    assert f"22 root fields, fragments expanded; at most {MAX_ROOT_FIELDS}" in messages


def _ui_documents() -> list[str]:
    generated = (ROOT / "frontend/src/gql/gql.ts").read_text()
    found = re.findall(r'^    "((?:[^"\\]|\\.)*)": typeof', generated, re.MULTILINE)
    return sorted({json.loads(f'"{text}"') for text in found})


def test_every_ui_document_is_within_budget_at_the_largest_page() -> None:
    schema = build_schema()._schema
    documents = _ui_documents()
    assert len(documents) > 20
    for document in documents:
        # A page at its largest: every variable `size` at the server's maximum (200).
        for operation, weight in weigh(schema, parse(document), {"size": 200}):
            assert weight.cost <= MAX_COST, (print_ast(operation)[:80], weight)
            assert weight.depth <= MAX_DEPTH and weight.aliases <= MAX_ALIASES
