"""Property-based tests of the flow loader and checker: a shipped file mutated at random (lines
dropped, doubled, swapped or re-indented, stray YAML syntax, cut short, invalid UTF-8; or its
parsed tree with keys dropped, renamed or given values of another type) never crashes the
checker: `labor-bot flows check` reports problems with file and line, and loading either works
or raises the documented `BotError`.

Each case is checked in a small folder (the mutated file, plus main.yaml beside a flow), which
keeps a case to some milliseconds; cross-file checks still run between the two flows."""

from __future__ import annotations

import contextlib
import io
import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.checks import check_all
from bot.errors import BotError
from bot.loader import load_assets
from bot.paths import FLOWS_DIR
from bot.problems import Problem

pytestmark = pytest.mark.slow  # Hypothesis: mutated flow files

SHIPPED = sorted(str(p.relative_to(FLOWS_DIR)) for p in FLOWS_DIR.rglob("*.yaml"))
FLOWS = [name for name in SHIPPED if "/" not in name]
TOKENS = [":", ": ", "- ", "-", "{", "}", "[", "]", '"', "'", "&a ", "*a", "!!python/object:os.system ",
          "%", "\t", "\x00", "…", "{name}", "{", "%s", "go: nowhere", "input: {type: date}",
          "action: nope.nope", "\n", "<<: *x", "? ", "|", ">-", "#", "~", "null", "1e999", "0x1F",
          "2027-02-30 10:00:00", "¿", "🙂", "say:", "states:", "next: main.menu", "await: seat"]
KEYS = ["say", "next", "go", "input", "type", "choices", "states", "start", "flow", "triggers", "on",
        "await", "action", "save_as", "yes", "no", "end", "personal", "help", "choices_from",
        "timeout_minutes", "label", "value", "id", "capacity", "start", "timezone", "es", "en", "match"]
CASES = settings(max_examples=50, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


_cases = itertools.count()


@contextmanager
def folder_with(workdir: Path, name: str, content: bytes) -> Iterator[Path]:
    """A fresh folder holding the mutated file (and main.yaml beside any other flow)."""
    root = workdir / f"case{next(_cases)}"
    (root / name).parent.mkdir(parents=True)
    if name in FLOWS and name != "main.yaml":
        shutil.copy(FLOWS_DIR / "main.yaml", root / "main.yaml")
    (root / name).write_bytes(content)
    try:
        yield root
    finally:
        shutil.rmtree(root)


def checked(root: Path) -> None:
    problems = check_all(root)
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.line, int) and problem.line >= 0
        assert problem.message and isinstance(problem.message, str)
        problem.render()
    with contextlib.suppress(BotError):  # FlowError (the problems above) or InputError, as promised
        load_assets(root)


@st.composite
def text_mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SHIPPED))
    text = (FLOWS_DIR / name).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "double", "swap", "indent", "token", "cut", "char", "empty"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "drop" and lines:
            del lines[i]
        elif op == "double" and lines:
            lines.insert(i, lines[i])
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent" and lines:
            lines[i] = draw(st.sampled_from(["  ", "\t", " ", "    "])) + lines[i]
            if draw(st.booleans()):
                lines[i] = lines[i].lstrip(" ")
        elif op == "token" and lines:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=8)) + lines[i][at:]
        elif op == "cut":
            lines = lines[:i]
        elif op == "char" and lines and lines[i]:
            at = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:at] + draw(st.characters()) + lines[i][at + 1:]
        elif op == "empty":
            lines = []
    content = "".join(lines).encode("utf-8", "surrogatepass")
    extra = draw(st.sampled_from([b"", b"", b"\xff\xfe", b"\xef\xbb\xbf", b"\x80abc", b"\r\n"]))
    at = draw(st.integers(0, len(content)))
    return name, content[:at] + extra + content[at:]


def _mutate(draw: st.DrawFn, node: Any, depth: int = 0) -> Any:
    """A copy of `node` with one change somewhere down a random path."""
    value = st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=30) | st.sampled_from(
        ["{name}", "{}", "%", "main.menu", "nowhere", "date", "choice", "yes_no", "seat", []]) | st.lists(
        st.text(max_size=10), max_size=3) | st.dictionaries(st.sampled_from(KEYS), st.text(max_size=10),
                                                            max_size=3)
    if isinstance(node, dict) and node and (depth < 6 and draw(st.booleans())):
        key = draw(st.sampled_from(sorted(node, key=str)))
        return {**node, key: _mutate(draw, node[key], depth + 1)}
    if isinstance(node, list) and node and (depth < 6 and draw(st.booleans())):
        i = draw(st.integers(0, len(node) - 1))
        return [*node[:i], _mutate(draw, node[i], depth + 1), *node[i + 1:]]
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node, key=str)))
        op = draw(st.sampled_from(["drop", "rename", "retype", "add"]))
        changed = dict(node)
        if op == "drop":
            del changed[key]
        elif op == "rename":
            changed[draw(st.sampled_from(KEYS) | st.text(max_size=10))] = changed.pop(key)
        elif op == "retype":
            changed[key] = draw(value)
        else:
            changed[draw(st.sampled_from(KEYS))] = draw(value)
        return changed
    if isinstance(node, list) and node:
        op = draw(st.sampled_from(["drop", "double", "retype"]))
        i = draw(st.integers(0, len(node) - 1))
        if op == "drop":
            return node[:i] + node[i + 1:]
        if op == "double":
            return node[:i] + [node[i]] + node[i:]
        return node[:i] + [draw(value)] + node[i + 1:]
    return draw(value)


@st.composite
def tree_mutations(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SHIPPED))
    try:
        tree = YAML(typ="safe").load((FLOWS_DIR / name).read_text(encoding="utf-8"))
    except YAMLError:  # pragma: no cover - the shipped files parse
        tree = {}
    out = io.StringIO()
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.dump(_mutate(draw, tree), out)
    return name, out.getvalue().encode("utf-8", "surrogatepass")


@CASES
@given(case=text_mutations())
def test_text_mutations_never_crash_the_checker(workdir: Path, case: tuple[str, bytes]) -> None:
    name, content = case
    with folder_with(workdir, name, content) as root:
        checked(root)


@CASES
@given(case=tree_mutations())
def test_tree_mutations_never_crash_the_checker(workdir: Path, case: tuple[str, bytes]) -> None:
    name, content = case
    with folder_with(workdir, name, content) as root:
        checked(root)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_file_alone_checks_without_crashing(workdir: Path, name: str) -> None:
    with folder_with(workdir, name, (FLOWS_DIR / name).read_bytes()) as root:
        checked(root)
