from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text

from gql_server.core.domain.models import Deployment
from gql_server.services.ports import DuplicateKey
from gql_server.store import Database

MakeDeployment = Callable[..., Deployment]


async def test_added_deployment_reads_back_whole(
    database: Database, make_deployment: MakeDeployment
) -> None:
    deployment = make_deployment("nebius-llama")
    async with database.uow_factory()() as uow:
        await uow.deployments.add(deployment)
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.deployments.get("nebius-llama") == deployment
        assert await uow.deployments.get("missing") is None
        assert await uow.deployments.list() == [deployment]


async def test_env_reference_api_key_is_stored_as_the_reference(
    database: Database, make_deployment: MakeDeployment
) -> None:
    async with database.uow_factory()() as uow:
        await uow.deployments.add(make_deployment(api_key="os.environ/AZURE_API_KEY"))
        await uow.commit()

    async with database.engine.connect() as connection:
        stored = await connection.scalar(text("SELECT api_key FROM deployments"))
    assert stored == "os.environ/AZURE_API_KEY"


async def test_optional_fields_may_be_empty(
    database: Database, make_deployment: MakeDeployment
) -> None:
    bare = Deployment(
        model_id="gpt", model_name="gpt-4o", litellm_model="gpt-4o", provider="openai"
    )
    async with database.uow_factory()() as uow:
        await uow.deployments.add(bare)
        await uow.commit()
    async with database.uow_factory()() as uow:
        assert await uow.deployments.get("gpt") == bare


async def test_get_many_returns_only_known_ids(
    database: Database, make_deployment: MakeDeployment
) -> None:
    first, second = make_deployment("a"), make_deployment("b")
    async with database.uow_factory()() as uow:
        await uow.deployments.add(first)
        await uow.deployments.add(second)
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.deployments.get_many(["b", "a", "zzz"]) == {"a": first, "b": second}
        assert await uow.deployments.get_many([]) == {}


async def test_duplicate_model_id_is_reported_by_its_public_name(
    database: Database, make_deployment: MakeDeployment
) -> None:
    async with database.uow_factory()() as uow:
        await uow.deployments.add(make_deployment("a"))
        await uow.commit()

    with pytest.raises(DuplicateKey) as raised:
        async with database.uow_factory()() as uow:
            await uow.deployments.add(make_deployment("a", display_name="other"))
    assert raised.value.field == "modelId"


async def test_upsert_inserts_then_replaces(
    database: Database, make_deployment: MakeDeployment
) -> None:
    original = make_deployment("a")
    changed = make_deployment("a", rpm=None, api_key=None, extra_params={"mock_response": "x"})
    async with database.uow_factory()() as uow:
        await uow.deployments.upsert(original)
        await uow.commit()
    async with database.uow_factory()() as uow:
        await uow.deployments.upsert(changed)
        await uow.commit()

    async with database.uow_factory()() as uow:
        assert await uow.deployments.list() == [changed]
