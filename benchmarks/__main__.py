"""`python -m benchmarks [--count N] [--concurrency C] [--ws-url URL --key KEY --group ID]`"""

from __future__ import annotations

import argparse
import asyncio
import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from benchmarks.body_flood import measure_flood
from benchmarks.serve import served
from benchmarks.throughput import Throughput, compare, engine_overhead_us  # after the env var
from benchmarks.ws_delivery import measure_delivery


def throughput_table(results: list[Throughput]) -> str:
    bare = results[0].requests_per_s
    lines = [f"{'mock simulation throughput':<34} {'req/s':>8} {'calls/s':>8} {'vs bare':>8}"]
    lines += [
        f"{r.label:<34} {r.requests_per_s:>8.0f} {r.attempts_per_s:>8.0f} "
        f"{r.requests_per_s / bare:>7.2f}x"
        for r in results
    ]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    comparison = await compare(args.count, args.concurrency, args.rounds)
    print(f"{args.count} requests, {args.concurrency} in flight, best of {args.rounds} rounds")
    print(throughput_table(comparison.best))
    per_round = " ".join(f"{r:.2f}" for r in comparison.engine_vs_bare)
    print(f"{'engine lean / bare, per round':<34} {per_round}")
    print(f"{'engine lean / bare, median':<34} {comparison.median_ratio:>8.2f}x")
    overhead = await engine_overhead_us()
    print(f"{'engine overhead per request (us)':<34} {overhead:>8.1f}")
    if args.ws_url:
        delivery = await measure_delivery(
            args.ws_url, args.key, args.group, num_requests=args.count
        )
        print()
        print(delivery.table())
    elif args.serve:
        with served() as server:
            delivery = await measure_delivery(
                server.ws_url, server.key, server.group_id, num_requests=args.count
            )
            flood = await measure_flood(server.base_url, server.key)
        print()
        print(f"websocket delivery at full speed against a local server ({args.count} requests)")
        print(delivery.table())
        verdict = "met" if delivery.p99_ms() < 100 else "NOT met"
        print(f"{'target p99 < 100 ms':<34} {verdict:>10}")
        print()
        print(flood.table())
        verdict = "met" if flood.p99_ms() < 100 else "NOT met"
        print(f"{'target /healthz p99 < 100 ms':<34} {verdict:>10}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ws-url", help="e.g. ws://127.0.0.1:4000/graphql (measures delivery)")
    parser.add_argument("--key", default=os.environ.get("MASTER_KEY", ""))
    parser.add_argument("--group", help="routing group id to simulate")
    parser.add_argument(
        "--serve", action="store_true", help="start a local server and measure delivery on it"
    )
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
