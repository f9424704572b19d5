"""Actions that put a worker in touch with a person at a worker center."""

from __future__ import annotations

from bot.actions import ActionContext, ActionResult, action
from bot.turn import Effect


@action("person.request")
def request(ctx: ActionContext) -> ActionResult:
    """Record that she asked for a person; staff see it in the handoff list."""
    return ActionResult(effects=(Effect("handoff", {"at": ctx.now.isoformat(), "from": "menu"}),))
