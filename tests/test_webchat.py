"""The web chat's page and JSON API (the browser itself is driven in test_webchat_browser.py)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from bot.settings import Settings
from bot.store.base import UserKey
from tests.fakes import SERVER_FLOWS as FLOWS
from tests.fakes import DownStore, asgi_client
from webhooks.app import create_app
from webhooks.webchat import STATIC

USER = "anon-" + "a1b2c3d4e5"


def app(**changes: Any) -> Any:
    return create_app(Settings(flows_reload_seconds=0, flows_dir=FLOWS, **changes))


async def say(client: httpx.AsyncClient, text: str = "", value: str | None = None, lang: str = "es",
              message_id: str | None = None, user: str = USER) -> httpx.Response:
    return await client.post("/webchat/messages", json={
        "user": user, "message_id": message_id or uuid.uuid4().hex, "text": text, "value": value,
        "lang": lang})


async def test_the_page_is_self_contained_and_accessible() -> None:
    async with asgi_client(app()) as client:
        page = await client.get("/")
        css = await client.get("/static/chat.css")
        js = await client.get("/static/chat.js")
    assert page.status_code == css.status_code == js.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    html = page.text
    assert '<html lang="es">' in html and 'name="viewport"' in html
    assert '<label for="text"' in html and 'aria-live="polite"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external resources"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in css.text and "//cdn" not in js.text


@pytest.mark.parametrize("name", ["../app.py", "index.html", "nope.js", "%2e%2e%2fapp.py"])
async def test_only_the_chat_files_are_served(name: str) -> None:
    async with asgi_client(app()) as client:
        response = await client.get(f"/static/{name}")
    assert response.status_code == 404


async def test_a_conversation_with_buttons() -> None:
    async with asgi_client(app()) as client:
        first = await say(client, "hola")
        assert first.status_code == 200
        welcome, privacy = first.json()["replies"]
        assert welcome["text"].startswith("¡Hola!") and welcome["choices"] == []
        assert [c["label"] for c in privacy["choices"]] == ["Sí", "No"]
        yes = privacy["choices"][0]
        second = await say(client, yes["label"], yes["value"])
    replies = second.json()["replies"]
    assert replies[0]["text"] == "Gracias por tu confianza."
    assert [c["label"] for c in replies[1]["choices"]][0] == "Hablar con una persona"


async def test_the_browser_language_picks_english() -> None:
    async with asgi_client(app()) as client:
        replies = (await say(client, "hello", lang="en")).json()["replies"]
    assert [c["label"] for c in replies[-1]["choices"]] == ["Yes", "No"]


async def test_a_retried_post_is_answered_without_a_second_step() -> None:
    async with asgi_client(app()) as client:
        await say(client, "hola")
        first = await say(client, "sí", message_id="m-2")
        again = await say(client, "sí", message_id="m-2")
    assert again.json() == first.json()


async def test_each_browser_has_its_own_conversation() -> None:
    application = app()
    async with asgi_client(application) as client:
        await say(client, "hola")
        other = await say(client, "hola", user="anon-ffffffffff")
        loaded = await application.state.runtime.service.store.load(UserKey("webchat", USER), "x")
    assert other.json()["replies"][0]["text"].startswith("¡Hola!")
    assert loaded.session is not None


@pytest.mark.parametrize("body", [
    b"{not json", b"[]", b'"hola"', b"\xff\xfe", b"{}",
    b'{"user": "short", "message_id": "1", "text": "hola"}',
    b'{"user": "anon-a1b2c3d4e5", "message_id": "1", "text": ""}',
    b'{"user": "anon/../../etc", "message_id": "1", "text": "hola"}',
    b'{"user": "anon-a1b2c3d4e5", "message_id": "1 2", "text": "hola"}',
    b'{"user": "anon-a1b2c3d4e5", "message_id": "1", "text": 5}',
])
async def test_malformed_messages_get_400(body: bytes) -> None:
    async with asgi_client(app()) as client:
        response = await client.post("/webchat/messages", content=body,
                                     headers={"Content-Type": "application/json"})
    assert response.status_code == 400


async def test_store_unavailable_gets_503_with_a_message_to_show() -> None:
    down = create_app(Settings(flows_reload_seconds=0, flows_dir=FLOWS), store=DownStore())
    async with asgi_client(down) as client:
        response = await say(client, "hola")
    assert response.status_code == 503
    assert response.json()["message"].startswith("Estamos teniendo problemas")


async def test_the_page_labels_follow_the_language_she_writes_in() -> None:
    async with asgi_client(app()) as client:
        spanish = (await say(client, "hola", lang="en")).json()  # an English browser
        english = (await say(client, "english", lang="en")).json()
    assert spanish["lang"] == "es" and spanish["replies"][0]["text"].startswith("¡Hola!")
    assert english["lang"] == "en"


def test_the_page_swaps_its_labels_when_the_answer_names_a_language() -> None:
    script = (STATIC / "chat.js").read_text(encoding="utf-8")
    assert "data.lang !== lang" in script and "translatePage();" in script


# -- issue 18: untrusted input ------------------------------------------------------------------
@pytest.mark.parametrize("depth", [1_000, 30_000])
async def test_deeply_nested_json_gets_400_without_a_traceback(
        depth: int, caplog: pytest.LogCaptureFixture) -> None:
    body = b'{"user": "anon-a1b2c3d4e5", "message_id": "1", "text": "hola", "x": ' \
        + b"[" * depth + b"]" * depth + b"}"
    async with asgi_client(app()) as client:
        response = await client.post("/webchat/messages", content=body,
                                     headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


async def test_a_lone_surrogate_is_replaced_and_answered() -> None:
    body = b'{"user": "anon-a1b2c3d4e5", "message_id": "1", "text": "me corrieron x\\ud800y"}'
    async with asgi_client(app()) as client:
        response = await client.post("/webchat/messages", content=body,
                                     headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["replies"][0]["text"].startswith("¡Hola!")


async def test_a_forged_button_value_cannot_jump_or_set_a_variable() -> None:
    async with asgi_client(app()) as client:
        await say(client, "hola")
        forged = await say(client, value="go:echo|days=EVIL")
        assert forged.status_code == 200
        texts = " ".join(r["text"] for r in forged.json()["replies"])
        assert "EVIL" not in texts and "Gracias por tu confianza" not in texts
        offered = await say(client, "Sí", value="1")  # the button she was shown still works
        assert "Gracias por tu confianza" in " ".join(r["text"] for r in offered.json()["replies"])
