"""The shape of the code, held by tests: no import circles, a pure engine, every action exercised.

Like goflow's registry walk, these fail when the architecture drifts: a new import that closes a
circle, an engine that starts to import the checker or a database client, a `step()` that opens
a file, or an action or `await:` request that no conversation script ever reaches.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.actions import ActionCatalog, ActionContext, ActionResult, ActionSpec
from bot.core.flowset import FlowSet
from bot.core.flowtest import run_script
from bot.features import builtin_catalog
from bot.loader import load_assets

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "webhooks")
SCRIPTS = sorted((ROOT / "tests" / "flows").glob("*.yaml"))
SCRIPT_DATA = ROOT / "tests" / "flows" / "data"


# -- imports ----------------------------------------------------------------------------------

def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> Iterator[str]:
    """Every project module `path` imports, anywhere in the file: top level, inside functions,
    under `TYPE_CHECKING`; `from a import b` counts as importing `a.b` when that is a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in modules:
                yield node.module
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules:
                    yield f"{node.module}.{alias.name}"


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    modules = set(files)
    graph = {name: set(_imports(path, modules)) - {name} for name, path in files.items()}
    # A package's __init__ re-exporting its own modules is not a circle (httpx does the same).
    for name, targets in graph.items():
        if files[name].name == "__init__.py":
            graph[name] = {t for t in targets if not t.startswith(f"{name}.")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected group of modules (Tarjan), as a readable path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_are_no_import_circles() -> None:
    assert cycles(import_graph()) == []


def test_the_core_imports_no_feature_and_no_store() -> None:
    """bot/core knows nothing of rights, complaints, severance, workshops, stores or channels:
    features plug in through the action catalog and `Assets`."""
    shared = ("bot.core", "bot.errors", "bot.i18n", "bot.paths", "bot.problems", "bot.yamlsource")
    reached = {target for module, targets in import_graph().items() if module.startswith("bot.core.")
               for target in targets}
    assert sorted(t for t in reached if not t.startswith(shared)) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_engine_imports_no_checker_no_yaml_reader_and_no_database_client() -> None:
    code = "import sys, bot.core.engine; print('\\n'.join(sorted(sys.modules)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.split())
    assert "bot.core.engine" in loaded
    forbidden = ("bot.core.checker", "bot.core.loading", "bot.yamlsource", "ruamel", "redis",
                 "bot.store.redis", "fastapi", "httpx", "telegram", "twilio")
    assert [m for m in loaded if m.split(".")[0] in forbidden or m in forbidden
            or any(m.startswith(f"{f}.") for f in forbidden)] == []


# -- a pure step ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> FlowSet:
    return load_assets(pinned_data=SCRIPT_DATA)


def test_no_step_of_any_conversation_script_opens_a_file(shipped: FlowSet) -> None:
    """Each script is read from its file, then played step by step: that file is the only one
    opened, so nothing the engine or an action does reads the disk."""
    for script in SCRIPTS:  # once to warm the libraries' own caches (time zones, locale data)
        run_script(script, shipped)
    opened: list[str] = []
    watching = False

    def audit(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and watching:
            opened.append(str(args[0]))

    sys.addaudithook(audit)  # a hook cannot be removed: `watching` switches this one off
    for script in SCRIPTS:
        opened.clear()
        watching = True
        try:
            result = run_script(script, shipped)
        finally:
            watching = False
        assert result.failures == []
        assert opened == [str(script)], script.name  # the hook sees the script file itself


# -- every action and request is exercised (goflow's registry walk) --------------------------------

def test_every_action_and_request_is_reached_by_a_conversation_script(shipped: FlowSet) -> None:
    reached: set[str] = set()

    def counted(spec: ActionSpec) -> ActionSpec:
        def run(ctx: ActionContext[object]) -> ActionResult:
            reached.add(spec.name)
            return spec.run(ctx)

        return replace(spec, run=run)

    catalog = builtin_catalog()
    counting = ActionCatalog({n: counted(s) for n, s in catalog.actions.items()}, catalog.requests)
    flows = replace(shipped, actions=counting)
    failures = [f for script in SCRIPTS for f in run_script(script, flows).failures]
    awaited = {state.action: state.await_ for flow in flows.flows.values()
               for state in flow.states.values() if state.action and state.await_}
    asked = {awaited[name] for name in reached if name in awaited}
    assert failures == []
    assert sorted(set(catalog.actions) - reached) == []
    assert sorted(set(catalog.requests) - asked) == []
