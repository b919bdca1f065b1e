"""A serving process keeps the garbage collector off its start-up heap (gql_server/heap.py):
it, every full collection walked litellm's import-time objects and paused all requests for
0.1-0.5 s. Checked in a fresh interpreter: the test process's own heap is not the server's."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_freezes_its_start_up_heap_once_it_has_started(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, gc
        from gql_server.app import create_app
        from gql_server.settings import Settings

        async def main():
            app = create_app(Settings(database_url="sqlite+aiosqlite:///{tmp_path}/heap.db"))
            before = gc.get_freeze_count()
            async with app.router.lifespan_context(app):
                print(before, gc.get_freeze_count(), gc.get_threshold()[0])

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    before, after, young = map(int, out.stdout.split()[-3:])
    assert before == 0
    assert after > 100_000  # litellm's modules and price map, at least
    assert young >= 10_000  # young collections every few requests, not several per request
