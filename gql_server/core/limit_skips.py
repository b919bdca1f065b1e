"""Skips for rpm/tpm limits, taken from the Router's own decisions.

litellm's usage-based routing (`usage-based-routing-v2`, `LowestTPMLoggingHandler_v2`) passes a
deployment over for its limits in two places, both on the Router's own selector:

  * picking: `_return_potential_deployments` leaves out every deployment whose tpm this minute
    plus the request's input tokens would exceed its tpm limit, or whose rpm this minute + 1
    reaches its rpm limit, judged on the counters the pick has just read;
  * just before the call: `async_pre_call_check` counts the request against the picked
    deployment's rpm and refuses it with a RateLimitError when that goes over the limit
    (requests picked on the same counters race here). The Router takes the refusal as the
    attempt's failure without ever calling the deployment, so no attempt hook fires.

`watch_limit_skips` wraps both on one Router's selector and tells the recorder of the request
being routed (`tracing.recording_now`) which deployments were passed over and why. The reason is
litellm's own predicate, not a copy of it: a left-out deployment is offered to
`_return_potential_deployments` again on its own (alone it is always the lowest), with the
counts the pick read: kept when its rpm count is left out -> its rpm limit, else its tpm limit;
kept with everything -> it was only not the least used, not a skip.

Latency- and cost-based routing also leave out deployments over their limits when they pick:
`ranked_limit_skips` records those. The other strategies read rpm/tpm as weights at most, and
the Router's `enable_pre_call_checks` filter (which also drops deployments over rpm) is not
turned on by `build_router`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litellm import exceptions as litellm_errors
from litellm.router import Router
from litellm.router_strategy.lowest_cost import LowestCostLoggingHandler
from litellm.router_strategy.lowest_latency import LowestLatencyLoggingHandler
from litellm.router_strategy.lowest_tpm_rpm_v2 import LowestTPMLoggingHandler_v2

from gql_server.core.ranked_limit_skips import (
    limit_reason,
    watch_cost_skips,
    watch_latency_skips,
)
from gql_server.core.traces import SkipReason
from gql_server.core.tracing import deployment_id_of, recording_now


def watch_limit_skips(router: Router) -> bool:
    """Record the rpm/tpm skips of `router`'s usage-, latency- and cost-based picks; False when
    it has no such selector."""
    selectors = router._core._selectors.callback_selectors()  # no public view
    watched = False
    for selector in selectors:
        if isinstance(selector, LowestTPMLoggingHandler_v2):
            _watch(selector)
        elif isinstance(selector, LowestLatencyLoggingHandler):
            watch_latency_skips(selector)
        elif isinstance(selector, LowestCostLoggingHandler):
            watch_cost_skips(selector)
        else:
            continue
        watched = True
    return watched


def _watch(selector: LowestTPMLoggingHandler_v2) -> None:
    potential = selector._return_potential_deployments
    check_async = selector.async_pre_call_check
    check_sync = selector.pre_call_check

    def picking(
        healthy_deployments: list[dict[str, Any]],
        all_deployments: dict[str, Any],
        input_tokens: int,
        rpm_dict: dict[str, Any],
    ) -> list[dict[str, Any]]:
        kept: list[dict[str, Any]] = potential(
            healthy_deployments=healthy_deployments,
            all_deployments=all_deployments,
            input_tokens=input_tokens,
            rpm_dict=rpm_dict,
        )
        recorder = recording_now()
        if recorder is None or len(kept) == len(healthy_deployments):
            return kept
        chosen = {deployment_id_of(d) for d in kept}
        for deployment in healthy_deployments:
            model_id = deployment_id_of(deployment)
            if model_id is None or model_id in chosen or model_id not in all_deployments:
                continue
            reason = _limit_passed(
                potential,
                deployment,
                alone={model_id: all_deployments[model_id]},
                input_tokens=input_tokens,
                rpm_dict=rpm_dict,
            )
            if reason is not None:
                recorder.passed_over(model_id, reason)
        return kept

    async def checking_async(deployment: dict[str, Any], parent_otel_span: Any) -> Any:
        try:
            return await check_async(deployment, parent_otel_span)
        except litellm_errors.RateLimitError:  # the only error it lets out: over the rpm limit
            _refused(deployment)
            raise

    def checking_sync(deployment: dict[str, Any]) -> Any:
        try:
            return check_sync(deployment)
        except litellm_errors.RateLimitError:
            _refused(deployment)
            raise

    selector._return_potential_deployments = picking  # type: ignore[method-assign]
    selector.async_pre_call_check = checking_async  # type: ignore[method-assign]
    selector.pre_call_check = checking_sync  # type: ignore[method-assign]


def _limit_passed(
    potential: Any,
    deployment: dict[str, Any],
    *,
    alone: dict[str, Any],
    input_tokens: int,
    rpm_dict: Mapping[str, Any],
) -> SkipReason | None:
    """Why the pick left `deployment` out, asked of litellm's own filter on the same counts
    (`alone`: its tpm count this minute, by its id)."""

    def kept(rpm: Mapping[str, Any]) -> bool:
        found: Sequence[object] = potential(
            healthy_deployments=[deployment],
            all_deployments=alone,
            input_tokens=input_tokens,
            rpm_dict=dict(rpm),
        )
        return bool(found)

    return limit_reason(kept, rpm_dict, {})


def _refused(deployment: Mapping[str, Any]) -> None:
    recorder = recording_now()
    model_id = deployment_id_of(deployment)
    if recorder is not None and model_id is not None:
        recorder.passed_over(model_id, SkipReason.RPM_LIMIT)
