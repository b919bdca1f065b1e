"""Scrub secrets, bearer tokens, tracebacks and server paths out of text that leaves the process.

Provider error text is not ours: a provider may echo the Authorization header back ("Incorrect
API key provided: sk-proj-..."), and litellm wraps its exceptions with request details. Anything
that reaches a client (a `/v1` error, a test or simulation trace, a GraphQL error) goes through
`scrub` first, and is bounded in length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
DEFAULT_LIMIT = 500

# Order matters: the header forms first, so "Bearer sk-..." becomes one "Bearer [redacted]".
_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Authorization: Bearer <token> / Basic <token>, with or without the header name
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{4,}"),
    # key=value and "key": "value" shapes whose name says it is a secret
    re.compile(
        r"""(?ix)
        (\b[\w-]*(?:api[_-]?key|secret|token(?!s)|password|passwd|authorization|credential)[\w-]*
          ["']?\s*[:=]\s*["']?)
        [^\s"',;}]{4,}
        """
    ),
    # provider key shapes: sk-..., sk-proj-..., sk-ant-..., xai-..., gsk_..., AKIA..., AIza...
    re.compile(r"\b(?:sk|pk|rk|gsk|xai|nvapi)[-_][A-Za-z0-9_\-*.]{6,}"),
    re.compile(r"\bAKIA[0-9A-Z]{12,}"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"\bhf_[A-Za-z0-9]{10,}"),
    re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{4,}\.?[A-Za-z0-9_\-]*"),  # JWTs
    # long opaque tokens (hex or base64url runs of 40+ characters)
    re.compile(r"\b(?=[A-Za-z_\-]*\d)(?=[\w\-]*[A-Za-z])[A-Za-z0-9_\-]{40,}"),
)
# A Python traceback and everything after it; file paths of this server or its packages.
_TRACEBACK = re.compile(r"Traceback \(most recent call last\):\n(?:[ \t].*\n?)*")
_FILE_LINE = re.compile(r'File "[^"]+", line \d+(?:, in \S+)?')
_PATH = re.compile(r"(?:/[\w.\-]+){2,}\.py\b|(?:/[\w.\-]+)*/(?:site-packages|dist-packages)/\S*")


def scrub(
    text: object, *, limit: int = DEFAULT_LIMIT, known_secrets: Iterable[str | None] = ()
) -> str:
    """`text` with secrets, tracebacks and server paths replaced, cut to `limit` characters."""
    out = str(text)
    for secret in known_secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, REDACTED)
    out = _TRACEBACK.sub("", out)
    out = _FILE_LINE.sub("", out)
    out = _PATH.sub("[path]", out)
    for pattern in _PATTERNS:
        out = pattern.sub(_keep_label, out)
    out = " ".join(out.split())
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _keep_label(match: re.Match[str]) -> str:
    """Keep a header or field name ("Bearer", "api_key=") and redact what follows it."""
    if match.re.groups and match.group(1):
        label = match.group(1)
        if label.lower() in ("bearer", "basic"):
            return f"{label} {REDACTED}"
        return f"{label}{REDACTED}"
    return REDACTED
