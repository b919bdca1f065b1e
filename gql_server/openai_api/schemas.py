"""Request bodies of the OpenAI-compatible endpoints, validated before anything is routed.

A body that fails here is the caller's mistake: 400 `invalid_request_error` naming the field, and
the Router never sees it (so it is never retried or failed over). Fields OpenAI documents are
typed; any other field (an SDK's `extra_body` keys) is passed through to the provider unless it
would steer litellm itself (`api_base`, `mock_response`, `fallbacks`, ...).
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from gql_server.core.litellm_adapter.built_router import LITELLM_PARAMS

MAX_N = 16
MAX_MESSAGES = 2048
MAX_MESSAGE_CHARS = 1_000_000  # one message's JSON
MAX_MESSAGES_CHARS = 4_000_000  # all messages' JSON together
MAX_INPUT_ITEMS = 2048
MAX_TOKENS_LIMIT = 1_000_000
MAX_METADATA_PAIRS = 16
MAX_MODEL_CHARS = 256

Number = float | StrictInt

# litellm's own control kwargs, and the Router's: a caller must never set these (an `api_base`
# of theirs would receive our provider key; `mock_response` would fake the answer).
_ROUTER_KWARGS = {
    "model_list",
    "fallbacks",
    "context_window_fallbacks",
    "content_policy_fallbacks",
    "specific_deployment",
    "num_retries",
    "max_retries",
    "timeout",
    "stream_timeout",
    "request_timeout",
    "base_url",
    "api_base",
    "api_key",
    "api_version",
    "organization",
    "extra_headers",
    "headers",
    "deployment_id",
    "model_group",
    "client",
    "default_fallbacks",
    "disable_fallbacks",
    "mock_testing_fallbacks",
    "mock_testing_content_policy_fallbacks",
    "mock_testing_context_fallbacks",
    "mock_timeout",
    "caching",
    "cache",
    "no-cache",
    "no-store",
    "drop_params",
    "additional_drop_params",
    "vertex_credentials",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "azure_ad_token",
}
_HANDLED = {"model", "messages", "stream", "metadata", "input", "prompt"}
RESERVED = frozenset(LITELLM_PARAMS | _ROUTER_KWARGS) - {"metadata", "user"}


class _Body(BaseModel):
    # extra="allow": unknown fields (extra_body keys) are kept and passed on, see `passthrough`
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    model: StrictStr = Field(min_length=1, max_length=MAX_MODEL_CHARS)
    user: StrictStr | None = Field(default=None, max_length=256)
    metadata: dict[StrictStr, StrictStr] | None = Field(default=None, max_length=MAX_METADATA_PAIRS)
    stream: StrictBool | None = None
    stream_options: dict[str, Any] | None = None
    temperature: Number | None = Field(default=None, ge=0, le=2)
    top_p: Number | None = Field(default=None, ge=0, le=1)
    n: StrictInt | None = Field(default=None, ge=1, le=MAX_N)
    max_tokens: StrictInt | None = Field(default=None, ge=1, le=MAX_TOKENS_LIMIT)
    seed: StrictInt | None = None
    presence_penalty: Number | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: Number | None = Field(default=None, ge=-2, le=2)
    logit_bias: dict[StrictStr, Number] | None = Field(default=None, max_length=300)
    stop: StrictStr | list[StrictStr] | None = None


_B = TypeVar("_B", bound=_Body)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: StrictStr = Field(min_length=1)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: StrictStr | list[ContentPart] | None = None
    name: StrictStr | None = Field(default=None, max_length=256)
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: StrictStr | None = None
    function_call: dict[str, Any] | None = None

    def problem(self) -> str | None:
        if self.content is not None:
            return None
        if self.role == "assistant" and (self.tool_calls or self.function_call):
            return None
        return f"a message with role {self.role!r} needs 'content'"


class ChatRequest(_Body):
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    max_completion_tokens: StrictInt | None = Field(default=None, ge=1, le=MAX_TOKENS_LIMIT)
    logprobs: StrictBool | None = None
    top_logprobs: StrictInt | None = Field(default=None, ge=0, le=20)
    tools: list[dict[str, Any]] | None = Field(default=None, max_length=128)
    tool_choice: StrictStr | dict[str, Any] | None = None
    parallel_tool_calls: StrictBool | None = None
    response_format: dict[str, Any] | None = None
    # open-ended: OpenAI keeps adding levels ("none", "xhigh", ...); the provider checks it
    reasoning_effort: StrictStr | None = Field(default=None, max_length=32)
    service_tier: StrictStr | None = None
    modalities: list[StrictStr] | None = None
    prediction: dict[str, Any] | None = None
    audio: dict[str, Any] | None = None
    store: StrictBool | None = None
    web_search_options: dict[str, Any] | None = None
    functions: list[dict[str, Any]] | None = None
    function_call: StrictStr | dict[str, Any] | None = None


class CompletionRequest(_Body):
    prompt: StrictStr | list[StrictStr] | list[StrictInt] | list[list[StrictInt]] = Field(
        max_length=MAX_INPUT_ITEMS
    )
    echo: StrictBool | None = None
    best_of: StrictInt | None = Field(default=None, ge=1, le=MAX_N)
    logprobs: StrictInt | None = Field(default=None, ge=0, le=5)
    suffix: StrictStr | None = None


class EmbeddingRequest(_Body):
    input: StrictStr | list[StrictStr] | list[StrictInt] | list[list[StrictInt]] = Field(
        max_length=MAX_INPUT_ITEMS
    )
    encoding_format: Literal["float", "base64"] | None = None
    dimensions: StrictInt | None = Field(default=None, ge=1, le=65536)


class ResponsesRequest(_Body):
    input: StrictStr | list[dict[str, Any]] = Field(max_length=MAX_INPUT_ITEMS)
    instructions: StrictStr | None = None
    max_output_tokens: StrictInt | None = Field(default=None, ge=1, le=MAX_TOKENS_LIMIT)
    tools: list[dict[str, Any]] | None = Field(default=None, max_length=128)
    tool_choice: StrictStr | dict[str, Any] | None = None
    parallel_tool_calls: StrictBool | None = None
    reasoning: dict[str, Any] | None = None
    text: dict[str, Any] | None = None
    previous_response_id: StrictStr | None = None
    store: StrictBool | None = None


class BodyError(Exception):
    """The caller's body is not acceptable; `param` names the field (OpenAI's `param`)."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message, self.param = message, param


