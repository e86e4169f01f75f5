"""A lecture page: one self-contained HTML file that walks through backprop step by step.

The page renders the walk (:mod:`viz.walk`): the forward pass, then the backward pass one node at a
time.  The walk is laid out once and drawn once (:mod:`viz.lecture_svg`); each frame is a small
record of the walk's own frames (every node's state, what flows back along the current node's
edges, the running sums, the folds shut) that the page's script applies to that one drawing, with
the chain-rule text of the step under it.  The page's size grows with nodes + steps, not
nodes × steps.

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
from pathlib import Path
from typing import Any

from autograd_core.steps.quiz import ASK

from .budget import DRAW_MAX_NODES
from .dot import GraphvizNotFoundError
from .layered import is_layer_steps, layered_walk
from .lecture_display import Lecture
from .lecture_page import page
from .lecture_svg import layout
from .output import write_atomically
from .walk.frames import Frame
from .walk.model import MAX_STEPS, walk

__all__ = ["MAX_STEPS", "Frame", "Lecture", "frames", "lecture"]

#: What to do when Graphviz is missing: the page's diagram needs it, a .dot file would not do.
NO_DOT = (
    "lecture: the page's diagram is laid out by Graphviz's `dot` program, which was not found on PATH; "
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`; "
    "conda: `conda install graphviz`)"
)


def lecture(
    root_or_steps: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    rankdir: str = "LR",
    max_steps: int | None = MAX_STEPS,
    grad: Any = None,
    collapse: Any = None,
    max_nodes: int | None = DRAW_MAX_NODES,
    quiz: bool | str = False,
    paths: Any = None,
) -> Lecture:
    """Write the lecture page of a graph's backprop to ``path`` (one HTML file).

    ``root_or_steps`` is an output node (its graph's gradients are left as they were: the page
    shows a fresh backward pass, seeded with ``grad``, 1 by default) or a step-by-step backprop
    (``root.backprop()``; it is walked from its start and put back where it was).  ``title``
    heads the page (default: the output's name); ``rankdir`` is the diagram's direction ("LR":
    inputs on the left).  ``max_steps`` and ``max_nodes`` refuse bigger graphs before anything
    is walked (None: no limit); the folder of ``path`` is made if missing.

    ``collapse`` folds name scopes as :func:`viz.draw` does (``True`` every top-level scope, an
    int folds below that depth, a list names scopes): the whole graph is still laid out once, but
    a folded scope is shown as one box with its name, its size and the values entering and
    leaving it, and opens while the step is in it (the current node or one of its inputs is
    inside), folding again when the step leaves.  A graph of more than
    :data:`viz.walk.model.FORWARD_FOLD` nodes shows its forward pass with every top-level scope folded.

    ``quiz=True`` (or ``"grads"``, ``"locals"``, ``"both"``: what to ask, as ``steps.quiz(ask=...)``)
    makes the page ask before it tells: at each step, what the step computes (the flows on its
    edges, its inputs' gradients, its text) stays hidden until the learner types each number the
    REPL quiz asks there into the page (checked to 3 significant digits, with the REPL's hints);
    an empty answer, or the ``s`` key, shows it instead.  It still needs no network and no kernel.

    A layered network being stepped (``nn.textbook.layers_backprop(network, x, t)``) gets its page
    too: its layers, one step per layer's hand-written backward (see :mod:`viz.layered`).

    ``paths=x`` ends the page with the multivariable chain rule for input ``x``: every path from
    ``x`` to the output marked on the diagram, each path's product of local derivatives and their
    sum, the gradient (:func:`autograd_core.paths`).

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
    ask = _ask(quiz)
    if is_layer_steps(root_or_steps):  # the book's layered network, stepped by its own backward
        if ask is not None or paths is not None or grad is not None or collapse is not None:
            raise ValueError("lecture: a layered network's page steps through its layers; quiz=, paths=, grad= "
                             "and collapse= are for a graph of chainrule's nodes")
        walked = layered_walk(root_or_steps, rankdir=rankdir, title=title)
    else:
        walked = walk(root_or_steps, view="lecture", grad=grad, collapse=collapse, rankdir=rankdir,
                      max_nodes=max_nodes, max_steps=max_steps, title=title, ask=ask, paths=paths)
    try:
        diagram = layout(walked)
    except GraphvizNotFoundError:
        raise GraphvizNotFoundError(NO_DOT) from None
    text = page(walked, diagram)
    write_atomically(path, text.encode("utf-8"), "lecture")
    return Lecture(path, text, steps=len(walked.frames) - 2 - (paths is not None))


def _ask(quiz: Any) -> str | None:
    """What a quiz page asks for: None (no quiz), or one of :data:`autograd_core.steps.quiz.ASK`."""
    if quiz is False or quiz is None:
        return None
    if quiz is True:
        return "grads"
    if isinstance(quiz, str) and quiz in ASK:
        return quiz
    raise ValueError(f"lecture: quiz must be True, False or one of {', '.join(map(repr, ASK))}, got {quiz!r}")


def frames(root_or_steps: Any, *, max_steps: int | None = MAX_STEPS, grad: Any = None) -> list[Frame]:
    """Every frame of the lecture: the forward pass, the seeded output, then one per step.

    >>> from autograd_core import Value
    >>> x = Value(3.0, name="x")
    >>> [(f.counter, f.states) for f in frames(x * x)]
    [('forward pass', ('pending', 'seeded')), ('step 0 / 1', ('pending', 'seeded')), ('step 1 / 1', ('done', 'done'))]
    """
    return walk(root_or_steps, view="lecture", grad=grad, max_steps=max_steps).frames

