"""Configuration from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDERS = {"changeme", "change-me", "secret", "sk-1234", "master", "password"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./data/routing-groups.db"
    redis_url: str | None = None
    # Prefix of the live Routers' shared state keys in Redis (several gateways on one Redis).
    redis_namespace: str | None = None
    master_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 4000
    config_path: Path | None = None
    # Mock mode: deployments are routed by the real Router but never call a provider.
    mock_mode: bool = False
    ui_dist: Path = Path(__file__).resolve().parent.parent / "frontend" / "dist"
    # Create the config's `routing_groups` at start-up (tests turn it off to start empty).
    seed_groups: bool = True
    # Worker processes that run simulations (the cap on simulations at once in this
    # instance); unset: one fewer than the machine's cores, at least one.
    simulation_workers: int | None = Field(default=None, ge=1, le=256)
    max_simulations_per_key: int = Field(default=2, ge=1)
    log_level: str = "INFO"
    # Keys authenticated once are held in memory this long (0: off); revocation is pushed over
    # the event bus and evicts at once on every instance, the TTL only covers a lost message.
    key_cache_ttl_seconds: float = Field(default=60.0, ge=0)
    # The request log keeps rows this long; message content only with LOG_MESSAGES=true.
    request_log_retention_days: float = Field(default=7.0, gt=0)
    log_messages: bool = False
    # GET /metrics without the master key.
    metrics_public: bool = False

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
