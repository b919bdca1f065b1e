"""Set-up and checks every test gets, whatever its folder.

litellm. Every test process sets litellm up as the app and the simulation worker do, once.

Services. A test that needs PostgreSQL or Redis is marked `postgres` or `redis` and reads its URL
from TEST_POSTGRES_URL / TEST_REDIS_URL (`make test` and `.ci/run` set both). Unset, or set to a
server that does not answer: the test fails, never skips, so a run that silently left out the
multi-instance suites cannot pass. Deselect them on purpose with `-m "not redis and not postgres"`.

Routers. An open Router keeps its strategy callbacks registered process-wide, and a later test
routes beside it. Routers a test builds itself (`build_router` called from tests/) are closed for
it at its end. Routers the product builds (the registry, the tester, a simulation) must have
been closed by the product by the end of the test: one left open fails the test.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.install import install

install()

SERVICES = {"postgres": "TEST_POSTGRES_URL", "redis": "TEST_REDIS_URL"}
_reachable: dict[str, str | None] = {}  # service -> None when reachable, else why not


def _why_unreachable(service: str, url: str) -> str | None:
    if service == "redis":
        import redis

        try:
            redis.Redis.from_url(url, socket_timeout=5).ping()
        except redis.RedisError as error:
            return f"Redis cannot be reached: {error!r}"
        return None
    import asyncio

    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    async def ping() -> None:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn, timeout=10)
        await connection.close()

    try:
        asyncio.run(ping())
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"PostgreSQL cannot be reached: {error!r}"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for service, env in SERVICES.items():
        if item.get_closest_marker(service) is None:
            continue
        url = os.environ.get(env)
        if not url:
            pytest.fail(
                f"needs {env} (set by make test and .ci/run); deselect with -m 'not {service}'",
                pytrace=False,
            )
        if service not in _reachable:
            _reachable[service] = _why_unreachable(service, url)
        if _reachable[service] is not None:
            pytest.fail(f"{env}={url} is set but {_reachable[service]}", pytrace=False)


@pytest.fixture(autouse=True)
def routers_are_closed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    made: list[BuiltRouter] = []  # by the product: it must close them
    owned: list[BuiltRouter] = []  # by the test itself: closed here
    closed: set[int] = set()
    here = threading.get_ident()
    init, close = BuiltRouter.__init__, BuiltRouter.close

    def tracking_init(self: BuiltRouter, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if threading.get_ident() != here:  # servers in other threads close theirs at shutdown
            return
        if _built_by_a_test():
            owned.append(self)
        else:
            made.append(self)

    def tracking_close(self: BuiltRouter) -> None:
        closed.add(id(self))
        close(self)

    monkeypatch.setattr(BuiltRouter, "__init__", tracking_init)
    monkeypatch.setattr(BuiltRouter, "close", tracking_close)
    yield
    for built in owned:
        if id(built) not in closed:
            built.close()
    leaked = [built.group.name for built in made if id(built) not in closed]
    if leaked:
        pytest.fail(f"Routers left open by the test: {leaked}", pytrace=False)


def _built_by_a_test() -> bool:
    """Whether the `build_router` call being served was made by test code."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name != "build_router":
        frame = frame.f_back  # type: ignore[assignment]
    caller = frame.f_back if frame is not None else None
    return caller is not None and "/tests/" in caller.f_code.co_filename
