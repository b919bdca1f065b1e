"""The worker process of the simulation pool: runs one simulation at a time, on its own loop.

A virtual-clock run is pure CPU; in a process of its own it never holds the server's GIL.
The server (`pool`) talks to a worker over one duplex pipe:

    server -> worker   ("run", SimulationJob)    start a run (only when the worker is idle)
                       ("stop", simulation_id, reason)  finish early: flush, then a cancelled
                                                 summary whose stoppedReason is `reason`
                       ("cancel", simulation_id) the client left: end at once, no summary
                       ("admitted", simulation_id, ticket, refusal)  answer to an "admit"
    worker -> server   ("traces", simulation_id, [RequestTrace], simulated_ms)
                       ("summary", simulation_id, SimulationSummary)
                       ("failed", simulation_id, message)   an error below the engine (a bug)
                       ("done", simulation_id)   the run has ended; the worker is idle again
                       ("admit", simulation_id, ticket)  may the run make one real provider
                                                 call? (the caller's windows live in the server)
                       ("tokens", simulation_id, n)  a real call's answer used n tokens

Traces leave as each request finishes: a sender thread ships whatever has finished every
`FLUSH_S` (or `CHUNK_MAX` at a time), so the pipe carries chunks, not one message per request.
When the server stops reading (a slow subscriber), the pipe fills, the sender blocks, the
outbox fills, and the run's loop waits for room: backpressure pauses the simulated world.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from gql_server.core.domain import secret_box
from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.core.domain.secret_box import SecretBox
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.litellm_adapter.install import install as install_litellm
from gql_server.core.simulation.engine import SimulationProgress, StopSignal
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import simulate_group
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.heap import freeze_startup_heap

FLUSH_S = 0.01
CHUNK_MAX = 100
WORKER_NICENESS = 10  # added to the server's own: simulations yield the CPU to live traffic
OUTBOX_MAX = 2000  # traces finished but not yet sent before the run waits


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


Message = tuple[Any, ...]


class _Outbox:
    """Traces on their way to the server: the run's loop puts, the sender thread ships."""

    def __init__(self, send: Any, simulation_id: str) -> None:
        self._send = send
        self._simulation_id = simulation_id
        self._queue: queue.Queue[RequestTrace | None] = queue.Queue(maxsize=OUTBOX_MAX)
        self._simulated_ms = 0.0
        self._abandoned = threading.Event()
        self._thread = threading.Thread(target=self._ship, name="simulation sender", daemon=True)
        self._thread.start()

    def put(self, trace: RequestTrace, simulated_ms: float) -> None:
        self._simulated_ms = max(self._simulated_ms, simulated_ms)
        while not self._abandoned.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(trace, timeout=0.05)
                return

    def abandon(self) -> None:
        """The client left: drop what is queued, never block the run again."""
        self._abandoned.set()

    def close(self) -> None:
        """Ship what is queued, then end the sender thread."""
        self._queue.put(None)
        self._thread.join()

    def _ship(self) -> None:
        while True:
            first = self._queue.get()
            chunk: list[RequestTrace] = []
            done = first is None
            if first is not None:
                chunk.append(first)
                deadline = time.monotonic() + FLUSH_S
                while len(chunk) < CHUNK_MAX:
                    try:
                        item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                    if item is None:
                        done = True
                        break
                    chunk.append(item)
            if chunk and not self._abandoned.is_set():
                self._send(("traces", self._simulation_id, chunk, self._simulated_ms))
            if done:
                return


class _RunCalls:
    """A run's real provider calls: at most `budget`, each admitted by the server first. When
    the budget is spent the run stops (no request starts after it) with a cancelled summary."""

    def __init__(self, worker: _Worker, simulation_id: str, budget: int, stop: StopSignal):
        self._worker = worker
        self._simulation_id = simulation_id
        self.budget = budget
        self.made = 0
        self._stop = stop

    async def admit(self) -> str | None:
        if self.made >= self.budget:
            self._stop.set(f"spent its budget of {self.budget} real provider calls")
            return f"not sent: this run's budget of {self.budget} real provider calls is spent"
        self.made += 1  # taken before the round trip: concurrent attempts never overshoot
        refusal = await self._worker.ask(self._simulation_id)
        if refusal is not None:
            self.made -= 1
        return refusal

    def used(self, tokens: int) -> None:
        if tokens > 0:
            self._worker.send(("tokens", self._simulation_id, tokens))


