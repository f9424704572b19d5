"""`labor-bot flows check|test|schema`: the staff's tools for editing flow files safely."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.checks import check_all, summary
from bot.cli.common import cli_language, exit_on_flow_error
from bot.core.flowfile import flow_json_schema
from bot.core.flowtest import run_script
from bot.i18n import translator
from bot.loader import load_assets
from bot.paths import FLOWS_DIR
from bot.problems import has_errors

app = typer.Typer(help="Check, test and describe the flow files.", no_args_is_help=True)
SCRIPTS_DIR = Path("tests/flows")
SCHEMA_FILE = FLOWS_DIR / "schema.json"


@app.command()
def check(
    path: Path = typer.Argument(FLOWS_DIR, help="The flows folder."),
    lang: str = typer.Option("", help="Language of the messages: es or en (default: from LANG)."),
) -> None:
    """Check every flow file; exit 1 if there is an error (warnings do not fail)."""
    lang = lang or cli_language()
    _ = translator(lang)
    problems = check_all(path, lang)
    for problem in problems:
        typer.echo(problem.render(_("aviso")))
    if has_errors(problems):
        typer.echo(_("{counts}. Corrige los errores: el bot no usará estos flujos hasta que estén "
                     "bien.").format(counts=summary(problems, _)))
        raise typer.Exit(1)
    typer.echo(_("Todo bien: los flujos no tienen errores ({counts}).").format(counts=summary(problems, _)))


@app.command("test")
def test_scripts(
    scripts: list[Path] = typer.Argument(None, help="Script files (default: every tests/flows/*.yaml)."),
    flows_dir: Path = typer.Option(FLOWS_DIR, "--flows", help="The flows folder."),
) -> None:
    """Run the conversation scripts against the flows; exit 1 if any fails.

    The scripts' own centers and workshops (tests/flows/data/) stand in for the live ones.
    """
    with exit_on_flow_error():
        flows = load_assets(flows_dir, pinned_data=SCRIPTS_DIR / "data")
    paths = scripts or sorted(SCRIPTS_DIR.glob("*.yaml"))
    failed = 0
    for path in paths:
        result = run_script(path, flows)
        typer.echo(f"{'ok  ' if result.passed else 'FALLA'} {path}: {result.name}")
        for failure in result.failures:
            typer.echo(f"    {failure}")
        failed += not result.passed
    typer.echo(f"{len(paths) - failed} passed, {failed} failed")
    if failed or not paths:
        raise typer.Exit(1)


@app.command()
def schema(
    write: bool = typer.Option(False, "--write", help=f"Write it to {SCHEMA_FILE}."),
) -> None:
    """Print the JSON Schema of flow files (editors use it to autocomplete and validate)."""
    text = schema_text()
    if write:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def schema_text() -> str:
    return json.dumps(flow_json_schema(), ensure_ascii=False, indent=2) + "\n"
