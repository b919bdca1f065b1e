"""The composition root: settings in, a Starlette app out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
import threading
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from gql_server.auth import KEY_PREFIX
from gql_server.core.domain import secret_box
from gql_server.core.domain.secret_box import SecretBox
from gql_server.core.litellm_adapter.built_router import SharedState
from gql_server.core.litellm_adapter.call_setup import CallSetupExecutor
from gql_server.core.litellm_adapter.install import install as install_litellm
from gql_server.core.routing.registry import RouterRegistry
from gql_server.events import (
    GROUPS_CHANNEL,
    KEYS_CHANNEL,
    Event,
    Feed,
    RedisEventBus,
    make_event_bus,
)
from gql_server.heap import freeze_startup_heap
from gql_server.http_limits import BodyLimitMiddleware, BodyLimits, TrustedProxies
from gql_server.openai_api import openai_routes
from gql_server.runtime import Runtime
from gql_server.services.access.key_cache import KeyCache
from gql_server.services.access.rate_windows import RedisRateWindows
from gql_server.services.access.service import AccessService
from gql_server.services.container import Services
from gql_server.services.deployments import DeploymentService
from gql_server.services.live_traffic import LiveTrafficService
from gql_server.services.metrics import TrafficMetrics
from gql_server.services.request_log import RequestLogService
from gql_server.services.routing_groups import RoutingGroupService
from gql_server.services.simulation.pool import default_size
from gql_server.services.simulation.service import SIMULATIONS_CHANNEL, SimulationService
from gql_server.services.testing import TestingService
from gql_server.services.traffic import TrafficHook
from gql_server.serving import CloseWhenDraining
from gql_server.settings import Settings
from gql_server.store.database import Database
from gql_server.store.migrate import upgrade_to_head
from gql_server.telemetry import start_tracing
from gql_server.web.graphql_endpoint import GraphQLView, SocketLimits
from gql_server.web.metrics_endpoint import metrics_route
from schema.build import build_schema

log = logging.getLogger("gql_server")

PROVIDER_KEY_SECRET = "provider-key-secret"  # noqa: S105 - the row name, not a secret


def create_app(settings: Settings, on_ready: Callable[[], None] | None = None) -> Starlette:
    """`on_ready` runs once the app serves (default: print that it is ready)."""
    install_litellm()  # every process-wide litellm set-up, once (litellm_adapter/install.py)
    master_key, generated = _master_key(settings)
    holder: dict[str, Runtime] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # litellm call set-up runs on the loop where it does no I/O (litellm_adapter/call_setup.py)
        asyncio.get_running_loop().set_default_executor(CallSetupExecutor())
        runtime = await _start(settings, master_key, generated)
        holder["runtime"] = runtime
        app.state.runtime = runtime
        # Feeds first, then the state they keep in step: a change another instance makes while
        # this one starts is either in what it loads or waiting in its feed, never lost between.
        group_changes = await runtime.bus.open(GROUPS_CHANNEL)
        key_changes = await runtime.bus.open(KEYS_CHANNEL)
        stop_requests = await runtime.bus.open(SIMULATIONS_CHANNEL)
        live = await runtime.services.groups.load_all_live()
        log.info("%d routing groups live", live)
        followers = [
            asyncio.create_task(_follow_group_changes(runtime, group_changes)),
            asyncio.create_task(_follow_stop_requests(runtime, stop_requests)),
            asyncio.create_task(_follow_key_changes(runtime, key_changes)),
            asyncio.create_task(runtime.services.live_traffic.run()),
            asyncio.create_task(runtime.services.request_log.run()),
        ]
        freeze_startup_heap()  # full collections pause every request (gql_server/heap.py)
        runtime.ready = True
        if on_ready is None:
            announce(settings, master_key, generated)
        else:
            on_ready()
        try:
            yield
        finally:
            runtime.ready = False
            for task in followers:
                task.cancel()
            await asyncio.gather(*followers, return_exceptions=True)
            await runtime.services.simulations.shutdown()
            runtime.registry.close()
            await runtime.services.access.close()
            await runtime.bus.close()
            await runtime.database.dispose()
            if runtime.telemetry is not None:
                await asyncio.to_thread(runtime.telemetry.shutdown)

    def runtime() -> Runtime:
        return holder["runtime"]

    graphql = _LazyGraphQL(runtime, settings)

    async def healthz(request: Request) -> Response:
        rt = holder.get("runtime")
        if rt is None or not rt.ready:
            return JSONResponse({"status": "starting"}, status_code=503)
        if not await rt.database.ping():
            return JSONResponse({"status": "database unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "liveGroups": len(rt.registry)})

    routes: list[Any] = [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *openai_routes(runtime),
        metrics_route(runtime),
        *_ui_routes(settings.ui_dist),
    ]
    limits = BodyLimits(
        graphql_bytes=settings.graphql_max_body_bytes, openai_bytes=settings.openai_max_body_bytes
    )
    draining = threading.Event()  # set when shutdown starts (before_sockets_close)
    middleware = [
        Middleware(CloseWhenDraining, draining=draining.is_set),
        Middleware(BodyLimitMiddleware, limits=limits),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
    app.state.draining = draining
    return app


async def before_sockets_close(app: Starlette) -> None:
    """Shutdown, first step (the server has stopped accepting): stop the simulations so their
    cancelled summaries still reach their sockets and are saved, before the sockets close.
    From here on every HTTP answer closes its connection."""
    draining = getattr(app.state, "draining", None)
    if draining is not None:
        draining.set()
    rt: Runtime | None = getattr(app.state, "runtime", None)
    if rt is None:
        return
    rt.ready = False
    await rt.services.simulations.shutdown()


class _LazyGraphQL:
    """The GraphQL view needs the services, which exist only once the lifespan has run."""

    def __init__(self, runtime: Any, settings: Settings) -> None:
        self._runtime = runtime
        self._graphiql = settings.ui_dist / "graphiql.html"
        self._sockets = SocketLimits(
            init_timeout_seconds=settings.ws_connection_init_timeout_seconds,
            max_unauthenticated=settings.max_unauthenticated_sockets,
            max_unauthenticated_per_client=settings.max_unauthenticated_sockets_per_client,
            trusted_proxies=TrustedProxies.parse(settings.trusted_proxies),
        )
        self._view: GraphQLView | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._view is None:
            rt: Runtime = self._runtime()
            self._view = GraphQLView(
                build_schema(), rt.services, rt.bus, self._graphiql, self._sockets
            )
        await self._view(scope, receive, send)


async def _start(settings: Settings, master_key: str, generated: bool) -> Runtime:
    await upgrade_to_head(settings.database_url)
    database = Database.from_url(settings.database_url)
    bus = make_event_bus(settings.redis_url)
    if isinstance(bus, RedisEventBus):
        await bus.ping()  # fail at start-up, not on the first change
    box = await _secret_box(settings, database)
    secret_box.install(box)
    shared = None
    if settings.redis_url:
        shared = SharedState(settings.redis_url, namespace=settings.redis_namespace)
    registry = RouterRegistry(mock=settings.mock_mode, shared_state=shared)
    uow = database.uow_factory()
    groups = RoutingGroupService(uow, registry, bus)
    key_cache = KeyCache(settings.key_cache_ttl_seconds) if settings.key_cache_ttl_seconds else None
    windows = None
    if settings.redis_url:
        windows = RedisRateWindows(settings.redis_url, namespace=settings.redis_namespace)
    access = AccessService(
        uow, bus, master_key, key_cache, windows, key_cache_ttl_s=settings.key_cache_ttl_seconds
    )
    services = Services(
        groups=groups,
        deployments=DeploymentService(uow, box),
        access=access,
        testing=TestingService(groups, access),
        simulations=SimulationService(
            uow,
            groups,
            bus,
            max_per_key=settings.max_simulations_per_key,
            max_simulated_s_per_key=settings.max_simulated_seconds_per_key,
            workers=settings.simulation_workers or default_size(),
            log_retention=timedelta(days=settings.request_log_retention_days),
            access=access,
        ),
        traffic=TrafficHook(),
        live_traffic=LiveTrafficService(
            bus, groups, registry, max_per_key=settings.live_traffic_subscriptions_per_key
        ),
        request_log=RequestLogService(
            uow,
            log_messages=settings.log_messages,
            retention=timedelta(days=settings.request_log_retention_days),
        ),
        metrics=TrafficMetrics(),
    )
    services.traffic.add_listener(services.live_traffic.on_finished)
    services.traffic.add_listener(services.request_log.on_finished)
    services.traffic.add_listener(services.metrics.on_finished)
    telemetry = start_tracing(services.traffic)  # None (nothing imported) unless OTEL_* asks
    sealed = await services.deployments.seal_stored_keys()
    if sealed:
        log.info("encrypted %d provider API keys stored in plaintext", sealed)
    if settings.config_path is not None:
        config = _load_config(settings.config_path)
        imported = await services.deployments.import_model_list(config["model_list"])
        log.info("imported %d deployments from %s", len(imported), settings.config_path)
        created = (
            await groups.ensure_from_config(config["routing_groups"])
            if settings.seed_groups
            else []
        )
        if created:
            log.info("created routing groups from the config: %s", ", ".join(created))
    return Runtime(
        settings,
        database,
        bus,
        registry,
        services,
        master_key,
        generated,
        key_cache=key_cache,
        telemetry=telemetry,
    )


async def _secret_box(settings: Settings, database: Database) -> SecretBox:
    """SECRET_KEY, or the secret generated on the first run and kept in the database."""
    if settings.secret_key is not None:
        return SecretBox(settings.secret_key.get_secret_value())
    generated = await database.app_secret(PROVIDER_KEY_SECRET, lambda: secrets.token_urlsafe(32))
    return SecretBox(generated)


async def _follow_group_changes(runtime: Runtime, changes: Feed) -> None:
    """Other instances change groups too: keep this instance's Routers in step (one at a time,
    after the start-up load, so an older read never replaces a newer Router)."""
    async for event in changes:
        if event.get("resync"):
            try:
                changed = await runtime.services.groups.reconcile()
            except Exception:
                log.exception("could not bring the routing groups in line after a lost feed")
            else:
                log.info("event feed back: %d routing groups brought in line", changed)
            continue
        group_id = event.get("groupId")
        if not isinstance(group_id, str):
            continue
        if event.get("action") == "delete":
            runtime.services.simulations.stop_group(group_id)
        try:
            await runtime.services.groups.refresh(group_id)
        except Exception:
            log.exception("could not refresh routing group %s", group_id)


async def _follow_key_changes(runtime: Runtime, changes: Feed) -> None:
    """A key revoked or deleted on any instance leaves this instance's key cache at once."""
    cache = runtime.key_cache
    if cache is None:
        changes.close()
        return
    feed: AsyncIterator[Event] = changes
    while True:
        try:
            async for event in feed:
                key_id = event.get("keyId")
                if isinstance(key_id, str):
                    cache.evict_key(key_id)
                elif event.get("resync"):
                    cache.clear()  # revocations may have been missed meanwhile
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("lost the key-change feed; clearing the key cache and resubscribing")
        cache.clear()  # events may have been missed meanwhile
        await asyncio.sleep(0.5)
        feed = runtime.bus.subscribe(KEYS_CHANNEL)


