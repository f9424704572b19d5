"""Actions about the worker's consent to keep personal data."""

from __future__ import annotations

from bot.core.actions import ActionContext, ActionResult, action
from bot.core.turn import Effect


@action("privacy.accept")
def accept(ctx: ActionContext) -> ActionResult:
    """She agreed that the bot keeps the answers she gives; the consent is recorded with its time."""
    record = Effect("consent", {"given": True, "at": ctx.now.isoformat(), "channel": ctx.channel})
    return ActionResult(consent=True, effects=(record,))


@action("privacy.decline")
def decline(ctx: ActionContext) -> ActionResult:
    """She said no: the bot still answers questions but keeps no personal answer."""
    return ActionResult(consent=False)
