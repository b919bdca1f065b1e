"""A bounded pool of worker processes that run simulations (see `worker`).

The pool's size is the global cap on simulations running at once in this instance: `reserve()`
claims a slot synchronously (no await between the check and the claim, so a burst of starts
cannot overshoot) or raises LimitExceededError. Worker processes are forked lazily from a
forkserver that has litellm imported already, at most `size` of them, and kept for the next
run; a worker that dies (or does not let go of a cancelled run in time) is replaced.

The server reads every worker's pipe on its own loop (`add_reader`), as messages arrive: no
thread of its own. Each run's traces come as the engine batched them; the run's consumer (the
service's relay) grants credit back as its subscriber takes them (`Lease.consumed`), and a worker
more than `max_backlog` traces ahead waits for it: a slow client holds the worker, never the
server's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from gql_server.core.domain.errors import DomainError, LimitExceededError
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.services.simulation.pipe import FramedPipe
from gql_server.services.simulation.trace_codec import decode_traces
from gql_server.services.simulation.worker import SimulationJob, main

log = logging.getLogger(__name__)

CANCEL_GRACE_S = 5.0  # a cancelled run must let go of its worker within this, or it is killed
EXIT_GRACE_S = 2.0
MESSAGES_PER_WAKE = 64  # read at most this many before the loop serves anything else


class SimulationWorkerDiedError(DomainError):
    """The worker process running a simulation ended without finishing it."""


class RunSink(Protocol):
    """Where a run's results go (the service's relay); called on the server's loop."""

    def push_many(self, traces: list[RequestTrace], simulated_ms: float) -> None: ...
    def finish(self, outcome: SimulationSummary | BaseException) -> None: ...
    async def admit_real_call(self) -> str | None: ...  # None: the run may make one more
    def used_tokens(self, tokens: int) -> None: ...


def default_size() -> int:
    return max(1, (os.cpu_count() or 1) - 1)


def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, ForkServerContext)
    # Imported once in the forkserver: every worker forked from it starts with litellm loaded.
    context.set_forkserver_preload([main.__module__])
    return context


class _Worker:
    """One worker process and its pipe, read on the server's loop."""

    def __init__(self, pool: SimulationPool, process: BaseProcess, conn: Connection) -> None:
        self.pool = pool
        self.process = process
        self.conn = conn
        self.sink: RunSink | None = None
        self.simulation_id: str | None = None  # the run it is on (or was last given)
        self.claimed = False  # held by a lease
        self.idle = asyncio.Event()  # no run in progress in the process
        self.idle.set()
        self.dead = False
        self._answering: set[asyncio.Task[None]] = set()
        self.pipe = FramedPipe(
            conn, self._on_message, self._on_exit, messages_per_wake=MESSAGES_PER_WAKE
        )

    def send(self, message: tuple[Any, ...]) -> bool:
        return self.pipe.send(message)

    def stop_reading(self) -> None:
        self.pipe.close()

    def _on_message(self, message: tuple[Any, ...]) -> None:
        kind, simulation_id = message[0], message[1]
        if simulation_id != self.simulation_id:
            return  # a late message of a run the server has already let go of
        sink = self.sink
        if kind == "admit":
            self._answer(sink, simulation_id, message[2])
            return
        if kind == "done":
            self.sink = None
            self.idle.set()
            return
        if sink is None:
            return
        if kind == "traces":
            sink.push_many(decode_traces(message[2]), message[3])
        elif kind == "summary":
            sink.finish(message[2])
        elif kind == "failed":
            sink.finish(RuntimeError(f"the simulation failed: {message[2]}"))
        elif kind == "tokens":
            sink.used_tokens(message[2])

    def _answer(self, sink: RunSink | None, simulation_id: str, ticket: int) -> None:
        """A real call the run asks to make: the caller's windows decide, on this loop."""

        async def answer() -> None:
            refusal: str | None = "not sent: the run has ended"
            if sink is not None:
                try:
                    refusal = await sink.admit_real_call()
                except Exception:
                    log.exception("could not admit a real call of simulation %s", simulation_id)
                    refusal = "not sent: the call could not be admitted"
            self.send(("admitted", simulation_id, ticket, refusal))

        task = asyncio.get_running_loop().create_task(answer())
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    def _on_exit(self) -> None:
        if self.dead:
            return
        self.dead = True
        self.stop_reading()
        self.process.join(timeout=0)
        if self.sink is not None and not self.pool.closing:
            self.sink.finish(
                SimulationWorkerDiedError(
                    "the simulation's worker process ended unexpectedly "
                    f"(exit code {self.process.exitcode}); the run was lost"
                )
            )
        self.sink = None
        self.idle.set()
        self.pool.forget(self)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()


