"""The WhatsApp (Twilio) webhook with real, signed form posts."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.core.turn import Choice, Reply
from bot.settings import Settings
from tests.fakes import SERVER_FLOWS, DownStore, asgi_client
from webhooks.app import create_app
from webhooks.whatsapp import bodies

FLOWS = SERVER_FLOWS
AUTH_TOKEN = "12345678901234567890123456789012"
PUBLIC = "https://bot.example.org"
URL = f"{PUBLIC}/webhooks/whatsapp"
SENDER = "whatsapp:+5215512345678"
UNSUPPORTED = "Solo puedo leer mensajes de texto"
TROUBLE = "Estamos teniendo problemas técnicos"
_sids = itertools.count(1)


def inbound(**fields: str) -> dict[str, str]:
    """A WhatsApp message as Twilio posts it, with the fields Twilio adds that we ignore."""
    sid = f"SM{next(_sids):032x}"
    form = {
        "SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Ana", "MessageType": "text",
        "SmsSid": sid, "WaId": "5215512345678", "SmsStatus": "received", "Body": "",
        "To": "whatsapp:+14155238886", "NumSegments": "1", "ReferralNumMedia": "0",
        "MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": SENDER, "ApiVersion": "2010-04-01",
    }
    form.update(fields)
    return form


def signed(form: dict[str, str], url: str = URL, token: str = AUTH_TOKEN) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form),
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}


def messages(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response"
    return [message.text or "" for message in root.iter("Message")]


def settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"twilio_auth_token": AUTH_TOKEN, "public_base_url": PUBLIC,
                              "flows_reload_seconds": 0, "flows_dir": FLOWS, **changes}
    return Settings(**values)


async def post(client: httpx.AsyncClient, form: dict[str, str], **sign: str) -> httpx.Response:
    return await client.post("/webhooks/whatsapp", content=urlencode(form), headers=signed(form, **sign))


async def test_a_conversation_with_numbered_menus() -> None:
    async with asgi_client(create_app(settings())) as client:
        welcome, privacy = messages(await post(client, inbound(Body="hola")))
        assert welcome.startswith("¡Hola!")
        assert privacy.endswith("1. Sí\n2. No")
        thanks, menu = messages(await post(client, inbound(Body="1")))
    assert thanks == "Gracias por tu confianza."
    assert "1. Hablar con una persona" in menu


async def test_a_quick_reply_button_is_a_choice() -> None:
    async with asgi_client(create_app(settings())) as client:
        await post(client, inbound(Body="hola"))
        replies = messages(await post(client, inbound(Body="Sí", ButtonText="Sí", ButtonPayload="1",
                                                      MessageType="button")))
    assert replies[0] == "Gracias por tu confianza."


@pytest.mark.parametrize("media", [
    {"NumMedia": "1", "MediaContentType0": "audio/ogg", "MessageType": "audio",
     "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"},
    {"NumMedia": "1", "MediaContentType0": "image/jpeg", "MessageType": "image",
     "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM2/Media/ME2"},
])
async def test_a_voice_note_or_an_image_gets_a_kind_reply(media: dict[str, str]) -> None:
    async with asgi_client(create_app(settings())) as client:
        replies = messages(await post(client, inbound(**media)))
    assert len(replies) == 1 and UNSUPPORTED in replies[0]


async def test_an_image_with_a_caption_is_read_as_text() -> None:
    form = inbound(Body="hola", NumMedia="1", MediaContentType0="image/jpeg", MessageType="image",
                   MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM3/Media/ME3")
    async with asgi_client(create_app(settings())) as client:
        replies = messages(await post(client, form))
    assert replies[0].startswith("¡Hola!")


async def test_a_shared_location_is_answered() -> None:
    form = inbound(Latitude="19.4326", Longitude="-99.1332", Address="Zócalo, CDMX",
                   Label="Zócalo", MessageType="location")
    async with asgi_client(create_app(settings())) as client:
        await post(client, inbound(Body="hola"))
        replies = messages(await post(client, form))
    assert replies and UNSUPPORTED not in replies[0]


async def test_a_retried_message_sid_gets_the_same_twiml() -> None:
    async with asgi_client(create_app(settings())) as client:
        await post(client, inbound(Body="hola"))
        form = inbound(Body="sí")
        first = await post(client, form)
        again = await post(client, form)
        after = await post(client, inbound(Body="sí"))  # a new message does step on
    assert again.text == first.text
    assert messages(first)[0] == "Gracias por tu confianza."
    assert after.text != first.text


@pytest.mark.parametrize("sign", [
    {"token": "0" * 32},                                      # signed with another account's token
    {"url": "http://bot.example.org/webhooks/whatsapp"},      # the URL as seen behind a proxy
    {"url": f"{PUBLIC}/webhooks/whatsapp?x=1"},               # another URL
])
async def test_a_wrong_signature_is_refused(sign: dict[str, str]) -> None:
    async with asgi_client(create_app(settings())) as client:
        response = await post(client, inbound(Body="hola"), **sign)
    assert response.status_code == 403


async def test_a_missing_or_tampered_signature_is_refused() -> None:
    form = inbound(Body="hola")
    headers = signed(form)
    async with asgi_client(create_app(settings())) as client:
        tampered = await client.post("/webhooks/whatsapp", content=urlencode({**form, "Body": "adiós"}),
                                     headers=headers)
        missing = await client.post("/webhooks/whatsapp", content=urlencode(form),
                                    headers={"Content-Type": headers["Content-Type"]})
    assert tampered.status_code == missing.status_code == 403


@pytest.mark.parametrize("body", [b"\xff\xfe=\x00", b"Body", b"a=1&&&b"])
async def test_unreadable_forms_get_400(body: bytes) -> None:
    async with asgi_client(create_app(settings())) as client:
        response = await client.post("/webhooks/whatsapp", content=body, headers=signed({}))
    assert response.status_code == 400


@pytest.mark.parametrize("form", [
    inbound(Body="hola", MessageSid="", SmsMessageSid=""),
    inbound(Body="hola", From=""),
])
async def test_signed_forms_missing_what_we_need_get_400(form: dict[str, str]) -> None:
    async with asgi_client(create_app(settings())) as client:
        response = await post(client, form)
    assert response.status_code == 400


async def test_a_post_that_is_not_a_form_gets_415() -> None:
    async with asgi_client(create_app(settings())) as client:
        response = await client.post("/webhooks/whatsapp", json={"Body": "hola"})
    assert response.status_code == 415


async def test_store_unavailable_asks_the_worker_to_write_again() -> None:
    async with asgi_client(create_app(settings(), store=DownStore())) as client:
        replies = messages(await post(client, inbound(Body="hola")))
    assert len(replies) == 1 and replies[0].startswith(TROUBLE)


async def test_without_credentials_whatsapp_is_not_mounted() -> None:
    async with asgi_client(create_app(Settings(flows_reload_seconds=0, flows_dir=FLOWS))) as client:
        response = await post(client, inbound(Body="hola"))
    assert response.status_code == 404


def test_long_bodies_are_split_into_messages_of_at_most_1600_characters() -> None:
    text = " ".join(f"Oración número {i} sobre tu salario." for i in range(200))
    pieces = bodies((Reply(text, (Choice("Sí", "1"), Choice("No", "2"))),))
    assert len(pieces) >= 4 and all(len(p) <= 1600 for p in pieces)
    assert pieces[-1].endswith("1. Sí\n2. No")
    assert all(p.endswith(".") for p in pieces[:-1])


# -- issue 18: replays and real-shaped payloads --------------------------------------------------
_FOLDED = inbound(Body="hola")
FOLDED = {k: v for k, v in _FOLDED.items() if k not in ("MessageType", "WaId")}
FOLDED["MessageSid"] += "MessageTypetextWaId5215512345678"  # the same concatenation, signed alike


@pytest.mark.parametrize("form", [
    FOLDED,
    inbound(Body="hola", MessageSid="SM" + "0" * 31),
    inbound(Body="hola", MessageSid="SM" + "G" * 32),
    inbound(Body="hola", MessageSid="XX" + "0" * 32),
    inbound(Body="hola", AccountSid="AC" + "0" * 31),
    inbound(Body="hola", AccountSid=""),
    {k: v for k, v in inbound(Body="hola").items() if k != "AccountSid"},
])
async def test_malformed_twilio_ids_get_400_and_no_step(form: dict[str, str]) -> None:
    async with asgi_client(create_app(settings())) as client:
        refused = await post(client, form)
        assert refused.status_code == 400
        first = messages(await post(client, inbound(Body="hola")))
    assert first[0].startswith("¡Hola!")  # she was never seen: the refused post stepped nothing


async def test_a_post_for_another_account_gets_400() -> None:
    mine = "AC" + "ab" * 16
    async with asgi_client(create_app(settings(twilio_account_sid=mine))) as client:
        other = await post(client, inbound(Body="hola"))
        ours = await post(client, inbound(Body="hola", AccountSid=mine))
    assert other.status_code == 400
    assert messages(ours)[0].startswith("¡Hola!")


async def test_a_media_sid_is_accepted() -> None:
    async with asgi_client(create_app(settings())) as client:
        replies = messages(await post(client, inbound(Body="hola", MessageSid="MM" + "1f" * 16)))
    assert replies[0].startswith("¡Hola!")


@pytest.mark.parametrize(("latitude", "longitude"), [
    ("north", "-99.1332"), ("nan", "-99.1332"), ("19.43", "inf"), ("91", "-99.1332"),
    ("19.43", ""), ("1e308", "1e308")])
async def test_a_malformed_location_is_answered_as_text(latitude: str, longitude: str) -> None:
    async with asgi_client(create_app(settings())) as client:
        replies = messages(await post(client, inbound(Body="hola", Latitude=latitude,
                                                      Longitude=longitude)))
    assert replies[0].startswith("¡Hola!")
