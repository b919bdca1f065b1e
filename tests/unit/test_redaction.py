"""Secrets, bearer tokens, tracebacks and server paths never survive `scrub`."""

from __future__ import annotations

import pytest

from gql_server.core.domain.redaction import REDACTED, scrub

SECRETS = {  # case: (text, the secret in it)
    "openai echo": (
        "Incorrect API key provided: sk-proj-AbCdEf0123456789xyz. You can find it",
        "AbCdEf0123456789xyz",
    ),
    "bearer": ('headers: {"Authorization": "Bearer eyAbc.def-ghi_0123456789"}', "0123456789"),
    "key=value": ("request failed: api_key=hunter2hunter2 model=x", "hunter2"),
    "json field": ('{"x-api-key": "abcd-efgh-ijkl-0123"}', "abcd-efgh"),
    "aws": ("credentials AKIAIOSFODNN7EXAMPLE were refused", "IOSFODNN7"),
    "google": ("key AIzaSyA-abcdefghijklmnopqrstuvwxyz012345 invalid", "klmnopqrst"),
    "huggingface": ("token hf_abcdefghijklmnopqrstuvwx rejected", "klmnopqrst"),
    "opaque": ("id 0123456789abcdef0123456789abcdef01234567 expired", "0123456789abcdef"),
}


@pytest.mark.parametrize("case", sorted(SECRETS))
def test_secrets_are_redacted(case: str) -> None:
    text, secret = SECRETS[case]
    out = scrub(text)
    assert REDACTED in out
    assert secret not in out


def test_known_secrets_are_redacted_verbatim() -> None:
    assert scrub("the key was plainpassword!", known_secrets=["plainpassword!"]) == (
        f"the key was {REDACTED}"
    )


def test_tracebacks_and_paths_are_dropped_but_the_error_kept() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/.venv/lib/python3.11/site-packages/litellm/main.py", line 3, in f\n'
        "    raise ValueError('x')\n"
        "ValueError: bad thing at /srv/app/gql_server/openai_api/routes.py"
    )
    out = scrub(text)
    assert out.startswith("ValueError: bad thing at")
    for leak in ("Traceback", "site-packages", "/srv/app", "routes.py"):
        assert leak not in out


def test_ordinary_text_is_kept_and_long_text_bounded() -> None:
    text = "routing group 'llama-3.3-70b' max_tokens: 4096 total_tokens=55 deployment fireworks"
    assert scrub(text) == text
    assert len(scrub("word " * 1000, limit=100)) == 100
