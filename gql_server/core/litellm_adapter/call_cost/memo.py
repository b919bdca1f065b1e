"""A memo for litellm's capability look-ups, which it recomputes on every call.

`litellm.utils.supports_factory(model, provider, key)` ("does this model support function
calling / reasoning / tool choice?") runs three times in every call's set-up and is a pure
function of litellm's price map and provider tables. For a model litellm does not list exactly,
a provider may fall back to a fuzzy scan of its whole index (Fireworks does): measured on the
1-hour simulation with the demo's deployments, 16% of all CPU. The answer only changes when the
price map does, which in this service happens when a Router is built (litellm registers the
deployments' own prices then): `build_router` calls `forget()`. Installed by `install.install()`.
"""

from __future__ import annotations

from collections.abc import Callable

import litellm.utils

_MAX_ENTRIES = 4096
_memo: dict[tuple[str, str | None, str], bool] = {}
_original: Callable[..., bool] = litellm.utils.supports_factory


def _supports_factory(model: str, custom_llm_provider: str | None, key: str) -> bool:
    entry = (model, custom_llm_provider, key)
    found = _memo.get(entry)
    if found is None:
        found = _original(model=model, custom_llm_provider=custom_llm_provider, key=key)
        if len(_memo) >= _MAX_ENTRIES:
            _memo.clear()
        _memo[entry] = found
    return found


def install() -> None:
    """Idempotent; every caller of `litellm.utils.supports_factory` by module attribute (all of
    litellm's `supports_*` helpers) then reads the memo."""
    litellm.utils.supports_factory = _supports_factory


def forget() -> None:
    """litellm's price map changed (a Router registered its deployments' prices)."""
    _memo.clear()
