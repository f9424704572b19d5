"""The system texts staff edit in flows/texts/system.yaml: read them, and check them at their line.

Each key of `texts:` replaces one built-in text of `bot.core.commands` (`SYSTEM_TEXTS`); a key left
out keeps the built-in text, so deleting a line never breaks the bot. The checker reports an
unknown key and a `{placeholder}` added or lost (the bot fills `{max}`; a lost one would say less).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from bot.core.commands import SYSTEM_TEXTS
from bot.core.flowfile import PLACEHOLDER
from bot.errors import FlowError
from bot.i18n import format_marker_in, translator
from bot.problems import Problem, has_errors
from bot.yamlsource import YamlSyntaxError, read_yaml

SYSTEM_TEXTS_FILE = Path("texts") / "system.yaml"  # inside the flows folder


def system_text_problems(path: Path, lang: str = "es") -> list[Problem]:
    """Every mistake in the system texts file, each at its line, in the staff member's language."""
    return _read(path, lang)[1]


def load_system_texts(path: Path) -> dict[str, str]:
    """The edited texts (key -> Spanish); raises `FlowError` when the file has a mistake, so the
    bot keeps running the texts it had (`flows check` says where the mistake is)."""
    texts, problems = _read(path, "es")
    if has_errors(problems):
        raise FlowError(problems)
    return texts


def _read(path: Path, lang: str) -> tuple[dict[str, str], list[Problem]]:
    _ = translator(lang)
    if not path.exists():
        return {}, []
    try:
        doc = read_yaml(path)
    except YamlSyntaxError as error:
        return {}, [Problem(path, error.line, "yaml-syntax",
                            _("el YAML no es válido: {problem}").format(problem=error.message))]
    texts = doc.data.get("texts") if isinstance(doc.data, dict) else None
    if not isinstance(texts, dict):
        return {}, [Problem(path, 1, "not-texts",
                            _("el archivo debe empezar con «texts:» y una clave por texto"))]
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for key, value in texts.items():
        line = doc.line_of(("texts", str(key)))
        builtin = SYSTEM_TEXTS.get(str(key))
        if builtin is None:
            guess = difflib.get_close_matches(str(key), list(SYSTEM_TEXTS), n=1)
            hint = _(" ¿Quisiste decir «{guess}»?").format(guess=guess[0]) if guess else ""
            problems.append(Problem(path, line, "unknown-text-key",
                                    _("clave desconocida «{key}».{hint}").format(key=key, hint=hint)))
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(path, line, "empty-text",
                                    _("«{key}» necesita un texto; bórralo para usar el de siempre").format(
                                        key=key)))
            continue
        text = value.strip()
        wanted, used = set(PLACEHOLDER.findall(builtin)), set(PLACEHOLDER.findall(text))
        if wanted != used:
            problems.append(Problem(path, line, "text-placeholders",
                                    _("«{key}» debe llevar {wanted}; lleva {used}").format(
                                        key=key, wanted=_braced(wanted, _), used=_braced(used, _))))
            continue
        if marker := format_marker_in(text):
            problems.append(Problem(path, line, "percent-sign",
                                    _("en «{seen}» las herramientas de traducción leen «{marker}» "
                                      "como un marcador y `make i18n` falla: escribe «por ciento» "
                                      "o «25% más»").format(seen=marker[1], marker=marker[0])))
            continue
        found[str(key)] = text
    return found, problems


def _braced(names: set[str], _: Callable[[str], str]) -> str:
    return ", ".join(f"{{{n}}}" for n in sorted(names)) or "-"
