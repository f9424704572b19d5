"""The WhatsApp adapter (Twilio): a signed form post in, TwiML out.

`X-Twilio-Signature` is checked against `PUBLIC_BASE_URL + /webhooks/whatsapp`, the exact URL
Twilio calls (behind a TLS-terminating proxy the request's own URL would say http://).
`Event.message_id` is the `MessageSid`, so a retried post gets the stored replies and the
same TwiML; a MessageSid or AccountSid not shaped as Twilio's, or naming another account than
`TWILIO_ACCOUNT_SID`, is a 400 with no step. `ProfileName` is read but not passed on: the bot
asks for a name only with consent.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.core.events import Event, EventKind
from bot.core.turn import Reply
from bot.errors import StoreConflict, StoreUnavailable
from bot.render import render_whatsapp
from webhooks.runtime import Runtime, trouble

CHANNEL = "whatsapp"
SIGNATURE_HEADER = "X-Twilio-Signature"
FORM = "application/x-www-form-urlencoded"
# Twilio's ids, by shape. The signature joins keys and values with no separator, so a captured
# post could fold the params after MessageSid into its value (a new dedupe key, a second step):
# a MessageSid of exactly this shape cannot hold them (review 2026-12-02, F8).
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-f]{32}")
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")


class BadForm(ValueError):
    """The post is not a form Twilio would send."""


def parse_form(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadForm("malformed form data") from exc
    return dict(pairs)


def _coordinate(params: dict[str, str], name: str, limit: float) -> float | None:
    """A latitude or longitude, or None when it is missing or not one (then the message is read
    as text: her words are answered rather than refused)."""
    try:
        value = float(params.get(name, "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= limit else None


def event_from_form(params: dict[str, str], account: str | None = None) -> Event:
    """Map Twilio's fields to an engine event; unknown fields are ignored. `account` is the
    configured AccountSid, which the post must name when one is configured."""
    sid, sender = params.get("MessageSid", "").strip(), params.get("From", "").strip()
    if not sid or not sender:
        raise BadForm("MessageSid and From are required")
    if not MESSAGE_SID.fullmatch(sid):
        raise BadForm("MessageSid is not a Twilio message id")
    account_sid = params.get("AccountSid", "")
    if not ACCOUNT_SID.fullmatch(account_sid) or (account and account_sid != account):
        raise BadForm("AccountSid is not this account's")
    body = params.get("Body", "")
    base: dict[str, Any] = {"channel": CHANNEL, "user": sender, "message_id": sid}
    payload = params.get("ButtonPayload", "").strip()
    if payload:
        return Event(EventKind.CHOICE, value=payload, text=params.get("ButtonText", body), **base)
    latitude, longitude = _coordinate(params, "Latitude", 90), _coordinate(params, "Longitude", 180)
    if latitude is not None and longitude is not None:
        return Event(EventKind.LOCATION, latitude=latitude, longitude=longitude, **base)
    if not body.strip():  # a voice note, an image, a sticker, a reaction: the bot reads text
        return Event(EventKind.UNSUPPORTED, **base)
    return Event(EventKind.TEXT, text=body, **base)


def twiml(texts: list[str]) -> Response:
    response = MessagingResponse()
    for text in texts:
        response.message(text)
    return Response(str(response), media_type="application/xml")


def bodies(replies: tuple[Reply, ...]) -> list[str]:
    """Every message to send: menus as numbered lists, long texts split to 1600 characters."""
    return [body for reply in replies for body in render_whatsapp(reply)]


router = APIRouter()


@router.post("/webhooks/whatsapp")
async def whatsapp_webhook(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if not request.headers.get("content-type", "").lower().startswith(FORM):
        return JSONResponse({"error": f"expected {FORM}"}, status_code=415)
    try:
        params = parse_form(await request.body())
    except BadForm as exc:
        runtime.metrics.errors.labels(CHANNEL, "bad_request").inc()
        return JSONResponse({"error": str(exc)}, status_code=400)
    validator = RequestValidator(runtime.settings.twilio_auth_token)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature or not validator.validate(runtime.settings.whatsapp_url, params, signature):
        runtime.metrics.errors.labels(CHANNEL, "bad_signature").inc()
        return JSONResponse({"error": "forbidden"}, status_code=403)
    try:
        event = event_from_form(params, runtime.settings.twilio_account_sid)
    except BadForm as exc:
        runtime.metrics.errors.labels(CHANNEL, "bad_request").inc()
        return JSONResponse({"error": str(exc)}, status_code=400)
    try:
        replies = await runtime.converse(event)
    except (StoreUnavailable, StoreConflict):
        return twiml([trouble(None)])  # Twilio does not re-deliver: ask the worker to write again
    texts = bodies(replies)
    runtime.metrics.messages_out.labels(CHANNEL).inc(len(texts))
    return twiml(texts)
