"""Tests. litellm must never fetch its price map from the internet (this package is imported
before any test module, so before litellm)."""

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
