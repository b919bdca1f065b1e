"""Configuration from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gql_server.http_limits import TrustedProxies

_PLACEHOLDERS = {"changeme", "change-me", "secret", "sk-1234", "master", "password"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./data/routing-groups.db"
    redis_url: str | None = None
    # Prefix of the live Routers' shared state keys in Redis (several gateways on one Redis).
    redis_namespace: str | None = None
    master_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=4000, ge=0, le=65535)
    config_path: Path | None = None
    # Mock mode: deployments are routed by the real Router but never call a provider.
    mock_mode: bool = False
    ui_dist: Path = Path(__file__).resolve().parent.parent / "frontend" / "dist"
    # Create the config's `routing_groups` at start-up (tests turn it off to start empty).
    seed_groups: bool = True
    # Worker processes that run simulations (the cap on simulations at once in this
    # instance); unset: one fewer than the machine's cores, at least one.
    simulation_workers: int | None = Field(default=None, ge=1, le=256)
    max_simulations_per_key: int = Field(default=2, ge=1, le=1000)
    # Simulated time one run by a non-master key may cover (the master key: 24 h): a key must
    # not hold one of the instance's few simulation slots for hours.
    max_simulated_seconds_per_key: float = Field(
        default=3600.0, gt=0, le=86_400, allow_inf_nan=False
    )
    log_level: str = "INFO"
    # Keys authenticated once are held in memory this long (0: off); revocation is pushed over
    # the event bus and evicts at once on every instance, the TTL only covers a lost message.
    key_cache_ttl_seconds: float = Field(default=60.0, ge=0, le=3600, allow_inf_nan=False)
    # The request log keeps rows this long; message content only with LOG_MESSAGES=true.
    request_log_retention_days: float = Field(default=7.0, gt=0, le=3650, allow_inf_nan=False)
    log_messages: bool = False
    # GET /metrics without the master key.
    metrics_public: bool = False

    # Request bodies above these sizes get 413 before they are read (Content-Length) or as soon
    # as the stream passes the limit; websocket messages on /graphql share the GraphQL limit.
    graphql_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=256 * 1024 * 1024)
    openai_max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)
    # A websocket must send `connection_init` this soon; at most this many sockets may be
    # waiting to authenticate at once (more are refused until some sign in or leave).
    ws_connection_init_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, allow_inf_nan=False
    )
    max_unauthenticated_sockets: int = Field(default=200, ge=1, le=100_000)
    # ... and at most this many from one client address (a socket signed in at the upgrade,
    # with `Authorization: Bearer`, never waits and is never refused by either cap).
    max_unauthenticated_sockets_per_client: int = Field(default=10, ge=1, le=100_000)
    # `liveTraffic` subscriptions one key may hold at once (the master key is not capped).
    live_traffic_subscriptions_per_key: int = Field(default=10, ge=1, le=100_000)
    # Proxies whose `X-Forwarded-For` names the client (comma-separated IPs or CIDRs); from
    # anyone else the header is ignored and the socket's peer is the client.
    trusted_proxies: str = ""
    # SIGTERM: stop accepting, stop simulations (their cancelled summaries are sent and saved),
    # close sockets, and exit within this many seconds; a second SIGTERM exits at once.
    shutdown_timeout_seconds: float = Field(default=15.0, gt=0, le=600, allow_inf_nan=False)
    # Encrypts provider API keys at rest. Unset: generated on first run and kept in the database.
    secret_key: SecretStr | None = None

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if secret.lower() in _PLACEHOLDERS or len(secret) < 16:
            raise ValueError("SECRET_KEY must be at least 16 characters and not a placeholder")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        TrustedProxies.parse(value)  # ValueError names the bad entry
        return value

    @field_validator("master_key")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if secret.lower() in _PLACEHOLDERS:
            raise ValueError("MASTER_KEY is a well-known placeholder; set a real secret")
        if len(secret) < 8:
            raise ValueError("MASTER_KEY must be at least 8 characters")
        return value
