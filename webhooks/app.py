"""`create_app(settings)`: the FastAPI app, with only the channels whose credentials are set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.logs import configure_logging
from bot.settings import Settings, prepare_process
from bot.store.base import SessionStore
from webhooks import health, telegram, webchat, whatsapp
from webhooks.limits import BodyLimit
from webhooks.runtime import open_runtime


def create_app(settings: Settings, store: SessionStore | None = None) -> FastAPI:
    """The app; its lifespan opens the store, Redis and the Bot API client, and closes them.

    `store` replaces the one `settings` would choose (tests).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, store) as runtime:
            app.state.runtime = runtime
            runtime.start_outbox(telegram.outbox_senders(runtime))
            runtime.start_reloader()
            yield

    app = FastAPI(title="labor-bot", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.include_router(health.router)
    if settings.webchat_enabled:
        app.include_router(webchat.router)
    if settings.telegram_enabled:
        app.include_router(telegram.router)
    if settings.whatsapp_enabled:
        app.include_router(whatsapp.router)
    return app


async def _bad_request(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": "bad request"}, status_code=400)


def app_from_env() -> FastAPI:
    """The uvicorn factory (`webhooks.app:app_from_env`): settings (environment and `./.env`), logging."""
    settings = Settings.load().for_server()
    prepare_process(settings)
    configure_logging(settings.log_level)
    return create_app(settings)
