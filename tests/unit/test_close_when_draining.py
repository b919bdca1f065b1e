"""Once shutdown starts, every HTTP answer says `Connection: close` (issue 20 H): a keep-alive
client is not served on through the shutdown window. Checked on the middleware itself, in
process: the uvicorn-level test that raced SIGTERM against a keep-alive connection was flaky
(uvicorn may close an idle keep-alive connection before the next request arrives)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gql_server.serving import CloseWhenDraining


def _app(draining: list[bool]) -> Any:
    async def hello(_: Any) -> PlainTextResponse:
        return PlainTextResponse("hi", headers={"connection": "keep-alive"})

    return CloseWhenDraining(Starlette(routes=[Route("/", hello)]), draining=lambda: draining[0])


async def test_answers_close_the_connection_only_once_draining() -> None:
    draining = [False]
    transport = httpx.ASGITransport(app=_app(draining))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        before = await client.get("/")
        draining[0] = True
        during = await client.get("/")
    assert before.headers["connection"] == "keep-alive"
    assert during.headers.get_list("connection") == ["close"]
    assert during.text == "hi"


def test_the_app_wraps_every_answer_in_it() -> None:
    from gql_server.app import create_app
    from gql_server.settings import Settings

    app = create_app(Settings(master_key="sk-unit-test-master-key-0001"))
    wrappers: list[object] = [m.cls for m in app.user_middleware]
    assert CloseWhenDraining in wrappers
