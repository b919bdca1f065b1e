"""Call a routing group the way a developer would: the official `openai` client.

Usage: call_group.py BASE_URL MODEL (the key comes from $OPENAI_API_KEY). Prints one JSON line:
{"ok": true, "content": ..., "modelId": ...} or {"ok": false, "status": 401, "error": ...}.
"""

from __future__ import annotations

import json
import sys

import openai


def main() -> None:
    base_url, model = sys.argv[1], sys.argv[2]
    client = openai.OpenAI(base_url=base_url, max_retries=0, timeout=30)
    try:
        raw = client.chat.completions.with_raw_response.create(
            model=model, messages=[{"role": "user", "content": "Hello"}]
        )
    except openai.APIStatusError as exc:
        print(json.dumps({"ok": False, "status": exc.status_code, "error": str(exc)}))
        return
    reply = raw.parse()
    print(
        json.dumps(
            {
                "ok": True,
                "content": reply.choices[0].message.content,
                "modelId": raw.headers.get("x-litellm-model-id"),
            }
        )
    )


if __name__ == "__main__":
    main()
