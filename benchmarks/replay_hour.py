"""Replay of a 1-hour window of 72,000 logged requests, end to end to a websocket client.

    python -m benchmarks --parts replay [--profile]

The bench writes the window into the running server's request log (its database, as the
gateway's own writer would: one row per request, one per attempt), then asks the server to replay
the hour group over it and times subscribe -> summary, every trace received. The window is the
1-hour scenario as a live gateway would have logged it: 20 req/s, Nebius failing 2% and
rate-limited (429, Retry-After 60) for two 10-minute spells, cooled down for 60 s whenever it
fails more than the group's allowedFails (1) within 60 s, as litellm does. Beside it, the same
window replayed in-process (no server, no pipe, no websocket). `--profile` samples the server
and its simulation worker with py-spy meanwhile and prints where each spends its time.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.end_to_end import simulate
from benchmarks.serve import Served
from benchmarks.worker_memory import peak_worker_rss
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.replay import RecordedAttempt, ReplaySource, ReplayWindow
from gql_server.core.litellm_adapter.install import install
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import run_to_end
from gql_server.services.ports import RequestLogEntry
from gql_server.services.simulation.replay import recorded_requests
from gql_server.store import Database
from tests.fakes import deployments_for, make_group

install()  # the process's litellm set-up, as the app and the simulation worker do

NEBIUS, FIREWORKS, AZURE = "nebius-llama-3.3-70b", "fireworks-llama-v3p3-70b", "azure-gpt-4o"
RATE, SECONDS = 20, 3600
SPELLS = ((600.0, 1200.0), (2400.0, 3000.0))
ALLOWED_FAILS, COOLDOWN_S = 1, 60.0  # the hour group's (benchmarks/serve.py HOUR)


def _ms(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _latency(rng: random.Random, mean: float, jitter: float) -> float:
    return max(1.0, mean + (2 * rng.random() - 1) * jitter)


def logged_hour(group_id: str, start: datetime, seconds: float = SECONDS) -> list[RequestLogEntry]:
    """The window as the gateway would have logged it (seeded: the same rows every run)."""
    rng = random.Random(7)  # a reproducible bench
    entries = []
    cooling_until = -1.0
    fails, fails_until = 0, -1.0  # Nebius's fail count and when litellm forgets it
    for i in range(round(RATE * seconds)):
        at = i / RATE
        attempts: list[dict[str, object]] = []
        offset = 0.0
        limited = any(a <= at < b for a, b in SPELLS)
        if at >= cooling_until:
            failed = limited or rng.random() < 0.02
            latency = 5.0 if limited else _latency(rng, 800, 200)
            attempts.append(
                {
                    "deploymentId": NEBIUS,
                    "status": "ERROR" if failed else "SUCCESS",
                    "errorKind": ("RATE_LIMIT" if limited else "SERVER_ERROR") if failed else None,
                    "latencyMs": latency,
                    "startedAtMs": 0.0,
                    "retryAfterSeconds": 60.0 if limited else None,
                }
            )
            offset = latency
            if failed:
                # litellm counts a deployment's failures for the group's cooldown time (60 s)
                # from the first one, and cools it down once they exceed allowedFails (1): a 429
                # for its Retry-After (60 s here), any other error for the cooldown time.
                if at >= fails_until:
                    fails, fails_until = 0, at + COOLDOWN_S
                fails += 1
                if fails > ALLOWED_FAILS:
                    cooling_until = at + COOLDOWN_S
        if not attempts or attempts[-1]["status"] == "ERROR":
            attempts.append(
                {
                    "deploymentId": FIREWORKS,
                    "status": "SUCCESS",
                    "errorKind": None,
                    "latencyMs": _latency(rng, 200, 50),
                    "startedAtMs": offset,
                    "retryAfterSeconds": None,
                }
            )
        final = str(attempts[-1]["deploymentId"])
        entries.append(
            RequestLogEntry(
                request_id=f"bench-replay-{i}",
                started_at=start + timedelta(seconds=at),
                routing_group_id=group_id,
                routing_group_name="bench-hour",
                key_id=None,
                team_id=None,
                deployment_id=final,
                success=True,
                status_code=200,
                attempts=attempts,
                latency_ms=sum(_ms(a["latencyMs"]) for a in attempts),
                prompt_tokens=30,
                completion_tokens=70,
                cost_usd=0.0001,
                streamed=False,
                error_message=None,
                messages=None,
            )
        )
    return entries


async def write_log(database_url: str, entries: list[RequestLogEntry]) -> None:
    database = Database.from_url(database_url)
    try:
        for first in range(0, len(entries), 5000):
            async with database.uow_factory()() as uow:
                await uow.request_log.add_many(entries[first : first + 5000])
                await uow.commit()
    finally:
        await database.dispose()


def _row(label: str, value: str, note: str = "") -> str:
    return f"{label:<46} {value:>12}  {note}"


@contextlib.contextmanager
def profiled(pid: int, out: Path, seconds: int) -> collections.abc.Iterator[None]:
    spy = str(Path(sys.executable).with_name("py-spy"))
    command = [
        spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw",
        "--duration", str(seconds), "--rate", "50", "--output", str(out), "--nonblocking",
    ]  # fmt: skip
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        running.send_signal(signal.SIGINT)  # py-spy writes its profile on SIGINT
        with contextlib.suppress(subprocess.TimeoutExpired):
            running.wait(timeout=60)


def print_profile(out: Path, top: int = 12) -> None:
    """Per process: the share of samples whose innermost frame of our code or litellm's is each
    function (where the time goes, by process)."""
    if not out.exists():
        print("   (py-spy wrote no profile)")
        return
    by_process: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in out.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        process = frames[0].split(" ")[0] if frames else "?"
        mine = [f for f in frames if "gql_server" in f or "schema/" in f or "litellm" in f]
        leaf = (mine or frames)[-1]
        by_process[process][leaf] += int(count)
    for process, counts in by_process.items():
        total = sum(counts.values())
        print(f"   {process}: {total} samples")
        for frame, n in counts.most_common(top):
            print(f"     {n / total:6.1%}  {frame[:110]}")


def in_process(window: ReplayWindow, entries: list[RequestLogEntry]) -> tuple[float, float]:
    """Wall seconds and sameFinalDeployment of the same replay with no server in between."""
    requests = recorded_requests(entries, window)
    behaviour: dict[str, list[RecordedAttempt]] = collections.defaultdict(list)
    for r in requests:
        for a in r.attempts:
            behaviour[a.deployment_id].append(a)
    source = ReplaySource(window, requests, {d: tuple(a) for d, a in behaviour.items()})
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [
            GroupDeployment(model_id=m, priority=i + 1)
            for i, m in enumerate((NEBIUS, FIREWORKS, AZURE))
        ],
        allowed_fails=1,
        cooldown_seconds=60,
    )
    began = time.perf_counter()
    summary = run_to_end(
        group, deployments_for(group), SimulationRequest(0, 0, seed=7, replay=source)
    ).summary
    assert summary.replay is not None
    return time.perf_counter() - began, summary.replay.same_final_deployment


async def replay_hour(server: Served, seconds: float = SECONDS, profile: bool = False) -> None:
    print(
        f"\n5. replay of a logged window: {round(RATE * seconds):,} requests over {seconds:,.0f} s"
    )
    start = (datetime.now(UTC) - timedelta(seconds=seconds + 300)).replace(microsecond=0)
    window = ReplayWindow(start, start + timedelta(seconds=seconds))
    entries = logged_hour(server.hour_group_id, start, seconds)
    began = time.perf_counter()
    await write_log(server.database_url, entries)
    print(_row("rows written to the log (s)", f"{time.perf_counter() - began:.1f}"))
    sim_input = {
        "seed": 7,
        "replay": {"from": window.start.isoformat(), "to": window.end.isoformat()},
    }
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "replay.txt"
        spy = (
            profiled(server.pid, out, int(seconds / 10) + 600)
            if profile
            else contextlib.nullcontext()
        )
        with spy:
            async with peak_worker_rss(server.pid) as peak:
                began = time.perf_counter()
                run = await simulate(server.ws_url, server.key, server.hour_group_id, sim_input)
                wall = time.perf_counter() - began
        report = run.summary.get("replay") or {}
        print(_row("requests received by the client", f"{run.requests:,}"))
        print(
            _row("sameFinalDeployment (self-check)", f"{report.get('sameFinalDeployment', 0):.3f}")
        )
        verdict = (
            "moonshot < 1 min met"
            if wall < 60
            else ("target < 4 min met" if wall < 240 else "target < 4 min NOT met")
        )
        print(_row("end to end wall seconds", f"{wall:.1f}", f"({verdict})"))
        print(_row("requests per wall second", f"{run.requests / wall:.0f}"))
        print(_row("worker peak memory (MiB)", peak.text(), f"(target < 1 GiB: {peak.verdict()})"))
        # its own thread: the virtual clock runs its own loop, never inside this one
        local_wall, local_same = await asyncio.to_thread(in_process, window, entries)
        print(
            _row(
                "in-process replay wall seconds",
                f"{local_wall:.1f}",
                f"(sameFinalDeployment {local_same:.3f})",
            )
        )
        print(_row("end to end / in-process", f"{wall / local_wall:.2f}x"))
        if profile:
            await asyncio.sleep(1)
            print_profile(out)


if __name__ == "__main__":
    from benchmarks.serve import served

    async def _main() -> None:
        with served() as server:
            await replay_hour(
                server,
                float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS,
                "--profile" in sys.argv,
            )

    asyncio.run(_main())
