"""The flow checker: each kind of mistake in a broken fixture is found at its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.checker import check_flow_files
from bot.features import builtin_catalog
from bot.problems import Severity

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = sorted((FIXTURES / "broken_flows").iterdir())
EXPECT = re.compile(r"#\s*expect:\s*([a-z-]+)")


def expected_problems(folder: Path) -> set[tuple[str, int, str]]:
    """The `# expect: code` markers of a fixture folder: (file name, line, code)."""
    found = set()
    for path in folder.glob("*.yaml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for code in EXPECT.findall(line):
                found.add((path.name, number, code))
    return found


@pytest.mark.parametrize("folder", BROKEN, ids=[f.name for f in BROKEN])
def test_each_broken_fixture_reports_its_problem_at_its_line(folder: Path) -> None:
    report = check_flow_files(folder, builtin_catalog())
    errors = {(p.path.name, p.line, p.code) for p in report.problems if p.severity is Severity.ERROR}
    assert errors == expected_problems(folder)


def test_every_kind_of_problem_has_a_fixture() -> None:
    kinds = {code for folder in BROKEN for _, _, code in expected_problems(folder)}
    assert kinds >= {
        "yaml-syntax", "unknown-key", "missing-target", "unreachable", "no-way-out",
        "unknown-action", "unknown-placeholder", "duplicate-trigger", "label-too-long",
        "missing-key", "invalid-value",
    }


def test_unknown_key_suggests_the_key_meant() -> None:
    report = check_flow_files(FIXTURES / "broken_flows" / "unknown_key", builtin_catalog())
    (problem,) = [p for p in report.problems if p.code == "unknown-key"]
    assert "«sya»" in problem.message and "«say»" in problem.message


def test_messages_can_be_in_english() -> None:
    report = check_flow_files(FIXTURES / "broken_flows" / "unknown_key", builtin_catalog(), lang="en")
    (problem,) = [p for p in report.problems if p.code == "unknown-key"]
    assert "Did you mean “say”?" in problem.message


def test_missing_translation_is_a_warning_with_its_line() -> None:
    report = check_flow_files(FIXTURES / "untranslated", builtin_catalog())
    problems = [(p.path.name, p.line, p.code, p.severity) for p in report.problems]
    assert problems == [("main.yaml", 5, "missing-translation", Severity.WARNING)]


def test_shipped_flows_have_no_errors_and_every_text_is_translated() -> None:
    report = check_flow_files(Path(__file__).parents[1] / "flows", builtin_catalog())
    assert [p.render() for p in report.problems] == []


def test_a_file_that_is_not_utf8_or_not_a_mapping_is_reported(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_bytes(b"flow: m\xe9n\n")
    (tmp_path / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    codes = sorted(p.code for p in check_flow_files(tmp_path, builtin_catalog()).problems)
    assert codes == ["not-a-flow", "yaml-syntax"]


def test_choices_that_are_not_a_list_are_reported_not_a_crash(tmp_path: Path) -> None:
    """Found by the loader fuzzer: `choices: true` crashed the missing-translation pass."""
    (tmp_path / "main.yaml").write_text(
        "flow: main\nstart: menu\nstates:\n  menu:\n    say: Hola\n    choices: true\n", encoding="utf-8")
    problems = check_flow_files(tmp_path, builtin_catalog()).problems
    assert [(p.line, p.code) for p in problems if p.severity == "error"] == [(6, "invalid-value")]
