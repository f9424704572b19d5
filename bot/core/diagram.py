"""Mermaid diagrams of the flows, drawn from the checker's graph so they never drift from the files.

`labelled_edges` walks every way out of a state the way the checker does (`FlowSetChecker.resolve`
and the action's `goes_to`) and names each edge: the option's label, sí/no, the action's or the
answer's outcome. `mermaid(checker, flow)` turns one flow into a `stateDiagram-v2`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.core.checker import FlowSetChecker, Node
from bot.core.flowfile import Flow, State


@dataclass(frozen=True, slots=True)
class Edge:
    source: str  # a state of the flow being drawn
    target: Node
    label: str  # empty for `next:`, the way taken when nothing else matched


def labelled_edges(checker: FlowSetChecker, flow: Flow, name: str, state: State,
                   _: Callable[[str], str] = lambda s: s) -> Iterator[Edge]:
    """Every edge out of one state, in the order the file names them, each with its label."""
    named: list[tuple[str, str]] = [(option.label, option.go) for option in state.choices or ()
                                    if option.go]
    named += [(label, target) for label, target in ((_("sí"), state.yes), (_("no"), state.no))
              if target]
    named += list((state.on or {}).items())
    spec = checker.action_of(state)
    named += [(spec.name, target) for target in sorted(spec.goes_to)] if spec else []
    if state.next:
        named.append(("", state.next))
    seen: set[tuple[str, Node]] = set()
    for label, target in named:
        node = checker.resolve(flow, target)
        if node is not None and (label, node) not in seen:
            seen.add((label, node))
            yield Edge(name, node, label)


def mermaid(checker: FlowSetChecker, flow: Flow, _: Callable[[str], str] = lambda s: s) -> str:
    """One flow as a Mermaid `stateDiagram-v2`; states of other flows appear as `flow.state`."""
    lines = [f"    [*] --> {_node_id(flow, (flow.flow, flow.start))}"]
    outside: dict[str, str] = {}
    for name, state in flow.states.items():
        for edge in labelled_edges(checker, flow, name, state, _):
            target = _node_id(flow, edge.target)
            if edge.target[0] != flow.flow:
                outside[target] = ".".join(edge.target)
            label = f" : {_label(edge.label)}" if edge.label else ""
            lines.append(f"    {_node_id(flow, (flow.flow, name))} --> {target}{label}")
        if state.end:
            lines.append(f"    {_node_id(flow, (flow.flow, name))} --> [*]")
    named = [f'    state "{shown}" as {node}' for node, shown in sorted(outside.items())]
    return "\n".join(["stateDiagram-v2", *named, *lines]) + "\n"


def _node_id(flow: Flow, node: Node) -> str:
    # Mermaid ids cannot hold a dot; a state of another flow is `otherflow__state`.
    return node[1] if node[0] == flow.flow else f"{node[0]}__{node[1]}"


def _label(text: str) -> str:
    """A label Mermaid reads as plain text: no line breaks, quotes, `;`, `#` or braces."""
    text = " ".join(text.split())
    return re.sub(r"[;#{}\"]", lambda m: {";": ",", "#": "nº", '"': "'"}.get(m.group(0), ""), text)
