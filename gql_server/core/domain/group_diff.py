"""What one version of a routing group changed: the settings that differ between two snapshots.

Snapshots are `RoutingGroup.model_dump(mode="json")`. Bookkeeping (version, who, when, the id)
is not a change a user made, so it is left out. Nested settings are compared leaf by leaf
(`retry.numRetries`); the deployment list by position (`deployments[1].weight`), with a whole
entry when one side has no deployment at that position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BOOKKEEPING = frozenset(
    {"group_id", "version", "created_at", "created_by", "updated_at", "updated_by"}
)


@dataclass(frozen=True)
class FieldChange:
    path: str  # e.g. "strategy", "retry.num_retries", "deployments[0].weight"
    before: Any  # None when the field is new (a create, a deployment added)
    after: Any  # None when the field is gone (a delete, a deployment removed)


def group_diff(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[FieldChange]:
    """The changed fields, in the snapshot's field order."""
    old = {k: v for k, v in (before or {}).items() if k not in BOOKKEEPING}
    new = {k: v for k, v in (after or {}).items() if k not in BOOKKEEPING}
    changes: list[FieldChange] = []
    for key in [*new, *(k for k in old if k not in new)]:
        _compare(key, old.get(key), new.get(key), changes)
    return changes


def _compare(path: str, old: Any, new: Any, out: list[FieldChange]) -> None:
    if old == new:
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*new, *(k for k in old if k not in new)]:
            _compare(f"{path}.{key}", old.get(key), new.get(key), out)
        return
    if isinstance(old, list) and isinstance(new, list) and path == "deployments":
        for i in range(max(len(old), len(new))):
            _compare(
                f"{path}[{i}]",
                old[i] if i < len(old) else None,
                new[i] if i < len(new) else None,
                out,
            )
        return
    out.append(FieldChange(path, old, new))
