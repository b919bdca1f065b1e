"""Embeddings as OpenAI answers them: one vector per input, floats or base64.

A mock group's answer (no provider is called) has one vector per input, of
MOCK_EMBEDDING_DIMENSIONS numbers unless the caller asks for `dimensions`: a unit vector drawn
from the input's text, so equal inputs get equal vectors. `encoding_format: "base64"` (the
OpenAI SDKs' default) gets each vector as OpenAI encodes it: float32, little-endian, base64.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import struct
from typing import Any

MOCK_EMBEDDING_DIMENSIONS = 8

Inputs = str | list[str] | list[int] | list[list[int]]


def one_per_input(inputs: Inputs) -> list[str | list[int]]:
    """The separate inputs of an embeddings request (a list of token ids is one input)."""
    if isinstance(inputs, str):
        return [inputs]
    if inputs and all(isinstance(item, int) for item in inputs):
        return [[int(item) for item in inputs if isinstance(item, int)]]
    return [item for item in inputs if isinstance(item, str | list)]


def mock_vector(text: str | list[int], dimensions: int) -> list[float]:
    digest = hashlib.blake2b(repr(text).encode(), digest_size=8).digest()
    rng = random.Random(int.from_bytes(digest, "little"))  # noqa: S311  # a mock, not a secret
    vector = [rng.gauss(0.0, 1.0) for _ in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def with_mock_vectors(payload: dict[str, Any], inputs: Inputs, dimensions: int | None) -> None:
    """Replace a mock answer's data (litellm's mock makes one vector) with one per input."""
    size = dimensions or MOCK_EMBEDDING_DIMENSIONS
    payload["data"] = [
        {"object": "embedding", "index": index, "embedding": mock_vector(item, size)}
        for index, item in enumerate(one_per_input(inputs))
    ]


def as_base64(payload: dict[str, Any]) -> None:
    """Each float vector as OpenAI's base64 (float32 little-endian); strings stay as they are."""
    for item in payload.get("data") or ():
        vector = item.get("embedding") if isinstance(item, dict) else None
        if isinstance(vector, list):
            packed = struct.pack(f"<{len(vector)}f", *vector)
            item["embedding"] = base64.b64encode(packed).decode("ascii")
