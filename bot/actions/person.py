"""Actions that put a worker in touch with a person at a worker center."""

from __future__ import annotations

from bot.actions import ActionContext, ActionResult, action
from bot.turn import Effect


@action("person.request")
def request(ctx: ActionContext) -> ActionResult:
    """Record that she asked for a person, and keep the bot quiet while a person answers."""
    record = Effect("handoff", {"at": ctx.now.isoformat(), "flow": ctx.vars.get("_from_flow")})
    return ActionResult(effects=(record,), pause=True)
