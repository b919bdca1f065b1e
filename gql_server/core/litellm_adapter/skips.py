"""Every skip rule: the deployments a request's Router passed over, and why.

Cooldowns (`cooldown_skips`, `with_cooldown_skips`): a deployment of a tier the request reached
that it made no attempt on and that was cooling down. A throwaway Router asks its run's cooldown
store as the request moves through the tiers (`BuiltRouter` hands `cooldown_skips` to the
recorder as its skip probe); a live Router's request gets them afterwards, from the cooldowns
litellm holds then (`with_cooldown_skips`, called by the live-traffic service).

rpm/tpm limits, taken from the Router's own decisions (below).

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
the watchers below record those. The other strategies read rpm/tpm as weights at most, and the
Router's `enable_pre_call_checks` filter (which also drops deployments over rpm) is not
turned on by `build_router`.

Latency- and cost-based picks, asked of the strategy's own check:

litellm's latency-based (`LowestLatencyLoggingHandler`) and cost-based
(`LowestCostLoggingHandler`) strategies rank deployments (fastest, cheapest) but first leave out
every deployment whose count this minute plus the request would go over its limit (its rpm count
+ 1 over rpm, or its tpm count + the request's input tokens over tpm). The counts are the
strategy's own, kept per deployment id and minute by its success logging in the Router's cache
(`{model_group}_map` for latency, `cost_map:{model_group}` for cost).

`watch_latency_skips` / `watch_cost_skips` wrap one selector's pick and tell the recorder of the
request being routed (`tracing.recording_now`) which deployments it passed over for a limit. The
reason is litellm's own check, re-run on the counts the pick read: each deployment that has a
limit and was not picked is offered to the pick again on its own (alone it is always the fastest
or cheapest), with its counts: taken -> it was only slower or dearer, not a skip; left out, but
taken once its rpm counts are removed -> its rpm limit; else its tpm limit.

Latency: the pick takes the counts as an argument, so the re-run reads exactly those. It also
draws from `random` (a shuffle and a choice of one); the re-run draws from a throwaway generator
so a seeded run's own draws are the same with or without it.
Cost: the pick reads its counts from the cache itself; they are read again just after it, with no
wait in between on the Router's in-memory cache (on a shared Redis cache, another instance may
have counted in between).
"""

from __future__ import annotations

import contextvars
import dataclasses
import random
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from litellm import exceptions as litellm_errors
from litellm.router import Router
from litellm.router_strategy.lowest_cost import LowestCostLoggingHandler
from litellm.router_strategy.lowest_latency import LowestLatencyLoggingHandler
from litellm.router_strategy.lowest_tpm_rpm_v2 import LowestTPMLoggingHandler_v2

from gql_server.core.domain.traces import RequestTrace, SkippedDeployment, SkipReason
from gql_server.core.litellm_adapter.run_context import RunContext, current_run
from gql_server.core.litellm_adapter.tracing import RequestRecorder, deployment_id_of, recording_now

if TYPE_CHECKING:
    from gql_server.core.litellm_adapter.built_router import BuiltRouter

C = TypeVar("C")
Counts = dict[str, Any]  # one deployment's entry in the strategy's map: {minute: {rpm, tpm}, ...}


def cooldown_skips(
    tiers: Sequence[Sequence[str]],
    depth: int,
    visited: Collection[str],
    is_cooling: Callable[[str], bool],
) -> Iterator[SkippedDeployment]:
    """The one cooldown rule: deployments of the tiers up to `depth` the request has not
    visited that are cooling down, in tier order. The Router passed over them."""
    for tier in tiers[: depth + 1]:
        for model_id in tier:
            if model_id not in visited and is_cooling(model_id):
                yield SkippedDeployment(model_id, SkipReason.COOLDOWN)


def with_cooldown_skips(built: BuiltRouter, trace: RequestTrace, cooling: set[str]) -> RequestTrace:
    """A live request's trace with the deployments the Router passed over because they were
    cooling down: those of the tiers it reached (all tiers when it failed) that it made no
    attempt on and did not already pass over for another reason (its rpm/tpm limit, recorded as
    it happened). Read after the request from the cooldowns then active, so a cooldown that
    began or ended within that moment may be missed; throwaway Routers record cooldown skips as
    they happen."""
    if not cooling:
        return trace
    attempted = {a.deployment_id for a in trace.attempts}
    attempted |= {s.deployment_id for s in trace.skipped}
    reached = max((a.fallback_depth for a in trace.attempts), default=0)
    if not trace.success:
        reached = len(built.tiers) - 1
    skipped = []
    for depth, tier in enumerate(built.tiers[: reached + 1]):
        before = next(
            (i for i, a in enumerate(trace.attempts) if a.fallback_depth >= depth),
            len(trace.attempts),
        )
        skipped += [
            dataclasses.replace(skip, before_attempt=before, fallback_depth=depth)
            for skip in cooldown_skips([tier], 0, attempted, cooling.__contains__)
        ]
    if not skipped:
        return trace
    # A cooling deployment is out before a pick looks at limits: at one point, cooldowns first.
    merged = sorted([*skipped, *trace.skipped], key=lambda s: s.before_attempt)
    return dataclasses.replace(trace, skipped=tuple(merged))


