"""Routing Groups: named, persisted LLM routing pipelines driven by the litellm Router.

litellm's process set-up (offline environment, logging, patches) is
`gql_server.core.litellm_adapter.install.install()`, called by the app and the simulation worker.
"""
