"""The rules of the complaint guide: kinds of problem, jurisdiction (LFT Art. 527), offices, papers.

Pure functions of the worker's answers; `bot.complaint.actions` turns them into messages.
Deadlines are not here: they come from her situation, through `bot.complaint.deadlines`.
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class Kind(StrEnum):
    """The kinds of problem the guide knows; the values are what `flows/complaint.yaml` saves."""

    DISMISSAL = "dismissal"
    WAGES = "wages"
    HARASSMENT = "harassment"
    UNION = "union"
    SAFETY = "safety"
    CHILD_LABOR = "child_labor"
    FORCED_LABOR = "forced_labor"
    OTHER = "other"


# Branches that open with what to do in danger, offer a person, and ask before storing anything.
SAFETY_FIRST = frozenset({Kind.HARASSMENT, Kind.CHILD_LABOR, Kind.FORCED_LABOR})
# Reports to an authority rather than claims for money: no deadline date is given for these,
# unless (dangerous work) she was dismissed, left or had a work accident: then her situation
# gives one.
REPORTS = frozenset({Kind.SAFETY, Kind.CHILD_LABOR, Kind.FORCED_LABOR})

KIND_LABELS: dict[Kind, str] = {
    Kind.DISMISSAL: N_("Despido"),
    Kind.WAGES: N_("Salario o prestaciones sin pagar"),
    Kind.HARASSMENT: N_("Acoso o discriminación"),
    Kind.UNION: N_("Derechos sindicales"),
    Kind.SAFETY: N_("Condiciones peligrosas en el trabajo"),
    Kind.CHILD_LABOR: N_("Trabajo infantil"),
    Kind.FORCED_LABOR: N_("Trabajo forzoso"),
    Kind.OTHER: N_("Otro problema en el trabajo"),
}


def kind_of(value: object) -> Kind:
    """The saved answer as a `Kind`; anything unknown (a staff edit) is `OTHER`."""
    try:
        return Kind(str(value))
    except ValueError:
        return Kind.OTHER


# -- jurisdiction (LFT Art. 527) --------------------------------------------------------------

class Jurisdiction(StrEnum):
    FEDERAL = "federal"  # the Centro Federal de Conciliación y Registro Laboral (CFCRL), PROFEDET
    LOCAL = "local"  # the state's conciliation center and defense office
    UNKNOWN = "unknown"  # she does not know: start at the state center, which redirects


# The industry answers of flows/complaint.yaml and the branch of Art. 527 each one falls under.
# Fraction I lists industrial branches; fraction II adds companies run by the federal government
# or working under a federal concession, and work in federal zones.
FEDERAL_INDUSTRIES: dict[str, str] = {
    "auto": "Art. 527 fr. I.12: automotriz, incluyendo autopartes mecánicas o eléctricas",
    "textile": "Art. 527 fr. I.1: textil",
    "chemical": "Art. 527 fr. I.9, I.13: petroquímica; química, incluyendo la farmacéutica",
    "rubber": "Art. 527 fr. I.4: hulera",
    "steel": "Art. 527 fr. I.7: metalúrgica y siderúrgica",
    "food_drinks": "Art. 527 fr. I.16, I.17: alimentos empacados, enlatados o envasados; "
                   "bebidas envasadas o enlatadas",
    "sugar_oil_paper_glass": "Art. 527 fr. I.5, I.14, I.15, I.20: azucarera; celulosa y papel; "
                             "aceites y grasas vegetales; vidriera",
    "cement_lime_wood_tobacco": "Art. 527 fr. I.10, I.11, I.19, I.21: cementera; calera; "
                                "maderera básica; tabacalera",
    "energy_mining": "Art. 527 fr. I.2, I.6, I.8: eléctrica; minera; hidrocarburos",
    "bank": "Art. 527 fr. I.22: servicios de banca y crédito",
}
LOCAL_INDUSTRIES = frozenset({"agriculture", "services", "construction", "domestic", "factory_other"})

INDUSTRY_LABELS: dict[str, str] = {
    "auto": N_("Autos o autopartes"),
    "textile": N_("Ropa, telas o hilos"),
    "chemical": N_("Químicos o medicinas"),
    "rubber": N_("Hule o llantas"),
    "steel": N_("Acero, hierro o fundición"),
    "food_drinks": N_("Comida empacada o bebidas embotelladas"),
    "sugar_oil_paper_glass": N_("Azúcar, aceites, papel o vidrio"),
    "cement_lime_wood_tobacco": N_("Cemento, cal, madera o tabaco"),
    "energy_mining": N_("Mina, petróleo, gas o electricidad"),
    "bank": N_("Banco"),
    "agriculture": N_("Campo o rancho"),
    "services": N_("Tienda, restaurante, hotel u oficina"),
    "construction": N_("Construcción"),
    "domestic": N_("Trabajo del hogar"),
    "factory_other": N_("Otra fábrica"),
    "other": N_("Otra industria"),
    "unknown": N_("No sabe"),
}


def jurisdiction(industry: str | None) -> Jurisdiction:
    """Federal for the branches of Art. 527, local for the rest, unknown when she does not know."""
    if industry in FEDERAL_INDUSTRIES:
        return Jurisdiction.FEDERAL
    if industry in LOCAL_INDUSTRIES:
        return Jurisdiction.LOCAL
    return Jurisdiction.UNKNOWN


# -- where to go -------------------------------------------------------------------------------

class Office(StrEnum):
    """Kinds of place that take a case; `bot.complaint.actions` finds the real one for her."""

    CONCILIATION = "conciliation"  # CFCRL or the state's conciliation center
    DEFENSE = "defense"  # PROFEDET or the state's Procuraduría de la Defensa del Trabajo
    INSPECTION = "inspection"  # the labor inspectorate: SIQAL
    REGISTRY = "registry"  # the public registry of unions and collective agreements
    RAPID_RESPONSE = "rapid_response"  # USMCA Rapid Response Mechanism, through the US DOL hotline
    EMERGENCY = "emergency"  # 911 and the hotlines of flows/data/contacts.yaml


def offices(kind: Kind, exports: str | None = None) -> list[Office]:
    """The places for her kind of problem, in the order she should think of them."""
    table: dict[Kind, list[Office]] = {
        Kind.DISMISSAL: [Office.CONCILIATION, Office.DEFENSE],
        Kind.WAGES: [Office.CONCILIATION, Office.DEFENSE, Office.INSPECTION],
        # Harassment and discrimination claims need not go through conciliation (Art. 685 Ter).
        Kind.HARASSMENT: [Office.DEFENSE, Office.INSPECTION],
        Kind.UNION: [Office.REGISTRY, Office.DEFENSE],
        # Safety and hygiene duties are federal whatever the industry (Art. 527, last paragraph).
        Kind.SAFETY: [Office.INSPECTION],
        Kind.CHILD_LABOR: [Office.EMERGENCY, Office.INSPECTION],
        Kind.FORCED_LABOR: [Office.EMERGENCY, Office.DEFENSE, Office.INSPECTION],
        Kind.OTHER: [Office.CONCILIATION, Office.DEFENSE],
    }
    found = list(table[kind])
    if kind is Kind.UNION and exports in ("yes", "unknown"):
        found.insert(1, Office.RAPID_RESPONSE)
    return found


DOCUMENTS: dict[Kind, tuple[str, ...]] = {
    Kind.DISMISSAL: (
        N_("Tu contrato, recibos de nómina, gafete o uniforme: lo que muestre que trabajabas ahí"),
        N_("Cualquier papel o mensaje sobre el despido. No firmes nada que no entiendas ni hojas en blanco"),
        N_("Nombres de compañeras o compañeros que vieron lo que pasó"),
    ),
    Kind.WAGES: (
        N_("Recibos de nómina, depósitos del banco o fotos de lo que te pagaron"),
        N_("Tus horarios: anota qué días y cuántas horas trabajaste"),
        N_("Mensajes del patrón sobre los pagos"),
    ),
    Kind.HARASSMENT: (
        N_("Mensajes, fotos o audios, si los tienes. Guárdalos también fuera de tu teléfono"),
        N_("Anota qué pasó, cuándo y dónde, lo antes posible"),
        N_("Nombres de personas que lo vieron o a quienes se lo contaste"),
    ),
    Kind.UNION: (
        N_("Avisos, mensajes o papeles de la empresa o del sindicato"),
        N_("El nombre del sindicato y, si lo tienes, tu contrato colectivo"),
        N_("Nombres de compañeras o compañeros que vieron lo que pasó"),
    ),
    Kind.SAFETY: (
        N_("Fotos del lugar o del equipo peligroso, solo si tomarlas no te pone en riesgo"),
        N_("Fechas de accidentes y constancias médicas o del IMSS"),
    ),
    Kind.CHILD_LABOR: (
        N_("El nombre y la dirección del lugar, y los días y horas en que trabajan niñas o niños"),
        N_("Fotos solo si tomarlas no pone en riesgo a nadie"),
    ),
    Kind.FORCED_LABOR: (
        N_("Tu seguridad va primero: no te arriesgues para juntar pruebas"),
        N_("Si puedes, una foto de tus documentos y el nombre y la dirección del lugar"),
    ),
    Kind.OTHER: (
        N_("Tu contrato o recibos de nómina: lo que muestre que trabajas ahí"),
        N_("Mensajes o papeles sobre el problema"),
    ),
}
ALWAYS_BRING = N_("Una identificación oficial (INE) y tu CURP")
