"""The flow checker: finds every problem in the flow files and says where, in plain words.

`check_flow_files(directory, catalog)` reads each `flows/*.yaml` conversation, validates it against the
schema, then checks the set as a whole: targets, reachability, ways out, actions,
placeholders, triggers, button labels and translations. `catalog` holds the actions and
`await:` requests the flows may name (`bot.features.builtin_catalog()` for the shipped ones).
The engine refuses to serve a set with errors, so a staff member's mistake never reaches workers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from pydantic import BaseModel, ValidationError

from bot.core.actions import ActionCatalog, ActionSpec, RequestSpec
from bot.core.flowfile import DEFAULTS, PLACEHOLDER, Flow, Input, Option, State
from bot.core.inputs import EXTRAS_BY_TYPE
from bot.core.textnorm import normalize
from bot.i18n import LANGUAGES, format_marker_in, translator
from bot.i18n.extract import texts_of_file
from bot.paths import LOCALES_DIR
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, YamlSyntaxError, plain, read_yaml

# A key written one level too deep becomes part of the text above it: `say: >-` then `next: x`.
_KEY_IN_TEXT = re.compile(r"\b(next|choices|input|yes|no|end|action|on):\s")
LABEL_MAX = 40  # longer button labels are cut off on a phone's Telegram keyboard

Translate = Callable[[str], str]
Node = tuple[str, str]  # (flow, state)


@dataclass(frozen=True, slots=True)
class FlowSource:
    flow: Flow
    doc: YamlDocument

    @property
    def path(self) -> Path:
        return self.doc.path

    def line(self, *loc: str | int) -> int:
        return self.doc.line_of(loc)


@dataclass(slots=True)
class CheckReport:
    sources: dict[str, FlowSource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def flow_files(directory: Path) -> list[Path]:
    """The conversation files: YAML files directly in flows/ (sub-folders hold content data)."""
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def check_flow_files(directory: Path, catalog: ActionCatalog, lang: str = "es") -> CheckReport:
    """Read and check every flow file in `directory` against the actions of `catalog`."""
    _ = translator(lang)
    report = CheckReport()
    broken: set[str] = set()
    for path in flow_files(directory):
        source = _read_flow(path, report.problems, _, lang)
        if source is None:
            broken.add(_flow_name_of(path))
            continue
        if source.flow.flow in report.sources:
            other = report.sources[source.flow.flow].path
            report.problems.append(
                Problem(path, source.line("flow"), "duplicate-flow",
                        _("el flujo «{name}» ya existe en {other}").format(
                            name=source.flow.flow, other=other))
            )
            continue
        report.sources[source.flow.flow] = source
    report.problems += FlowSetChecker(report.sources, catalog, _, broken).run()
    report.problems += missing_translations(directory, _)
    return report


_FLOW_LINE = re.compile(r"^flow:\s*([\w-]+)\s*(?:#.*)?$", re.MULTILINE)


def _flow_name_of(path: Path) -> str:
    """The name a file that could not be read gives its flow (its `flow:` line, else its file
    name), so that other files' links into it are not reported as mistakes of their own."""
    try:
        found = _FLOW_LINE.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        found = None
    return found.group(1) if found else path.stem


def _read_flow(path: Path, problems: list[Problem], _: Translate, lang: str) -> FlowSource | None:
    try:
        doc = read_yaml(path)
    except YamlSyntaxError as error:
        problems.append(Problem(path, error.line, "yaml-syntax", error.text(_, lang)))
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem(path, 1, "not-a-flow",
                                _("el archivo debe ser un flujo: empieza con «flow:», «start:» y «states:»")))
        return None
    try:
        return FlowSource(Flow.model_validate(plain(doc.data)), doc)
    except ValidationError as error:
        problems += _schema_problems(doc, error, _)
        return None


