"""Issue 13, item 13: provider API keys from createDeployment are encrypted at rest, migrated
in place, and opened only when a Router is built (the provider still receives the key)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from gql_server.settings import Settings
from gql_server.store.database import Database
from tests.fakes.openai_server import FakeOpenAIServer
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import CREATE, TEST
from tests.support.server import running_server
from tests.support.settings import demo_settings

PROVIDER_KEY = "sk-provider-literal-4242"

CREATE_DEPLOYMENT = """
mutation($input: DeploymentInput!) {
  createDeployment(input: $input) { __typename ... on Error { message } }
}"""


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    monkeypatch.setenv("FAKE_ENV_KEY", "sk-from-the-environment")
    with FakeOpenAIServer() as running:
        yield running


def _settings(database_url: str, tmp_path: Path, secret: str | None = None) -> Settings:
    return demo_settings(
        tmp_path,
        database_url=database_url,
        config_path=None,
        secret_key=SecretStr(secret) if secret else None,
    )


def _stored_keys(database_url: str) -> dict[str, str | None]:
    async def read() -> dict[str, str | None]:
        database = Database.from_url(database_url)
        try:
            async with database.engine.connect() as connection:
                rows = await connection.execute(
                    sa.text("SELECT model_id, api_key FROM deployments")
                )
                return {row[0]: row[1] for row in rows}
        finally:
            await database.dispose()

    return asyncio.run(read())


def _deployment(model_id: str, api_key: str, provider: FakeOpenAIServer) -> dict[str, str]:
    return {
        "modelId": model_id,
        "modelName": f"openai/{model_id}",
        "apiBase": provider.base_url,
        "apiKey": api_key,
    }


def _test_group(admin: GraphQLClient, name: str, model_id: str) -> dict[str, object]:
    created = admin(
        CREATE,
        {
            "input": {
                "routingGroupName": name,
                "routingStrategy": "PRIORITY_FAILOVER",
                "deployments": [{"modelId": model_id, "priority": 1}],
            }
        },
    )["createRoutingGroup"]
    assert created["__typename"] == "RoutingGroup", created
    result = admin(TEST, {"id": created["routingGroupId"], "mock": False})["testRoutingGroup"]
    assert isinstance(result, dict)
    return result


def test_keys_are_sealed_at_rest_and_opened_for_the_router(
    database: Database, database_url: str, tmp_path: Path, provider: FakeOpenAIServer
) -> None:
    with running_server(_settings(database_url, tmp_path)) as server:
        admin = GraphQLClient(server.base_url, server.master_key)
        literal = admin(CREATE_DEPLOYMENT, {"input": _deployment("lit", PROVIDER_KEY, provider)})
        assert literal["createDeployment"]["__typename"] == "Deployment"
        reference = _deployment("ref", "os.environ/FAKE_ENV_KEY", provider)
        assert admin(CREATE_DEPLOYMENT, {"input": reference})["createDeployment"]["__typename"] == (
            "Deployment"
        )
        stored = _stored_keys(database_url)
        assert stored["lit"] is not None and stored["lit"].startswith("enc:v1:")
        assert PROVIDER_KEY not in str(stored)
        assert stored["ref"] == "os.environ/FAKE_ENV_KEY"
        assert _test_group(admin, "lit-group", "lit")["success"] is True
        admin.close()
    # A restart reads the same generated secret back from the database.
    with running_server(_settings(database_url, tmp_path)) as server:
        admin = GraphQLClient(server.base_url, server.master_key)
        assert _test_group(admin, "ref-group", "ref")["success"] is True
        assert _test_group(admin, "lit-again", "lit")["success"] is True
        admin.close()
    authorizations = [r.authorization for r in provider.requests]
    assert authorizations == [
        f"Bearer {PROVIDER_KEY}",
        "Bearer sk-from-the-environment",
        f"Bearer {PROVIDER_KEY}",
    ]


def test_plaintext_rows_from_before_are_encrypted_in_place_on_start(
    database: Database, database_url: str, tmp_path: Path, provider: FakeOpenAIServer
) -> None:
    async def legacy_row() -> None:
        fresh = Database.from_url(database_url)  # `database` lives on the fixture's loop
        async with fresh.engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO deployments (model_id, model_name, litellm_model, provider, "
                    "api_base, api_key, extra_params) VALUES "
                    "('old', 'old', 'openai/old', 'openai', :base, :key, '{}')"
                ),
                {"base": provider.base_url, "key": PROVIDER_KEY},
            )
        await fresh.dispose()

    asyncio.run(legacy_row())
    settings = _settings(database_url, tmp_path, secret="a-long-enough-secret-key-for-tests")
    with running_server(settings) as server:
        stored = _stored_keys(database_url)
        assert stored["old"] is not None and stored["old"].startswith("enc:v1:")
        admin = GraphQLClient(server.base_url, server.master_key)
        assert _test_group(admin, "old-group", "old")["success"] is True
        admin.close()
    assert [r.authorization for r in provider.requests] == [f"Bearer {PROVIDER_KEY}"]
