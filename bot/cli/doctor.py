"""`labor-bot doctor`: what of the live configuration is ready for workers and what is not, in plain words.

It reads the settings as `serve` and `worker` do (environment over ./.env) and checks: Redis
reachable and persistent, Telegram configured and answering getMe, WhatsApp configured with
each template SID, the flows loading, the directory routing a hand-off to a real center, and
the production flags. Exit 0 when everything needed is ready, 1 otherwise; `--json` for machines.
A channel left entirely unconfigured is not an error (the bot runs without it); half of one is.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import typer
from redis.exceptions import ResponseError

from bot.cli.common import cli_settings
from bot.complaint.directory_file import load_directory
from bot.errors import BotError, FlowError, InputError, StoreUnavailable
from bot.i18n import N_, translator
from bot.loader import load_assets
from bot.settings import DEV_SALT, WHATSAPP_TEMPLATE_VARS, Settings
from bot.store.client import RedisClient, redis_from_url, unavailable_as_store_error


@dataclass(frozen=True, slots=True)
class Check:
    """One finding: `ok` None means "not used" or "cannot tell"; `needed` ones decide the exit code."""

    id: str
    ok: bool | None
    needed: bool
    text: str

    @property
    def failed(self) -> bool:
        return self.needed and self.ok is False


Say = Callable[..., str]  # a Spanish text (marked N_) and its values -> the text in the chosen language


def _say(lang: str) -> Say:
    _ = translator(lang)
    return lambda text, **values: _(text).format(**values)


async def redis_checks(settings: Settings, say: Say) -> list[Check]:
    if not settings.redis_url:
        return [Check("redis", False, True, say(N_(
            "Falta REDIS_URL: sin Redis las conversaciones, referencias e inscripciones se pierden "
            "al reiniciar y el worker no puede mandar recordatorios.")))]
    client: RedisClient | None = None
    try:
        client = redis_from_url(settings.redis_url, timeout=3)
        with unavailable_as_store_error():
            await client.ping()
    except (StoreUnavailable, InputError) as error:
        return [Check("redis", False, True, say(N_("Redis no responde en REDIS_URL ({error})."),
                                                 error=type(error.__cause__ or error).__name__))]
    finally:
        if client is not None:
            await client.aclose()
    found = [Check("redis", True, True, say(N_("Redis responde.")))]
    return found + [await _persistence(settings.redis_url, say)]


async def _persistence(url: str, say: Say) -> Check:
    client = redis_from_url(url, timeout=3)
    try:
        values: dict[str, str] = {}
        for name in ("appendonly", "save"):
            raw: Any = await client.config_get(name)
            for node_value in ([raw] if name in raw else list(raw.values())):  # a cluster: per node
                text = node_value.get(name, "")
                values[name] = text.decode() if isinstance(text, bytes) else str(text)
    except ResponseError:
        return Check("redis.persistence", None, False, say(N_(
            "Redis no deja leer su configuración (CONFIG GET rechazado): confirma con tu proveedor "
            "que guarda los datos en disco (AOF o copias RDB).")))
    finally:
        await client.aclose()
    if values.get("appendonly") == "yes":
        return Check("redis.persistence", True, True, say(N_(
            "Redis guarda cada cambio en disco (appendonly yes).")))
    if values.get("save", "").strip():
        return Check("redis.persistence", True, True, say(N_(
            "Redis guarda copias en disco cada cierto tiempo (save {save}); con appendonly yes "
            "perderías menos si se apaga de golpe."), save=values["save"]))
    return Check("redis.persistence", False, True, say(N_(
        "Redis no guarda nada en disco (appendonly no, save vacío): al reiniciarse se pierden "
        "referencias, inscripciones y solicitudes. Pon appendonly yes.")))


async def telegram_checks(settings: Settings, say: Say) -> list[Check]:
    token, secret, public = settings.telegram_token, settings.telegram_secret, settings.public_base_url
    if not (token or secret):
        return [Check("telegram", None, False, say(N_("Telegram no está configurado (no se usa).")))]
    missing = [name for name, value in (("TELEGRAM_BOT_TOKEN", token), ("TELEGRAM_WEBHOOK_SECRET", secret),
                                        ("PUBLIC_BASE_URL", public)) if not value]
    found = [Check("telegram", not missing, True,
                   say(N_("Telegram tiene token, secreto y dirección pública.")) if not missing else
                   say(N_("A Telegram le falta: {names}."), names=", ".join(missing)))]
    if token:
        found.append(await _get_me(settings.telegram_api_base_url, token, say))
    return found


async def _get_me(base: str, token: str, say: Say) -> Check:
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            answer = await client.get(f"{base}{token}/getMe")
    except httpx.HTTPError as error:
        return Check("telegram.reachable", False, True, say(N_(
            "No pude hablar con Telegram ({error}): revisa la red o TELEGRAM_API_BASE_URL."),
            error=type(error).__name__))
    if answer.status_code == 401:
        return Check("telegram.reachable", False, True, say(N_(
            "Telegram rechaza el token: copia otra vez el de @BotFather en TELEGRAM_BOT_TOKEN.")))
    try:
        user = answer.json()["result"]["username"]
    except (ValueError, KeyError, TypeError):
        return Check("telegram.reachable", False, True, say(N_(
            "Telegram contestó algo inesperado (HTTP {status})."), status=answer.status_code))
    return Check("telegram.reachable", True, True, say(N_("Telegram responde: el bot es @{user}."),
                                                       user=user))


def whatsapp_checks(settings: Settings, say: Say) -> list[Check]:
    fields = (("TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
              ("PUBLIC_BASE_URL", settings.public_base_url),
              ("TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
              ("TWILIO_WHATSAPP_FROM", settings.twilio_whatsapp_from))
    if not (settings.twilio_auth_token or settings.twilio_account_sid or settings.twilio_whatsapp_from):
        return [Check("whatsapp", None, False, say(N_("WhatsApp no está configurado (no se usa).")))]
    missing = [name for name, value in fields if not value]
    found = [Check("whatsapp", not missing, True,
                   say(N_("WhatsApp tiene token, dirección pública, cuenta y número que envía."))
                   if not missing else say(N_("A WhatsApp le falta: {names}."), names=", ".join(missing)))]
    for name in WHATSAPP_TEMPLATE_VARS:
        english = name.endswith("_EN")  # an English notice without its own falls back to Spanish
        if settings.whatsapp_templates.get(name):
            found.append(Check(name, True, not english, say(N_("Plantilla {name}: lista."), name=name)))
        elif english:
            found.append(Check(name, None, False, say(N_(
                "Plantilla {name}: falta; se usa la de español."), name=name)))
        else:
            found.append(Check(name, False, True, say(N_(
                "Plantilla {name}: falta; fuera de las 24 horas ese aviso no se manda. Ver "
                "docs/whatsapp-templates.md."), name=name)))
    return found


def flows_checks(settings: Settings, say: Say) -> list[Check]:
    try:
        load_assets(settings.flows_dir, production=settings.production)
    except FlowError as error:
        return [Check("flows", False, True, say(N_(
            "Los flujos en {path} tienen {count} error(es): corre «labor-bot flows check»."),
            path=settings.flows_dir, count=len(error.problems)))]
    except (BotError, OSError) as error:
        return [Check("flows", False, True, say(N_("No pude cargar los flujos en {path} ({error})."),
                                                path=settings.flows_dir, error=type(error).__name__))]
    found = [Check("flows", True, True, say(N_("Los flujos cargan sin errores.")))]
    try:
        directory = load_directory(settings.flows_dir / "data" / "directory.yaml", production=True)
    except (BotError, OSError):
        return found + [Check("directory", False, True, say(N_("El directorio de centros tiene errores.")))]
    real = [c for c in directory.centers if c.kind == "worker_center"]
    found.append(Check("directory.centers", bool(real), True, say(
        N_("El directorio tiene {count} centro(s) de trabajadores reales."), count=len(real)) if real
        else say(N_("El directorio no tiene ningún centro de trabajadores real (solo ejemplos): nadie "
                    "recibiría las solicitudes de «hablar con una persona»."))))
    default = directory.default_center
    found.append(Check("directory.default", default is not None, True, say(N_(
        "Las solicitudes de «hablar con una persona» sin estado van a {center}."), center=default)
        if default else say(N_(
            "Falta default_center (un centro real) en el directorio: a quien no dice su estado nadie "
            "la atendería."))))
    return found


def production_checks(settings: Settings, say: Say) -> list[Check]:
    found = [Check("production", settings.production, True,
                   say(N_("LABOR_BOT_ENV=production.")) if settings.production else say(N_(
                       "LABOR_BOT_ENV no es production: se ofrecen los centros y talleres de ejemplo.")))]
    salted = settings.log_salt != DEV_SALT
    found.append(Check("log_salt", salted, True, say(N_("LOG_SALT está puesto.")) if salted else say(N_(
        "Falta LOG_SALT (una cadena larga al azar): sin ella, los registros se pueden ligar a un número."))))
    public = settings.public_base_url
    if public:
        https = public.startswith("https://")
        found.append(Check("public_url", https, True, say(N_("La dirección pública es https.")) if https
                           else say(N_("PUBLIC_BASE_URL debe empezar con https://."))))
    return found


async def diagnose(settings: Settings, lang: str = "es") -> list[Check]:
    say = _say(lang)
    return [*await redis_checks(settings, say), *await telegram_checks(settings, say),
            *whatsapp_checks(settings, say), *flows_checks(settings, say), *production_checks(settings, say)]


MARKS = {True: "✔", False: "✘", None: "·"}


def doctor(
    lang: str = typer.Option("es", "--lang", help="es or en."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object, for machines."),
) -> None:
    """Say what is ready and what is not, for the configuration in the environment and ./.env."""
    settings = cli_settings()
    lang = "en" if lang.lower().startswith("en") else "es"
    checks = asyncio.run(diagnose(settings, lang))
    ready = not any(check.failed for check in checks)
    if as_json:
        typer.echo(json.dumps({"ready": ready, "checks": [asdict(c) for c in checks]}, ensure_ascii=False,
                              indent=2))
    else:
        say = _say(lang)
        for check in checks:
            typer.echo(f"{MARKS[check.ok]} {check.text}")
        typer.echo(say(N_("Todo lo necesario está listo.")) if ready else say(N_(
            "Falta arreglar {count} cosa(s) marcadas con ✘."), count=sum(c.failed for c in checks)))
    raise typer.Exit(0 if ready else 1)
