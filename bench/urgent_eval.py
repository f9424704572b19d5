"""Benchmark of the urgent-help detector: recall on urgent messages, false alarms on ordinary ones."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

if __package__ in (None, ""):  # run as a script: make `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.danger import detect  # noqa: E402

URGENT = Path(__file__).with_name("urgent_questions.yaml")
MATCHER_QUESTIONS = Path(__file__).with_name("questions.yaml")
SPLITS = ("dev", "test")
# The matcher's forced-labor questions tell of coercion: they are urgent, not ordinary.
NOT_ORDINARY_TOPICS = frozenset({"forced_labor"})


@dataclass(frozen=True)
class Message:
    text: str
    lang: str
    urgent: bool
    split: str
    source: str  # "urgent" (urgent_questions.yaml) or "matcher" (questions.yaml, held out)


@dataclass(frozen=True)
class Score:
    urgent: int
    caught: int
    ordinary: int
    false_alarms: int
    missed: tuple[Message, ...]
    alarms: tuple[Message, ...]

    @property
    def recall(self) -> float:
        return self.caught / self.urgent if self.urgent else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.ordinary if self.ordinary else 0.0


def load_messages(urgent: Path = URGENT, matcher: Path = MATCHER_QUESTIONS) -> list[Message]:
    """Our labelled set, plus the matcher's held-out questions as ordinary ones (test split)."""
    yaml = YAML(typ="safe")
    data = yaml.load(urgent.read_text(encoding="utf-8"))
    found = [Message(str(q["text"]), str(q["lang"]), bool(q["urgent"]), split, "urgent")
             for split in SPLITS for q in data.get(split) or []]
    questions = yaml.load(matcher.read_text(encoding="utf-8"))
    found += [Message(str(q["text"]), str(q["lang"]), False, "test", "matcher")
              for q in questions.get("test") or [] if q.get("topic") not in NOT_ORDINARY_TOPICS]
    return found


def score(messages: Sequence[Message]) -> Score:
    missed = tuple(m for m in messages if m.urgent and not detect(m.text))
    alarms = tuple(m for m in messages if not m.urgent and detect(m.text))
    urgent = sum(m.urgent for m in messages)
    return Score(urgent, urgent - len(missed), len(messages) - urgent, len(alarms), missed, alarms)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true", help="list missed and false alarms (dev only)")
    args = parser.parse_args(argv)
    messages = load_messages()
    print("urgent-help detector (bot/core/danger.py)")
    print(f"{'split':<6} {'lang':<4} {'urgent':>6} {'recall':>7} {'ordinary':>8} {'false alarms':>13}")
    for split in SPLITS:
        for lang in ("es", "en", "all"):
            part = [m for m in messages if m.split == split and lang in (m.lang, "all")]
            s = score(part)
            print(f"{split:<6} {lang:<4} {s.urgent:>6} {s.recall:>7.1%} {s.ordinary:>8} "
                  f"{s.false_alarm_rate:>8.1%} ({s.false_alarms})")
    if args.show:  # only the dev split: the test split is held out
        dev = score([m for m in messages if m.split == "dev"])
        for m in dev.missed:
            print(f"  missed: {m.text}")
        for m in dev.alarms:
            print(f"  false alarm: {m.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
