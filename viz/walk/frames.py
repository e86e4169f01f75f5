"""Frames: what a picture of a backprop shows at one moment, as plain data.

A frame says, for every node, the state the stepper gives it (:data:`autograd_core.words.STATES`:
pending, seeded, gathering, current, done; const and no grad for nodes without a gradient); which
node the step processed; what flows back along that node's edges (``← upstream × local =
contribution``); the running sums of the nodes still gathering (``so far 1.1``); which gradients
the learner is asked for (a worksheet's blanks, a quiz's hidden answers); and the step's words,
the REPL's own (:mod:`autograd_core.words`).  States are read from the stepper
(``Backprop.state``), never decided here.

>>> from autograd_core import Value, topological_order
>>> a, b = Value(2.0, name="a"), Value(3.0, name="b")
>>> y = a * b
>>> y.name = "y"
>>> steps = y.backprop()
>>> order = topological_order(y)
>>> now(steps, order).states
('pending', 'pending', 'seeded')
>>> _ = steps.step()
>>> frame = now(steps, order)
>>> frame.states, frame.current, frame.flows["2.0"]
(('done', 'done', 'done'), 2, ('← 1 × 3 = 3',))
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from autograd_core import Node
from autograd_core.words import format_number, summarize_array

from ..labels import is_tensor
from ..scopes import scope_of
from .pieces import BACK_ARROW, is_constant, running_lines

__all__ = ["Frame", "forward_text", "look", "natural", "now", "still", "summary"]

#: What a node looks like in a frame: the stepper's state, or what a frame shows instead of one.
LOOKS = ("forward", "pending", "seeded", "gathering", "current", "done", "asked", "no grad", "constant")


@dataclass(frozen=True)
class Frame:
    """One moment of a walk (see the module's docstring); plain data, ``to_dict()`` for JSON.

    ``kind``: ``"forward"`` (values only, before any gradient), ``"seed"`` (the output holds its
    seed, nothing has flowed), ``"step"`` (step ``number`` of ``total`` just taken), ``"still"``
    (the graph as it stands, e.g. after ``backward()``), ``"sheet"`` (a worksheet page).
    ``states`` has one word per node (topological order); ``current`` is the node the step
    processed (the seeded output on the seed frame; None: none); ``flows[edge id]`` the lines
    flowing back along the current node's input edges (``"3.1"``: input 1 of node 3);
    ``running[node]`` a gathering node's running sum; ``finished`` the nodes whose ``.grad``
    became final in this step; ``asked`` the nodes whose gradient is left for the learner;
    ``shut`` the folds (indices into the walk's folds) drawn folded in this frame.

    A quiz's frame (``walk(..., ask=...)``) also carries the ``questions`` asked before the step
    shows what it computed (plain data: ``kind`` "grad" or "local", ``caption``, ``prompt``,
    ``note``, ``expected``, ``answer`` as the views write it, ``hints`` by try, ``node``, ``edge``
    for a local derivative), and ``hides``: the nodes whose gradient texts the step changes (the
    inputs of its node), hidden with its flows and its text until the questions are answered.
    ``paths[edge id]`` numbers the paths from a chosen input to the output that go along the edge
    (the sum over paths, :func:`autograd_core.paths`).
    """

    kind: str
    states: tuple[str, ...]
    counter: str = ""
    heading: str = ""
    text: str = ""
    number: int = 0
    total: int = 0
    current: int | None = None
    flows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    running: dict[int, tuple[str, ...]] = field(default_factory=dict)
    finished: tuple[int, ...] = ()
    asked: tuple[int, ...] = ()
    shut: tuple[int, ...] = ()
    questions: tuple[dict[str, Any], ...] = ()
    hides: tuple[int, ...] = ()
    paths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON): tuples become lists, node keys become strings."""
        data = asdict(self)
        data["states"] = list(self.states)
        data["flows"] = {edge: list(lines) for edge, lines in self.flows.items()}
        data["running"] = {str(node): list(lines) for node, lines in self.running.items()}
        for key in ("finished", "asked", "shut", "hides"):
            data[key] = list(data[key])
        data["questions"] = [dict(q) for q in self.questions]
        data["paths"] = {edge: list(numbers) for edge, numbers in self.paths.items()}
        return data


def look(frame: Frame, i: int, kind: str) -> str:
    """How node ``i`` (of ``kind``: "op", "input" or "const") is drawn in ``frame``: one of
    :data:`LOOKS` (the stepper's state, ``forward`` before any gradient, ``asked`` for a blank)."""
    if kind == "const":
        return "constant"
    state = frame.states[i]
    if state in ("const", "no grad"):
        return "no grad"
    if frame.kind == "forward":
        return "forward"
    if i in frame.asked:
        return "asked"
    if i == frame.current and frame.kind == "step":
        return "current"
    return state


def _states(steps: Any, order: list[Node]) -> tuple[str, ...]:
    state = steps.state
    return tuple("const" if is_constant(node) else state(node) for node in order)


def _flow_lines(step: Any, contribution: Any, rankdir: str, digits: int) -> tuple[str, ...]:
    """What flows back along one input edge of the step's node: ``← upstream × local =
    contribution``, or for an array op ``sends`` and the rows of what it sends."""
    if contribution.local is None or is_tensor(step.node):
        sent = contribution.contribution
        rows = summarize_array(np.asarray(sent.data if isinstance(sent, Node) else sent), min(digits, 3))
        return ("sends " + rows[0], *rows[1:])
    upstream = format_number(step.upstream, digits)
    local = format_number(contribution.local, digits)
    return (f"{BACK_ARROW[rankdir]}{upstream} × {local} = {format_number(contribution.contribution, digits)}",)


def _running(steps: Any, order: list[Node], states: tuple[str, ...], digits: int) -> dict[int, tuple[str, ...]]:
    gradient = getattr(steps, "gradient", None)
    if gradient is None:
        return {}
    return {i: running_lines(gradient(order[i]), digits) for i, state in enumerate(states)
            if state == "gathering" and gradient(order[i]) is not None}


def now(steps: Any, order: list[Node], *, rankdir: str = "LR", digits: int = 4, kind: str | None = None,
        number: int | None = None) -> Frame:
    """The frame of a step-by-step backprop where it stands (``steps.current_step``: the last
    step taken; before the first, the seeded output).  ``order`` is ``topological_order(steps.root)``.

    Works with anything that has ``root``, ``state(node)`` and ``current_step`` (``gradient``,
    for running sums, when it has one).
    """
    states = _states(steps, order)
    step = steps.current_step
    index = {node: i for i, node in enumerate(order)} if step is not None else {}
    if step is None:
        return Frame(kind or "seed", states, current=len(order) - 1, running=_running(steps, order, states, digits),
                     number=0, total=len(steps) if hasattr(steps, "__len__") else 0)
    i = index[step.node]
    flows = {f"{i}.{c.index}": _flow_lines(step, c, rankdir, digits) for c in step.contributions}
    finished = tuple(index[n] for n, _ in getattr(step, "final_grads", ()) if n in index)
    return Frame(
        kind or "step", states, current=i, flows=flows, running=_running(steps, order, states, digits),
        finished=finished, number=getattr(step, "number", 0) if number is None else number,
        total=getattr(step, "total", 0),
    )


def still(order: list[Node], *, forward: bool = False) -> Frame:
    """The frame of a graph as it stands: every node done (its gradient, if any, shown), or the
    forward pass (``forward``: values only)."""
    states = tuple("const" if is_constant(n) else ("done" if n.requires_grad else "no grad") for n in order)
    return Frame("forward" if forward else "still", states)


def _levels(order: list[Node]) -> list[int]:
    """Each node's column: an op one more than its deepest input, an input 0."""
    index = {node: i for i, node in enumerate(order)}
    level = [0] * len(order)
    for i, node in enumerate(order):
        if node.parents:
            level[i] = 1 + max(level[index[p]] for p in node.parents)
    return level


def natural(text: str) -> list[Any]:
    """Sort key that puts ``neuron2`` before ``neuron10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def forward_order(order: list[Node]) -> list[int]:
    """The operation nodes (indices) in the order the forward pass reads best, left to right:
    scope by scope (``layer1/neuron0``, then ``layer1/neuron1``, ..., then ``layer2``), each
    top-level scope where its first column is.  Falls back to the topological order when that
    would use a value before computing it."""
    ops = [i for i, node in enumerate(order) if node.parents]
    level = _levels(order)
    scope = [scope_of(node) for node in order]
    first: dict[str, int] = {}
    for i in ops:
        block = scope[i].split("/", 1)[0]
        first[block] = min(first.get(block, level[i]), level[i])

    def key(i: int) -> tuple:
        block = scope[i].split("/", 1)[0]
        return (first[block] if block else level[i], natural(block), natural(scope[i]), i)

    chosen = sorted(ops, key=key)
    index = {node: i for i, node in enumerate(order)}
    seen: set[int] = set()
    for i in chosen:
        if any(order[index[p]].parents and index[p] not in seen for p in order[i].parents):
            return ops
        seen.add(i)
    return chosen


def forward_text(steps: Any, order: list[Node]) -> str:
    """The forward pass in the REPL's words, one line per operation, left to right."""
    lines = steps.forward_lines()
    ops = [i for i, node in enumerate(order) if node.parents and node.requires_grad]
    every = [i for i, node in enumerate(order) if node.parents]
    if len(lines) == len(every):
        ops = every
    if len(lines) != len(ops):
        return "\n".join(lines)
    line_of = dict(zip(ops, lines))
    return "\n".join(line_of[i] for i in forward_order(order) if i in line_of)


#: The summary's lines stay about as wide as a step's text.
SUMMARY_WIDTH = 88


def summary(steps: Any, order: list[Node]) -> str:
    """The inputs' final gradients, a few to a line and grouped by name scope.

    >>> from autograd_core import Value, topological_order
    >>> a, b = Value(2.0, name="a"), Value(3.0, name="b")
    >>> steps = (a * b).backprop(); _ = steps.run()
    >>> print(summary(steps, topological_order(steps.root)))
    done, every input's gradient is final:
      da = 3   db = 2
    """
    leaves = [n for n in order if not n.parents and n.requires_grad]
    groups: dict[str, list[tuple[str, str]]] = {}
    for leaf in leaves:
        scope = scope_of(leaf)
        name = steps.grad_name(leaf)
        if scope:  # the group says the scope: dw0 rather than dlayer1.neuron0.w0
            name = name.replace(scope.replace("/", ".") + ".", "", 1)
        groups.setdefault(scope, []).append((name, f"{name} = {format_number(leaf.grad)}"))
    lines = ["done, every input's gradient is final:"]
    for scope in sorted(groups, key=natural):
        items = [item for _, item in sorted(groups[scope], key=lambda pair: natural(pair[0]))]
        head = f"  {scope}: " if scope else "  "
        line = head
        for item in items:
            gap = "" if line == head or line.isspace() else "   "
            if gap and len(line) + len(gap) + len(item) > SUMMARY_WIDTH:
                lines.append(line)
                line, gap = "    ", ""
            line += gap + item
        lines.append(line)
    return "\n".join(lines)
