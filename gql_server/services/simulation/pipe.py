"""The server's end of a worker's pipe: framed messages in and out without ever blocking the loop.

The worker speaks `multiprocessing.connection.Connection` (a length header, then a pickle). The
server's loop must not use that object's blocking `send`/`recv`: uvicorn runs on uvloop, whose
`add_reader` puts the descriptor in non-blocking mode, so a message larger than the socket's
buffer (a replay's job of a few thousand recorded requests; a batch that arrived half-way) made
`send` or `recv` raise `BlockingIOError` and the pool took the worker for dead ("ended
unexpectedly", the run lost). Here the descriptor is non-blocking on every loop, what is written
waits in an outbox flushed when the pipe drains, and what is read waits in an inbox until a whole
message is there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

log = logging.getLogger(__name__)

READ_CHUNK = 1 << 20
_LONG = 0x7FFFFFFF  # Connection's 4-byte length, or -1 and an 8-byte one past it


def frame(message: Any) -> bytes:
    """`message` as `Connection.send` puts it on the wire."""
    payload = bytes(ForkingPickler.dumps(message))
    n = len(payload)
    header = struct.pack("!i", n) if n <= _LONG else struct.pack("!i", -1) + struct.pack("!Q", n)
    return header + payload


class FramedPipe:
    """Sends and receives whole messages on the loop. `on_message` gets each one unpickled;
    `on_closed` is called once when the other end has gone (or the pipe failed)."""

    def __init__(
        self,
        conn: Connection,
        on_message: Callable[[Any], None],
        on_closed: Callable[[], None],
        *,
        messages_per_wake: int = 64,
    ) -> None:
        self._conn = conn
        self._fd = conn.fileno()
        os.set_blocking(self._fd, False)  # the same on asyncio's loop as on uvloop's
        self._loop = asyncio.get_running_loop()
        self._on_message = on_message
        self._on_closed = on_closed
        self._per_wake = messages_per_wake
        self._inbox = bytearray()
        self._outbox = bytearray()
        self._writing = False
        self.closed = False
        self._loop.add_reader(self._fd, self._readable)

    def send(self, message: Any) -> bool:
        """Queue `message` (False: the pipe is closed)."""
        if self.closed:
            return False
        self._outbox += frame(message)
        self._flush()
        return not self.closed

    def close(self) -> None:
        """Stop reading and writing (the descriptor itself is the Connection's to close)."""
        if self._writing:
            with contextlib.suppress(Exception):
                self._loop.remove_writer(self._fd)
            self._writing = False
        with contextlib.suppress(Exception):  # the loop has closed
            self._loop.remove_reader(self._fd)

    def _flush(self) -> None:
        while self._outbox:
            try:
                written = os.write(self._fd, self._outbox)
            except BlockingIOError:
                break
            except OSError:
                self._gone()
                return
            del self._outbox[:written]
        if self._outbox and not self._writing:
            self._loop.add_writer(self._fd, self._flush)
            self._writing = True
        elif not self._outbox and self._writing:
            self._loop.remove_writer(self._fd)
            self._writing = False

    def _readable(self) -> None:
        try:
            chunk = os.read(self._fd, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._gone()
            return
        self._inbox += chunk
        self._deliver()

    def _deliver(self) -> None:
        """Hand over at most `messages_per_wake` whole messages, then let the loop serve others
        (the rest are handed over on its next turn)."""
        for _ in range(self._per_wake):
            if self.closed:
                return
            try:
                message = self._next_message()
            except Exception:  # a message that does not unpickle: a bug, not a dead worker
                log.exception("an unreadable message on a simulation worker's pipe")
                continue
            if message is None:
                return
            self._on_message(message[0])
        self._loop.call_soon(self._deliver)

    def _next_message(self) -> tuple[Any] | None:
        """The first whole message in the inbox, taken out of it (None: not all there yet)."""
        if len(self._inbox) < 4:
            return None
        (n,) = struct.unpack("!i", self._inbox[:4])
        start = 4
        if n == -1:
            if len(self._inbox) < 12:
                return None
            (n,) = struct.unpack("!Q", self._inbox[4:12])
            start = 12
        if len(self._inbox) < start + n:
            return None
        payload = bytes(self._inbox[start : start + n])
        del self._inbox[: start + n]
        return (ForkingPickler.loads(payload),)

    def _gone(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._outbox.clear()
        self.close()
        self._on_closed()
