"""Fuzzed `/v1` bodies: never a 5xx from the gateway itself, never a traceback, never a secret."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import create_group, generate_key
from tests.support.graphql_client import GraphQLClient
from tests.support.server import RunningServer

_HELLO = {"role": "user", "content": "Hello"}
PROVIDER_KEY = "sk-fuzz-provider-secret-abcdef0123456789"

_scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=20)
_json = st.recursive(
    _scalars | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_role = st.sampled_from(["user", "system", "assistant", "tool", "wizard", "", 7])
_message = st.fixed_dictionaries(
    {"role": _role}, optional={"content": _json | st.text(max_size=40), "name": _json}
)
_fields = {
    "messages": st.lists(_message, max_size=4) | _json,
    "temperature": _json,
    "max_tokens": _json,
    "n": st.integers(-5, 40) | _json,
    "stream": st.booleans() | _json,
    "tools": _json,
    "metadata": _json,
    "user": _json,
    "response_format": _json,
    "stop": _json,
    "extra_flag": _json,
}
_model = st.sampled_from(["fuzzed", "leaky", "missing"]) | _json
_bodies = st.fixed_dictionaries({"model": _model}, optional=_fields)
_paths = st.sampled_from(
    ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"]
)


def test_fuzzed_bodies(server: RunningServer, admin: GraphQLClient) -> None:
    with FakeOpenAIServer() as provider:
        provider.answer("leaky-model", echo_key=True)
        key_id, key = generate_key(admin, "fuzzer")
        create_group(admin, "fuzzed", assignedKeyIds=[key_id])
        result = admin(
            "mutation($i: DeploymentInput!) { createDeployment(input: $i) { __typename } }",
            {
                "i": {
                    "modelId": "leaky-dep",
                    "modelName": "openai/leaky-model",
                    "apiBase": provider.base_url,
                    "apiKey": PROVIDER_KEY,
                }
            },
        )
        assert result["createDeployment"]["__typename"] == "Deployment"
        create_group(
            admin,
            "leaky",
            deployments=[{"modelId": "leaky-dep", "priority": 1}],
            assignedKeyIds=[key_id],
        )
        with httpx.Client(
            base_url=server.base_url, headers={"authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            _fuzz(client)


def _fuzz(client: httpx.Client) -> None:
    @settings(
        max_examples=500,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(path=_paths, body=_bodies | _json)
    @example(path="/v1/chat/completions", body={"model": "leaky", "messages": [_HELLO]})
    @example(path="/v1/chat/completions", body={"model": "fuzzed", "messages": [_HELLO]})
    @example(path="/v1/embeddings", body={"model": "leaky", "input": "hi"})
    def one(path: str, body: Any) -> None:
        answer = client.post(path, content=json.dumps(body))
        text = answer.text
        gateway_failure = answer.status_code >= 500 and "deployment" not in text
        assert not gateway_failure, (answer.status_code, text[:300])
        assert answer.status_code != 500, text[:300]
        for leak in ("Traceback", "site-packages", 'File "', PROVIDER_KEY, "fuzz-provider-secret"):
            assert leak not in text, (leak, text[:300])
        if answer.status_code >= 400:
            assert set(answer.json()["error"]) >= {"message", "type", "param", "code"}

    one()
