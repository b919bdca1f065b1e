"""Routing Groups: named, persisted LLM routing pipelines driven by the litellm Router."""

import os

# litellm fetches its model-cost map from the internet at import time unless told not to.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# litellm loads Hugging Face tokenizers (llama, cohere) from the Hub the first time it counts a
# stream's tokens: with no network that froze the server's loop ~24 s. Offline mode makes it use
# its bundled tokenizers or tiktoken's bundled encodings, and never fetch anything itself.
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