async def _follow_stop_requests(runtime: Runtime, requests: Feed) -> None:
    """A stop may arrive at another instance than the one running the simulation."""
    async for event in requests:
        simulation_id, caller = event.get("simulationId"), event.get("caller")
        if isinstance(simulation_id, str) and isinstance(caller, str):
            runtime.services.simulations.stop_local(
                simulation_id, caller=caller, admin=event.get("admin") is True
            )


def _load_config(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text()) or {}
    out: dict[str, list[dict[str, Any]]] = {}
    for section in ("model_list", "routing_groups"):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise ValueError(f"{path}: {section} must be a list")
        out[section] = entries
    return out


def _master_key(settings: Settings) -> tuple[str, bool]:
    if settings.master_key is not None:
        return settings.master_key.get_secret_value(), False
    return generated_master_key(), True


def generated_master_key() -> str:
    return KEY_PREFIX + "master-" + secrets.token_urlsafe(24)


async def prepare(settings: Settings) -> None:
    """The start-up work once, without serving: migrations, config import, seeding."""
    app = create_app(settings, on_ready=lambda: None)
    async with app.router.lifespan_context(app):
        pass


def announce(settings: Settings, master_key: str, generated: bool) -> None:
    base = f"http://{settings.host}:{settings.port}/"
    if generated:
        # Printed once, to the terminal only (never to the log): the UI link signs in directly.
        print(f"\nRouting Groups is ready: {base}#key={master_key}", file=sys.stdout)
        print("MASTER_KEY was not set; the key above was generated for this run.\n", flush=True)
    else:
        print(f"\nRouting Groups is ready: {base}\n", flush=True)


def _ui_routes(dist: Path) -> list[Any]:
    index = dist / "index.html"

    async def spa(request: Request) -> Response:
        if index.is_file():
            return FileResponse(index, media_type="text/html")
        return HTMLResponse(
            "<!doctype html><title>Routing Groups</title>"
            "<p>The web UI is not built. Run <code>make ui</code> (or <code>make run</code>).</p>"
        )

    routes: list[Any] = []
    if (dist / "assets").is_dir():
        routes.append(Mount("/assets", app=StaticFiles(directory=dist / "assets"), name="assets"))
    routes.append(Route("/{path:path}", spa, methods=["GET"]))
    return routes


def dev_app() -> Starlette:
    """`uvicorn --factory gql_server.app:dev_app` for `make dev`."""
    return create_app(Settings(mock_mode=True, config_path=Path("examples/demo-config.yaml")))
