"""The schema of a flow file: one conversation as a state machine, validated with pydantic.

A flow file looks like this (see docs/staff-guide.md for the whole story):

    flow: main
    triggers: {es: [menu, hola], en: [menu, hi]}
    start: welcome
    states:
      welcome:
        say: ¡Hola! Soy el bot de derechos laborales.
        next: menu
      menu:
        say: ¿En qué te ayudo?
        choices:
          - {label: Mis derechos, go: rights}
        ...

A target (`next`, `go`, `yes`, `no`, `on`) names a state of the same flow (`menu`), another
flow from its start (`rights`), or a state of another flow (`rights.categories`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NAME = r"^[a-z][a-z0-9_]*$"
LANGS = ("es", "en")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

Name = Annotated[str, Field(pattern=NAME, max_length=40)]
Target = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$", max_length=81)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class InputType(StrEnum):
    CHOICE = "choice"
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    YES_NO = "yes_no"
    LOCATION = "location"
    PHONE = "phone"


class When(StrEnum):
    ANY = "any"
    PAST = "past"
    FUTURE = "future"


class Unit(StrEnum):
    """What a number counts, when it is not a plain count."""

    DAYS = "days"  # "2 semanas" is 14, "una quincena" 15, "un mes" 30


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Input(Strict):
    """What answer a state waits for, and the limits that make it valid."""

    type: InputType
    min: float | None = Field(None, description="number/money: smallest valid value")
    max: float | None = Field(None, description="number/money: largest valid value")
    max_length: int = Field(500, ge=1, le=4000, description="text: longest answer kept")
    when: When = Field(When.ANY, description="date: only past or only future dates")
    unit: Unit | None = Field(
        None, description="number: `days` reads \"2 semanas\" as 14 and \"como 15 dias\" as 15")


class Option(Strict):
    """One menu option. `value` is what `save_as` saves (the label when left out)."""

    label: Text
    go: Target | None = None
    value: Annotated[str, Field(min_length=1, max_length=40)] | None = None


class State(Strict):
    """One step of a conversation: say something, maybe run an action, maybe wait for an answer."""

    say: Text | list[Text] | None = Field(None, description="message(s) sent on entering")
    action: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")] | None = Field(
        None, description="a registered Python action run on entering, before `say`"
    )
    input: Input | None = Field(None, description="the answer this state waits for")
    choices: list[Option] | None = Field(None, min_length=1, max_length=10)
    choices_from: Name | None = Field(None, description="a variable an action filled with options")
    save_as: Name | None = Field(None, description="the variable the answer is saved in")
    personal: bool = Field(False, description="the answer is personal data: kept only with consent")
    help: Text | None = Field(None, description="said again when an answer is not valid")
    next: Target | None = Field(None, description="where to go after this state")
    yes: Target | None = Field(None, description="yes_no input: where a yes goes")
    no: Target | None = Field(None, description="yes_no input: where a no goes")
    on: dict[Name, Target] | None = Field(None, description="action outcome -> target")
    end: bool = Field(False, description="the conversation ends here")
    await_: Name | None = Field(
        None, alias="await",
        description="wait for the outside world (e.g. `seat`): the action asks, the service answers, "
        "and `on:` routes by the answer",
    )

    @property
    def says(self) -> list[str]:
        if self.say is None:
            return []
        return [self.say] if isinstance(self.say, str) else list(self.say)

    @property
    def input_type(self) -> InputType | None:
        if self.choices is not None or self.choices_from is not None:
            return InputType.CHOICE
        return self.input.type if self.input else None

    def targets(self) -> list[str]:
        """Every target named in this state."""
        found = [t for t in (self.next, self.yes, self.no) if t]
        found += [o.go for o in self.choices or () if o.go]
        found += list((self.on or {}).values())
        return found


class Flow(Strict):
    """One conversation, in one file under flows/."""

    flow: Name = Field(description="the flow's name, used in targets and triggers")
    description: str | None = Field(None, description="what this conversation is for")
    triggers: dict[str, list[Annotated[str, Field(min_length=1, max_length=60)]]] = Field(
        default_factory=dict, description="per language, words that start this flow anywhere"
    )
    start: Name
    timeout_minutes: int | None = Field(
        None, ge=1, le=60 * 24 * 30, description="idle time after which the bot offers to resume"
    )
    states: dict[Name, State] = Field(min_length=1)


def flow_json_schema() -> dict[str, object]:
    """The JSON Schema editors use to autocomplete and validate flow files."""
    schema = Flow.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "labor-bot flow file"
    return schema
