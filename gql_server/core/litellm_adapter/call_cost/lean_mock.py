"""litellm's chat set-up, skipped for a throwaway Router's mocked attempts once it is known.

Every attempt of a simulation (and of a test run) goes through `litellm.main.completion`, the
synchronous half of `acompletion`: about 700 lines of parameter validation and mapping (optional
params, the Responses-API bridge check, provider config look-ups, file-id rewriting, ...) before
it reaches its mock branch, which only hands the logging object what the parameters came to and
returns `mock_completion(...)`. Measured on the 1-hour simulation: a quarter of the engine's CPU.

For a mocked attempt of plain chat messages on a throwaway Router (one whose requests are quiet
whatever is registered, `BuiltRouter.quiet_logging`: it marks them with `allow`), all of that is a
function of the call's *shape*: every argument but the per-call ones (`PER_CALL`: the messages,
the mock answer, metadata, call ids, the logging object, the Router's fallback bookkeeping),
plus the metadata's model group. So the first attempt of a shape runs litellm's own `completion`
and records what it handed on, in order: `_record_agentic_loop_params`, the logging object's
`set_per_call_pricing`, `record_applied_timeout` and `update_environment_variables` (its
`litellm_params` from litellm's own `get_litellm_params`), then `mock_completion`'s arguments.
Every later attempt of that shape replays them, with the per-call values put back: the
`litellm_params` come from `get_litellm_params` called with the recorded arguments and this call's
metadata and ids, the messages from litellm's own `validate_and_fix_openai_messages` (plain
messages are what every later step leaves as they are), the admission tokens from the call's
metadata; an error the mock raises goes through litellm's `exception_type` as in `completion`
(a litellm error unchanged). The recording checks that each per-call value reached litellm
where the replay puts it (the same object); a shape where one did not, or where litellm did
something the replay does not repeat (per-call pricing, a prompt-management hook), is never
replayed: its attempts keep the full path. So do streams, text completions, tools, functions,
structured output, reasoning, prompt management, any argument but a scalar (the deployment's
model_info and a stop list aside) and anything with litellm-wide fallbacks, aliases or
retries-per-request set. tests/unit/test_lean_mock.py
compares replayed and full attempts: the answer and the logging object's whole
`model_call_details` and attributes.

The recordings are forgotten with the capability memo whenever a Router is built (litellm's
price map may have changed). Installed by `install.install()`.
"""

from __future__ import annotations

import contextvars
import copy
import functools
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import litellm
import litellm.main
from litellm.types.utils import ModelResponse
from litellm.utils import validate_and_fix_openai_messages

# Arguments whose values differ attempt to attempt; the rest make the shape.
PER_CALL = frozenset(
    {
        "messages",
        "mock_response",
        "metadata",
        "litellm_logging_obj",
        "litellm_call_id",
        "litellm_trace_id",
        "_context_compaction_state",
        "fallback_depth",
        "max_fallbacks",
        "attempted_targets",
    }
)
# Arguments that send `completion` down paths of their own: given, the full path.
_FULL_PATH_PARAMS = frozenset(
    {
        "tools",
        "tool_choice",
        "functions",
        "function_call",
        "parallel_tool_calls",
        "response_format",
        "prediction",
        "audio",
        "modalities",
        "web_search_options",
        "thinking",
        "reasoning_effort",
        "prompt_id",
        "litellm_system_prompt",
        "deployment_id",
        "model_list",
        "fallbacks",
        "stream_options",
        "mock_tool_calls",
        "mock_timeout",
        "text_completion",  # chat only
        "atext_completion",
    }
)
# Of those, what `completion` passes on to `get_litellm_params` (by the same name).
_PER_CALL_LITELLM_PARAMS = ("metadata", "litellm_call_id", "litellm_trace_id")
# What the lean path replays: the logging object's methods `completion` calls before its mock.
_LOGGING_STEPS = ("set_per_call_pricing", "record_applied_timeout", "update_environment_variables")
_PLAIN_ROLES = frozenset({"system", "user", "assistant"})
_PLAIN_KEYS = frozenset({"role", "content", "name"})
_MAX_SHAPES = 1024
_MARK = "routing_groups_lean_mock"

_original: Callable[..., Any] = litellm.main.completion
_get_litellm_params: Callable[..., Any] = litellm.main.get_litellm_params  # type: ignore[attr-defined]
_mock_completion: Callable[..., Any] = litellm.main.mock_completion
_record_agentic_loop_params: Callable[..., Any] = litellm.main._record_agentic_loop_params
_admission_input_tokens: Callable[..., Any] = litellm.main.admission_input_tokens
exception_type: Callable[..., Any] = litellm.main.exception_type  # type: ignore[attr-defined]


