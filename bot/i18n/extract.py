"""Babel extractor for flow and content files (entry point `babel.extractors: labor_flows`).

`pybabel extract -F babel.cfg` calls `extract_flows` for every YAML file under flows/ and
gets back each Spanish text a worker can see, with its line, for `locales/messages.pot`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.yamlsource import YamlSyntaxError, read_yaml

Extracted = tuple[int, str | None, str, list[str]]


def extract_flows(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Yield `(line, None, text, comments)` for every translatable text of one YAML file."""
    try:
        data = YAML(typ="rt").load(fileobj.read().decode("utf-8"))
    except (YAMLError, UnicodeDecodeError):
        return  # the checker reports broken files; extraction just skips them
    for line, text in translatable_texts(data):
        yield line, None, text, []


def translatable_texts(data: Any) -> Iterator[tuple[int, str]]:
    """(line, text) pairs of a flow file or a rights-content file; nothing for other data."""
    if not isinstance(data, dict):
        return
    if "states" in data and isinstance(data["states"], dict):
        yield from _flow_texts(data["states"])
    if isinstance(data.get("workshops"), list):  # flows/data/workshops.yaml
        for workshop in data["workshops"]:
            yield from _texts_of(workshop, ("title", "description"))
    if isinstance(data.get("texts"), dict):  # flows/texts/system.yaml: the system texts
        yield from _texts_of(data["texts"], tuple(str(key) for key in data["texts"]))
    if "topics" in data and isinstance(data["topics"], list):
        yield from _texts_of(data, ("title",))
        for topic in data["topics"]:
            yield from _texts_of(topic, ("title", "answer", "more"))


def _flow_texts(states: Mapping[str, Any]) -> Iterator[tuple[int, str]]:
    for state in states.values():
        if not isinstance(state, dict):
            continue
        say = state.get("say")
        if isinstance(say, list):
            for i, text in enumerate(say):
                if isinstance(text, str) and text.strip():
                    yield _line_of_item(say, i), text.strip()
        yield from _texts_of(state, ("say", "help"))
        choices = state.get("choices")
        for option in choices if isinstance(choices, list) else ():  # else the checker says why
            yield from _texts_of(option, ("label",))


def _texts_of(node: Any, keys: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    if not isinstance(node, dict):
        return
    for key in keys:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            yield _line_of_key(node, key), value.strip()


def _line_of_item(node: Any, index: int) -> int:
    return int(node.lc.item(index)[0]) + 1


def _line_of_key(node: Any, key: str) -> int:
    return int(node.lc.key(key)[0]) + 1


def texts_of_file(path: Path) -> list[tuple[int, str]]:
    """The translatable texts of one file, for the checker's missing-translation warnings."""
    try:
        return list(translatable_texts(read_yaml(path).data))  # aliases and sizes limited there
    except (YamlSyntaxError, OSError):  # not readable, or over the limits: the checker says why
        return []
