"""Routing Groups: named, persisted LLM routing pipelines driven by the litellm Router."""

import os

# litellm fetches its model-cost map from the internet at import time unless told not to.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
