"""The litellm adapter: the only code that imports litellm. Call `install.install()` once per
process before building a Router (see install.py for what it sets up and every private name the
adapter relies on)."""

from gql_server.core.litellm_adapter.install import offline_environment

# litellm reads these at its own import, which any module of this package triggers: set first.
offline_environment()
