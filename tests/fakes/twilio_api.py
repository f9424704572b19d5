"""A local fake of Twilio's Messages REST API: the real wire format, every call recorded.

Reached by setting the REST client's API base URL (`TWILIO_API_BASE_URL`) to `FakeTwilioApi.base_url`.
It answers `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (form-encoded `From`, `To`,
`Body` or `ContentSid` + `ContentVariables`) with 201 and a message resource, after checking
HTTP basic auth; `fail_next` queues Twilio-shaped errors (`{"code", "message", "status"}`).
"""

from __future__ import annotations

import base64
import itertools
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

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
FROM = "whatsapp:+14155238886"


@dataclass
class FakeTwilioApi:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    base_url: str = ""
    messages: list[dict[str, str]] = field(default_factory=list)
    _failures: list[JSONResponse] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self.messages)

    def fail_next(self, times: int = 1, status: int = 500, code: int = 20500,
                  message: str = "Internal Server Error") -> None:
        """The next `times` calls fail as Twilio does: e.g. 429/20429, or 400/63016 (window closed)."""
        body = {"code": code, "message": message, "status": status,
                "more_info": f"https://www.twilio.com/docs/errors/{code}"}
        with self._lock:
            self._failures.extend(JSONResponse(body, status_code=status) for _ in range(times))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/2010-04-01/Accounts/{sid}/Messages.json", self._create,
                                       methods=["POST"])])

    async def _create(self, request: Request) -> JSONResponse:
        if request.path_params["sid"] != self.account_sid or not self._authorized(request):
            return JSONResponse({"code": 20003, "message": "Authenticate", "status": 401}, 401)
        params = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        with self._lock:
            if self._failures:
                return self._failures.pop(0)
            self.messages.append(params)
            sid = f"SM{next(self._ids):032d}"
        return JSONResponse(self._resource(sid, params), status_code=201)

    def _authorized(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    def _resource(self, sid: str, params: dict[str, str]) -> dict[str, Any]:
        return {"sid": sid, "account_sid": self.account_sid, "status": "queued",
                "to": params.get("To"), "from": params.get("From"), "body": params.get("Body", ""),
                "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01",
                "date_created": "Mon, 01 Mar 2027 18:00:00 +0000", "error_code": None,
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}


@contextmanager
def running_fake_twilio_api() -> Iterator[FakeTwilioApi]:
    api = FakeTwilioApi()
    with serve_in_thread(api.app()) as url:
        api.base_url = url
        yield api
