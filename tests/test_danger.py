"""The urgent-help detector: what it must catch, what it must leave alone, and its measured floor."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bench.urgent_eval import load_messages, score
from bot.cli import app
from bot.core.danger import COERCION, Danger, detect


@pytest.mark.parametrize(("text", "kind"), [
    ("me tienen encerrada", Danger.LOCKED_IN),
    ("me tienen encerada en la vodega", Danger.LOCKED_IN),  # a typo, read by rapidfuzz
    ("me quitaron mis papeles", Danger.PAPERS_TAKEN),
    ("el encargado me quiere golpear", Danger.VIOLENCE),
    ("el encargado me quiere golpiar", Danger.VIOLENCE),
    ("dice q si me voy le hace algo a mi familia", Danger.THREAT),
    ("si me quejo me echa a la migra", Danger.IMMIGRATION),
    ("le debo al patron y no me deja irme", Danger.DEBT),
    ("me quiero morir", Danger.SELF_HARM),
    ("i want to kill myself", Danger.SELF_HARM),
    ("they took my passport", Danger.PAPERS_TAKEN),
])
def test_danger_is_read_as_workers_write_it(text: str, kind: Danger) -> None:
    assert kind in detect(text)


@pytest.mark.parametrize("text", [
    "no me pagan las horas extra", "mi jefe me grita", "me pagaron menos", "me muero de cansancio",
    "no me dejan salir a comer", "mi jefe me amenaza con correrme", "persona", "hola", "",
])
def test_ordinary_questions_are_not_alarms(text: str) -> None:
    assert detect(text) == frozenset()


def test_a_threat_to_kill_her_is_not_self_harm() -> None:
    """Línea de la Vida is for self-harm only; a threat gets the anti-trafficking line."""
    found = detect("mi jefe me amenaza con matarme")
    assert Danger.SELF_HARM not in found
    assert found & COERCION


def test_the_held_out_floor() -> None:
    """Measured on the held-out half (bench/urgent_questions.yaml `test` and the matcher's
    held-out questions as ordinary): 2026-12-02, recall 95.8 % (46/48), false alarms 0.2 % (1/505)."""
    held_out = [m for m in load_messages() if m.split == "test"]
    result = score(held_out)
    assert result.urgent >= 30
    assert result.ordinary >= 300
    assert result.recall >= 0.95
    assert result.false_alarm_rate <= 0.02
    assert sum(m.urgent for m in load_messages()) >= 60


def test_ask_json_says_urgent() -> None:
    result = CliRunner().invoke(app, ["ask", "--json", "me tienen encerrada y me quitaron mis papeles"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["urgent"] is True
