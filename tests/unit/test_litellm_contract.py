"""The litellm the adapter was written against: the pinned version, and every private name and
signature it relies on (litellm_adapter/install.py's PRIVATE_TOUCHES, the one list the adapter's
own start-up check reads too). An upgrade fails here, in one place, with what breaks."""

from __future__ import annotations

import asyncio
import importlib.metadata
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litellm.redis.stores.router_usage import UsageCounter
from litellm.types.router import RouterCacheEnum

from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.litellm_adapter import install as adapter
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.state.deployment_state import _redis_key
from tests.fakes import deployments_for, make_group

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def pinned_litellm() -> str:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    [pin] = [d for d in dependencies if re.match(r"litellm\s*==", d)]
    return str(pin.split("==", 1)[1].strip())


@pytest.fixture
async def built() -> AsyncIterator[BuiltRouter]:  # on a running loop: the Router starts tasks
    # usage-based with limits, isolated: every per-Router touch is made on it
    group = make_group(
        Strategy.USAGE_BASED,
        [GroupDeployment(model_id="nebius-1"), GroupDeployment(model_id="fireworks-1")],
        name="contract",
    )
    deployments = deployments_for(group, rpm=10)
    router = build_router(group, deployments, mock=True, plan=InjectionPlan())
    try:
        yield router
    finally:
        router.close()


def test_litellm_is_the_pinned_version() -> None:
    assert importlib.metadata.version("litellm") == pinned_litellm()


async def test_every_private_name_the_adapter_relies_on_exists_with_its_parameters(
    built: BuiltRouter,
) -> None:
    loop = asyncio.new_event_loop()
    try:
        instances = {
            adapter.ROUTER_CORE: built.router._core,
            adapter.EVENT_LOOP: loop,
            adapter.TIMER_HANDLE: loop.call_later(3600, lambda: None),
        }
        assert adapter.problems(instances) == []
    finally:
        loop.close()
    # every instance owner is one the test supplied: none is skipped unseen
    owners = {t.owner for t in adapter.PRIVATE_TOUCHES if t.owner.startswith("<")}
    assert owners == set(instances)


def test_a_renamed_name_is_reported_with_what_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    from litellm.router_strategy import lowest_tpm_rpm_v2

    monkeypatch.delattr(lowest_tpm_rpm_v2, "get_utc_datetime")
    [problem] = adapter.problems()
    assert "get_utc_datetime" in problem
    assert "wall time" in problem  # what breaks, as the table says


def test_the_run_cooldown_store_answers_litellms_whole_protocol() -> None:
    from litellm.redis.stores.router_cooldowns import RouterCooldowns

    from gql_server.core.litellm_adapter.state.run_cooldowns import RunCooldownStore

    members = {m for m in vars(RouterCooldowns) if not m.startswith("_")}
    assert len(members) >= 11
    assert members <= set(dir(RunCooldownStore))


def test_the_usage_key_is_litellms_own_format() -> None:
    counter = UsageCounter("dep-1", "openai/gpt-4o", "12-34", "rpm")
    assert _redis_key(counter) == "global_router:dep-1:openai/gpt-4o:rpm:12-34"
    assert RouterCacheEnum.TPM.value.format(
        id="dep-1", model="m", current_minute="12-34"
    ) == _redis_key(UsageCounter("dep-1", "m", "12-34", "tpm"))


def test_install_set_up_every_process_wide_patch() -> None:
    import random

    import litellm.utils
    from litellm.caching import in_memory_cache
    from litellm.router_strategy import lowest_cost, lowest_latency, lowest_tpm_rpm_v2

    from gql_server.core.litellm_adapter import tracing
    from gql_server.core.litellm_adapter.call_cost import memo
    from gql_server.core.litellm_adapter.state import cache_clock, usage_minutes

    adapter.install()  # again: idempotent
    assert adapter.installed()
    assert litellm.utils.supports_factory is memo._supports_factory
    assert litellm.callbacks.count(tracing.attempt_hooks()) == 1
    assert random.random.__module__ == "gql_server.core.litellm_adapter.run_context"
    assert lowest_tpm_rpm_v2.get_utc_datetime is usage_minutes.usage_now  # type: ignore[attr-defined]
    assert lowest_latency.datetime is usage_minutes.RunClockDatetime  # type: ignore[attr-defined]
    assert lowest_cost.datetime is usage_minutes.RunClockDatetime  # type: ignore[attr-defined]
    assert in_memory_cache.time is cache_clock.RUN_CLOCK_TIME  # type: ignore[attr-defined]
    assert litellm.suppress_debug_info is True


def test_no_router_is_built_before_install(monkeypatch: pytest.MonkeyPatch) -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="nebius-1")])
    monkeypatch.setattr(adapter, "_installed", [])
    with pytest.raises(RuntimeError, match=r"install\(\)"):
        build_router(group, deployments_for(group), mock=True)


def test_the_app_installs_litellms_set_up_in_a_fresh_process(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from gql_server.core.litellm_adapter import install
        from gql_server.app import create_app
        from gql_server.settings import Settings

        before = install.installed()
        create_app(Settings(database_url="sqlite+aiosqlite:///{tmp_path}/app.db"))
        print(before, install.installed())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=PYPROJECT.parent,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split()[-2:] == ["False", "True"]
