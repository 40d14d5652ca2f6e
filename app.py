"""The Starlette application: routes, middleware, startup and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from tortoise import Tortoise, connections

from config import Settings
from models import tortoise_config
from schema import build_schema
from services import Services
from web.downloads import download_endpoint
from web.email import email_link
from web.graphql import GraphQLView
from web.logs import configure_logging
from web.middleware import BodyLimitMiddleware, RequestIdMiddleware
from web.network import ussd_endpoint
from web.payments import webhook_endpoint
from web.social import social_callback
from web.usage import usage_endpoint

log = logging.getLogger("linehub")
# how long a browser may reuse a preflight answer: a day, the most browsers accept
CORS_PREFLIGHT_CACHE = 86_400


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> JSONResponse:
    try:
        async with asyncio.timeout(2):
            await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:
        log.warning("readiness check failed: %r", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok"})


def create_app(
    settings: Settings, *, manage_database: bool = True, run_jobs: bool = True
) -> Starlette:
    """Build the app for `settings`. Tests that own the database pass manage_database=False.

    On SQLite the app runs the background jobs itself while it is up (`run_jobs`).
    """
    settings.check()
    dev_routes: list[BaseRoute] = []
    if settings.social_dev_provider:
        # development only: the production path never imports the dev provider
        from devprovider.hub import DEV_MOUNT, mount_dev_provider

        settings, dev_routes = mount_dev_provider(settings)
        log.warning(
            "dev OpenID Connect provider at %s%s: logs anyone in without a password; "
            "development only, one worker only",
            settings.public_url,
            DEV_MOUNT,
        )
    if settings.payments.backend == "dev" and settings.payments.api_url is None:
        # development only, as above: the loopback acquirer, mounted
        from devacquirer.hub import mount_dev_acquirer

        settings, acquirer_routes = mount_dev_acquirer(settings)
        dev_routes += acquirer_routes
    services = Services.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_database:
            # request tasks do not inherit the lifespan task's context: the ORM must be
            # reachable process-wide, as Tortoise's own Starlette integration sets it up
            await Tortoise.init(
                config=tortoise_config(
                    settings.database_url, statement_seconds=settings.limits.request_seconds
                ),
                _enable_global_fallback=True,
            )
        # on SQLite the queue is this process's memory, so this process runs the jobs
        # and the schedule; on PostgreSQL that is `linehub worker`'s work, never ours
        in_process = (
            asyncio.create_task(services.jobs.run_in_process(services))
            if services.jobs.in_process and run_jobs
            else None
        )
        log.info("linehub started (env=%s)", settings.env)
        try:
            yield
        finally:
            # uvicorn has stopped taking requests and drained the open ones by now
            if in_process is not None:
                # cancelling stops procrastinate's worker the graceful way: running
                # jobs get WORKER_STOP_SECONDS to finish
                in_process.cancel()
                await asyncio.gather(in_process, return_exceptions=True)
            await services.close()
            if manage_database:
                await Tortoise.close_connections()
            log.info("linehub stopped: database connections closed")

    graphql = GraphQLView(build_schema(settings), services)
    routes: list[BaseRoute] = [
        # no `methods=`: the view answers other methods itself, with a JSON 405
        # no WebSocket route until there are subscriptions: it would run queries and
        # mutations outside the HTTP rules (JSON-only POST, body limit, no CORS)
        Route("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/network/ussd", ussd_endpoint(services), methods=["POST"]),
        Route("/payments/webhook", webhook_endpoint(services), methods=["POST"]),
        Route("/network/usage", usage_endpoint(services), methods=["POST"]),
        Route("/confirm-email", email_link, methods=["GET", "POST"]),
        Route(
            "/exports/{token}",
            download_endpoint(services.links, settings.jobs.files_dir),
            methods=["GET", "HEAD"],
        ),
        Route(
            "/auth/social/{provider}/callback", social_callback(services.social), methods=["GET"]
        ),
        *dev_routes,
    ]
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(BodyLimitMiddleware, max_bytes=settings.limits.max_body_bytes),
    ]
    if settings.cors_origins:
        # outermost: a preflight is answered before anything else looks at it. Bearer
        # tokens, not cookies: credentials stay off
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language"],
                expose_headers=["X-Request-ID", "Retry-After"],
                allow_credentials=False,
                max_age=CORS_PREFLIGHT_CACHE,
            ),
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    # for tests and tools that drive the app in-process (wait for deferred work, close);
    # resolvers get the services from their context, never from here
    app.state.services = services
    return app


def app_from_env() -> Starlette:
    """uvicorn's factory (`linehub serve`): settings read once, here."""
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    # modules, the schema and the services live as long as the worker: moved out of the
    # collector's way, a full collection no longer walks them after every few requests
    gc.collect()
    gc.freeze()
    return app
