"""The worker process of the simulation pool: runs one simulation at a time, on its own loop,
in one thread.

A virtual-clock run is pure CPU; in a process of its own it never holds the server's GIL.
The server (`pool`) talks to a worker over one duplex pipe:

    server -> worker   ("run", SimulationJob, window)   start a run (only when the worker is idle)
                       ("stop", simulation_id, reason)  finish early: flush, then a cancelled
                                                 summary whose stoppedReason is `reason`
                       ("cancel", simulation_id) the client left: end at once, no summary
                       ("credit", simulation_id, n)  the subscriber has taken n more traces
                       ("admitted", simulation_id, ticket, refusal)  answer to an "admit"
                       ("exit",)                 end the process (a run still going is cancelled)
    worker -> server   ("traces", simulation_id, encoded traces, simulated_ms)  one engine batch
                       ("summary", simulation_id, SimulationSummary)
                       ("failed", simulation_id, message)   an error below the engine (a bug)
                       ("done", simulation_id)   the run has ended; the worker is idle again
                       ("admit", simulation_id, ticket)  may the run make one real provider
                                                 call? (the caller's windows live in the server)
                       ("tokens", simulation_id, n)  a real call's answer used n tokens

The engine's events go on the pipe as the engine yields them: each progress batch (the run's one
batching: at most `BATCH_INTERVAL_S` of wall time or `BATCH_MAX` traces) encoded once
(`trace_codec`), then the summary. Commands are read by the run's own
loop (`add_reader` on the pipe), between its steps, so a stop is obeyed at once.

Flow control: the server grants credit as its subscriber takes traces. With more than `window`
traces not yet taken, the run's thread waits on the pipe for commands: the simulated world (its
clock too) pauses until credit comes, while a stop or cancel still gets through at once. A slow
subscriber holds the worker, never the server's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from gql_server.core.domain import secret_box
from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.core.domain.secret_box import SecretBox
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.litellm_adapter.install import install as install_litellm
from gql_server.core.simulation.engine import SimulationProgress
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import simulate_group
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.core.simulation.stop_signal import StopSignal
from gql_server.heap import freeze_startup_heap
from gql_server.services.simulation.trace_codec import encode_traces

WORKER_NICENESS = 10  # added to the server's own: simulations yield the CPU to live traffic
# The one batching of a run's traces, in the engine (the contract's progress events): a batch
# closes BATCH_INTERVAL_S of wall time after its first trace, or at BATCH_MAX traces, and is one
# pipe message, one server wake-up, one decode and one progress event. Without it a full-speed
# run sent a message per trace and end to end fell to 0.58x the in-process engine
# (benchmarks.pipeline, 36,000 requests).
BATCH_MAX = 200
BATCH_INTERVAL_S = 0.05


@dataclass(frozen=True)
class SimulationJob:
    simulation_id: str
    group: RoutingGroup
    deployments: Mapping[str, Deployment]
    request: SimulationRequest
    secrets: SecretBox | None = None  # opens the deployments' sealed API keys in the worker
    # Real provider calls this run may make (a non-master key's budget; each is also admitted
    # by the server against the key's windows). None: not budgeted (mock runs, the master key).
    real_calls: int | None = None
    batch_interval_s: float = BATCH_INTERVAL_S  # how long a pipe message gathers traces


Message = tuple[Any, ...]


@dataclass
class _Run:
    """The run in progress: what the commands act on (all on the run's loop thread)."""

    simulation_id: str
    window: int
    stop: StopSignal = field(default_factory=StopSignal)
    task: asyncio.Task[None] | None = None
    unacked: int = 0  # traces sent that the subscriber has not taken yet
    cancelled: bool = False
    asks: dict[int, asyncio.Future[str | None]] = field(default_factory=dict)


class _RunCalls:
    """A run's real provider calls: at most `budget`, each admitted by the server first. When
    the budget is spent the run stops (no request starts after it) with a cancelled summary."""

    def __init__(self, worker: _Worker, run: _Run, budget: int) -> None:
        self._worker = worker
        self._run = run
        self.budget = budget
        self.made = 0

    async def admit(self) -> str | None:
        if self.made >= self.budget:
            self._run.stop.set(f"spent its budget of {self.budget} real provider calls")
            return f"not sent: this run's budget of {self.budget} real provider calls is spent"
        self.made += 1  # taken before the round trip: concurrent attempts never overshoot
        refusal = await self._worker.ask(self._run)
        if refusal is not None:
            self.made -= 1
        return refusal

    def used(self, tokens: int) -> None:
        if tokens > 0:
            self._worker.send(("tokens", self._run.simulation_id, tokens))


class _Worker:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._run: _Run | None = None
        self._exiting = False
        self._tickets = itertools.count()

    def send(self, message: Message) -> None:
        self._conn.send(message)

    def _receive(self) -> Message:
        try:
            message: Message = self._conn.recv()
        except (EOFError, OSError):
            os._exit(0)  # the server has gone: nothing is left to run for
        return message

    async def ask(self, run: _Run) -> str | None:
        """The server's answer to "may this run make one real call now?" (None: yes)."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        ticket = next(self._tickets)
        run.asks[ticket] = future
        self.send(("admit", run.simulation_id, ticket))
        return await future

    def serve(self) -> None:
        while not self._exiting:
            command = self._receive()
            if command[0] == "run":
                self._run_job(command[1], command[2])
            elif command[0] == "exit":
                return
            # anything else is about a run that has ended

    def _run_job(self, job: SimulationJob, window: int) -> None:
        self._run = _Run(job.simulation_id, window)
        try:
            # VIRTUAL (mock runs by default): a loop on simulated time, so injected
            # latency, backoff and cooldowns cost CPU only, never waiting.
            virtual_clock.run(self._main(job, self._run), job.request.resolved_clock)
        except BaseException as exc:  # the worker stays usable; the server is told
            detail = "".join(traceback.format_exception_only(exc)).strip()
            self.send(("failed", job.simulation_id, detail))
        finally:
            self._run = None
            self.send(("done", job.simulation_id))

    def _obey(self, command: Message) -> None:
        """A command that came during a run (on the run's loop thread)."""
        action, run = command[0], self._run
        if action == "exit":
            self._exiting = True
            action, command = "cancel", ("cancel", None if run is None else run.simulation_id)
        if run is None or (len(command) > 1 and command[1] != run.simulation_id):
            return  # about a run that has ended
        if action == "stop":
            run.stop.set(command[2])
        elif action == "cancel":
            run.cancelled = True
            if run.task is not None:
                run.task.cancel()
        elif action == "credit":
            run.unacked -= command[2]
        elif action == "admitted":
            future = run.asks.pop(command[2], None)
            if future is not None and not future.done():
                future.set_result(command[3])

    def _on_readable(self) -> None:
        while self._conn.poll():
            self._obey(self._receive())

    def _wait_for_credit(self, run: _Run) -> None:
        """Too far ahead of the subscriber: block the run's thread (its world pauses) on the
        pipe until credit, a stop or a cancel comes."""
        while run.unacked > run.window and not run.stop.is_set() and not run.cancelled:
            self._obey(self._receive())

    async def _main(self, job: SimulationJob, run: _Run) -> None:
        loop = asyncio.get_running_loop()
        run.task = asyncio.current_task()
        loop.add_reader(self._conn.fileno(), self._on_readable)
        try:
            await self._simulate(job, run)
        finally:
            loop.remove_reader(self._conn.fileno())

    async def _simulate(self, job: SimulationJob, run: _Run) -> None:
        if job.secrets is not None:
            secret_box.install(job.secrets)
        calls = None
        if job.real_calls is not None and not job.request.mock:
            calls = _RunCalls(self, run, job.real_calls)
        events = simulate_group(
            job.group,
            job.deployments,
            job.request,
            simulation_id=job.simulation_id,
            stop=run.stop,
            call_gate=calls,
            batch_interval_s=job.batch_interval_s,
            batch_max=BATCH_MAX,
        )
        try:
            async with contextlib.aclosing(events):
                async for event in events:
                    if isinstance(event, SimulationProgress):
                        traces = encode_traces(event.requests)
                        self.send(("traces", run.simulation_id, traces, event.simulated_ms))
                        run.unacked += len(event.requests)
                        self._wait_for_credit(run)
                    elif isinstance(event, SimulationSummary):
                        self.send(("summary", run.simulation_id, event))
        except asyncio.CancelledError:
            if not run.cancelled:
                raise
        except Exception as exc:  # a bug below the engine: tell the subscriber, stay usable
            detail = "".join(traceback.format_exception_only(exc)).strip()
            self.send(("failed", run.simulation_id, detail))


def main(conn: Connection) -> None:
    """The worker process's entry point. Ctrl-C and SIGTERM sent to the whole process group
    are the server's to handle: it stops each run (a cancelled summary, saved) and then ends
    its workers; a worker whose server has gone ends by itself (its pipe closes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # A simulation is background work: when the machine is busy, the gateway's live requests
    # (and its websockets) get the CPU first. Idle cores still run simulations at full speed.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    install_litellm()  # every process-wide litellm set-up, once (litellm_adapter/install.py)
    freeze_startup_heap()  # litellm's import-time objects: never walked by a collection again
    _Worker(conn).serve()
