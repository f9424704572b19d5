"""Benchmark of the question matcher: accuracy per language and split, off-topic rate, speed."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

if __package__ in (None, ""):  # run as a script: make `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rights.matcher import Decision, MatchResult, TopicMatcher, load_matcher  # noqa: E402

QUESTIONS = Path(__file__).with_name("questions.yaml")
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    topic: str | None
    split: str


@dataclass(frozen=True)
class Outcome:
    question: Question
    result: MatchResult
    seconds: float

    @property
    def top1(self) -> bool:
        return self.result.topic == self.question.topic

    @property
    def top3(self) -> bool:
        ranked = [self.result.topic, *(t for t, _ in self.result.alternatives)]
        return self.question.topic in ranked[:3]


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [
        Question(str(q["text"]), str(q["lang"]), q["topic"], split)
        for split in SPLITS
        for q in data.get(split) or []
    ]


def run(matcher: TopicMatcher, questions: Sequence[Question]) -> list[Outcome]:
    outcomes = []
    for question in questions:
        start = time.perf_counter()
        result = matcher.match(question.text, question.lang)
        outcomes.append(Outcome(question, result, time.perf_counter() - start))
    return outcomes


def accuracy(outcomes: Sequence[Outcome], split: str, lang: str) -> tuple[float, float, int]:
    """Top-1 and top-3 accuracy on on-topic questions of a split and language."""
    chosen = [
        o
        for o in outcomes
        if o.question.split == split and o.question.lang == lang and o.question.topic
    ]
    if not chosen:
        return 0.0, 0.0, 0
    top1 = sum(o.top1 for o in chosen) / len(chosen)
    top3 = sum(o.top3 for o in chosen) / len(chosen)
    return top1, top3, len(chosen)


def off_topic_rate(outcomes: Sequence[Outcome], split: str) -> tuple[float, int]:
    chosen = [o for o in outcomes if o.question.split == split and o.question.topic is None]
    if not chosen:
        return 0.0, 0
    return sum(o.result.topic is None for o in chosen) / len(chosen), len(chosen)


def confusions(outcomes: Sequence[Outcome], split: str) -> Counter[tuple[str, str]]:
    return Counter(
        (str(o.question.topic), str(o.result.topic))
        for o in outcomes
        if o.question.split == split and not o.top1
    )


def decisions(outcomes: Sequence[Outcome], split: str) -> str:
    """How often each decision is taken on on-topic questions, and how often it is right."""
    chosen = [o for o in outcomes if o.question.split == split and o.question.topic]
    confident = [o for o in chosen if o.result.decision is Decision.CONFIDENT]
    close = [o for o in chosen if o.result.decision is Decision.CLOSE_CALL]
    none = len(chosen) - len(confident) - len(close)
    return (
        f"{split}: confident {_share(len(confident), len(chosen))} "
        f"(right {_share(sum(o.top1 for o in confident), len(confident))}), "
        f"close call {_share(len(close), len(chosen))} "
        f"(right topic in the three offered {_share(sum(o.top3 for o in close), len(close))}), "
        f"none {_share(none, len(chosen))}"
    )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def timings_ms(outcomes: Sequence[Outcome]) -> tuple[float, float]:
    times = sorted(o.seconds * 1000.0 for o in outcomes)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    return sum(times) / len(times), p99


def report(outcomes: Sequence[Outcome], misses: str, worst: int) -> None:
    print(f"{'split':6} {'lang':4} {'n':>4} {'top-1':>7} {'top-3':>7}")
    for split in SPLITS:
        for lang in ("es", "en"):
            top1, top3, n = accuracy(outcomes, split, lang)
            print(f"{split:6} {lang:4} {n:4d} {top1:7.1%} {top3:7.1%}")
    for split in SPLITS:
        rate, n = off_topic_rate(outcomes, split)
        print(f"off-topic answered 'no topic' ({split}): {rate:.1%} of {n}")
    print("\ndecisions on on-topic questions:")
    for split in SPLITS:
        print(f"  {decisions(outcomes, split)}")
    for split in SPLITS:
        print(f"\nworst confusions ({split}), expected -> got:")
        for (expected, got), count in confusions(outcomes, split).most_common(worst):
            print(f"  {count:2d}  {expected} -> {got}")
    if misses:
        print(f"\nmisses ({misses}):")
        for o in outcomes:
            if not o.top1 and misses in ("all", o.question.split):
                got = f"{o.result.topic} {o.result.score:.2f}"
                print(f"  [{o.question.split}] {o.question.text!r}: {o.question.topic} -> {got}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vocabulary", type=Path, help="a {topic: {es: [...]}} YAML file")
    parser.add_argument(
        "--misses",
        choices=("dev", "test", "all"),
        help="list the wrong answers of a split (look at dev only while tuning)",
    )
    parser.add_argument("--worst", type=int, default=10, help="confusion pairs to show")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes over the set")
    args = parser.parse_args(argv)
    build_start = time.perf_counter()
    matcher = load_matcher(vocabulary=args.vocabulary)
    print(f"matcher built in {(time.perf_counter() - build_start) * 1000:.0f} ms")
    questions = load_questions()
    outcomes = run(matcher, questions)
    report(outcomes, args.misses, args.worst)
    timed = [o for _ in range(args.repeat) for o in run(matcher, questions)]
    if timed:
        mean, p99 = timings_ms(timed)
        print(f"\ntime per question: mean {mean:.3f} ms, p99 {p99:.3f} ms ({len(timed)} matches)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
