"""Cut an instance off Redis, as a network blip or a Redis restart would."""

from __future__ import annotations

import os

import redis.asyncio


async def kill_listener(client_name: str) -> None:
    """Cut the Redis bus named `client_name` off: its subscribed connection is killed."""
    url = os.environ["TEST_REDIS_URL"]
    admin = redis.asyncio.Redis.from_url(url)
    try:
        for client in await admin.client_list():
            if client.get("name") == client_name and int(client.get("sub", 0)) > 0:
                await admin.client_kill_filter(_id=client["id"])
    finally:
        await admin.aclose()
