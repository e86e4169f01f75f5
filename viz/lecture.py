"""A lecture page: one self-contained HTML file that walks through backprop step by step.

The page shows the forward pass, then the backward pass one node at a time.  The graph is laid
out once, by :func:`viz.draw` and Graphviz, so it looks exactly like the static diagrams; each
step is a small record (every node's state, the current edges' ``upstream × local =
contribution``) that the page's script applies to that one diagram, with the chain-rule text of
the step under it.  The page's size grows with nodes + steps, not nodes × steps.

The view follows the node being processed: it pans and zooms to its neighbourhood at a readable
size; ``o`` (or the Overview button) shows the whole graph.  Previous/Next buttons and the arrow
keys move between steps; a counter says where you are.  Everything is inline: no network, no
external scripts or fonts, so the file works from a USB stick in a lecture hall.

In Jupyter, the returned :class:`Lecture` shows the page inline (Previous/Next work without a
kernel); elsewhere it behaves as the path of the file written.

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> import viz
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> price.name = "price"
    >>> page = viz.lecture(price, pathlib.Path(tempfile.mkdtemp()) / "apple.html")
    >>> "step 2 / 2" in page.read_text()
    True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core import Node, topological_order
from autograd_core.graph import gradients_set_aside
from autograd_core.steps import Backprop
from autograd_core.words import format_number, summarize_array
from autograd_core.words import format_number as diagram_number

from .collapse import check_collapse, group_of_scope
from .draw import is_steps
from .labels import is_tensor
from .lecture_display import Lecture
from .lecture_page import page
from .lecture_svg import layout
from .render import GraphvizNotFoundError

__all__ = ["MAX_STEPS", "Frame", "Lecture", "frames", "lecture"]

#: The most steps a page gets unless told otherwise: a lecture of more steps than this is hard
#: to follow (a step costs the page about 1 KB; the layout is done once).
MAX_STEPS = 1000

#: What to do when Graphviz is missing: the page's diagram needs it, a .dot file would not do.
NO_DOT = (
    "lecture: the page's diagram is laid out by Graphviz's `dot` program, which was not found on PATH; "
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; "
    "conda: `conda install graphviz`)"
)

#: How a frame records a node's state, one letter per node in topological order.
STATE_LETTERS = {
    "done": "d", "current": "c", "seeded": "s", "gathering": "g", "pending": "p",
    "no grad": "d", "const": "d",  # nodes that get no gradient are drawn as they are
}
_CONSTANT = "k"  # constants have no state: they are drawn as they are

# Gradients and local derivatives on the diagram: as many digits as viz.draw shows.
_DIGITS = 4
_BACK_ARROW = {"LR": "← ", "RL": "→ ", "TB": "↑ ", "BT": "↓ "}
# The summary's lines stay about as wide as a step's text.
_SUMMARY_WIDTH = 88


@dataclass(frozen=True)
class Frame:
    """One slide: the counter, a heading, the text under the diagram, and the diagram's state.

    ``states`` has one letter per node in topological order (d done, c current, s seeded: the
    output before step 1, g gathering, p pending, k a constant); ``current`` is the position of
    the node being processed (None: none); ``edges`` maps the current node's input edges
    ``(node position, input index)`` to what flows back along them (``upstream × local =
    contribution``); ``forward`` marks the forward-pass slide (no gradients shown).
    """

    counter: str
    heading: str
    text: str
    states: str = ""
    current: int | None = None
    edges: dict[tuple[int, int], str] = field(default_factory=dict)
    forward: bool = False


def lecture(
    root_or_steps: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    rankdir: str = "LR",
    max_steps: int | None = MAX_STEPS,
    grad: Any = None,
    collapse: Any = None,
) -> Lecture:
    """Write the lecture page of a graph's backprop to ``path`` (one HTML file).

    ``root_or_steps`` is an output node (its graph's gradients are left as they were: the page
    shows a fresh backward pass, seeded with ``grad``, 1 by default) or a step-by-step backprop
    (``root.backprop()``; it is walked from its start and put back where it was).  ``title``
    heads the page (default: the output's name); ``rankdir`` is the diagram's direction ("LR":
    inputs on the left); ``max_steps`` refuses bigger graphs (None: no limit).

    ``collapse`` folds name scopes as :func:`viz.draw` does (``True`` every top-level scope, an
    int folds below that depth, a list names scopes): the whole graph is still laid out once, but
    a folded scope is shown as one box with its name and node count, and opens while the step is
    in it (the current node or one of its inputs is inside), folding again when the step leaves.

    Returns a :class:`Lecture`: the path, which also shows the page inline in Jupyter.

    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a")
    >>> out = a * a + a
    >>> page = lecture(out, pathlib.Path(tempfile.mkdtemp()) / "fan_out.html").read_text()
    >>> page.count('class="frame"')     # forward pass, the seed, then two steps
    4
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"lecture: the page is HTML; give a path ending in .html, got {str(path)!r}")
    if rankdir not in _BACK_ARROW:
        raise ValueError(f"lecture: rankdir must be one of {', '.join(_BACK_ARROW)}, got {rankdir!r}")
    try:
        collapse = check_collapse(collapse)
    except ValueError as error:
        raise ValueError(str(error).replace("draw:", "lecture:", 1)) from None
    with _walk_from_start(root_or_steps, grad) as steps:
        slides = _frames(steps, max_steps)
        # The walk is finished: every node has its final gradient, every edge its finished text.
        order = topological_order(steps.root)
        finished = _finished_flows(steps, order, rankdir)
        reserve = {
            edge: (finished[edge], text)
            for frame in slides
            for edge, text in frame.edges.items()
            if edge in finished and "\n" not in text
        }
        try:
            diagram = layout(steps, rankdir=rankdir, reserve=reserve, collapse=collapse)
        except GraphvizNotFoundError:
            raise GraphvizNotFoundError(NO_DOT) from None
        edges = [
            [edge_id, i, finished.get((i, k))]
            for edge_id, (i, k) in sorted(diagram.edges.items(), key=lambda item: item[1])
            if not _is_constant(order[i].parents[k])
        ]
        scopes, table = _node_table(order)
        folds = _scope_folds(scopes, diagram.folds, collapse)
        text = page(slides, diagram, (scopes, table), edges, title=title or _default_title(steps.root), folds=folds)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise OSError(f"lecture: cannot write {str(path)!r}: {error.strerror or error}") from None
    return Lecture(path, text, steps=len(slides) - 2)


