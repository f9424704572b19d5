"""Micro-benchmarks, no I/O: engine steps per second, matcher questions per second, flow load and check.

    python -m bench.micro [--seconds 2] [--json FILE]

- engine: the load benchmark's conversations (`bench.load.SCENARIOS`, those whose flow is
  shipped) replayed through `BotService` on the in-memory store; only the time inside the pure
  `step(flows, session, event, now)` is counted (the service's own work is timed apart);
- matcher: every question of `bench/questions.yaml` through `TopicMatcher.match` (skipped with
  a note where the matcher is not there);
- flows: `load_assets` (read, check and build every shipped flow, topic and data file), and the
  checker alone (`check_flow_files`), best and median of a few runs.
Plain `time.perf_counter`; each measure runs at least `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import itertools
import json
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from bench.load import available_scenarios


def engine(seconds: float) -> dict[str, Any]:
    """Steps per second of the pure engine over whole conversations."""
    import bot.service as service_module
    from bot.compose import build_service
    from bot.core.engine import step as pure_step
    from bot.core.events import Event, EventKind
    from bot.loader import load_assets
    from bot.settings import Settings
    from bot.store.memory import MemorySessionStore

    flows = load_assets()
    scenarios, notes = available_scenarios(None)
    spent = [0.0, 0]

    def timed_step(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return pure_step(*args)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += 1

    with patch.object(service_module, "step", timed_step):
        service = build_service(Settings(), MemorySessionStore(), flows=flows)
        ids = itertools.count()

        async def conversations() -> tuple[int, float]:
            messages, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                for scenario in scenarios:
                    user = f"u{next(ids)}"
                    for text in scenario.messages:
                        event = Event(EventKind.TEXT, "whatsapp", user, str(next(ids)), text=text)
                        await service.handle(event)
                        messages += 1
            return messages, time.perf_counter() - started

        asyncio.run(conversations())  # warm-up: caches, lazily loaded date parser data
        spent[:] = [0.0, 0]
        messages, wall = asyncio.run(conversations())
    return {"steps": spent[1], "messages": messages, "steps_per_second": round(spent[1] / spent[0]),
            "ms_per_step": round(spent[0] / spent[1] * 1000, 3),
            "service_ms_per_message_in_memory": round(wall / messages * 1000, 3),
            "scenarios": [s.name for s in scenarios], "notes": notes}


def engine_by_scenario(seconds: float) -> dict[str, float]:
    """Milliseconds per step for each scenario alone (which conversations cost the most)."""
    from bot.core.engine import pending_request, step
    from bot.core.events import Event, EventKind
    from bot.loader import load_assets

    flows = load_assets()
    scenarios, _ = available_scenarios(None)
    now = datetime.now().astimezone()
    out: dict[str, float] = {}
    for scenario in scenarios:
        steps, spent, started = 0, 0.0, time.perf_counter()
        while time.perf_counter() - started < seconds / max(1, len(scenarios)):
            session = None
            for n, text in enumerate(scenario.messages):
                event = Event(EventKind.TEXT, "whatsapp", "u", str(n), text=text)
                t0 = time.perf_counter()
                turn = step(flows, session, event, now)
                spent += time.perf_counter() - t0
                steps += 1
                if pending_request(turn) is not None:
                    break  # awaits a seat: the service answers; the full path is timed above
                session = turn.session
        out[scenario.name] = round(spent / steps * 1000, 3)
    return out


def matcher(seconds: float) -> dict[str, Any]:
    if importlib.util.find_spec("bot.rights.matcher") is None:
        return {"note": "bot/matcher.py is not there: matcher benchmark skipped"}
    from bench.matcher_eval import load_questions
    from bot.rights.matcher import load_matcher

    built = time.perf_counter()
    topic_matcher = load_matcher()
    build_seconds = time.perf_counter() - built
    questions = load_questions()
    for question in questions:  # warm-up
        topic_matcher.match(question.text, question.lang)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for question in questions:
            topic_matcher.match(question.text, question.lang)
        count += len(questions)
    elapsed = time.perf_counter() - started
    return {"questions": len(questions), "questions_per_second": round(count / elapsed),
            "ms_per_question": round(elapsed / count * 1000, 3), "build_seconds": round(build_seconds, 3)}


def _repeat(job: Callable[[], object], seconds: float, at_least: int = 3) -> dict[str, float]:
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < at_least or time.perf_counter() - started < seconds:
        gc.collect()
        t0 = time.perf_counter()
        job()
        times.append(time.perf_counter() - t0)
        if len(times) >= 50:
            break
    return {"runs": len(times), "best_ms": round(min(times) * 1000, 1),
            "median_ms": round(statistics.median(times) * 1000, 1)}


def flows(seconds: float) -> dict[str, Any]:
    from bot.core.checker import check_flow_files, flow_files
    from bot.features import builtin_catalog
    from bot.loader import load_assets
    from bot.paths import FLOWS_DIR

    report = check_flow_files(FLOWS_DIR, builtin_catalog())
    return {"flow_files": len(flow_files(FLOWS_DIR)), "problems": len(report.problems),
            "load_assets": _repeat(lambda: load_assets(FLOWS_DIR), seconds),
            "check_flow_files": _repeat(lambda: check_flow_files(FLOWS_DIR, builtin_catalog()), seconds)}


def report(results: dict[str, Any]) -> str:
    e, m, f = results["engine"], results["matcher"], results["flows"]
    lines = [f"{'measure':<44}{'result':>22}",
             f"{'engine steps per second (pure step)':<44}{e['steps_per_second']:>22,}",
             f"{'engine ms per step':<44}{e['ms_per_step']:>22}",
             f"{'service ms per message, in-memory store':<44}{e['service_ms_per_message_in_memory']:>22}"]
    for name, ms in results["engine_by_scenario"].items():
        lines.append(f"{'  ms per step, ' + name:<44}{ms:>22}")
    if "note" in m:
        lines.append(f"matcher: {m['note']}")
    else:
        lines += [f"{'matcher questions per second':<44}{m['questions_per_second']:>22,}",
                  f"{'matcher ms per question':<44}{m['ms_per_question']:>22}",
                  f"{'matcher build (load_matcher), s':<44}{m['build_seconds']:>22}"]
    for name in ("load_assets", "check_flow_files"):
        t = f[name]
        measured = f"{t['best_ms']} ({t['median_ms']})"
        lines.append(f"{name + ' ms, best (median)':<44}{measured:>22}")
    lines.append(f"{'flow files, problems found':<44}{str(f['flow_files']) + ', ' + str(f['problems']):>22}")
    for note in e.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="at least this long per measure")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    seconds = min(max(args.seconds, 0.1), 60.0)
    results = {"engine": engine(seconds), "engine_by_scenario": engine_by_scenario(seconds),
               "matcher": matcher(seconds), "flows": flows(seconds)}
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
