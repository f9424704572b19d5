"""Actions of the rights browsing flow: the category menu, a category's topics, an answer."""

from __future__ import annotations

from bot.assets import Assets
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.i18n import N_, translate
from bot.rights.answers import answer_text, category_options, options_after, topic_options
from bot.rights.topics import TopicCatalog

ACTIONS = ActionCatalog()

GONE = N_("Ese tema ya no está. Elige otro, por favor.")


def _catalog(ctx: ActionContext[Assets]) -> TopicCatalog:
    return ctx.assets.topics


@ACTIONS.action("rights.categories", provides=("categories",), goes_to=("main.menu",))
def categories(ctx: ActionContext[Assets]) -> ActionResult:
    """Arma las opciones con los temas de derechos.

    The rights categories, as options."""
    options = category_options(_catalog(ctx), ctx.lang)
    return ActionResult(vars={"categories": [o.as_choice_item() for o in options]})


@ACTIONS.action("rights.topics", provides=("topics",), goes_to=("rights.categories", "main.menu"))
def topics(ctx: ActionContext[Assets]) -> ActionResult:
    """Arma las opciones con las preguntas del tema que eligió.

    The questions of the chosen category, as options."""
    options = topic_options(_catalog(ctx), str(ctx.vars.get("category", "")), ctx.lang)
    return ActionResult(vars={"topics": [o.as_choice_item() for o in options]})


def _answer(ctx: ActionContext[Assets], more: bool) -> ActionResult:
    catalog = _catalog(ctx)
    topic = catalog.topics.get(str(ctx.vars.get("topic", "")))
    if topic is None:  # staff renamed or removed it since the menu was shown
        options = category_options(catalog, ctx.lang)
        return ActionResult(say=(translate(ctx.lang, GONE),),
                            vars={"after_answer": [o.as_choice_item() for o in options]})
    options = options_after(topic, ctx.lang, ctx.assets.flow_names, shown_more=more)
    text = answer_text(topic, ctx.lang, now=ctx.now, figures=ctx.assets.figures, more=more)
    return ActionResult(say=(text,),
                        vars={"after_answer": [o.as_choice_item() for o in options]})


AFTER_ANSWER = ("rights.more", "rights.categories", "main.menu", "main.person")


@ACTIONS.action("rights.answer", provides=("after_answer",), goes_to=AFTER_ANSWER)
def answer(ctx: ActionContext[Assets]) -> ActionResult:
    """Da la respuesta corta del tema y ofrece qué hacer después.

    Say the topic's short answer and offer what comes next."""
    return _answer(ctx, more=False)


@ACTIONS.action("rights.more", provides=("after_answer",), goes_to=AFTER_ANSWER)
def more(ctx: ActionContext[Assets]) -> ActionResult:
    """Da la parte larga de la respuesta del tema.

    Say the topic's longer part."""
    return _answer(ctx, more=True)
