"""The web chat: the page at `/` and its JSON API at `POST /webchat/messages`.

The page keeps an anonymous id in the browser and sends a fresh message id with each message,
reused when it retries, so a retried post gets the stored replies instead of a second step.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.core.events import MAX_TEXT, Event, EventKind, without_surrogates
from bot.errors import StoreConflict, StoreUnavailable
from bot.i18n import language_from_hint, translate
from webhooks.limits import BUSY, Admission
from webhooks.runtime import Runtime, trouble

CHANNEL = "webchat"
STATIC = Path(__file__).parent / "static"
_ID = r"^[A-Za-z0-9_-]+$"
_FILES = {"index.html": "text/html; charset=utf-8", "chat.css": "text/css; charset=utf-8",
          "chat.js": "text/javascript; charset=utf-8"}
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                               "form-action 'self'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class WebchatMessage(BaseModel):
    """`{"user", "message_id", "text", "value", "lang"}`; `value` is a pressed button's value."""

    model_config = ConfigDict(extra="ignore")

    user: str = Field(min_length=8, max_length=64, pattern=_ID)
    message_id: str = Field(min_length=1, max_length=64, pattern=_ID)
    text: str = Field(default="", max_length=MAX_TEXT)
    value: str | None = Field(default=None, max_length=256)
    lang: str | None = Field(default=None, max_length=35)

    def event(self) -> Event:
        base: dict[str, Any] = {"channel": CHANNEL, "user": self.user, "message_id": self.message_id,
                                "lang_hint": self.lang}
        if self.value:
            return Event(EventKind.CHOICE, text=self.text, value=self.value, **base)
        return Event(EventKind.TEXT, text=self.text, **base)


def _scrubbed(data: Any) -> Any:
    """The message's own strings without lone surrogates (answered, not refused; see events)."""
    if not isinstance(data, dict):
        return data
    return {k: without_surrogates(v) if isinstance(v, str) else v for k, v in data.items()}


router = APIRouter()


def _static(name: str) -> Response:
    return Response((STATIC / name).read_bytes(), media_type=_FILES[name], headers=_HEADERS)


@router.get("/", include_in_schema=False)
async def page() -> Response:
    return _static("index.html")


@router.get("/static/{name}", include_in_schema=False)
async def static(name: str) -> Response:
    if name not in _FILES or name == "index.html":
        return JSONResponse({"error": "not found"}, status_code=404)
    return _static(name)


@router.post("/webchat/messages")
async def webchat_message(request: Request) -> JSONResponse:
    """One message from the page; answers `{"replies": [{"text", "choices": [{label, value}]}],
    "lang"}`: `lang` is the conversation's language, which the page's own labels follow."""
    runtime: Runtime = request.app.state.runtime
    try:
        message = WebchatMessage.model_validate(_scrubbed(json.loads(await request.body())))
    # JSONDecodeError and UnicodeDecodeError are ValueErrors; JSON nested thousands deep is a
    # RecursionError: each is the sender's fault, a 400 without a traceback.
    except (ValueError, ValidationError, RecursionError):
        runtime.metrics.errors.labels(CHANNEL, "bad_request").inc()
        return JSONResponse({"error": "expected JSON: user, message_id, text or value"}, status_code=400)
    if not message.text.strip() and not message.value:
        return JSONResponse({"error": "empty message"}, status_code=400)
    try:
        # The client's address as uvicorn gives it (X-Forwarded-For only from FORWARDED_ALLOW_IPS).
        address = request.client.host if request.client is not None else "unknown"
        if await runtime.admit_webchat(message.user, address) is not Admission.ALLOW:
            busy = translate(language_from_hint(message.lang), BUSY)
            return JSONResponse({"error": "busy", "message": busy}, status_code=429)
        replies = await runtime.converse(message.event())
    except (StoreUnavailable, StoreConflict):
        return JSONResponse({"error": "unavailable", "message": trouble(message.lang)}, status_code=503)
    runtime.metrics.messages_out.labels(CHANNEL).inc(len(replies))
    body: dict[str, Any] = {"replies": [
        {"text": r.text, "choices": [{"label": c.label, "value": c.value} for c in r.choices]}
        for r in replies
    ]}
    lang = next((r.lang for r in reversed(replies) if r.lang), None)
    if lang:
        body["lang"] = lang
    return JSONResponse(body)
