"""Sequential `/v1` chat completions from a process of their own: each call's wall ms as JSON.

    python -m benchmarks.v1_probe BASE_URL KEY MODEL COUNT

A gateway's callers are not the client watching a simulation: timed from the bench's own loop,
the `/v1` calls would also wait for that loop to decode the simulation's trace batches.
"""

from __future__ import annotations

import asyncio
import json
import sys

from benchmarks.end_to_end import v1_latencies_ms


def main() -> None:
    base_url, key, model, count = sys.argv[1:5]
    print(json.dumps(asyncio.run(v1_latencies_ms(base_url, key, model, int(count)))))


if __name__ == "__main__":
    main()
