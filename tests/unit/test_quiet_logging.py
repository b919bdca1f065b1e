"""Requests log only what routing reads, unless a logging integration listens to a live Router.

Measured before: every simulated attempt built litellm's whole standard logging payload (the
request's messages, metadata, cost-map information, redacted error details) for logging
integrations a throwaway Router never has, a fifth of a simulated request's CPU (see
litellm_adapter/call_cost/quiet_logging.py). What the Router's strategies read of it must not
change: usage-based routing counts a success's tokens from it. The same payload cost a live /v1
request a sixth of its CPU (make bench, production section: 10.6 -> 8.4 ms a request at one
connection) with nothing registered to read it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import litellm
import pytest
from litellm.integrations.custom_logger import CustomLogger

from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.traces import SkipReason
from gql_server.core.litellm_adapter import built_router
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.call_cost import quiet_logging
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes import MESSAGES, deployments_for, make_group
from tests.unit.simulate import failing_tiers_run

GROUP = make_group(Strategy.USAGE_BASED, [GroupDeployment(model_id=m) for m in "ab"])


async def _logged_call(built: BuiltRouter, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """One call; its litellm logging object (once its success is logged) and its answer."""
    made: list[Any] = []
    request_logging = BuiltRouter.request_logging

    def keep(self: BuiltRouter, *args: Any, **kwargs: Any) -> Any:
        made.append(request_logging(self, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(BuiltRouter, "request_logging", keep)
    outcome = await built.call(MESSAGES)
    assert outcome.error is None
    [logging_obj] = made
    for _ in range(500):  # litellm logs a success in a task of its own
        if logging_obj.model_call_details.get("standard_logging_object") is not None:
            break
        await asyncio.sleep(0.01)
    return logging_obj, outcome.response


class _Integration(CustomLogger):
    """A deployer's logging integration: what litellm hands it on success."""

    def __init__(self) -> None:
        super().__init__()
        self.payloads: list[Any] = []

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        self.payloads.append(kwargs.get("standard_logging_object"))


async def test_calls_log_the_routing_fields_only_until_an_integration_listens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deployments = deployments_for(GROUP)
    assert not quiet_logging.integrations_registered()  # this service registers none
    with build_router(GROUP, deployments, mock=True) as live:
        quiet_live_logging, _ = await _logged_call(live, monkeypatch)
    monkeypatch.undo()
    integration = _Integration()
    # litellm copies `litellm.callbacks` into its per-event lists at a call's set-up: each list
    # is put back afterwards, or the integration would outlive this test.
    for name in quiet_logging.CALLBACK_LISTS:
        monkeypatch.setattr(litellm, name, list(getattr(litellm, name)))
    litellm.callbacks.append(integration)
    assert quiet_logging.integrations_registered()
    with build_router(GROUP, deployments, mock=True) as live:
        live_logging, live_answer = await _logged_call(live, monkeypatch)
    with build_router(GROUP, deployments, mock=True, plan=InjectionPlan(), lean=True) as thrown:
        simulated_logging, _ = await _logged_call(thrown, monkeypatch)

    full = live_logging.model_call_details["standard_logging_object"]
    assert full["messages"] == MESSAGES  # the whole payload, for logging integrations
    assert full["status"] == "success"
    for _ in range(500):
        if integration.payloads:
            break
        await asyncio.sleep(0.01)
    assert integration.payloads[0]["messages"] == MESSAGES
    quiet_live = quiet_live_logging.model_call_details["standard_logging_object"]
    assert set(quiet_live) == set(quiet_logging.ROUTING_FIELDS)
    assert quiet_live["model_id"] in {"a", "b"}
    assert quiet_live["total_tokens"] > 0  # what a live usage-based Router counts
    routing = simulated_logging.model_call_details["standard_logging_object"]
    assert set(routing) == set(quiet_logging.ROUTING_FIELDS)  # a throwaway Router's, regardless
    assert routing["model_id"] in {thrown.router_id("a"), thrown.router_id("b")}
    assert routing["total_tokens"] > 0
    monkeypatch.undo()
    assert not quiet_logging.integrations_registered()  # nothing left behind for later tests

    # The routing fields are what litellm's own builder gives for the same call.
    again = quiet_logging.routing_payload(
        live_logging.model_call_details, live_answer, "success", None
    )
    for name in quiet_logging.ROUTING_FIELDS:
        if name != "hidden_params":
            assert again[name] == full[name], name
    for name in ("litellm_model_name", "model_id", "api_base"):
        assert again["hidden_params"][name] == full["hidden_params"][name], name
    assert full["hidden_params"]["litellm_model_name"]  # usage-based routing keys on it


def _traces(group_strategy: Strategy, quiet: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    if not quiet:
        monkeypatch.setattr(built_router, "quiet", lambda logging_obj: None)
    run = failing_tiers_run(
        group_strategy, tpm_a=150, failure_rate=0.15, seed=3, num_requests=120, concurrency=4
    )
    monkeypatch.undo()
    return run


@pytest.mark.parametrize(
    "strategy", [Strategy.USAGE_BASED, Strategy.LATENCY_BASED, Strategy.PRIORITY_FAILOVER]
)
def test_quiet_logging_changes_no_routing_decision(
    strategy: Strategy, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet_flow, quiet_traces = _traces(strategy, True, monkeypatch)
    full_flow, full_traces = _traces(strategy, False, monkeypatch)
    assert quiet_traces == full_traces
    assert quiet_flow == full_flow
    # the runs exercise what the Router learns from its outcomes: tokens (tpm), failures
    reasons = {s.reason for t in quiet_traces for s in t.skipped}
    assert SkipReason.TPM_LIMIT in reasons or SkipReason.COOLDOWN in reasons
    if strategy is Strategy.USAGE_BASED:
        assert SkipReason.TPM_LIMIT in reasons
