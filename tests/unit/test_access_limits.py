"""Rate windows and the simulation caps for non-master keys."""

from __future__ import annotations

import pytest

from gql_server.auth import Principal, master_principal
from gql_server.core.domain.errors import LimitExceededError
from gql_server.core.domain.rate_limits import REAL_MODE_MAX_REQUESTS, AccessLimits, RateLimiter
from gql_server.services.access.service import check_real_mode, simulation_limit


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rpm_window_slides() -> None:
    clock = _Clock()
    limiter = RateLimiter(clock)
    subject = [("key:a", AccessLimits(rpm_limit=2))]
    assert limiter.admit(subject) is None
    clock.now += 10
    assert limiter.admit(subject) is None
    assert limiter.admit(subject) == pytest.approx(50.0)
    clock.now += 50
    assert limiter.admit(subject) is None


def test_a_refused_request_counts_against_no_subject() -> None:
    limiter = RateLimiter(_Clock())
    key = ("key:a", AccessLimits(rpm_limit=5))
    team = ("team:t", AccessLimits(rpm_limit=1))
    assert limiter.admit([key, team]) is None
    assert limiter.admit([key, team]) is not None
    assert limiter.admit([("key:a", AccessLimits(rpm_limit=2))]) is None  # only one counted


def test_tokens_fill_the_tpm_window() -> None:
    limiter = RateLimiter(_Clock())
    subject = [("key:a", AccessLimits(tpm_limit=100))]
    assert limiter.admit(subject) is None
    limiter.charge_tokens(["key:a"], 100)
    assert limiter.admit(subject) is not None


KEY = Principal(identity="key:k", is_admin=False, key_id="k")


def test_real_mode_simulations_by_keys_are_capped() -> None:
    check_real_mode(master_principal(), 100_000, 1000)
    check_real_mode(KEY, REAL_MODE_MAX_REQUESTS, 5)
    with pytest.raises(LimitExceededError):
        check_real_mode(KEY, 300, 5)
    with pytest.raises(LimitExceededError):
        check_real_mode(KEY, 10, 1000)
    budgeted = Principal(
        identity="key:b", is_admin=False, key_id="b", team_limits=AccessLimits(max_real_requests=3)
    )
    with pytest.raises(LimitExceededError):
        check_real_mode(budgeted, 4, 1)


def test_simulations_at_once_take_the_tightest_limit() -> None:
    assert simulation_limit(KEY, 2) == 2
    limited = Principal(
        identity="key:c", is_admin=False, key_id="c", key_limits=AccessLimits(max_simulations=1)
    )
    assert simulation_limit(limited, 2) == 1
    assert simulation_limit(master_principal(), 2) == 2