def frames(root_or_steps: Any, *, max_steps: int | None = MAX_STEPS, grad: Any = None) -> list[Frame]:
    """Every slide of the lecture: the forward pass, the seeded output, then one per step.

    >>> from autograd_core import Value
    >>> x = Value(3.0, name="x")
    >>> [(f.counter, f.states) for f in frames(x * x)]
    [('forward pass', 'dd'), ('step 0 / 1', 'ps'), ('step 1 / 1', 'dc')]
    """
    with _walk_from_start(root_or_steps, grad) as steps:
        return _frames(steps, max_steps)


@contextmanager
def _walk_from_start(root_or_steps: Any, grad: Any) -> Iterator[Backprop]:
    """A backprop at its start; afterwards every gradient is as it was (a given backprop is
    put back at the step it was at)."""
    if is_steps(root_or_steps):
        if not isinstance(root_or_steps, Backprop):
            raise TypeError(f"lecture: expected a node or root.backprop(), got {type(root_or_steps).__name__}")
        if grad is not None:
            raise ValueError("lecture: grad= is for an output node; a backprop already has its seed")
        steps = root_or_steps
        position = steps.position
        try:
            steps.rewind()
            yield steps
        finally:
            steps.rewind()
            for _ in range(position):
                steps.step()
        return
    if not isinstance(root_or_steps, Node):
        raise TypeError(
            f"lecture: expected a graph node (Value or Tensor) or root.backprop(), got {type(root_or_steps).__name__}"
        )
    # A fresh pass on a clean graph; every gradient is put back afterwards.
    with gradients_set_aside(root_or_steps):
        yield Backprop(root_or_steps, grad)


def _frames(steps: Backprop, max_steps: int | None) -> list[Frame]:
    total = len(steps)
    if max_steps is not None and total > max_steps:
        raise ValueError(
            f"lecture: backprop through {steps.label(steps.root)!r} takes {total} steps, more than "
            f"max_steps={max_steps}; make a page of a smaller part (one neuron, one sample) or raise "
            "max_steps (None: no limit)"
        )
    root = steps.root
    order = topological_order(root)
    name = steps.label(root)
    forward = "\n".join(steps.forward_lines()) or f"{name} = {format_number(root.data)}"
    out = [
        Frame(
            "forward pass",
            "Forward pass: compute from left to right",
            forward,
            _states(steps, order, seeded=False, forward=True),
            forward=True,
        )
    ]
    seed = format_number(steps.gradient(root))
    first = f"Next: {steps.label(steps.next_node)}, the last operation." if total else "Nothing to propagate."
    out.append(
        Frame(
            f"step 0 / {total}",
            "Backward pass: start from the output",
            f"{steps.grad_name(root)} = {seed}: the output's gradient with respect to "
            f"itself.\nFrom right to left, each node multiplies the gradient it receives (upstream)\nby its "
            f"local derivatives and passes the products to its inputs.\n{first}",
            _states(steps, order, seeded=True),
            len(order) - 1,
        )
    )
    position = {node: i for i, node in enumerate(order)}
    for step in steps:
        text = step.text
        if steps.done:
            text += "\n\n" + summary(steps)
        i = position[step.node]
        out.append(
            Frame(
                f"step {step.number} / {total}",
                f"Step {step.number}: the chain rule at {steps.label(step.node)}" + _where(step.node),
                text,
                _states(steps, order, seeded=False),
                i,
                {(i, c.index): _flow_text(step, c) for c in step.contributions},
            )
        )
    return out


def _where(node: Node) -> str:
    """`` in layer2/neuron1`` for a node made in a name scope (the view shows only its neighbourhood)."""
    scope = getattr(node, "scope", None)
    return f", in {scope}" if scope else ""


