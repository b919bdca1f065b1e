"""litellm's per-call logging, cut down to what routing reads, for a throwaway Router's requests.

After every attempt (each success, and a request's first failure: a pick that found its tier
cooling down counts) litellm's logging object builds a "standard logging payload" for its logging
integrations: the request's messages, metadata, cost-map information, error details, each scrubbed
of secrets. Measured on the 1-hour scenario in-process: a fifth of a simulated request's CPU.
A throwaway Router (a simulation's, a test run's) has no integration reading it; only the
Router's own strategies might, so its requests get a payload of just what they read:

  * usage-based routing (litellm's `lowest_tpm_rpm_v2`) counts a success's tokens from it:
    `model_group`, `model_id`, `hidden_params["litellm_model_name"]`, `total_tokens`.
  * cooldowns, fail counts and the rpm/tpm usage the Router core counts read the attempt's error
    and answer, and latency-based routing reads `litellm_params`, not the payload.

`ROUTING_FIELDS` are made by litellm's own helpers, the ones its builder uses, so they hold what
the full payload would (tests/unit/test_quiet_logging.py compares them). The failure logging of
such a request also skips redacting the traceback and error text that only the payload and
litellm's integrations would carry: it drops them instead.

A live Router's requests are marked too while no logging integration is registered with litellm
(`integrations_registered()`: anything in its callback lists but this service's own
`AttemptHooks`; the service registers none, but a deployer's code could): the full payload costs a
live /v1 request a sixth of its CPU and nothing of ours reads it (the request log, spend and
telemetry read the answer's `_hidden_params` and usage). Once an integration is registered, live
requests get the whole payload again; a throwaway Router's stay quiet. Installed by
`install.install()`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping
from typing import Any

import litellm
from litellm.litellm_core_utils import litellm_logging
from litellm.litellm_core_utils.litellm_logging import (
    Logging,
    StandardLoggingPayloadSetup,
    _extract_response_obj_and_hidden_params,
)
from pydantic import BaseModel

from gql_server.core.litellm_adapter.tracing import AttemptHooks

# What the Router's strategies read of the payload (see the module doc), plus what identifies it.
ROUTING_FIELDS = (
    "id",
    "litellm_call_id",
    "call_type",
    "status",
    "model_group",
    "model_id",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "hidden_params",
)

# Set on a request's logging object; litellm's per-attempt copies of it (copy.copy) keep it.
_MARK = "routing_groups_quiet_logging"

_full_payload: Callable[..., Any] = litellm_logging.get_standard_logging_object_payload
_redact: Callable[[str], str] = litellm_logging.redact_string  # type: ignore[attr-defined]
_failure_details: Callable[..., Any] = Logging._failure_handler_helper_fn
_dropping_redacted = contextvars.ContextVar("routing_groups_dropping_redacted", default=False)


def quiet(logging_obj: object) -> None:
    """From now on `logging_obj` (a request's litellm logging object) gets a routing payload."""
    setattr(logging_obj, _MARK, True)


# Where litellm keeps its logging callbacks (it copies `callbacks` into the per-event lists at a
# call's set-up).
CALLBACK_LISTS = (
    "callbacks",
    "success_callback",
    "_async_success_callback",
    "failure_callback",
    "_async_failure_callback",
    "input_callback",
    "_async_input_callback",
    "service_callback",
)


def integrations_registered() -> bool:
    """Whether anything but this service's own `AttemptHooks` listens to litellm's logging."""
    return any(
        not isinstance(callback, AttemptHooks)
        for name in CALLBACK_LISTS
        for callback in getattr(litellm, name)
    )


def is_quiet(logging_obj: object) -> bool:
    return getattr(logging_obj, _MARK, False) is True


def routing_payload(
    kwargs: Mapping[str, Any],
    init_response_obj: object,
    status: str,
    original_exception: Exception | None,
) -> dict[str, Any]:
    """The payload's ROUTING_FIELDS, as litellm's own builder makes them."""
    if isinstance(init_response_obj, BaseModel):
        # What litellm's builder reads of its whole dump of an answer (the dump: a fifth of this).
        response_obj: dict[str, Any] = {
            "id": getattr(init_response_obj, "id", None),
            "usage": getattr(init_response_obj, "usage", None),
        }
        hidden_params = getattr(init_response_obj, "_hidden_params", None)
    else:
        response_obj, hidden_params = _extract_response_obj_and_hidden_params(
            init_response_obj, original_exception
        )
    litellm_params = kwargs.get("litellm_params", {}) or {}
    metadata = StandardLoggingPayloadSetup.merge_litellm_metadata(litellm_params)
    usage = StandardLoggingPayloadSetup.get_usage_as_dict(
        response_obj=response_obj, combined_usage_object=kwargs.get("combined_usage_object")
    )
    model_info = metadata.get("model_info", {})
    return {
        "id": str(response_obj.get("id") or kwargs.get("litellm_call_id")),
        "litellm_call_id": kwargs.get("litellm_call_id") or litellm_params.get("litellm_call_id"),
        "call_type": kwargs.get("call_type") or "",
        "status": status,
        "model_group": metadata.get("model_group", ""),
        "model_id": model_info.get("id", "") if isinstance(model_info, Mapping) else "",
        "total_tokens": usage.get("total_tokens", 0),
        "prompt_tokens": usage.get("prompt_tokens", 0),
        "completion_tokens": usage.get("completion_tokens", 0),
        "hidden_params": StandardLoggingPayloadSetup.get_hidden_params(hidden_params),
    }


def _payload(  # litellm's builder's parameters, all passed by keyword
    *,
    kwargs: dict[str, Any] | None,
    init_response_obj: object,
    start_time: object,
    end_time: object,
    logging_obj: object,
    status: str,
    error_str: str | None = None,
    original_exception: Exception | None = None,
    standard_built_in_tools_params: object = None,
) -> Any:
    if not is_quiet(logging_obj):
        return _full_payload(
            kwargs=kwargs,
            init_response_obj=init_response_obj,
            start_time=start_time,
            end_time=end_time,
            logging_obj=logging_obj,
            status=status,
            error_str=error_str,
            original_exception=original_exception,
            standard_built_in_tools_params=standard_built_in_tools_params,
        )
    return routing_payload(kwargs or {}, init_response_obj, status, original_exception)


def _redact_string(value: str) -> str:
    # Only inside a quiet request's failure details: nothing reads the text, so it is dropped.
    return "" if _dropping_redacted.get() else _redact(value)


def _failure_handler_helper_fn(
    self: Logging,
    exception: Exception,
    traceback_exception: object,
    start_time: object = None,
    end_time: object = None,
) -> Any:
    if not is_quiet(self):
        return _failure_details(self, exception, traceback_exception, start_time, end_time)
    token = _dropping_redacted.set(True)  # synchronous: no other task runs meanwhile
    try:
        return _failure_details(self, exception, traceback_exception, start_time, end_time)
    finally:
        _dropping_redacted.reset(token)


def install() -> None:
    """Idempotent: litellm's payload builder and failure details serve quiet requests cheaply
    and every other request exactly as before."""
    litellm_logging.get_standard_logging_object_payload = _payload  # type: ignore[assignment]
    litellm_logging.redact_string = _redact_string  # type: ignore[attr-defined]
    Logging._failure_handler_helper_fn = _failure_handler_helper_fn  # type: ignore[method-assign]