class Lease:
    """A reserved slot: `start` a run on a worker, `stop` or `cancel` it, `release` the slot."""

    def __init__(self, pool: SimulationPool) -> None:
        self._pool = pool
        self._worker: _Worker | None = None
        self._simulation_id: str | None = None
        self._released = False

    async def start(self, job: SimulationJob, sink: RunSink) -> None:
        worker = await self._pool.idle_worker()
        self._worker = worker
        self._simulation_id = job.simulation_id
        worker.sink = sink
        worker.simulation_id = job.simulation_id
        worker.idle.clear()
        if not worker.send(("run", job, self._pool.max_backlog)):
            worker.kill()  # its pipe's end reports the death to the sink

    def consumed(self, traces: int) -> None:
        """The run's subscriber has taken `traces` more: the worker may run that far ahead."""
        if self._worker is not None and self._simulation_id is not None and traces > 0:
            self._worker.send(("credit", self._simulation_id, traces))

    def stop(self, reason: str | None = None) -> None:
        """Finish early: the worker flushes what finished and sends a cancelled summary
        (`reason`: its stoppedReason)."""
        if self._worker is not None and self._simulation_id is not None:
            self._worker.send(("stop", self._simulation_id, reason))

    async def release(self) -> None:
        """Cancel the run if it still runs, wait until its worker is idle (killing it when it
        does not let go in time), and free the slot. Idempotent."""
        if self._released:
            return
        self._released = True
        worker = self._worker
        try:
            if worker is not None and not worker.dead and not worker.idle.is_set():
                worker.sink = None  # nothing more goes to the subscriber
                worker.send(("cancel", self._simulation_id))
                try:
                    async with asyncio.timeout(CANCEL_GRACE_S):
                        await worker.idle.wait()
                except TimeoutError:
                    log.warning(
                        "simulation worker %s did not let go; killing it", worker.process.pid
                    )
                    worker.kill()
                    await worker.idle.wait()
        finally:
            if worker is not None:
                worker.claimed = False
            self._pool.free(self)


class SimulationPool:
    def __init__(
        self,
        size: int,
        *,
        max_backlog: int = 5000,
        context: Callable[[], ForkServerContext] = _context,
    ) -> None:
        if size < 1:
            raise ValueError("a simulation pool needs at least one worker")
        self.size = size
        self.max_backlog = max_backlog
        self.closing = False
        self._context = context
        self._leases: set[Lease] = set()
        self._workers: list[_Worker] = []
        self._spawn_lock = asyncio.Lock()

    def reserve(self) -> Lease:
        """Claim a slot now, or raise LimitExceededError (the instance's global cap)."""
        if self.closing:
            raise LimitExceededError("the server is shutting down", limit=0)
        if len(self._leases) >= self.size:
            raise LimitExceededError(
                f"{self.size} simulations are already running on this server; "
                "wait for one to finish",
                limit=self.size,
            )
        lease = Lease(self)
        self._leases.add(lease)
        return lease

    def free(self, lease: Lease) -> None:
        self._leases.discard(lease)

    def running(self) -> int:
        return len(self._leases)

    def processes(self) -> list[int]:
        """Process ids of the live workers (for tests and operators)."""
        return [w.process.pid for w in self._workers if not w.dead and w.process.pid]

    async def idle_worker(self) -> _Worker:
        async with self._spawn_lock:
            for worker in self._workers:
                if not worker.dead and not worker.claimed and worker.idle.is_set():
                    worker.claimed = True
                    return worker
            # Shielded: a caller that leaves mid-spawn still leaves a usable, known worker.
            worker = await asyncio.shield(self._spawn())
            worker.claimed = True
            return worker

    async def _spawn(self) -> _Worker:
        context = self._context()
        parent, child = context.Pipe(duplex=True)
        process = context.Process(target=main, args=(child,), name="simulation worker", daemon=True)
        # Blocking (the first start waits for the forkserver to import litellm): off the loop.
        await asyncio.to_thread(process.start)
        child.close()
        worker = _Worker(self, process, parent)
        self._workers.append(worker)
        return worker

    def forget(self, worker: _Worker) -> None:
        with contextlib.suppress(ValueError):
            self._workers.remove(worker)
        worker.stop_reading()
        with contextlib.suppress(OSError):
            worker.conn.close()

    async def close(self) -> None:
        """End every worker process (runs still going are cut off)."""
        self.closing = True
        workers = list(self._workers)
        for worker in workers:
            worker.send(("exit",))
        deadline = time.monotonic() + EXIT_GRACE_S
        for worker in workers:
            left = max(0.0, deadline - time.monotonic())
            await asyncio.to_thread(worker.process.join, left)
            if worker.process.is_alive():
                worker.kill()
                await asyncio.to_thread(worker.process.join, EXIT_GRACE_S)
            self.forget(worker)
