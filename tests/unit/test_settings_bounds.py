"""Issue 13, item 3: every numeric setting has an upper bound and refuses infinity/NaN."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gql_server.settings import Settings


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("port", 70000),
        ("simulation_workers", 10**6),
        ("max_simulations_per_key", 10**9),
        ("graphql_max_body_bytes", 10**12),
        ("openai_max_body_bytes", 10**13),
        ("ws_connection_init_timeout_seconds", float("nan")),
        ("max_unauthenticated_sockets", 10**9),
        ("shutdown_timeout_seconds", float("inf")),
        ("shutdown_timeout_seconds", 0),
    ],
)
def test_out_of_range_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(**{field: value})  # type: ignore[arg-type]
    assert field in str(refused.value)


def test_a_weak_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(secret_key="short")
    assert Settings(secret_key="").secret_key is None


def test_the_defaults_are_the_documented_ones() -> None:
    settings = Settings()
    assert settings.graphql_max_body_bytes == 1024 * 1024
    assert settings.openai_max_body_bytes == 10 * 1024 * 1024
    assert settings.ws_connection_init_timeout_seconds == 10
    assert settings.shutdown_timeout_seconds == 15
