"""Schemathesis against the app's own OpenAPI schema, for its JSON endpoints: the web chat API,
the Telegram webhook, health and readiness. No generated request may get a 5xx or a traceback.

The app reads its request bodies itself (so it can answer a malformed one with a plain 400),
so FastAPI's schema says nothing about them; the test adds them before generating: the web
chat's from its pydantic model, the Telegram update's from the fields the adapter reads. The
server runs with its lifespan on a loopback port (uvicorn in a thread), with the in-memory
store and a local fake Telegram Bot API.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from bot.settings import Settings
from tests.fakes import serve_in_thread
from tests.fakes.telegram_api import FakeBotApi
from webhooks.app import create_app
from webhooks.webchat import WebchatMessage

pytestmark = pytest.mark.slow  # Schemathesis: generated requests against a served app

TOKEN = "123456:SCHEMA-token"
SECRET = "schema-secret"
JSON_PATHS = ("/webchat/messages", "/webhooks/telegram", "/healthz", "/readyz")

_CHAT = {"type": "object", "required": ["id", "type"], "properties": {
    "id": {"type": "integer"}, "type": {"type": "string", "enum": ["private", "group"]}}}
_USER = {"type": "object", "required": ["id", "is_bot", "first_name"], "properties": {
    "id": {"type": "integer", "minimum": 1}, "is_bot": {"type": "boolean"},
    "first_name": {"type": "string"}, "language_code": {"type": "string"}}}
TELEGRAM_UPDATE = {"type": "object", "required": ["update_id"], "properties": {
    "update_id": {"type": "integer", "minimum": 0},
    "message": {"type": "object", "required": ["message_id", "date", "chat"], "properties": {
        "message_id": {"type": "integer"}, "date": {"type": "integer"}, "chat": _CHAT, "from": _USER,
        "text": {"type": "string", "maxLength": 4096},
        "location": {"type": "object", "required": ["latitude", "longitude"], "properties": {
            "latitude": {"type": "number"}, "longitude": {"type": "number"}}},
        "contact": {"type": "object", "required": ["phone_number", "first_name"], "properties": {
            "phone_number": {"type": "string"}, "first_name": {"type": "string"}}}}},
    "callback_query": {"type": "object", "required": ["id", "from", "chat_instance"], "properties": {
        "id": {"type": "string"}, "from": _USER, "chat_instance": {"type": "string"},
        "data": {"type": "string", "maxLength": 64}}}}}


class AnyChatBotApi(FakeBotApi):
    """Answers `sendMessage` whatever the chat id looks like (only the server is under test)."""

    def _sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method name
        chat = params["chat_id"]
        return super()._sendMessage({**params, "chat_id": chat if str(chat).lstrip("-").isdigit() else 1})


def settings_for(api_url: str) -> Settings:
    return Settings(telegram_token=TOKEN, telegram_secret=SECRET, telegram_api_base_url=api_url,
                          flows_reload_seconds=0, rate_limit_per_minute=0)


def json_schema() -> dict[str, Any]:
    """The app's schema, its JSON endpoints only, with the request bodies it reads."""
    raw = copy.deepcopy(create_app(settings_for("http://127.0.0.1:9/bot")).openapi())
    raw["paths"] = {path: ops for path, ops in raw["paths"].items() if path in JSON_PATHS}
    chat = WebchatMessage.model_json_schema()
    raw["paths"]["/webchat/messages"]["post"]["requestBody"] = {
        "required": True, "content": {"application/json": {"schema": chat}}}
    telegram = raw["paths"]["/webhooks/telegram"]["post"]
    telegram["requestBody"] = {"required": True, "content": {"application/json": {"schema": TELEGRAM_UPDATE}}}
    telegram["parameters"] = [{"name": "X-Telegram-Bot-Api-Secret-Token", "in": "header", "required": True,
                               "schema": {"type": "string", "enum": [SECRET]}}]
    return raw


schema = schemathesis.openapi.from_dict(json_schema())


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    api = AnyChatBotApi(token=TOKEN)
    with serve_in_thread(api.app()) as api_url:
        api.base_url = f"{api_url}/bot"
        with serve_in_thread(create_app(settings_for(api.base_url))) as url:
            yield url


def test_the_schema_covers_the_json_endpoints() -> None:
    assert sorted(json_schema()["paths"]) == sorted(JSON_PATHS)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case[Any], base_url: str) -> None:
    response = case.call(base_url=base_url, timeout=10)
    case.validate_response(response, checks=[not_a_server_error])
    assert "Traceback" not in response.text