@dataclass
class _Recording:
    """What one full `completion` handed on, in order: (step, args, kwargs)."""

    steps: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    litellm_params_arguments: dict[str, Any] | None = None
    litellm_params: Any = None


_recording: contextvars.ContextVar[_Recording | None] = contextvars.ContextVar(
    "routing_groups_lean_mock_recording", default=None
)
_lock = threading.Lock()
# shape -> the recording to replay, or None: the shape keeps litellm's full path.
_shapes: dict[Hashable, _Recording | None] = {}
_UNRECORDED = _Recording()
stats = {"lean": 0, "recorded": 0, "full": 0}  # attempts by path (approximate under threads)


def allow(logging_obj: object) -> None:
    """`logging_obj`'s (a throwaway Router's request's) mocked attempts may take the lean path;
    litellm's per-attempt copies of it (copy.copy) keep the mark."""
    setattr(logging_obj, _MARK, True)


def allowed(logging_obj: object) -> bool:
    return getattr(logging_obj, _MARK, False) is True


def _frozen(value: object) -> Hashable:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError  # not a shape we know: the full path


def _argument(name: str, value: object) -> Hashable:
    """An argument's part of the shape; TypeError: not a shape the lean path serves."""
    if name in PER_CALL:
        return None
    if name in _FULL_PATH_PARAMS and value is not None and value is not False:
        raise TypeError
    if name == "model_info" and isinstance(value, dict):  # the deployment's
        return (dict, tuple(sorted((str(k), _frozen(v)) for k, v in value.items())))
    if name == "stop" and isinstance(value, list):
        return (list, tuple(_frozen(v) for v in value))
    return _frozen(value)


def _plain_messages(messages: object) -> bool:
    return isinstance(messages, list) and all(
        isinstance(m, dict)
        and m.keys() <= _PLAIN_KEYS
        and m.get("role") in _PLAIN_ROLES
        and isinstance(m.get("content"), str)
        for m in messages
    )


def _shape(kwargs: Mapping[str, Any]) -> Hashable | None:
    """The call's shape, or None when the lean path does not serve it."""
    mock = kwargs.get("mock_response")
    if (
        kwargs.get("acompletion") is not True
        or not isinstance(mock, str | Exception | ModelResponse)
        or kwargs.get("stream")
        or kwargs.get("mock_tool_calls")
        or kwargs.get("mock_timeout")
        or not allowed(kwargs.get("litellm_logging_obj"))
        or not _plain_messages(kwargs.get("messages"))
        or litellm.num_retries_per_request is not None
        or litellm.model_fallbacks is not None
        or litellm.model_alias_map
        or litellm.proxy_auth is not None
        or litellm.vector_store_registry is not None
    ):
        return None
    metadata = kwargs.get("metadata")
    group = metadata.get("model_group") if isinstance(metadata, dict) else None
    try:
        return (
            type(mock).__name__,
            _frozen(group),
            "model_group" in metadata if isinstance(metadata, dict) else None,
            litellm.drop_params,
            litellm.request_timeout,  # type: ignore[attr-defined]
            tuple((name, _argument(name, value)) for name, value in sorted(kwargs.items())),
        )
    except TypeError:
        return None


def _lean_completion(*args: Any, **kwargs: Any) -> Any:
    shape = _shape(kwargs) if not args else None
    if shape is None:
        stats["full"] += 1
        return _original(*args, **kwargs)
    recording = _shapes.get(shape, _UNRECORDED)
    if recording is _UNRECORDED:
        return _record(shape, kwargs)
    if recording is None:
        stats["full"] += 1
        return _original(**kwargs)
    stats["lean"] += 1
    return _replay(recording, kwargs)


def _record(shape: Hashable, kwargs: dict[str, Any]) -> Any:
    """litellm's full path, recording what it hands on; the shape is replayable if it checks."""
    stats["recorded"] += 1
    logging_obj = kwargs["litellm_logging_obj"]
    recording = _Recording()
    for name in _LOGGING_STEPS:
        setattr(logging_obj, name, _recorder(recording, name, getattr(logging_obj, name)))
    token = _recording.set(recording)
    try:
        return _original(**kwargs)
    finally:
        _recording.reset(token)
        for name in _LOGGING_STEPS:
            delattr(logging_obj, name)
        replayable = _replayable(recording, kwargs)
        with _lock:
            if len(_shapes) >= _MAX_SHAPES:
                _shapes.clear()
            _shapes[shape] = recording if replayable else None


