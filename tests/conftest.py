"""Every test process sets litellm up as the app and the simulation worker do, once."""

from gql_server.core.litellm_adapter.install import install

install()
