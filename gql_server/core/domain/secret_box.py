"""Provider API keys encrypted at rest.

A literal key given to `createDeployment` (or in the config's `model_list`) is sealed before it
is stored: `enc:v1:` + a Fernet token (AES-128-CBC + HMAC-SHA256) under a key derived from the
`SECRET_KEY` setting (or the secret generated on first run and kept in the database). Sealed
values stay sealed through every layer and are opened only where a Router's `litellm_params`
are built (`router_builder.litellm_params`). `os.environ/NAME` references are not secrets and
stay references; values without the prefix (rows written before encryption) read as they are
until start-up seals them.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from gql_server.core.domain.models import ENV_REFERENCE_PREFIX

SEALED_PREFIX = "enc:v1:"
_SALT = b"routing-groups/provider-api-keys/v1"
_ITERATIONS = 200_000


class SecretBoxError(Exception):
    """A sealed value cannot be opened: SECRET_KEY changed, or the value was tampered with."""


class SecretBox:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the secret must not be empty")
        derived = hashlib.pbkdf2_hmac("sha256", secret.encode(), _SALT, _ITERATIONS)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, value: str | None) -> str | None:
        """Encrypt a literal secret; references, empty and already sealed values pass through."""
        if not value or value.startswith((SEALED_PREFIX, ENV_REFERENCE_PREFIX)):
            return value
        return SEALED_PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None or not value.startswith(SEALED_PREFIX):
            return value
        try:
            return self._fernet.decrypt(value.removeprefix(SEALED_PREFIX).encode()).decode()
        except InvalidToken:
            raise SecretBoxError(
                "a provider API key cannot be decrypted: was SECRET_KEY changed?"
            ) from None


def is_sealed(value: str | None) -> bool:
    return value is not None and value.startswith(SEALED_PREFIX)


_installed: SecretBox | None = None


def install(box: SecretBox) -> None:
    """The process's box; the composition root installs it at start-up."""
    global _installed  # noqa: PLW0603 - one key per process, set once at start-up
    _installed = box


def installed() -> SecretBox | None:
    """The installed box: a simulation worker process is handed it with each run, so the run's
    Router opens provider keys there (still only when it is built)."""
    return _installed


def reveal(value: str | None) -> str | None:
    """Open a sealed value with the installed box (used only when a Router is built)."""
    if not is_sealed(value):
        return value
    if _installed is None:
        raise SecretBoxError("no SECRET_KEY is installed to decrypt provider API keys")
    return _installed.open(value)