def _schema_problems(doc: YamlDocument, error: ValidationError, _: Translate) -> list[Problem]:
    """One problem per schema error; the empty keys an unquoted comma makes in one item (`{label:
    Mina, petróleo, gas}` reads as the keys «petróleo» and «gas») are one problem that says so."""
    problems: list[Problem] = []
    split: dict[tuple[Any, ...], list[str]] = {}
    for detail in error.errors():
        loc = tuple(detail["loc"])
        if detail["type"] == "extra_forbidden" and detail["input"] is None and len(loc) > 1:
            if loc[:-1] not in split:
                split[loc[:-1]] = []
                problems.append(Problem(doc.path, doc.line_of(loc), "unknown-key", ""))
            split[loc[:-1]].append(str(loc[-1]))
        else:
            problems.append(_schema_problem(doc, detail, _))
    texts = iter(split.items())
    return [p if p.message else _comma_problem(p, *next(texts), doc, _) for p in problems]


def _comma_problem(problem: Problem, parent: tuple[Any, ...], keys: list[str], doc: YamlDocument,
                   _: Translate) -> Problem:
    node: Any = plain(doc.data)
    for part in parent:
        node = node[part] if isinstance(node, (dict, list)) else None
    first = next((str(v) for v in node.values() if isinstance(v, str)), "") \
        if isinstance(node, dict) else ""
    whole = ", ".join([first, *keys]) if first else ", ".join(keys)
    message = _("«{key}» se leyó como una clave: ¿tu texto tiene una coma o dos puntos? Pon el texto "
                "entre comillas, así: \"{text}\"").format(key=keys[0], text=whole)
    return Problem(problem.path, problem.line, problem.code, message)


