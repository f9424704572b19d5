"""The floor for the load benchmark: the least a WhatsApp webhook can do, served like the bot.

It checks the Twilio signature over the form, does one Redis GET and one SET (a read and a
write of the sender's key, as a bot must at least load and save), and answers a fixed TwiML.
`bench/load.py` drives it with the same posts, workers and concurrency as the bot; the ratio
bot/floor says what the conversation itself costs on this machine.

    python -m bench.floor --port 8100 --workers 2    # REDIS_URL, TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from redis.asyncio import BlockingConnectionPool, Redis
from twilio.request_validator import RequestValidator

TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Recibido. Escribe *menu* para ver '
         "las opciones.</Message></Response>")
SESSION_SECONDS = 7 * 24 * 3600


def create_app(redis_url: str, auth_token: str, public_base_url: str) -> FastAPI:
    url = f"{public_base_url.rstrip('/')}/webhooks/whatsapp"
    validator = RequestValidator(auth_token)
    state: dict[str, Redis] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The same pool as the bot's store: blocking, 50 connections, 5 s timeouts.
        pool = BlockingConnectionPool.from_url(redis_url, max_connections=50, timeout=5.0,
                                               socket_timeout=5.0, socket_connect_timeout=5.0)
        state["redis"] = Redis.from_pool(pool)
        yield
        await state["redis"].aclose()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/webhooks/whatsapp")
    async def whatsapp(request: Request) -> Response:
        try:
            params = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return JSONResponse({"error": "malformed form data"}, status_code=400)
        if not validator.validate(url, params, request.headers.get("X-Twilio-Signature", "")):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        key = f"floor:{{{params.get('From', '')}}}"
        redis = state["redis"]
        await redis.get(key)
        await redis.set(key, params.get("MessageSid", ""), ex=SESSION_SECONDS)
        return Response(TWIML, media_type="application/xml")

    return app


def app_from_env() -> FastAPI:
    """The uvicorn factory: `REDIS_URL`, `TWILIO_AUTH_TOKEN`, `PUBLIC_BASE_URL`."""
    return create_app(os.environ["REDIS_URL"], os.environ["TWILIO_AUTH_TOKEN"], os.environ["PUBLIC_BASE_URL"])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # The options `labor-bot serve` uses (its HTTP protocol too, when it has its own), so the
    # two servers differ only in what the endpoint does.
    from bot.cli import serve

    uvicorn.run("bench.floor:app_from_env", factory=True, host="127.0.0.1", port=args.port,
                workers=args.workers, http=getattr(serve, "H11NoDelay", "auto"), log_config=None,
                access_log=False, ws="none", timeout_graceful_shutdown=10, server_header=False)


if __name__ == "__main__":
    main()