def _recorder(recording: _Recording, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    def record(*args: Any, **kwargs: Any) -> Any:
        recording.steps.append((name, args, kwargs))
        return call(*args, **kwargs)

    return record


def _replayable(recording: _Recording, kwargs: Mapping[str, Any]) -> bool:
    """Whether the recording holds exactly the steps the replay makes, each per-call value where
    the replay puts it, and nothing the replay would not repeat."""
    names = [name for name, _, _ in recording.steps]
    if names != [
        "_record_agentic_loop_params",
        "set_per_call_pricing",
        "record_applied_timeout",
        "update_environment_variables",
        "mock_completion",
    ]:
        return False
    logging_obj = kwargs["litellm_logging_obj"]
    steps = {name: (args, step_kwargs) for name, args, step_kwargs in recording.steps}
    arguments = recording.litellm_params_arguments
    _, agentic = steps["_record_agentic_loop_params"]
    pricing, _ = steps["set_per_call_pricing"]
    environment_args, environment = steps["update_environment_variables"]
    mock_args, mock = steps["mock_completion"]
    return (
        arguments is not None
        and all(arguments.get(name) is kwargs.get(name) for name in _PER_CALL_LITELLM_PARAMS)
        and agentic.get("logging_obj") is logging_obj
        and pricing == (None,)
        and not environment_args
        # `completion` hands on a copy (`with_control_options` with no control options)
        and environment.get("litellm_params") == recording.litellm_params
        and environment.get("litellm_params") is not recording.litellm_params
        and len(mock_args) == 2
        and mock_args[1] == kwargs["messages"]
        and mock.get("mock_response") is kwargs["mock_response"]
        and mock.get("logging") is logging_obj
        and mock.get("prompt_tokens") == _admission_input_tokens(kwargs)
    )


def _replay(recording: _Recording, kwargs: Mapping[str, Any]) -> Any:
    logging_obj = kwargs["litellm_logging_obj"]
    messages = validate_and_fix_openai_messages(kwargs["messages"]).copy()
    arguments = dict(recording.litellm_params_arguments or {})
    for name in _PER_CALL_LITELLM_PARAMS:
        arguments[name] = kwargs.get(name)
    litellm_params = dict(_get_litellm_params(**arguments))
    for name, args, step in recording.steps:
        if name == "_record_agentic_loop_params":
            _record_agentic_loop_params(**{**step, "logging_obj": logging_obj})
        elif name == "update_environment_variables":
            logging_obj.update_environment_variables(
                **{
                    **step,
                    "optional_params": copy.deepcopy(step["optional_params"]),
                    "litellm_params": litellm_params,
                }
            )
        elif name == "mock_completion":
            try:
                return _mock_completion(
                    args[0],
                    messages,
                    **{
                        **step,
                        "mock_response": kwargs["mock_response"],
                        "logging": logging_obj,
                        "prompt_tokens": _admission_input_tokens(kwargs),
                    },
                )
            except Exception as exc:
                # As `completion` maps every error (a litellm error, as mocks raise, unchanged);
                # of its arguments the mapping reads the messages only.
                raise exception_type(  # noqa: B904  # `completion` raises it so too
                    model=args[0],
                    original_exception=exc,
                    custom_llm_provider=step.get("custom_llm_provider"),
                    completion_kwargs={"messages": messages},
                    extra_kwargs=_completion_kwargs(kwargs),
                )
        else:
            getattr(logging_obj, name)(*args, **step)
    raise AssertionError("a replayable recording ends with mock_completion")


def _completion_kwargs(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """`completion`'s own **kwargs when it calls its mock (it drops a `mock_timeout` first)."""
    return {name: value for name, value in kwargs.items() if name != "mock_timeout"}


# litellm's module functions `completion` calls, recording while a recording is under way.
@functools.wraps(_get_litellm_params)
def _recording_get_litellm_params(*args: Any, **kwargs: Any) -> Any:
    result = _get_litellm_params(*args, **kwargs)
    recording = _recording.get()
    if recording is not None:
        recording.litellm_params_arguments = None if args else dict(kwargs)
        recording.litellm_params = result
    return result


def _recording_step(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def step(*args: Any, **kwargs: Any) -> Any:
        recording = _recording.get()
        if recording is not None:
            recording.steps.append((name, args, kwargs))
        return call(*args, **kwargs)

    return step


_recording_mock_completion = _recording_step("mock_completion", _mock_completion)
_recording_agentic_loop_params = _recording_step(
    "_record_agentic_loop_params", _record_agentic_loop_params
)
lean_completion = functools.wraps(_original)(_lean_completion)


def install() -> None:
    """Idempotent: `acompletion`'s set-up (litellm.main's `completion`) serves a quiet mocked
    attempt of a known shape lean, and every other call by litellm's own `completion`."""
    litellm.main.get_litellm_params = _recording_get_litellm_params  # type: ignore[attr-defined]
    litellm.main.mock_completion = _recording_mock_completion
    litellm.main._record_agentic_loop_params = _recording_agentic_loop_params
    litellm.main.completion = lean_completion


def forget() -> None:
    """litellm's price map changed (a Router registered its deployments' prices)."""
    with _lock:
        _shapes.clear()
