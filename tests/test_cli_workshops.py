"""`labor-bot workshops list|export|attendance` against a real (throwaway) Redis."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis
from typer.testing import CliRunner

from bot.cli.workshops import app
from bot.core.session import Session
from bot.core.turn import Effect, Turn
from bot.store.base import UserKey
from bot.store.redis import RedisSessionStore
from bot.workshops.seats import Person, Terms
from bot.workshops.seats.redis import RedisSeats
from tests.workshop_samples import CDMX

runner = CliRunner()
WORKSHOP = CDMX.format(capacity=2)
NOW = datetime(2027, 3, 1, tzinfo=UTC)


async def _seed(url: str) -> list[str]:
    """Three sign-ups: Ñusta consented and gave answers, Eva did not, Ana asked to be forgotten."""
    client, store = Redis.from_url(url), RedisSessionStore.from_url(url)
    terms = Terms("cdmx", 2, int(datetime(2027, 3, 10, tzinfo=UTC).timestamp()), int(NOW.timestamp()))
    codes = []
    answers: list[dict[str, object]] = [
        {"name": "=Ñusta Peña", "industry": "hogar", "childcare_needed": True}, {}, {"name": "Ana"}]
    try:
        for i, user in enumerate(("nusta", "eva", "ana")):
            _, place = await RedisSeats(client).take(f"{{telegram:{user}}}", terms, Person("", "n"))
            codes.append(place.code)
            record = Effect("signup", {"workshop": "cdmx", "code": place.code, **answers[i]})
            session = Session(flow="main", state="menu", started_at=NOW, updated_at=NOW)
            await store.commit(UserKey("telegram", user), "1", 0, Turn(session, (), (record,)), NOW)
        await store.commit(UserKey("telegram", "ana"), "2", 1, Turn(None, (), (Effect("forget_user"),)), NOW)
    finally:
        await client.aclose()
        await store.aclose()
    return codes


@pytest.fixture
def data(tmp_path: Path, clean_redis: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    monkeypatch.setenv("REDIS_URL", clean_redis)
    path = tmp_path / "workshops.yaml"
    path.write_text(WORKSHOP, encoding="utf-8")
    return path, asyncio.run(_seed(clean_redis))


def test_list_shows_seats_taken_and_the_waitlist(data: tuple[Path, list[str]]) -> None:
    path, _ = data
    result = runner.invoke(app, ["list", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "cdmx  martes 9 de marzo de 2027, 18:00 a 20:00 (hora del centro)" in result.output
    assert "lugares 2/2, lista de espera 1, asistieron 0" in result.output


def test_export_csv_opens_in_excel_and_holds_only_consented_answers(data: tuple[Path, list[str]],
                                                                    tmp_path: Path) -> None:
    path, codes = data
    out = tmp_path / "cdmx.csv"
    result = runner.invoke(app, ["export", "cdmx", "--format", "csv", "-o", str(out), "--file", str(path)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["codigo"] for r in rows] == codes
    assert rows[0]["nombre"] == "'=Ñusta Peña"  # no formula runs when Excel opens it
    assert (rows[0]["sector"], rows[0]["necesita_cuidado"]) == ("hogar", "sí")
    assert rows[1]["nombre"] == "" and rows[2]["nombre"] == ""  # Eva gave nothing; Ana was forgotten
    assert [r["estado"] for r in rows] == ["confirmada", "confirmada", "lista de espera"]
    assert rows[2]["lugar_en_espera"] == "1"
    assert "telegram" not in raw.decode("utf-8-sig")  # never her chat id


def test_export_json(data: tuple[Path, list[str]]) -> None:
    path, codes = data
    result = runner.invoke(app, ["export", "cdmx", "--format", "json", "--file", str(path)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["codigo"] for r in rows] == codes and rows[0]["nombre"] == "=Ñusta Peña"


def test_attendance_marks_codes_and_names_unknown_ones(data: tuple[Path, list[str]]) -> None:
    path, codes = data
    result = runner.invoke(app, ["attendance", "cdmx", codes[0].lower(), "NOPE99", "--file", str(path)])
    assert result.exit_code == 1
    assert "Asistencia marcada: 1." in result.output and "NOPE99" in result.output
    listed = runner.invoke(app, ["list", "--file", str(path)])
    assert "asistieron 1" in listed.output
    exported = runner.invoke(app, ["export", "cdmx", "--format", "json", "--file", str(path)])
    assert [r["asistio"] for r in json.loads(exported.output)] == ["sí", "", ""]
    unknown = runner.invoke(app, ["attendance", "nowhere", "X", "--file", str(path)])
    assert unknown.exit_code == 2


def test_without_redis_url_it_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    path = tmp_path / "workshops.yaml"
    path.write_text(WORKSHOP, encoding="utf-8")
    result = runner.invoke(app, ["list", "--file", str(path)])
    assert result.exit_code == 2 and "REDIS_URL" in result.output


@pytest.mark.parametrize(("args", "expected"), [
    ([], ["martes 9 de marzo de 2027, 18:00 a 20:00 (hora del centro)",
          "lugares 2/2, lista de espera 1, asistieron 0"]),
    (["--lang", "en"], ["Tuesday, March 9, 2027, 6:00 PM to 8:00 PM (central Mexico time)",
                        "seats 2/2, waiting list 1, came 0"]),
])
def test_list_speaks_spanish_and_english_on_request(data: tuple[Path, list[str]], args: list[str],
                                                    expected: list[str]) -> None:
    path, _ = data
    result = runner.invoke(app, ["list", "--file", str(path), *args], env={"LANG": ""})
    assert result.exit_code == 0, result.output
    for words in expected:
        assert words in result.output


@pytest.mark.parametrize(("lang", "expected"), [
    ("", "No hay un taller «nowhere» en"), ("en_US.UTF-8", "There is no workshop “nowhere” in")])
def test_attendance_follows_the_terminals_language(tmp_path: Path, lang: str, expected: str) -> None:
    path = tmp_path / "workshops.yaml"
    path.write_text(WORKSHOP, encoding="utf-8")
    result = runner.invoke(app, ["attendance", "nowhere", "X", "--file", str(path)], env={"LANG": lang})
    assert result.exit_code == 2 and expected in result.output
