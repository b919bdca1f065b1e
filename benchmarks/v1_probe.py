"""Sequential `/v1` chat completions from a process of their own: each call's wall ms as JSON.

    python -m benchmarks.v1_probe BASE_URL KEY MODEL COUNT

A gateway's callers are not the client watching a simulation: timed from the bench's own loop,
the `/v1` calls would also wait for that loop to decode the simulation's trace batches.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from benchmarks.end_to_end import v1_latencies_ms


async def probe(base_url: str, key: str, model: str, count: int) -> list[float]:
    await v1_latencies_ms(base_url, key, model, 1)  # untimed: the first connection
    print("ready", flush=True)
    return await v1_latencies_ms(base_url, key, model, count)


def main() -> None:
    base_url, model, count = sys.argv[1:4]
    key = os.environ["V1_PROBE_KEY"]
    print(json.dumps(asyncio.run(probe(base_url, key, model, int(count)))))


if __name__ == "__main__":
    main()
