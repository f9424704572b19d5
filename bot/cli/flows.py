"""`labor-bot flows check|test|schema|diagram|actions`: the staff's tools for editing flow files safely."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import typer

from bot.checks import check_all, summary
from bot.cli.common import cli_language, exit_on_flow_error
from bot.core.checker import FlowSetChecker, check_flow_files
from bot.core.diagram import mermaid
from bot.core.flowfile import flow_json_schema
from bot.core.flowtest import run_script
from bot.features import builtin_catalog
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
    lang: str = typer.Option("", help="Language of the messages: es or en (default: from LANG)."),
) -> None:
    """Run the conversation scripts against the flows; exit 1 if any fails.

    The scripts' own centers and workshops (tests/flows/data/) stand in for the live ones.
    """
    with exit_on_flow_error():
        flows = load_assets(flows_dir, pinned_data=SCRIPTS_DIR / "data")
    _ = translator(lang or cli_language())
    paths = scripts or sorted(SCRIPTS_DIR.glob("*.yaml"))
    failed = 0
    for path in paths:
        result = run_script(path, flows)
        mark = "ok   " if result.passed else _("FALLA")
        typer.echo(f"{mark} {path}: {result.name}")
        for failure in result.failures:
            typer.echo(f"    {failure}")
        failed += not result.passed
    typer.echo(_("{passed} bien, {failed} con fallas").format(passed=len(paths) - failed, failed=failed))
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


DIAGRAMS_DIR = Path("docs/flows")


@app.command()
def diagram(
    flow: str = typer.Argument("", help="The flow to draw (default: every flow)."),
    write: bool = typer.Option(False, "--write", help=f"Write each diagram to {DIAGRAMS_DIR}/<flow>.md."),
    path: Path = typer.Option(FLOWS_DIR, "--flows", help="The flows folder."),
    lang: str = typer.Option("", help="Language of the messages: es or en (default: from LANG)."),
) -> None:
    """Draw the flows as Mermaid diagrams, from the same graph the checker reads."""
    _ = translator(lang or cli_language())
    pages = diagram_pages(path)
    if flow and flow not in pages:
        typer.echo(_("no hay un flujo «{flow}»; hay: {known}").format(
            flow=flow, known=", ".join(sorted(pages))), err=True)
        raise typer.Exit(1)
    chosen = {flow: pages[flow]} if flow else pages
    for name, page in chosen.items():
        if write:
            DIAGRAMS_DIR.mkdir(parents=True, exist_ok=True)
            (DIAGRAMS_DIR / f"{name}.md").write_text(page, encoding="utf-8")
            typer.echo(_("escrito: {path}").format(path=DIAGRAMS_DIR / f"{name}.md"))
        else:
            typer.echo(page)


def diagram_pages(directory: Path = FLOWS_DIR) -> dict[str, str]:
    """Each flow's page for docs/flows/: its description and its diagram (files that do not
    parse are left out; `flows check` says why)."""
    catalog = builtin_catalog()
    report = check_flow_files(directory, catalog)
    checker = FlowSetChecker(report.sources, catalog, translator("es"))
    pages: dict[str, str] = {}
    for name, source in sorted(report.sources.items()):
        file = source.path.name
        pages[name] = (
            f"# Flujo «{name}» (`flows/{file}`)\n\n"
            f"<!-- Generado con `labor-bot flows diagram --write`: no lo edites a mano. -->\n\n"
            + (f"{source.flow.description}\n\n" if source.flow.description else "")
            + "Las flechas llevan el texto del botón, sí/no, o el resultado de la acción (`on:`); "
            "una flecha sin texto es `next:`.\n\n"
            f"```mermaid\n{mermaid(checker, source.flow)}```\n"
        )
    return pages


@app.command()
def actions(
    lang: str = typer.Option("", help="Language of the list: es or en (default: from LANG)."),
) -> None:
    """List every action and `await:` request flows may name: what it does, its outcomes, its variables."""
    typer.echo(actions_text(lang or cli_language()), nl=False)


def actions_text(lang: str) -> str:
    """The catalog as staff read it: one block per action, then one per `await:` request."""
    _ = translator(lang)
    catalog = builtin_catalog()
    none = _("(ninguno)")
    lines = [_("Acciones («action:»): lo que hacen, sus resultados («on:») y las variables que llenan."),
             ""]
    for name, spec in sorted(catalog.actions.items()):
        lines += [f"{name}", f"    {describe_function(spec.run, lang)}",
                  "    " + _("resultados: {outcomes}").format(outcomes=_names(spec.outcomes, none)),
                  "    " + _("llena: {vars}").format(vars=_names(spec.provides, none))]
        if spec.goes_to:
            lines.append("    " + _("lleva a: {targets}").format(targets=_names(spec.goes_to, none)))
    lines += ["", _("Esperas («await:»): las responde el sistema; «on:» sigue según la respuesta."), ""]
    for name, request in sorted(catalog.requests.items()):
        lines += [f"await: {name}", f"    {first_line(request.description, lang) or none}",
                  "    " + _("resultados: {outcomes}").format(outcomes=_names(request.outcomes, none)),
                  "    " + _("llena: {vars}").format(vars=_names(request.provides, none))]
    return "\n".join(lines) + "\n"


def describe_function(run: object, lang: str) -> str:
    return first_line(inspect.getdoc(run) or "", lang) or "-"


def first_line(doc: str, lang: str) -> str:
    """A docstring's Spanish first line, or in English the first line of its next paragraph.

    Action docstrings open with one Spanish line for staff, then the English explanation."""
    paragraphs = [p for p in doc.split("\n\n") if p.strip()]
    if not paragraphs:
        return ""
    chosen = paragraphs[1] if lang == "en" and len(paragraphs) > 1 else paragraphs[0]
    return " ".join(chosen.split(". ")[0].split()).rstrip(".") + "."


def _names(names: frozenset[str], none: str) -> str:
    return ", ".join(sorted(names)) or none
