"""A minimal graphql-transport-ws client, enough to drive subscriptions in tests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")


class GraphQLWebSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._next_id = 0

    @classmethod
    async def open(cls, url: str, key: str | None) -> GraphQLWebSocket:
        connection = await connect(url, subprotocols=[PROTOCOL])
        socket = cls(connection)
        payload = {"authorization": f"Bearer {key}"} if key else {}
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        return socket

    async def acknowledged(self) -> bool:
        message = json.loads(await self.connection.recv())
        return bool(message.get("type") == "connection_ack")

    async def subscribe(self, query: str, variables: dict[str, Any]) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        await self.connection.send(
            json.dumps(
                {
                    "id": op_id,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        return op_id

    async def complete(self, op_id: str) -> None:
        await self.connection.send(json.dumps({"id": op_id, "type": "complete"}))

    async def messages(self) -> AsyncIterator[dict[str, Any]]:
        async for raw in self.connection:
            message = json.loads(raw)
            if message.get("type") == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
                continue
            if message.get("type") == "pong":
                continue
            yield message

    async def close(self) -> None:
        await self.connection.close()
