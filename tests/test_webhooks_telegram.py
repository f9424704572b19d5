"""The Telegram webhook with real update payloads, against a local fake Bot API server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Update
from typer.testing import CliRunner

from bot.cli.telegram import app as telegram_cli
from bot.core.events import EventKind
from bot.errors import InputError
from bot.outbox import Outbox
from bot.settings import Settings
from tests.fakes import SERVER_FLOWS, FlakyStore, asgi_client
from tests.fakes.telegram_api import BOT_USER, TOKEN, FakeBotApi, running_fake_bot_api
from webhooks.app import create_app
from webhooks.runtime import Runtime, open_runtime
from webhooks.telegram import TelegramSender, event_from_update, outbox_senders, poll_updates

FLOWS = SERVER_FLOWS
SECRET = "s3cret-Token_for-tests"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
CHAT = 777000111
UNSUPPORTED = "Solo puedo leer mensajes de texto"

# --- real update shapes (as Telegram sends them) -------------------------------------------
USER = {"id": CHAT, "is_bot": False, "first_name": "Ana", "language_code": "es"}
PRIVATE = {"id": CHAT, "first_name": "Ana", "type": "private"}


def message(update_id: int, chat: dict[str, Any] = PRIVATE, **content: Any) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 10 + update_id, "from": USER, "chat": chat, "date": 1735689600, **content}}


def text(update_id: int, words: str) -> dict[str, Any]:
    return message(update_id, text=words)


def button(update_id: int, data: str) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"43829{update_id}", "from": USER, "chat_instance": "-5823901234",
        "data": data, "message": {"message_id": 9, "from": BOT_USER, "chat": PRIVATE,
                                  "date": 1735689600, "text": "¿Estás de acuerdo?"}}}


LOCATION = {"location": {"latitude": 19.4326, "longitude": -99.1332}}
CONTACT = {"contact": {"phone_number": "+5215512345678", "first_name": "Ana", "user_id": CHAT}}
STICKER = {"sticker": {"file_id": "CAACAgIAAxkBAAEBm", "file_unique_id": "AgADrQADMNSdEQ",
                       "type": "regular", "width": 512, "height": 512, "is_animated": False,
                       "is_video": False, "emoji": "👍"}}
VOICE = {"voice": {"file_id": "AwACAgEAAxkBAAIB", "file_unique_id": "AgADBQAD", "duration": 3,
                   "mime_type": "audio/ogg"}}


def edited(update_id: int) -> dict[str, Any]:
    update = text(update_id, "hola otra vez")
    update["edited_message"] = {**update.pop("message"), "edit_date": 1735689700}
    return update


def my_chat_member(update_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "my_chat_member": {
        "chat": PRIVATE, "from": USER, "date": 1735689600,
        "old_chat_member": {"user": BOT_USER, "status": "member"},
        "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0}}}


# --- fixtures --------------------------------------------------------------------------------
@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with running_fake_bot_api() as fake:
        yield fake


def settings_for(api: FakeBotApi, redis_url: str | None = None, **changes: Any) -> Settings:
    values: dict[str, Any] = {"telegram_secret": SECRET, "flows_reload_seconds": 0, "flows_dir": FLOWS,
                              **changes}
    return Settings(redis_url=redis_url, telegram_token=TOKEN,
                          telegram_api_base_url=api.base_url, **values)


# --- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("payload", "kind"), [
    (text(1, "hola"), EventKind.TEXT),
    (button(2, "1"), EventKind.CHOICE),
    (message(3, **LOCATION), EventKind.LOCATION),
    (message(4, **CONTACT), EventKind.CONTACT),
    (message(5, **STICKER), EventKind.UNSUPPORTED),
    (message(6, **VOICE), EventKind.UNSUPPORTED),
])
def test_updates_become_events(payload: dict[str, Any], kind: EventKind) -> None:
    event = event_from_update(Update.de_json(payload, None))
    assert event is not None
    assert (event.kind, event.channel, event.user) == (kind, "telegram", str(CHAT))
    assert event.message_id == str(payload["update_id"])
    assert event.lang_hint == "es"
    if kind is EventKind.CHOICE:
        assert event.value == "1"
    if kind is EventKind.LOCATION:
        assert (event.latitude, event.longitude) == (19.4326, -99.1332)
    if kind is EventKind.CONTACT:
        assert event.phone == "+5215512345678"


@pytest.mark.parametrize("payload", [
    edited(7), my_chat_member(8),
    message(9, chat={"id": -100123, "title": "Sindicato", "type": "supergroup"}, text="hola"),
    message(10, pinned_message={"message_id": 3, "date": 1735689600, "chat": PRIVATE}),
])
def test_other_updates_are_ignored(payload: dict[str, Any]) -> None:
    assert event_from_update(Update.de_json(payload, None)) is None


# --- the webhook -----------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}])
async def test_a_missing_or_wrong_secret_is_refused(api: FakeBotApi, headers: dict[str, str]) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=headers)
    assert response.status_code == 403
    assert api.sent() == []


async def test_a_conversation_with_text_and_buttons(api: FakeBotApi) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        first = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        assert first.status_code == 200
        welcome, privacy = api.sent()
        assert welcome["chat_id"] == str(CHAT) and welcome["text"].startswith("¡Hola!")
        keyboard = privacy["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in keyboard] == ["Sí", "No"]
        yes = keyboard[0][0]["callback_data"]

        second = await client.post("/webhooks/telegram", json=button(2, yes), headers=HEADERS)
    assert second.status_code == 200
    assert api.sent("answerCallbackQuery") == [{"callback_query_id": "438292"}]
    assert "Gracias por tu confianza." in api.texts()
    menu = api.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert len(menu) == 3 and all(len(row) == 1 for row in menu)


@pytest.mark.parametrize("content", [LOCATION, CONTACT])
async def test_locations_and_contacts_are_answered(api: FakeBotApi, content: dict[str, Any]) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        before = len(api.sent())
        response = await client.post("/webhooks/telegram", json=message(2, **content), headers=HEADERS)
    assert response.status_code == 200
    assert len(api.sent()) > before


async def test_a_sticker_gets_the_kind_text_only_reply(api: FakeBotApi) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", json=message(1, **STICKER), headers=HEADERS)
    assert response.status_code == 200
    assert len(api.texts()) == 1 and UNSUPPORTED in api.texts()[0]


@pytest.mark.parametrize("payload", [edited(1), my_chat_member(2)])
async def test_other_update_types_get_200_and_no_reply(api: FakeBotApi, payload: dict[str, Any]) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", json=payload, headers=HEADERS)
    assert response.status_code == 200
    assert api.sent() == []


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"update_id": "1"}', b"\xff\xfe",
                                  b'{"update_id": 1, "message": {"chat": 5}}'])
async def test_malformed_updates_get_400(api: FakeBotApi, body: bytes) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", content=body,
                                     headers={**HEADERS, "Content-Type": "application/json"})
    assert response.status_code == 400


async def test_store_unavailable_gets_503_and_the_redelivery_is_answered(api: FakeBotApi) -> None:
    async with asgi_client(create_app(settings_for(api), store=FlakyStore(failures=1))) as client:
        failed = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        assert failed.status_code == 503 and api.sent() == []
        again = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
    assert again.status_code == 200
    assert api.texts()[0].startswith("¡Hola!")


async def test_a_redelivered_update_does_not_step_twice(api: FakeBotApi) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        await client.post("/webhooks/telegram", json=text(2, "sí"), headers=HEADERS)
        first = api.texts()[2:]
        await client.post("/webhooks/telegram", json=text(2, "sí"), headers=HEADERS)
    assert api.texts()[len(first) + 2:] == first  # the same replies, not a step from the menu


async def test_long_texts_are_split_for_telegram(api: FakeBotApi) -> None:
    from bot.core.turn import Reply
    from webhooks.metrics import Metrics

    sender = TelegramSender(_bot(api), Metrics(), max_wait=0)
    long = " ".join(f"Frase número {i} sobre tus derechos." for i in range(400))
    async with sender.bot:
        await sender.send(str(CHAT), (Reply(long),))
    texts = api.texts()
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)
    assert all(t.endswith(".") for t in texts)
    assert " ".join(texts) == long


@pytest.mark.slow  # honours a real 1 s retry_after
async def test_a_429_is_honoured_with_its_retry_after(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", retry_after=1)
    async with asgi_client(create_app(settings_for(api))) as client:
        started = time.monotonic()
        response = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed >= 1.0
    assert len(api.sent()) == 3  # the refused one, then both replies
    assert api.texts()[1] == api.texts()[0]


async def test_without_an_outbox_an_unsent_reply_asks_telegram_to_redeliver(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", retry_after=60)
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        assert response.status_code == 503
        again = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
    assert again.status_code == 200
    assert api.texts()[-2].startswith("¡Hola!")


@pytest.mark.parametrize("failure", [{"retry_after": 60}, {"status": 502, "description": "Bad Gateway"}])
async def test_unsent_replies_go_to_the_outbox_and_are_sent_from_there(
    api: FakeBotApi, clean_redis: str, failure: dict[str, Any]
) -> None:
    api.fail_next("sendMessage", **failure)
    app = create_app(settings_for(api, clean_redis, outbox_claim_seconds=0.05))
    async with asgi_client(app) as client:
        response = await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        assert response.status_code == 200
        runtime: Runtime = app.state.runtime
        assert runtime.outbox is not None and await runtime.outbox.depth() == 1
        assert len(api.sent()) == 1  # only the refused attempt

        # Another process, an hour later: it takes the entry and sends both replies, in order.
        assert runtime.redis is not None
        later = Outbox(runtime.redis, claim_idle=0.05, clock=lambda: time.time() + 3600)
        await later.ensure_group()
        delivered = 0
        for _ in range(20):
            delivered += await later.deliver("other-process", outbox_senders(runtime), block_ms=50)
            if delivered:
                break
        assert delivered == 1
        assert await runtime.outbox.depth() == 0
    texts = api.texts()
    assert texts[1].startswith("¡Hola!") and "¿Estás de acuerdo" in texts[2]


async def test_poll_handles_updates_like_the_webhook(api: FakeBotApi) -> None:
    api.updates += [text(41, "hola"), message(42, **STICKER)]
    async with open_runtime(settings_for(api, telegram_secret=None)) as runtime:
        handled = await poll_updates(runtime, limit=2, timeout=0)
    assert handled == 2
    assert api.texts()[0].startswith("¡Hola!") and UNSUPPORTED in api.texts()[-1]
    assert api.sent("getUpdates")[-1]["offset"] == "43"


async def test_poll_refuses_to_run_while_a_webhook_is_set(api: FakeBotApi) -> None:
    api.webhook_url = "https://bot.example.org/webhooks/telegram"
    async with open_runtime(settings_for(api)) as runtime:
        with pytest.raises(InputError, match="webhook is set"):
            await poll_updates(runtime, limit=1, timeout=0)


def test_set_webhook_registers_the_url_and_the_secret(api: FakeBotApi) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "TELEGRAM_API_BASE_URL": api.base_url}
    result = CliRunner().invoke(telegram_cli, ["set-webhook", "--url", "https://bot.example.org"], env=env)
    assert result.exit_code == 0, result.output
    assert api.webhook_url == "https://bot.example.org/webhooks/telegram"
    assert api.webhook_secret == SECRET
    assert api.sent("setWebhook")[0]["allowed_updates"] == ["message", "callback_query"]


def test_set_webhook_without_a_secret_says_what_to_do(api: FakeBotApi) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": "",
           "TELEGRAM_API_BASE_URL": api.base_url}
    result = CliRunner().invoke(telegram_cli, ["set-webhook", "--url", "https://bot.example.org"], env=env)
    assert result.exit_code == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in result.output
    assert api.sent("setWebhook") == []


def _bot(api: FakeBotApi) -> Any:
    from telegram import Bot

    return Bot(TOKEN, base_url=api.base_url)



# --- issue 18: untrusted input -----------------------------------------------------------------
POLL = {"id": "5372", "question": "¿Vienes?", "total_voter_count": 1, "is_closed": False,
        "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
        "options": [{"text": "Sí", "voter_count": 1}, {"text": "No", "voter_count": 0}]}


@pytest.mark.parametrize("payload", [
    {"update_id": 30, "poll": POLL},  # as the Bot API sends it; this PTB wants a newer shape
    {"update_id": 31, "poll_answer": {"poll_id": "5372", "user": USER, "option_ids": [0]}},
    {"update_id": 32, "message_reaction": {"chat": PRIVATE, "message_id": 3, "date": 1735689600,
                                           "old_reaction": [], "new_reaction": [
                                               {"type": "emoji", "emoji": "👍"}]}},
    {"update_id": 33, "some_future_kind": {"x": [1, 2]}},
    edited(34), my_chat_member(35),
    message(36, poll=POLL),  # a poll sent in her chat: nothing the bot reads
])
async def test_update_kinds_the_bot_does_not_handle_get_200(api: FakeBotApi,
                                                            payload: dict[str, Any]) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", json=payload, headers=HEADERS)
    assert response.status_code == 200
    assert api.sent() == []


async def test_a_message_with_a_part_the_library_cannot_read_is_still_answered(
        api: FakeBotApi) -> None:
    payload = text(37, "hola")
    payload["message"]["poll"] = POLL  # a part PTB refuses; her text is still read
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", json=payload, headers=HEADERS)
    assert response.status_code == 200
    assert api.texts()[0].startswith("¡Hola!")


async def test_deeply_nested_json_gets_400(api: FakeBotApi) -> None:
    body = b'{"update_id": 1, "message": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    async with asgi_client(create_app(settings_for(api))) as client:
        response = await client.post("/webhooks/telegram", content=body,
                                     headers={**HEADERS, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "malformed update"}


async def test_a_lone_surrogate_is_answered_not_a_500(api: FakeBotApi, clean_redis: str) -> None:
    async with asgi_client(create_app(settings_for(api, clean_redis))) as client:
        body = json.dumps(text(1, "me corrieron x\ud800y")).encode()  # "\ud800" escaped, as sent
        response = await client.post("/webhooks/telegram", content=body,
                                     headers={**HEADERS, "Content-Type": "application/json"})
        assert response.status_code == 200
    assert api.texts()[0].startswith("¡Hola!")


async def test_a_forged_button_does_not_skip_consent(api: FakeBotApi) -> None:
    async with asgi_client(create_app(settings_for(api))) as client:
        await client.post("/webhooks/telegram", json=text(1, "hola"), headers=HEADERS)
        response = await client.post("/webhooks/telegram", json=button(2, "go:echo|days=EVIL"),
                                     headers=HEADERS)
    assert response.status_code == 200
    said = " ".join(api.texts()[2:])
    assert said and "EVIL" not in said and "Gracias por tu confianza" not in said