def parse(model: type[_B], body: object) -> _B:
    if not isinstance(body, dict):
        raise BodyError("the request body must be a JSON object")
    try:
        parsed = model.model_validate(body)
    except PydanticValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BodyError(f"{where}: {first['msg']}", param=where or None) from None
    if isinstance(parsed, ChatRequest):
        _check_messages(parsed)
    bad = sorted(set(parsed.model_extra or {}) & RESERVED)
    if bad:
        raise BodyError(f"'{bad[0]}' may not be set by a caller", param=bad[0])
    return parsed


def passthrough(parsed: _Body) -> dict[str, Any]:
    """Everything the caller set, for the provider, less what the endpoint handles itself.

    litellm drops OpenAI parameters it does not list for a model it does not know (`user` for
    any OpenAI-compatible endpoint outside OpenAI's catalogue); the caller asked for them, so
    they are named in `allowed_openai_params` and sent."""
    fields = parsed.model_dump(exclude_unset=True, exclude=_HANDLED, mode="json")
    params = {key: value for key, value in fields.items() if value is not None}
    documented = sorted(key for key in params if key in type(parsed).model_fields)
    if documented:
        params["allowed_openai_params"] = documented
    return params


def _check_messages(parsed: ChatRequest) -> None:
    total = 0
    for index, message in enumerate(parsed.messages):
        problem = message.problem()
        if problem:
            raise BodyError(problem, param=f"messages.{index}.content")
        size = len(json.dumps(message.model_dump(exclude_none=True, mode="json")))
        if size > MAX_MESSAGE_CHARS:
            raise BodyError(
                f"message {index} is larger than {MAX_MESSAGE_CHARS} characters",
                param=f"messages.{index}",
            )
        total += size
    if total > MAX_MESSAGES_CHARS:
        raise BodyError(f"messages are larger than {MAX_MESSAGES_CHARS} characters together")


def messages_of(parsed: ChatRequest) -> list[dict[str, Any]]:
    return [m.model_dump(exclude_none=True, mode="json") for m in parsed.messages]
