"""Property-based tests of the HTTP endpoints: whatever arrives (arbitrary JSON, form fields,
encodings, content types, sizes; signed or not), the answer is never a 5xx and never shows a
traceback. The app runs in-process on the shipped flows with the in-memory store; Telegram
replies go to a local fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from bot.settings import MAX_BODY_BYTES, Settings
from tests.fakes import asgi_client, serve_in_thread
from tests.fakes.telegram_api import FakeBotApi
from webhooks.app import create_app

pytestmark = pytest.mark.slow  # Hypothesis: generated webhook requests

AUTH_TOKEN = "fuzz0twilio0auth0token0000000000"
PUBLIC = "https://bot.example.org"
WHATSAPP_URL = f"{PUBLIC}/webhooks/whatsapp"
TOKEN = "123456:FUZZ-token"
SECRET = "fuzz-secret"
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class AnyChatBotApi(FakeBotApi):
    """The fake Bot API, but it also answers for chat ids that are not numbers (the real API
    would say 400 Bad Request): only what the server does with the update is under test here."""

    def _sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method name
        chat = params["chat_id"]
        params = {**params, "chat_id": chat if str(chat).lstrip("-").isdigit() else 1}
        return super()._sendMessage(params)


@dataclass
class Served:
    runner: asyncio.Runner
    client: httpx.AsyncClient

    def post(self, path: str, body: bytes, headers: dict[str, str | bytes]) -> httpx.Response:
        raw = {name.encode(): value if isinstance(value, bytes) else value.encode()
               for name, value in headers.items()}
        return self.runner.run(self.client.post(path, content=body, headers=raw))


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    api = AnyChatBotApi(token=TOKEN)
    with serve_in_thread(api.app()) as url, asyncio.Runner() as runner:
        app = create_app(Settings(
            telegram_token=TOKEN, telegram_secret=SECRET, telegram_api_base_url=f"{url}/bot",
            twilio_auth_token=AUTH_TOKEN, public_base_url=PUBLIC, flows_reload_seconds=0,
            rate_limit_per_minute=0))
        context = asgi_client(app)
        client = runner.run(context.__aenter__())
        try:
            yield Served(runner, client)
        finally:
            runner.run(context.__aexit__(None, None, None))


def check(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


_ids = itertools.count(1)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)
chat_ids = st.integers(-(2**53), 2**53) | st.text(max_size=20) | st.none() | st.floats()


@st.composite
def updates(draw: st.DrawFn) -> Any:
    """Telegram updates: well-formed ones with odd contents, and shapes Telegram never sends."""
    chat = {"id": draw(chat_ids), "type": draw(st.sampled_from(["private", "group", "channel", "x", 5]))}
    user = {"id": draw(st.integers(1, 2**40)), "is_bot": draw(st.booleans()), "first_name": "A",
            "language_code": draw(st.sampled_from(["es", "en", "", "zz-ZZ", None]))}
    content = draw(st.sampled_from(["text", "location", "contact", "sticker", "callback", "edited",
                                    "garbage"]))
    update: dict[str, Any] = {"update_id": draw(st.integers(0, 2**31) | st.just(next(_ids)))}
    message: dict[str, Any] = {"message_id": draw(st.integers(0, 2**31)), "date": draw(st.integers(0, 2**33)),
                               "chat": chat, "from": user}
    if content == "text":
        message["text"] = draw(st.text(max_size=5000))
        update["message"] = message
    elif content == "location":
        message["location"] = {"latitude": draw(st.floats()), "longitude": draw(st.floats())}
        update["message"] = message
    elif content == "contact":
        message["contact"] = {"phone_number": draw(st.text(max_size=30)), "first_name": "B"}
        update["message"] = message
    elif content == "sticker":
        message["sticker"] = {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1,
                              "is_animated": False, "is_video": False, "type": "regular"}
        update["message"] = message
    elif content == "callback":
        update["callback_query"] = {"id": draw(st.text(max_size=10)), "from": user, "chat_instance": "c",
                                    "data": draw(st.text(max_size=80) | st.none()),
                                    "message": message if draw(st.booleans()) else None}
    elif content == "edited":
        message["text"] = "hola"
        update["edited_message"] = message
    else:
        update.update(draw(st.dictionaries(st.text(max_size=15), json_values, max_size=5)))
    part = update.get("message") or update.get("callback_query")
    if isinstance(part, dict) and draw(st.sampled_from(["as sent", "broken"])) == "broken":
        # A field Telegram always sends: missing, null, or of another type.
        field = draw(st.sampled_from(sorted(part)))
        if draw(st.booleans()):
            del part[field]
        else:
            part[field] = draw(st.none() | json_values)
    return update


@FUZZ
@given(update=updates() | json_values, secret=st.sampled_from([SECRET] * 6 + ["", "wrong", "ñ"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_telegram_webhook_never_fails(served: Served, update: Any, secret: str, encoding: str) -> None:
    body = json.dumps(update, ensure_ascii=False).encode(encoding, "replace")
    headers: dict[str, str | bytes] = {"Content-Type": "application/json",
                                       "X-Telegram-Bot-Api-Secret-Token": secret.encode("utf-8")}
    check(served.post("/webhooks/telegram", body, headers))


TWILIO_FIELDS = ["MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0",
                 "ProfileName", "WaId", "Latitude", "Longitude", "Address", "Label", "ButtonText",
                 "ButtonPayload", "MessageType", "SmsStatus", "AccountSid", "ApiVersion"]
field_values = (st.text(max_size=200) | st.sampled_from(
    ["", "whatsapp:+5215512345678", "hola", "1", "nan", "inf", "-inf", "1e308", "19.43", "-99.13",
     "SM" + "0" * 32, "menu", "borrar mis datos", " "]) | st.text(min_size=1500, max_size=2000))


@st.composite
def forms(draw: st.DrawFn) -> dict[str, str]:
    form = draw(st.dictionaries(st.sampled_from(TWILIO_FIELDS) | st.text(max_size=20), field_values,
                                max_size=12))
    if draw(st.booleans()):  # mostly a message that gets past the required fields
        form.setdefault("MessageSid", f"SM{next(_ids):032x}")
        form.setdefault("From", draw(st.sampled_from(["whatsapp:+5215500000001", "whatsapp:+1", "x"])))
    return form


@FUZZ
@given(form=forms(), signed=st.booleans(), charset=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
       content_type=st.sampled_from(["application/x-www-form-urlencoded",
                                     "application/x-www-form-urlencoded; charset=UTF-8",
                                     "APPLICATION/X-WWW-FORM-URLENCODED", "multipart/form-data",
                                     "text/plain", ""]))
def test_whatsapp_webhook_never_fails(
    served: Served, form: dict[str, str], signed: bool, charset: str, content_type: str
) -> None:
    body = urlencode(form, encoding=charset, errors="replace", quote_via=quote).encode("ascii")
    headers: dict[str, str | bytes] = {"Content-Type": content_type}
    if signed:
        headers["X-Twilio-Signature"] = RequestValidator(AUTH_TOKEN).compute_signature(WHATSAPP_URL, form)
    check(served.post("/webhooks/whatsapp", body, headers))


@FUZZ
@given(body=st.binary(max_size=3000) | st.integers(MAX_BODY_BYTES - 10, MAX_BODY_BYTES + 10).map(
           lambda n: b"Body=" + b"a" * n),
       path=st.sampled_from(["/webhooks/whatsapp", "/webhooks/telegram", "/webchat/messages"]),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/json", ""]))
def test_raw_bytes_and_sizes_never_fail(served: Served, body: bytes, path: str, content_type: str) -> None:
    headers: dict[str, str | bytes] = {"Content-Type": content_type,
                                       "X-Telegram-Bot-Api-Secret-Token": SECRET}
    check(served.post(path, body, headers))


@FUZZ
@given(message=st.fixed_dictionaries({}, optional={
    "user": st.text(max_size=70) | st.just("anon-fuzz-0001") | json_values,
    "message_id": st.text(max_size=70) | json_values,
    "text": st.text(max_size=4100) | json_values,
    "value": st.text(max_size=300) | st.sampled_from(["cmd:menu", "go:rights", "1"]) | json_values,
    "lang": st.text(max_size=40) | json_values}) | json_values)
def test_webchat_never_fails(served: Served, message: Any) -> None:
    body = json.dumps(message).encode()
    check(served.post("/webchat/messages", body, {"Content-Type": "application/json"}))
