"""A local fake of the Telegram Bot API: the real wire format, every call recorded, errors on demand.

Reached by pointing `Bot(base_url=...)` (`TELEGRAM_API_BASE_URL`) at `FakeBotApi.base_url`.
It answers `getMe`, `sendMessage`, `answerCallbackQuery`, `setWebhook`, `deleteWebhook`,
`getWebhookInfo` and `getUpdates` with `{"ok": true, "result": ...}`, and a queued failure
(`fail_next`) with `{"ok": false, "error_code": ..., "parameters": {"retry_after": ...}}`.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes import serve_in_thread

TOKEN = "123456:TEST-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Derechos Bot", "username": "derechos_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
_JSON_PARAMS = {"reply_markup", "allowed_updates", "entities", "link_preview_options"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi:
    token: str = TOKEN
    base_url: str = ""  # set once serving: ".../bot", as TELEGRAM_API_BASE_URL expects
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""
    _failures: dict[str, list[JSONResponse]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self._lock:
            return [call.params for call in self.calls if call.method == method]

    def texts(self) -> list[str]:
        return [str(params["text"]) for params in self.sent()]

    def fail_next(self, method: str, times: int = 1, *, retry_after: int | None = None,
                  status: int = 429, description: str | None = None) -> None:
        """The next `times` calls of `method` fail: a 429 with `retry_after`, or `status`."""
        if retry_after is not None:
            status, description = 429, description or f"Too Many Requests: retry after {retry_after}"
        body: dict[str, Any] = {"ok": False, "error_code": status,
                                "description": description or "Internal Server Error"}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self._failures.setdefault(method, []).extend(
                JSONResponse(body, status_code=status) for _ in range(times))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])])

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.path_params["method"]
        params = await _params(request)
        with self._lock:
            self.calls.append(Call(method, params))
            queued = self._failures.get(method)
            if queued:
                return queued.pop(0)
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return JSONResponse({"ok": True, "result": handler(params)})

    def _getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method names
        return BOT_USER

    def _sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": 1735689600, "text": params["text"],
            "from": BOT_USER, "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def _setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook_url = str(params["url"])
        self.webhook_secret = str(params.get("secret_token", ""))
        return True

    def _deleteWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook_url = ""
        return True

    def _getWebhookInfo(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    def _getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        offset = int(params.get("offset", 0) or 0)
        with self._lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return list(self.updates)


async def _params(request: Request) -> dict[str, Any]:
    body = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        data = json.loads(body or b"{}")
        return dict(data)
    params: dict[str, Any] = dict(parse_qsl(body.decode(), keep_blank_values=True))
    params.update(dict(request.query_params))
    for key in _JSON_PARAMS & params.keys():
        params[key] = json.loads(params[key])
    return params


@contextmanager
def running_fake_bot_api(token: str = TOKEN) -> Iterator[FakeBotApi]:
    api = FakeBotApi(token=token)
    with serve_in_thread(api.app()) as url:
        api.base_url = f"{url}/bot"
        yield api
