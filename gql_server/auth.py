"""API keys and who a caller is.

Keys are `sk-` + 32 random url-safe bytes; only their SHA-256 is stored (they are high-entropy,
so a slow password hash buys nothing and would cost every request). The master key is compared
in constant time and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from gql_server.core.domain.rate_limits import AccessLimits

KEY_PREFIX = "sk-"
VISIBLE_PREFIX_CHARS = 7  # "sk-" + 4: enough to tell keys apart in a list, useless to an attacker


@dataclass(frozen=True)
class Principal:
    """The caller. `identity` is what createdBy/updatedBy record."""

    identity: str
    is_admin: bool
    key_id: str | None = None
    team_id: str | None = None
    key_limits: AccessLimits = field(default_factory=AccessLimits)
    team_limits: AccessLimits = field(default_factory=AccessLimits)

    def can_use(self, assigned_key_ids: Iterable[str], assigned_team_ids: Iterable[str]) -> bool:
        if self.is_admin:
            return True
        if self.key_id is not None and self.key_id in set(assigned_key_ids):
            return True
        return self.team_id is not None and self.team_id in set(assigned_team_ids)


MASTER = "master"


def master_principal() -> Principal:
    return Principal(identity=MASTER, is_admin=True)


def system_principal(name: str = "system") -> Principal:
    """For start-up work (config import) that no caller asked for."""
    return Principal(identity=name, is_admin=True)


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def visible_prefix(key: str) -> str:
    return key[:VISIBLE_PREFIX_CHARS]


def is_master_key(candidate: str, master_key: str) -> bool:
    return hmac.compare_digest(candidate.encode(), master_key.encode())


def bearer_token(header_value: str | None) -> str | None:
    """`Bearer sk-...` -> `sk-...`; anything else -> None."""
    if not header_value:
        return None
    scheme, _, token = header_value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
