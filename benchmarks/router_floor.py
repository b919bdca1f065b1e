"""The floor under any gateway built on litellm's Router: CPU per call of a bare
`Router.acompletion` loop, in-process, against the production bench's fake provider.

    python -m benchmarks.router_floor PROVIDER_PORT [calls=1500] [concurrency=16]

Prints one number (CPU ms per call). Run in its own process so that nothing of the bench's
process (its imports, its heap) weighs on it. litellm as it ships: no set-up inlining, no GC
tuning; the same two priced deployments as both gateways.
"""

from __future__ import annotations

import asyncio
import sys
import time

from litellm.router import Router

from benchmarks.production import GROUP, model_list


async def cpu_ms_per_call(port: int, calls: int, concurrency: int) -> float:
    router = Router(model_list=model_list(port), routing_strategy="simple-shuffle", num_retries=0)
    messages = [{"role": "user", "content": "Say hello."}]
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            await router.acompletion(model=GROUP, messages=messages)

    await asyncio.gather(*(one() for _ in range(200)))  # warm: pools, first-call caches
    started = time.process_time()
    await asyncio.gather(*(one() for _ in range(calls)))
    return (time.process_time() - started) * 1000 / calls


def main() -> None:
    port = int(sys.argv[1])
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    print(f"{asyncio.run(cpu_ms_per_call(port, calls, concurrency)):.3f}")


if __name__ == "__main__":
    main()
