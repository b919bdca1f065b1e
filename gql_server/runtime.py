"""What the app builds at start-up; routes and tests reach it through `app.state.runtime`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql_server.core.routing.registry import RouterRegistry
from gql_server.events import EventBus
from gql_server.services.access.key_cache import KeyCache
from gql_server.services.container import Services
from gql_server.settings import Settings
from gql_server.store.database import Database

if TYPE_CHECKING:
    from gql_server.telemetry.spans import RequestTracing


@dataclass
class Runtime:
    settings: Settings
    database: Database
    bus: EventBus
    registry: RouterRegistry
    services: Services
    master_key: str
    generated_master_key: bool
    ready: bool = False
    key_cache: KeyCache | None = None
    telemetry: RequestTracing | None = None  # OpenTelemetry spans, when OTEL_* asks for them
