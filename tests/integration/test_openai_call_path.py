"""Every `/v1` endpoint, streamed or not, goes through the one Router call path: a deployment that
fails is cooled down the same way whichever endpoint met the failure.

The official `openai` client against the real server; the group's first deployment answers 429
(with Retry-After) from a local provider, `allowedFails` 0 and a long cooldown: the first request
fails over to the second deployment and cools the first one down, so the second request must
not reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import add_provider_deployment, create_group, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer

PROVIDER_KEY = "sk-provider-secret-0123456789abcdef"
HELLO: Any = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        fake.answer("limited-model", status=429, retry_after_s=3600)
        fake.answer("spare-model", text="hello from the spare")
        yield fake


def failover_group(admin: GraphQLClient, provider: FakeOpenAIServer, name: str) -> str:
    """A key for a group whose first deployment is rate limited and cools down on one failure."""
    key_id, key = generate_key(admin, f"{name}-key")
    add_provider_deployment(
        admin, "limited", "limited-model", provider.base_url, PROVIDER_KEY, priced=True
    )
    add_provider_deployment(
        admin, "spare", "spare-model", provider.base_url, PROVIDER_KEY, priced=True
    )
    create_group(
        admin,
        name,
        deployments=[{"modelId": "limited", "priority": 1}, {"modelId": "spare", "priority": 2}],
        assignedKeyIds=[key_id],
        retryConfig={"numRetries": 0},
        cooldownConfig={"allowedFails": 0, "cooldownTimeSeconds": 3600},
    )
    return key


def _text(stream: Any) -> str:
    return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


def _completion_text(stream: Any) -> str:
    return "".join(c.choices[0].text or "" for c in stream if c.choices)


def _response_text(stream: Any) -> str:
    return "".join(e.delta for e in stream if e.type == "response.output_text.delta")


CALLS: dict[tuple[str, bool], Callable[[openai.OpenAI, str], str]] = {
    ("chat", False): lambda c, m: (
        c.chat.completions.create(model=m, messages=HELLO).choices[0].message.content or ""
    ),
    ("chat", True): lambda c, m: _text(
        c.chat.completions.create(model=m, messages=HELLO, stream=True)
    ),
    ("completions", False): lambda c, m: c.completions.create(model=m, prompt="Hi").choices[0].text,
    ("completions", True): lambda c, m: _completion_text(
        c.completions.create(model=m, prompt="Hi", stream=True)
    ),
    ("embeddings", False): lambda c, m: str(len(c.embeddings.create(model=m, input=["a"]).data)),
    ("responses", False): lambda c, m: c.responses.create(model=m, input="Hi").output_text,
    ("responses", True): lambda c, m: _response_text(
        c.responses.create(model=m, input="Hi", stream=True)
    ),
}
EXPECTED = {"embeddings": "1"}


@pytest.mark.parametrize(("endpoint", "streamed"), sorted(CALLS))
def test_every_endpoint_cools_a_failing_deployment_down(
    endpoint: str,
    streamed: bool,
    server: RunningServer,
    admin: GraphQLClient,
    provider: FakeOpenAIServer,
) -> None:
    key = failover_group(admin, provider, "cooling")
    client = openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)
    call = CALLS[(endpoint, streamed)]

    assert call(client, "cooling") == EXPECTED.get(endpoint, "hello from the spare")
    failed_once = provider.calls["limited-model"]
    assert failed_once >= 1, "the first request tried the rate-limited deployment"

    assert call(client, "cooling") == EXPECTED.get(endpoint, "hello from the spare")
    assert provider.calls["limited-model"] == failed_once, (
        f"{endpoint} (streamed={streamed}) sent a request to a deployment in cooldown"
    )
    assert provider.calls["spare-model"] == 2


@pytest.mark.parametrize("retry_after_s", [None, 1])
@pytest.mark.parametrize(("endpoint", "streamed"), sorted(CALLS))
def test_one_provider_call_per_router_attempt(
    endpoint: str,
    streamed: bool,
    *,
    retry_after_s: float | None,
    server: RunningServer,
    admin: GraphQLClient,
    provider: FakeOpenAIServer,
) -> None:
    """Only the Router retries: the provider client litellm makes for an attempt must not retry
    a 429 itself (the OpenAI SDK's default is 2 more tries), or one attempt is 3 provider calls,
    invisible to the trace, the fail counts and the key's budgets."""
    provider.answer("limited-model", status=429, retry_after_s=retry_after_s)
    key = failover_group(admin, provider, "one-call")
    client = openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)

    assert CALLS[(endpoint, streamed)](client, "one-call") == EXPECTED.get(
        endpoint, "hello from the spare"
    )

    # numRetries 0: one attempt on the rate-limited deployment, then the fallback answered
    assert provider.calls["limited-model"] == 1, (
        f"{endpoint} (streamed={streamed}): {provider.calls['limited-model']} provider calls "
        "for one Router attempt"
    )
    assert provider.calls["spare-model"] == 1
