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
# Placeholders every flow text may use, filled from the deployment's settings rather than from her
# answers (`BotService` sets them from `Settings`; the engine only reads `FlowSet.defaults`).
RETENTION_DAYS = "retention_days"  # SESSION_TTL_DAYS: how long her conversation is kept
DEFAULTS: dict[str, str] = {RETENTION_DAYS: "7"}

Name = Annotated[str, Field(pattern=NAME, max_length=40)]
Target = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$", max_length=81)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class InputType(StrEnum):
    """The kinds of answer a state can wait for (the schema lists them for editors)."""

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


# What an editor shows on hovering a block of the flow file (the class docstrings are for programmers).
_ES = {
    "Input": "La respuesta que espera el estado y los límites que la hacen válida.",
    "Option": "Un botón: su texto («label»), a dónde lleva («go») y lo que guarda («value»).",
    "State": ("Un paso de la conversación: dice algo («say»), tal vez corre una acción («action») "
              "y tal vez espera una respuesta («input» o «choices»)."),
    "Flow": "Una conversación: su nombre, las palabras que la abren, su inicio y sus estados.",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Input(Strict):
    """What answer a state waits for, and the limits that make it valid."""

    model_config = ConfigDict(json_schema_extra={"description": _ES["Input"]})

    type: InputType = Field(description=(
        "Qué respuesta espera: choice (opción), text (texto), number (número), money (dinero), "
        "date (fecha), yes_no (sí o no), location (ubicación), phone (teléfono)."))
    min: float | None = Field(None, description="number/money: el valor más chico que se acepta.")
    max: float | None = Field(None, description="number/money: el valor más grande que se acepta.")
    max_length: int = Field(500, ge=1, le=4000,
                            description="text: cuántas letras se guardan como máximo (500 si no lo dices).")
    when: When = Field(When.ANY, description=(
        "date: «past» solo acepta fechas que ya pasaron, «future» solo fechas que vienen, "
        "«any» cualquiera."))
    unit: Unit | None = Field(None, description=(
        "number: con «days» el bot lee «2 semanas» como 14 y «como 15 dias» como 15."))


class Option(Strict):
    """One menu option. `value` is what `save_as` saves (the label when left out)."""

    model_config = ConfigDict(json_schema_extra={"description": _ES["Option"]})

    label: Text = Field(description=(
        "El texto del botón (40 letras como máximo). Si lleva coma o dos puntos, ponlo entre "
        "comillas: \"Mina, petróleo o gas\"."))
    go: Target | None = Field(None, description=(
        "A dónde lleva esta opción: un estado de este flujo (menu), otro flujo (rights) o un "
        "estado de otro flujo (main.menu). Sin «go:» sigue el «next:» del estado."))
    value: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(None, description=(
        "Lo que se guarda en «save_as» cuando ella elige esta opción (el texto del botón si no "
        "lo pones). El sistema puede usarlo: no lo cambies si el archivo dice que no."))


class State(Strict):
    """One step of a conversation: say something, maybe run an action, maybe wait for an answer."""

    model_config = ConfigDict(json_schema_extra={"description": _ES["State"]})

    say: Text | list[Text] | None = Field(None, description=(
        "Lo que el bot dice al llegar a este estado: un texto, o una lista de textos (un mensaje "
        "cada uno). {nombre} pone el valor de una variable."))
    action: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")] | None = Field(
        None, description=(
            "Una acción del sistema (familia.nombre) que corre al llegar, antes de «say:». La "
            "lista, con sus resultados y variables: labor-bot flows actions."))
    input: Input | None = Field(None, description=(
        "La respuesta que espera este estado, por ejemplo {type: date, when: past}."))
    choices: list[Option] | None = Field(None, min_length=1, max_length=10, description=(
        "Botones para elegir (de 1 a 10). Cada uno: {label: texto, go: a dónde}. Ella puede "
        "tocar el botón o escribir su número."))
    choices_from: Name | None = Field(None, description=(
        "Usa como botones las opciones que llenó la acción de este estado en esta variable."))
    save_as: Name | None = Field(None, description=(
        "Guarda la respuesta en esta variable; después se puede mostrar con {nombre}."))
    personal: bool = Field(False, description=(
        "true si la respuesta es un dato personal (nombre, empresa, lo que pasó): solo se guarda "
        "si ella aceptó."))
    help: Text | None = Field(None, description=(
        "Lo que el bot dice cuando la respuesta no sirve (en vez del texto de siempre)."))
    next: Target | None = Field(None, description=(
        "A dónde sigue después de este estado, cuando nada más decide: ni el botón («go:»), "
        "ni sí/no («yes:»/«no:»), ni el resultado de la acción («on:»)."))
    yes: Target | None = Field(None, description="Con input yes_no: a dónde va si dice que sí.")
    no: Target | None = Field(None, description="Con input yes_no: a dónde va si dice que no.")
    on: dict[Name, Target] | None = Field(None, description=(
        "Según el resultado de la acción (o de la espera «await:»), a dónde seguir: "
        "{resultado: estado}. Los resultados de cada acción: labor-bot flows actions."))
    end: bool = Field(False, description="true si la conversación termina aquí.")
    await_: Name | None = Field(
        None, alias="await", description=(
            "Espera una respuesta del sistema (por ejemplo «seat», un lugar en un taller): la "
            "acción pregunta, el sistema contesta y «on:» sigue según la respuesta."),
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

    model_config = ConfigDict(json_schema_extra={"description": _ES["Flow"]})

    flow: Name = Field(description=(
        "El nombre del flujo, en minúsculas y sin espacios; otros flujos lo usan para llegar "
        "aquí (por ejemplo go: rights)."))
    description: str | None = Field(None, description="Para qué es esta conversación (para el equipo).")
    triggers: dict[str, list[Annotated[str, Field(min_length=1, max_length=60)]]] = Field(
        default_factory=dict, description=(
            "Por idioma (es, en), las palabras que abren este flujo desde cualquier parte de la "
            "conversación.")
    )
    start: Name = Field(description="El estado donde empieza el flujo.")
    timeout_minutes: int | None = Field(
        None, ge=1, le=60 * 24 * 30, description=(
            "Minutos sin respuesta después de los cuales el bot ofrece seguir donde se quedó.")
    )
    states: dict[Name, State] = Field(min_length=1, description=(
        "Los pasos de la conversación: cada uno con su nombre, en minúsculas y sin espacios."))


def flow_json_schema() -> dict[str, object]:
    """The JSON Schema editors use to autocomplete and validate flow files."""
    schema = Flow.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "labor-bot flow file"
    return schema