def watch_latency_skips(selector: LowestLatencyLoggingHandler) -> None:
    pick = selector._get_available_deployments

    def picking(  # noqa: PLR0917 - litellm's own signature; it passes them by position
        model_group: str,
        healthy_deployments: list[dict[str, Any]],
        messages: list[dict[str, str]] | None = None,
        input: str | list[Any] | None = None,
        request_kwargs: dict[str, Any] | None = None,
        request_count_dict: dict[str, Any] | None = None,
    ) -> Any:
        picked = pick(
            model_group, healthy_deployments, messages, input, request_kwargs, request_count_dict
        )
        recorder = recording_now()
        if recorder is None or not request_count_dict:
            return picked
        for model_id, deployment in _limited_others(healthy_deployments, picked):
            counts = request_count_dict.get(model_id)
            if not isinstance(counts, Mapping):
                continue

            def taken_alone(
                counts: Counts, model_id: str = model_id, deployment: dict[str, Any] = deployment
            ) -> bool:
                alone = {model_id: counts}
                found = _without_draws(
                    pick, model_group, [deployment], messages, input, None, alone
                )
                return found is not None

            mine = dict(counts)
            _note(recorder, model_id, limit_reason(taken_alone, mine, _without_rpm(mine)))
        return picked

    selector._get_available_deployments = picking  # type: ignore[method-assign]


def watch_cost_skips(selector: LowestCostLoggingHandler) -> None:
    pick = selector.async_get_available_deployments
    pick_on = type(selector).async_get_available_deployments  # the same pick, on given counts

    async def picking(
        model_group: str,
        healthy_deployments: list[dict[str, Any]],
        messages: list[dict[str, str]] | None = None,
        input: str | list[Any] | None = None,
        request_kwargs: dict[str, Any] | None = None,
    ) -> Any:
        picked = await pick(model_group, healthy_deployments, messages, input, request_kwargs)
        recorder = recording_now()
        others = list(_limited_others(healthy_deployments, picked))
        if recorder is None or not others:
            return picked
        read = await selector.router_cache.async_get_cache(key=f"cost_map:{model_group}")
        all_counts = read if isinstance(read, Mapping) else {}
        for model_id, deployment in others:
            counts = all_counts.get(model_id)
            if not isinstance(counts, Mapping):
                continue

            async def taken_alone(
                counts: Counts, model_id: str = model_id, deployment: dict[str, Any] = deployment
            ) -> bool:
                view = _CountsView({model_id: counts})
                found = await pick_on(view, model_group, [deployment], messages, input)  # type: ignore[arg-type]
                return found is not None

            _note(recorder, model_id, await _reason_async(taken_alone, dict(counts)))
        return picked

    selector.async_get_available_deployments = picking  # type: ignore[method-assign]


def limit_reason(taken_alone: Callable[[C], bool], counts: C, without_rpm: C) -> SkipReason | None:
    """Why a pick left a deployment out, from whether it takes it alone on its own counts: taken
    -> no limit (only not the best), taken once its rpm counts are left out -> rpm, else tpm."""
    if taken_alone(counts):
        return None
    if taken_alone(without_rpm):
        return SkipReason.RPM_LIMIT
    return SkipReason.TPM_LIMIT


async def _reason_async(
    taken_alone: Callable[[Counts], Awaitable[bool]], counts: Counts
) -> SkipReason | None:
    """`limit_reason` for a pick that awaits."""
    if await taken_alone(counts):
        return None
    if await taken_alone(_without_rpm(counts)):
        return SkipReason.RPM_LIMIT
    return SkipReason.TPM_LIMIT


def _without_rpm(counts: Counts) -> Counts:
    """The same counts with every minute's rpm count left out (litellm reads it as 0)."""
    return {
        key: {k: v for k, v in value.items() if k != "rpm"} if isinstance(value, Mapping) else value
        for key, value in counts.items()
    }


def _note(recorder: RequestRecorder, model_id: str, reason: SkipReason | None) -> None:
    if reason is not None:
        recorder.passed_over(model_id, reason)


def _limited_others(
    healthy_deployments: list[dict[str, Any]], picked: Any
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The deployments other than the pick that have an rpm or tpm limit (where litellm looks
    for one): only those can have been left out for a limit."""
    picked_id = deployment_id_of(picked) if isinstance(picked, Mapping) else None
    for deployment in healthy_deployments:
        model_id = deployment_id_of(deployment)
        if model_id is not None and model_id != picked_id and _has_limit(deployment):
            yield model_id, deployment


def _has_limit(deployment: Mapping[str, Any]) -> bool:
    places = (deployment, deployment.get("litellm_params"), deployment.get("model_info"))
    return any(
        isinstance(place, Mapping) and (place.get("rpm") or place.get("tpm")) for place in places
    )


def _without_draws(pick: Callable[..., Any], *args: Any) -> Any:
    """`pick(*args)` drawing from a throwaway generator, not the run's (or the process's)."""

    def call() -> Any:
        run = current_run.get()
        current_run.set(RunContext(run.origin if run is not None else 0.0, random.Random(0)))  # noqa: S311 - a throwaway, no secret
        return pick(*args)

    return contextvars.copy_context().run(call)


class _CountsView:
    """What the cost pick reads as its Router cache: the given counts."""

    def __init__(self, counts: dict[str, Any]) -> None:
        self.router_cache = self
        self._counts = counts

    async def async_get_cache(self, key: str, **_: Any) -> dict[str, Any]:
        return self._counts


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
