"""`python -m benchmarks.longtask FILE`: print the UI's long-task figure from the e2e run."""

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
    print(f"{'UI long tasks during a 20,000-request simulation':<50}")
    for key, value in data.items():
        print(f"  {key:<40} {value}")
    worst = float(data.get("maxLongTaskMs") or data.get("max") or 0.0)
    verdict = "within" if worst <= BUDGET_MS else "OVER"
    print(f"  {'longest task vs 200 ms budget':<40} {worst:.0f} ms ({verdict} budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "test-results/longtask.json"))
