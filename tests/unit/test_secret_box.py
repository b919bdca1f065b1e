"""Provider-key sealing: round trip, references untouched, a wrong secret refuses to open."""

from __future__ import annotations

import math

import pytest

from gql_server.core.domain.models import number_errors
from gql_server.core.domain.secret_box import SEALED_PREFIX, SecretBox, SecretBoxError


def test_a_sealed_key_opens_with_the_same_secret_only() -> None:
    box = SecretBox("one-secret-for-the-tests")
    sealed = box.seal("sk-provider-123")
    assert sealed is not None and sealed.startswith(SEALED_PREFIX)
    assert "sk-provider-123" not in sealed
    assert box.open(sealed) == "sk-provider-123"
    assert box.seal(sealed) == sealed  # sealing twice changes nothing
    with pytest.raises(SecretBoxError):
        SecretBox("another-secret-entirely").open(sealed)


@pytest.mark.parametrize("value", [None, "", "os.environ/OPENAI_API_KEY"])
def test_references_and_empty_values_stay_as_they_are(value: str | None) -> None:
    box = SecretBox("one-secret-for-the-tests")
    assert box.seal(value) == value
    assert box.open(value) == value


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_non_finite_numbers_are_refused(value: float) -> None:
    assert [e.message for e in number_errors("x", value, 0, 10)] == ["must be a finite number"]
