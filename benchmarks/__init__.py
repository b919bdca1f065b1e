"""Benchmarks: `python -m benchmarks` prints a small table. Speed lives here, not in tests."""

import os

# litellm fetches its price map from the internet at import unless told otherwise
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