class _Worker:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._send_lock = threading.Lock()
        self._jobs: queue.SimpleQueue[SimulationJob | None] = queue.SimpleQueue()
        self._current: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: StopSignal | None = None
        self._task: asyncio.Task[None] | None = None
        self._outbox: _Outbox | None = None
        self._early: dict[str, Message] = {}  # stop/cancel that came before its run began
        self._state = threading.Lock()
        self._tickets = itertools.count()
        self._asks: dict[int, asyncio.Future[str | None]] = {}

    async def ask(self, simulation_id: str) -> str | None:
        """The server's answer to "may this run make one real call now?" (None: yes)."""
        future: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        ticket = next(self._tickets)
        with self._state:
            self._asks[ticket] = future
        self.send(("admit", simulation_id, ticket))
        return await future

    def send(self, message: Message) -> None:
        with self._send_lock:
            self._conn.send(message)

    def serve(self) -> None:
        threading.Thread(target=self._listen, name="simulation commands", daemon=True).start()
        while (job := self._jobs.get()) is not None:
            try:
                # VIRTUAL (mock runs by default): a loop on simulated time, so injected
                # latency, backoff and cooldowns cost CPU only, never waiting.
                virtual_clock.run(self._run(job), job.request.resolved_clock)
            except BaseException as exc:  # the worker stays usable; the server is told
                detail = "".join(traceback.format_exception_only(exc)).strip()
                self.send(("failed", job.simulation_id, detail))
            finally:
                with self._state:
                    self._current = self._loop = self._stop = self._task = None
                    self._outbox = None
                self.send(("done", job.simulation_id))

    def _listen(self) -> None:
        try:
            while True:
                command = self._conn.recv()
                self._obey(command)
        except (EOFError, OSError):
            # The server has gone: nothing is left to run for.
            os._exit(0)

    def _obey(self, command: Message) -> None:
        action = command[0]
        if action == "run":
            self._jobs.put(command[1])
            return
        if action == "exit":
            self._jobs.put(None)
            return
        if action == "admitted":
            with self._state:
                future, loop = self._asks.pop(command[2], None), self._loop
            if future is not None and loop is not None:
                with contextlib.suppress(RuntimeError):  # that loop has just finished
                    loop.call_soon_threadsafe(_settle, future, command[3])
            return
        with self._state:
            if command[1] != self._current or self._loop is None:
                self._early[command[1]] = command  # its run is queued: obeyed when it begins
                return
            loop, stop, task, outbox = self._loop, self._stop, self._task, self._outbox
        with contextlib.suppress(RuntimeError):  # that loop has just finished
            if action == "stop" and stop is not None:
                loop.call_soon_threadsafe(stop.set, command[2])
            elif action == "cancel" and task is not None:
                if outbox is not None:
                    outbox.abandon()
                loop.call_soon_threadsafe(task.cancel)

    async def _run(self, job: SimulationJob) -> None:
        outbox = _Outbox(self.send, job.simulation_id)
        loop = asyncio.get_running_loop()
        with self._state:
            self._current = job.simulation_id
            self._loop = loop
            self._stop = StopSignal()
            self._task = asyncio.current_task()
            self._outbox = outbox
            stop = self._stop
            early = self._early.pop(job.simulation_id, None)
            self._early.clear()  # anything else is about runs that have ended
        if early is not None and early[0] == "cancel":
            outbox.close()
            return
        if early is not None and early[0] == "stop":
            stop.set(early[2])
        if job.secrets is not None:
            secret_box.install(job.secrets)
        started = loop.time()

        def deliver(trace: RequestTrace) -> None:
            outbox.put(trace, (loop.time() - started) * 1000)

        calls = None
        if job.real_calls is not None and not job.request.mock:
            calls = _RunCalls(self, job.simulation_id, job.real_calls, stop)
        summary: SimulationSummary | None = None
        try:
            run = simulate_group(
                job.group,
                job.deployments,
                job.request,
                simulation_id=job.simulation_id,
                stop=stop,
                on_finished=deliver,
                call_gate=calls,
            )
            async with contextlib.aclosing(run) as events:
                async for event in events:
                    if not isinstance(event, SimulationProgress):
                        summary = event
        except asyncio.CancelledError:
            outbox.abandon()
        except Exception as exc:  # a bug below the engine: tell the subscriber, stay usable
            outbox.close()
            detail = "".join(traceback.format_exception_only(exc)).strip()
            self.send(("failed", job.simulation_id, detail))
            return
        outbox.close()
        if summary is not None:
            self.send(("summary", job.simulation_id, summary))


def _settle(future: asyncio.Future[str | None], refusal: str | None) -> None:
    if not future.done():
        future.set_result(refusal)


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