def _states(steps: Backprop, order: list[Node], *, seeded: bool, forward: bool = False) -> str:
    """One letter per node: what the diagram shows it as at this point of the walk."""
    step = steps.current_step
    current = None if seeded or step is None else step.node
    letters = []
    for node in order:
        if _is_constant(node):
            letters.append(_CONSTANT)
            continue
        if forward:
            letters.append(STATE_LETTERS["done"])
            continue
        state = steps.state(node)
        if node is current:
            state = "current"  # the node of the step just taken
        elif seeded and node is steps.root:
            state = "seeded"  # where the walk starts: its gradient is known, nothing has flowed yet
        elif state == "pending" and steps.gradient(node) is not None:
            state = "gathering"  # contributions arrived, more may come
        letters.append(STATE_LETTERS.get(state, STATE_LETTERS["pending"]))
    return "".join(letters)


def _flow_text(step: Any, contribution: Any) -> str:
    """What flows back along one edge of the current node: ``upstream × local = contribution``."""
    if contribution.local is None or is_tensor(step.node):
        rows = summarize_array(np.asarray(contribution.contribution), 3)
        return "\n".join(["sends " + rows[0], *rows[1:]])
    upstream = diagram_number(step.upstream, _DIGITS)
    local = diagram_number(contribution.local, _DIGITS)
    return f"{upstream} × {local} = {diagram_number(contribution.contribution, _DIGITS)}"


def _node_table(order: list[Node]) -> tuple[list[str], list[list[Any]]]:
    """The scopes, and for every node its scope's index and its inputs' positions."""
    position = {node: i for i, node in enumerate(order)}
    scopes: dict[str, int] = {"": 0}
    table = []
    for node in order:
        scope = getattr(node, "scope", None) or ""
        table.append([scopes.setdefault(scope, len(scopes)), [position[p] for p in node.parents]])
    return list(scopes), table


def _scope_folds(scopes: list[str], folds: Any, collapse: Any) -> dict[str, Any] | None:
    """What the page folds: the folded scopes, and for every scope of the node table the index of
    the fold it is in (-1: none).  None when nothing folds (the page is as without ``collapse``)."""
    if not folds:
        return None
    index = {fold.scope: n for n, fold in enumerate(folds)}
    of = []
    for scope in scopes:
        group = group_of_scope(scope, collapse)
        of.append(index.get(group, -1) if group is not None else -1)
    return {"folds": [fold.scope for fold in folds], "fold": of}


def _finished_flows(steps: Backprop, order: list[Node], rankdir: str) -> dict[tuple[int, int], str]:
    """What a finished node shows flowing back along each input edge, ``← grad × local``, as
    :func:`viz.draw` writes it (none for arrays, constants and inputs that need no gradient)."""
    flows = {}
    for i, node in enumerate(order):
        locals_ = getattr(node, "local", ())
        grad = steps.gradient(node)
        if is_tensor(node) or grad is None:
            continue
        for k, parent in enumerate(node.parents):
            if parent.requires_grad and not _is_constant(parent) and k < len(locals_):
                flowing = float(getattr(grad, "data", grad)) * float(getattr(locals_[k], "data", locals_[k]))
                flows[(i, k)] = _BACK_ARROW[rankdir] + diagram_number(flowing, _DIGITS)
    return flows


def _is_constant(node: Node) -> bool:
    return node.op == "const" and not node.parents


def summary(steps: Backprop) -> str:
    """The inputs' final gradients, a few to a line and grouped by name scope.

    >>> from autograd_core import Value
    >>> a, b = Value(2.0, name="a"), Value(3.0, name="b")
    >>> steps = (a * b).backprop(); _ = steps.run()
    >>> print(summary(steps))
    done, every input's gradient is final:
      da = 3   db = 2
    """
    leaves = [n for n in topological_order(steps.root, requiring_grad=True) if not n.parents]
    groups: dict[str, list[tuple[str, str]]] = {}
    for leaf in leaves:
        scope = getattr(leaf, "scope", None) or ""
        name = steps.grad_name(leaf)
        if scope:  # the group says the scope: dw0 rather than dlayer1.neuron0.w0
            name = name.replace(scope.replace("/", ".") + ".", "", 1)
        groups.setdefault(scope, []).append((name, f"{name} = {format_number(leaf.grad)}"))
    lines = ["done, every input's gradient is final:"]
    for scope in sorted(groups, key=_natural):
        items = [item for _, item in sorted(groups[scope], key=lambda pair: _natural(pair[0]))]
        head = f"  {scope}: " if scope else "  "
        line = head
        for item in items:
            gap = "" if line == head or line.isspace() else "   "
            if gap and len(line) + len(gap) + len(item) > _SUMMARY_WIDTH:
                lines.append(line)
                line, gap = "    ", ""
            line += gap + item
        lines.append(line)
    return "\n".join(lines)


def _natural(text: str) -> list[Any]:
    """Sort key that puts ``neuron2`` before ``neuron10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _default_title(root: Any) -> str:
    name = getattr(root, "name", None)
    return f"Backpropagation through {name}" if name else "Backpropagation, step by step"
