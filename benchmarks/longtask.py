"""`python -m benchmarks.longtask FILE`: the UI's long tasks in the e2e long run vs the budget.

The e2e "never blocks the page" test writes FILE (`make bench` runs it at 100,000 requests). This
prints the longest task and how many there were, and exits 1 when a task took over 200 ms (or
the file is missing), so `make bench` fails on a page that blocks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BUDGET_MS = 200.0


def main(path: str) -> int:
    file = Path(path)
    if not file.is_file():
        print(f"no long-task measurement at {file}: the e2e long-task spec did not run")
        return 1
    data = json.loads(file.read_text())
    requests = int(data.get("requests") or 0)
    print(f"UI long tasks (over 50 ms) during a {requests:,}-request simulation")
    for key, value in data.items():
        print(f"  {key:<40} {value}")
    worst = float(data.get("maxLongTaskMs") or 0.0)
    count = int(data.get("longTasks") or 0)
    over = int(data.get("longTasksOverBudget") or 0)
    verdict = "within" if worst <= BUDGET_MS else "OVER"
    print(f"  {'long tasks / over 200 ms':<40} {count} / {over}")
    print(f"  {'longest task vs 200 ms budget':<40} {worst:.0f} ms ({verdict} budget)")
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "test-results/longtask.json"))
