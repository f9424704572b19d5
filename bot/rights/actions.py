"""Actions of the rights browsing flow: the category menu, a category's topics, an answer."""

from __future__ import annotations

from bot.core.actions import ActionContext, ActionResult, action
from bot.i18n import N_, translate
from bot.rights.answers import answer_text, category_options, options_after, topic_options
from bot.rights.topics import TopicCatalog

GONE = N_("Ese tema ya no está. Elige otro, por favor.")


def _catalog(ctx: ActionContext) -> TopicCatalog:
    catalog = ctx.data["topics"]
    assert isinstance(catalog, TopicCatalog)
    return catalog


@action("rights.categories", provides=("categories",), goes_to=("main.menu",))
def categories(ctx: ActionContext) -> ActionResult:
    options = category_options(_catalog(ctx), ctx.lang)
    return ActionResult(vars={"categories": [o.as_choice_item() for o in options]})


@action("rights.topics", provides=("topics",), goes_to=("rights.categories", "main.menu"))
def topics(ctx: ActionContext) -> ActionResult:
    options = topic_options(_catalog(ctx), str(ctx.vars.get("category", "")), ctx.lang)
    return ActionResult(vars={"topics": [o.as_choice_item() for o in options]})


def _answer(ctx: ActionContext, more: bool) -> ActionResult:
    catalog = _catalog(ctx)
    topic = catalog.topics.get(str(ctx.vars.get("topic", "")))
    if topic is None:  # staff renamed or removed it since the menu was shown
        options = category_options(catalog, ctx.lang)
        return ActionResult(say=(translate(ctx.lang, GONE),),
                            vars={"after_answer": [o.as_choice_item() for o in options]})
    options = options_after(topic, ctx.lang, ctx.data.get("flow_names", ()), shown_more=more)
    return ActionResult(say=(answer_text(topic, ctx.lang, more=more),),
                        vars={"after_answer": [o.as_choice_item() for o in options]})


AFTER_ANSWER = ("rights.more", "rights.categories", "main.menu", "main.person")


@action("rights.answer", provides=("after_answer",), goes_to=AFTER_ANSWER)
def answer(ctx: ActionContext) -> ActionResult:
    """Say the topic's short answer and offer what comes next."""
    return _answer(ctx, more=False)


@action("rights.more", provides=("after_answer",), goes_to=AFTER_ANSWER)
def more(ctx: ActionContext) -> ActionResult:
    """Say the topic's longer part."""
    return _answer(ctx, more=True)
