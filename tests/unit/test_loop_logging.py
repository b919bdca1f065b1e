"""Each event loop logs through its own litellm LoggingWorker once the server claims home."""

from __future__ import annotations

import asyncio
import threading

from litellm.litellm_core_utils import logging_worker

from gql_server.core.litellm_adapter import loop_logging


def _in_other_thread_loop(work: object) -> object:
    result: list[object] = []

    def run() -> None:
        result.append(asyncio.run(work()))  # type: ignore[operator]

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


async def test_the_home_loop_keeps_the_original_and_other_loops_get_their_own() -> None:
    dispatcher = loop_logging.install()
    assert logging_worker.GLOBAL_LOGGING_WORKER is dispatcher
    dispatcher.claim_home()
    original = dispatcher.for_running_loop()
    assert dispatcher.for_running_loop() is original

    ran_on: list[threading.Thread] = []

    async def elsewhere() -> object:
        async def logged() -> None:
            ran_on.append(threading.current_thread())

        worker = dispatcher.for_running_loop()
        # what litellm does after a successful call, looked up by name as litellm does
        logging_worker.GLOBAL_LOGGING_WORKER.ensure_initialized_and_enqueue(logged())
        await loop_logging.finish_this_loops_logging()
        return worker

    other = _in_other_thread_loop(elsewhere)
    assert other is not original
    assert len(ran_on) == 1 and ran_on[0] is not threading.current_thread()
    assert dispatcher.for_running_loop() is original, "the home loop's worker was not taken"
