"""Mexico's 32 states from `flows/data/states.yaml`, and reading a state from what a worker typed.

`StateTable.find(text)` accepts the name, the ISO 3166-2:MX code, a staff-added alias ("CDMX",
"Edomex", "SLP", "NL", a big city), a phrase containing one ("trabajo en Monterrey"), or a close
misspelling ("Guanajuatro"); anything else, or a phrase naming two different states, is None
so the bot asks again; so are the words staff list as `ambiguous` ("mexico": the country, the
State or the City?).
`StateTable.exact(text)` is the strict form the directory checker uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from bot.core.textnorm import normalize
from bot.datafile import SPANISH, Translate, open_data, or_input_error, validate
from bot.i18n import translator
from bot.paths import DATA_DIR
from bot.problems import Problem
from bot.yamlsource import plain

STATES_FILE = DATA_DIR / "states.yaml"
ALL_STATES = "all"  # in the directory: an office that serves the whole country
FUZZY_CUTOFF = 80  # "guanajuatro" scores 95 against "guanajuato"; "narnia" 62 against "nayarit"
FUZZY_MIN_LENGTH = 4  # "col", "son", "sin" only match exactly: they are ordinary words too
STATE_COUNT = 32


class MxState(BaseModel):
    """One state: its ISO code, its name as written in Spanish, and what people also call it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[A-Z]{3}$")
    name: str = Field(min_length=3, max_length=60)
    aliases: tuple[str, ...] = ()


class _StatesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    states: list[MxState] = Field(min_length=1)
    ambiguous: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateTable:
    """The loaded states, with every spelling normalised once for lookups."""

    states: tuple[MxState, ...]
    ambiguous: frozenset[str] = frozenset()
    _words: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for state in self.states:
            for word in _spellings(state):
                self._words.setdefault(word, state.code)

    def by_code(self, code: str) -> MxState | None:
        return next((s for s in self.states if s.code == code), None)

    def name_of(self, code: str) -> str:
        found = self.by_code(code)
        return found.name if found else code

    def exact(self, text: str) -> MxState | None:
        """A name, code or alias, ignoring case, accents and punctuation; no guessing."""
        code = self._words.get(normalize(text))
        return self.by_code(code) if code else None

    def find(self, text: str) -> MxState | None:
        """The state a worker meant, or None when nothing (or more than one state) fits."""
        said = normalize(text)
        if not said or said in self.ambiguous:
            return None
        return self.exact(said) or self._inside(said) or self._close(said)

    def _inside(self, said: str) -> MxState | None:
        padded = f" {said} "
        found = [w for w in self._words if len(w) >= FUZZY_MIN_LENGTH and f" {w} " in padded]
        # The longest spelling wins ("baja california sur" over "baja california"); a phrase
        # naming two states ("jalisco o colima") is a question back, not a guess.
        longest = [w for w in found if not any(w != other and w in other for other in found)]
        codes = {self._words[w] for w in longest}
        return self.by_code(codes.pop()) if len(codes) == 1 else None

    def _close(self, said: str) -> MxState | None:
        words = [w for w in self._words if len(w) >= FUZZY_MIN_LENGTH]
        best = process.extract(said, words, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_CUTOFF)
        if not best:
            return None
        code, score = self._words[best[0][0]], best[0][1]
        rival = next((s for w, s, _ in best if self._words[w] != code), 0.0)
        return self.by_code(code) if score - rival >= 5 else None


def _spellings(state: MxState) -> Iterator[str]:
    yield normalize(state.code)
    yield normalize(state.name)
    for alias in state.aliases:
        yield normalize(alias)


def load_states(path: Path = STATES_FILE) -> StateTable:
    """Read and check the states file; `InputError` with `file:line: …` for its first error."""
    return or_input_error(*_read(path))


@lru_cache(maxsize=1)
def default_states() -> StateTable:
    """The shipped states file, read once per process."""
    return load_states()


def state_problems(path: Path = STATES_FILE, lang: str = "es") -> list[Problem]:
    """Every problem of the states file, for `labor-bot flows check`."""
    return _read(path, translator(lang))[1]


def _read(path: Path, _: Translate = SPANISH) -> tuple[StateTable | None, list[Problem]]:
    doc, problems = open_data(path, Problem(path, 1, "states-missing-file",
                                            _("falta el archivo de estados")), _)
    if doc is None:
        return None, problems
    parsed, problems = validate(doc, _StatesFile, plain(doc.data), "states-invalid", whole_file="", _=_)
    if parsed is None:
        return None, problems
    owner: dict[str, str] = {}
    for i, state in enumerate(parsed.states):
        for word in _spellings(state):
            other = owner.setdefault(word, state.code)
            if other != state.code:
                problems.append(Problem(path, doc.line_of(("states", i)), "states-duplicate",
                                        _("«{word}» es de {other} y de {code}: déjalo en uno solo").format(
                                            word=word, other=other, code=state.code)))
    if len({s.code for s in parsed.states}) != STATE_COUNT:
        problems.append(Problem(path, doc.line_of(("states",)), "states-count",
                                _("debe haber {count} estados distintos, hay {found}").format(
                                    count=STATE_COUNT, found=len({s.code for s in parsed.states}))))
    codes = {normalize(s.code) for s in parsed.states}  # "MEX" names a state in the directory only
    for i, word in enumerate(parsed.ambiguous):
        if normalize(word) in owner and normalize(word) not in codes:
            problems.append(Problem(path, doc.line_of(("ambiguous", i)), "states-duplicate",
                                    _("«{word}» está en «ambiguous» y es de {code}").format(
                                        word=word, code=owner[normalize(word)])))
    ambiguous = frozenset(normalize(word) for word in parsed.ambiguous)
    return StateTable(tuple(parsed.states), ambiguous), problems
