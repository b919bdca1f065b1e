"""OpenAI-compatible `/v1` endpoints: `model` is a routing group's name.

Each request runs through the group's live Router (strategy, retries, fallbacks). Errors use
OpenAI's shape `{"error": {"message", "type", "param", "code"}}`. Responses carry litellm
proxy's headers naming the deployment that answered and the fallbacks/retries it took.
"""

from gql_server.openai_api.routes import openai_routes

__all__ = ["openai_routes"]