def _schema_problem(doc: YamlDocument, error: Any, _: Translate) -> Problem:
    loc = tuple(error["loc"])
    line = doc.line_of(loc)
    where = ".".join(str(p) for p in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = sorted(f.alias or name for name, f in _model_at(loc[:-1]).model_fields.items())
        guess = difflib.get_close_matches(key, allowed, n=1)
        hint = _(" ¿Quisiste decir «{guess}»?").format(guess=guess[0]) if guess else ""
        message = _("clave desconocida «{key}».{hint} Claves válidas aquí: {allowed}").format(
            key=key, hint=hint, allowed=", ".join(allowed))
        return Problem(doc.path, line, "unknown-key", message)
    if kind == "missing":
        return Problem(doc.path, line, "missing-key",
                       _("falta la clave «{key}»").format(key=loc[-1]))
    return Problem(doc.path, line, "invalid-value",
                   _("valor no válido en {where}: {detail}").format(where=where, detail=error["msg"]))


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    """The schema model that owns the keys at a location (for did-you-mean suggestions)."""
    names = [p for p in loc if isinstance(p, str)]
    if "input" in names:
        return Input
    if "choices" in names:
        return Option
    if "states" in names and len(loc) >= 2:
        return State
    return Flow


class FlowSetChecker:
    """Checks that need the whole set of flows: targets, graph, actions, placeholders, triggers."""

    def __init__(self, sources: dict[str, FlowSource], catalog: ActionCatalog, _: Translate,
                 broken: set[str] | None = None) -> None:
        self.sources = sources
        self.broken = broken or set()  # flows whose file could not be read: already reported
        self.catalog = catalog
        self._ = _
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        for source in self.sources.values():
            self._check_flow(source)
        # A state nobody reaches is most often the echo of another mistake (a misspelt `next:`,
        # a flow that could not be read): said only once the rest is right.
        if not self.broken and not any(p.severity is Severity.ERROR for p in self.problems):
            for source in self.sources.values():
                self._check_reachable(source)
        self._check_triggers()
        if not any(p.severity is Severity.ERROR for p in self.problems):
            self._check_placeholders()
        return self.problems

    def error(self, source: FlowSource, loc: tuple[str | int, ...], code: str, message: str,
              severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(source.path, source.line(*loc), code, message, severity))

    def resolve(self, flow: Flow, target: str) -> Node | None:
        """The (flow, state) a target names, or None when it names nothing."""
        if "." in target:
            name, state = target.split(".", 1)
            other = self.sources.get(name)
            return (name, state) if other and state in other.flow.states else None
        if target in flow.states:
            return (flow.flow, target)
        if target in self.sources:
            return (target, self.sources[target].flow.start)
        return None

    def into_broken(self, flow: Flow, target: str) -> bool:
        """True when `target` names a flow whose file could not be read (or a state in it)."""
        name = target.split(".", 1)[0] if "." in target else target
        return name in self.broken and ("." in target or target not in flow.states)

    def action_of(self, state: State) -> ActionSpec | None:
        return self.catalog.actions.get(state.action) if state.action else None

    def request_of(self, state: State) -> RequestSpec | None:
        return self.catalog.requests.get(state.await_) if state.await_ else None

    def provided_by(self, state: State) -> set[str]:
        """The variables a state's action, and the answer to its request, may set."""
        spec, request = self.action_of(state), self.request_of(state)
        return set(spec.provides if spec else ()) | set(request.provides if request else ())

    def edges(self, flow: Flow, state: State) -> Iterator[Node]:
        spec = self.action_of(state)
        for target in [*state.targets(), *(spec.goes_to if spec else ())]:
            node = self.resolve(flow, target)
            if node:
                yield node

    def _check_flow(self, source: FlowSource) -> None:
        flow, _ = source.flow, self._
        if flow.start not in flow.states:
            self.error(source, ("start",), "missing-state",
                       _("el estado de inicio «{state}» no existe").format(state=flow.start))
        for name, state in flow.states.items():
            self._check_state(source, name, state)

    def _check_state(self, source: FlowSource, name: str, state: State) -> None:
        _ = self._
        loc = ("states", name)
        for key, target in _named_targets(state):
            if self.into_broken(source.flow, target):
                continue
            if self.resolve(source.flow, target) is None:
                self.error(source, (*loc, *key), "missing-target",
                           _("«{target}» no es un estado de este flujo ni otro flujo").format(
                               target=target) + _suggest(target, self._target_names(source.flow), _))
            elif "." not in target and target in source.flow.states and target in self.sources \
                    and target != source.flow.flow:
                self.error(source, (*loc, *key), "ambiguous-target",
                           _("«{target}» es un estado de este flujo y también otro flujo; "
                             "cambia el nombre del estado").format(target=target))
        if state.choices is not None and state.input is not None:
            self.error(source, (*loc, "input"), "choices-and-input",
                       _("usa «choices» o «input», no los dos"))
        for i, option in enumerate(state.choices or ()):
            if len(option.label) > LABEL_MAX:
                self.error(source, (*loc, "choices", i, "label"), "label-too-long",
                           _("la opción «{label}» tiene {n} letras; un botón de Telegram admite "
                             "{max}").format(label=option.label, n=len(option.label), max=LABEL_MAX))
        self._check_action(source, name, state)
        self._check_way_out(source, name, state)

    def _check_action(self, source: FlowSource, name: str, state: State) -> None:
        _ = self._
        loc = ("states", name)
        spec = self.action_of(state)
        if state.action and spec is None:
            self.error(source, (*loc, "action"), "unknown-action",
                       _("la acción «{action}» no existe").format(action=state.action)
                       + _suggest(state.action, list(self.catalog.actions), _))
        request = self.request_of(state)
        if state.await_ and request is None:
            self.error(source, (*loc, "await"), "unknown-await",
                       _("nadie responde a «await: {name}».{hint} Se puede esperar: {known}").format(
                           name=state.await_, known=_listed(self.catalog.requests),
                           hint=_suggest(state.await_, list(self.catalog.requests), _)))
        if state.await_ and not (state.action and state.on):
            self.error(source, (*loc, "await"), "await-without-on",
                       _("«await» necesita una acción («action») que pregunte y «on:» para cada "
                         "respuesta"))
        if state.on and not state.action:
            self.error(source, (*loc, "on"), "on-without-action",
                       _("«on» necesita una acción («action») que dé un resultado"))
        if spec is not None:
            for target in sorted(spec.goes_to):
                if self.resolve(source.flow, target) is None and not self.into_broken(source.flow, target):
                    self.error(source, (*loc, "action"), "missing-target",
                               _("la acción «{action}» lleva a «{target}», que no existe").format(
                                   action=spec.name, target=target))
        if request is not None:
            self._check_outcomes(source, loc, state, request.outcomes, lambda outcome: _(
                "la respuesta a «await: {name}» nunca da el resultado «{outcome}»; da: {known}").format(
                    name=request.name, outcome=outcome, known=_listed(request.outcomes)))
        elif spec is not None and not state.await_:  # in an `await:` state the answer routes
            self._check_outcomes(source, loc, state, spec.outcomes, lambda outcome: _(
                "la acción «{action}» nunca da el resultado «{outcome}»; da: {known}").format(
                    action=spec.name, outcome=outcome, known=_listed(spec.outcomes)))
        if state.choices_from and (spec is None or state.choices_from not in spec.provides):
            self.error(source, (*loc, "choices_from"), "choices-from-unknown",
                       _("«choices_from: {var}» necesita una acción en este estado que llene "
                         "«{var}»").format(var=state.choices_from))
        if (state.yes or state.no) and state.input_type != "yes_no":
            self.error(source, (*loc, "yes" if state.yes else "no"), "yes-no-without-input",
                       _("«yes» y «no» solo sirven con «input: {{type: yes_no}}»"))

    def _check_outcomes(self, source: FlowSource, loc: tuple[str, str], state: State,
                        known: frozenset[str], message: Callable[[str], str]) -> None:
        for outcome in state.on or {}:
            if outcome not in known:
                self.error(source, (*loc, "on", outcome), "unknown-outcome", message(outcome))

    def _check_way_out(self, source: FlowSource, name: str, state: State) -> None:
        _ = self._
        if state.end:
            return
        loc = ("states", name)
        kind = state.input_type
        if state.choices is not None and state.next is None:
            for i, option in enumerate(state.choices):
                if option.go is None:
                    self.error(source, (*loc, "choices", i), "no-way-out",
                               _("la opción «{label}» no dice a dónde ir: agrega «go:» o un «next:» "
                                 "al estado").format(label=option.label))
            return
        if kind == "yes_no":
            if state.next is None and not (state.yes and state.no):
                self.error(source, loc, "no-way-out",
                           _("el estado «{state}» necesita «yes:» y «no:», o «next:»").format(
                               state=name))
            return
        if state.next is None and state.choices is None and not state.on:
            swallowed = _KEY_IN_TEXT.search(state.say if isinstance(state.say, str) else "")
            self.error(source, loc, "no-way-out",
                       _("el estado «{state}» no tiene salida: agrega «next:», opciones, "
                         "o «end: true» si la conversación termina ahí").format(state=name)
                       + (_(". ¿Quedó «{key}:» dentro del texto de «say»? Revisa su sangría.").format(
                           key=swallowed.group(1)) if swallowed else ""))

    def _check_reachable(self, source: FlowSource) -> None:
        flow = source.flow
        seen: set[Node] = set()
        todo: list[Node] = [(flow.flow, flow.start)]
        todo += [n for s in self.sources.values() for st in s.flow.states.values()
                 for n in self.edges(s.flow, st) if n[0] == flow.flow and s.flow.flow != flow.flow]
        while todo:
            node = todo.pop()
            if node in seen or node[1] not in flow.states:
                continue
            seen.add(node)
            todo += [n for n in self.edges(flow, flow.states[node[1]]) if n[0] == flow.flow]
        for name in flow.states:
            if (flow.flow, name) not in seen:
                self.error(source, ("states", name), "unreachable",
                           self._("ningún camino lleva al estado «{state}»").format(state=name))

    def _check_triggers(self) -> None:
        owners: dict[tuple[str, str], str] = {}
        for source in self.sources.values():
            for lang, words in source.flow.triggers.items():
                if lang not in LANGUAGES:
                    self.error(source, ("triggers", lang), "unknown-language",
                               self._("idioma desconocido «{lang}»; usa: {known}").format(
                                   lang=lang, known=", ".join(LANGUAGES)))
                for i, word in enumerate(words):
                    key = (lang, normalize(word))
                    owner = owners.setdefault(key, source.flow.flow)
                    if owner != source.flow.flow:
                        self.error(source, ("triggers", lang, i), "duplicate-trigger",
                                   self._("la palabra «{word}» ya abre el flujo «{other}»").format(
                                       word=word, other=owner))

    def _check_placeholders(self) -> None:
        """A `{name}` must be set by `save_as` or an action on some path leading to its state."""
        known = self._vars_before_each_state()
        for source in self.sources.values():
            for name, state in source.flow.states.items():
                node = (source.flow.flow, name)
                available = known.get(node, set()) | self.provided_by(state) | set(DEFAULTS)
                for loc, text in _texts_with_loc(state):
                    if found := format_marker_in(text):
                        self.error(source, ("states", name, *loc), "percent-sign",
                                   self._("en «{seen}» las herramientas de traducción leen «{marker}» "
                                          "como un marcador y `make i18n` falla: escribe «por ciento» "
                                          "o «25% más»").format(seen=found[1], marker=found[0]))
                    for var in PLACEHOLDER.findall(text):
                        if var not in available:
                            self.error(source, ("states", name, *loc), "unknown-placeholder",
                                       self._("nadie guarda «{{{var}}}» antes de este estado: usa "
                                              "«save_as: {var}» en un estado anterior").format(var=var))

    def _vars_before_each_state(self) -> dict[Node, set[str]]:
        """Forward data flow over all flows: the variables that may be set on entering a state."""
        states = {(s.flow.flow, n): (s.flow, st) for s in self.sources.values()
                  for n, st in s.flow.states.items()}
        before: dict[Node, set[str]] = {node: set() for node in states}
        changed = True
        while changed:
            changed = False
            for node, (flow, state) in states.items():
                after = before[node] | self.provided_by(state) | _saved_by(state)
                for target in self.edges(flow, state):
                    if target in before and not after <= before[target]:
                        before[target] |= after
                        changed = True
        return before

    def _target_names(self, flow: Flow) -> list[str]:
        return list(flow.states) + list(self.sources)


def _named_targets(state: State) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for key in ("next", "yes", "no"):
        value = getattr(state, key)
        if value:
            yield (key,), value
    for i, option in enumerate(state.choices or ()):
        if option.go:
            yield ("choices", i, "go"), option.go
    for outcome, target in (state.on or {}).items():
        yield ("on", outcome), target


def _texts_with_loc(state: State) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(state.say, list):
        yield from ((("say", i), text) for i, text in enumerate(state.say))
    elif state.say:
        yield ("say",), state.say
    if state.help:
        yield ("help",), state.help
    for i, option in enumerate(state.choices or ()):
        yield ("choices", i, "label"), option.label


def _listed(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "-"


def _suggest(word: str, candidates: Iterable[str], _: Translate) -> str:
    guess = difflib.get_close_matches(word, list(candidates), n=1)
    return _(" ¿Quisiste decir «{guess}»?").format(guess=guess[0]) if guess else ""


def missing_translations(directory: Path, _: Translate) -> list[Problem]:
    """A warning for each text of a flow or content file that a language has not translated."""
    problems: list[Problem] = []
    for lang in LANGUAGES[1:]:
        po = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
        translated: set[str] = set()
        if po.exists():
            with po.open("rb") as handle:
                catalog = read_po(handle)
            translated = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
        for path in sorted(directory.rglob("*.yaml")):
            for line, text in texts_of_file(path):
                if text not in translated:
                    problems.append(Problem(path, line, "missing-translation",
                                            _("falta la traducción al idioma «{lang}» de: "
                                              "«{text}»").format(lang=lang, text=_shorten(text)),
                                            Severity.WARNING))
    return problems


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _saved_by(state: State) -> set[str]:
    """What a state's answer saves: `save_as`, and the extras its reader may add (`salary_per`,
    `started_assumed`); a flow may show those, and they are empty when the reader added none."""
    if state.save_as is None:
        return set()
    kind = state.input_type
    extras = EXTRAS_BY_TYPE.get(kind, ()) if kind is not None else ()
    return {state.save_as} | {f"{state.save_as}_{suffix}" for suffix in extras}
