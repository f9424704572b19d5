"""Actions about the worker's consent to keep personal data."""

from __future__ import annotations

from bot.assets import Assets
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.turn import Effect

ACTIONS = ActionCatalog()


@ACTIONS.action("privacy.accept")
def accept(ctx: ActionContext[Assets]) -> ActionResult:
    """Anota que ella aceptó que el bot guarde sus respuestas, con la hora.

    She agreed that the bot keeps the answers she gives; the consent is recorded with its time."""
    record = Effect("consent", {"given": True, "at": ctx.now.isoformat(), "channel": ctx.channel})
    return ActionResult(consent=True, effects=(record,))


@ACTIONS.action("privacy.decline")
def decline(ctx: ActionContext[Assets]) -> ActionResult:
    """Anota que ella no aceptó: el bot contesta pero no guarda nada personal.

    She said no: the bot still answers questions but keeps no personal answer."""
    return ActionResult(consent=False)
