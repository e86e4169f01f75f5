"""One step of a step-by-step backprop: what the chain rule did at one node, and how it reads.

A :class:`Step` keeps what happened (the node, the upstream gradient, one :class:`Contribution`
per input, which gradients became final) and writes its text only when shown, through
:mod:`autograd_core.words`.

>>> from autograd_core import Value
>>> a = Value(2.0, name="a")
>>> out = a * a + a
>>> out.name = "out"
>>> first = out.backprop().step()
>>> first.number, first.total, [c.local for c in first.contributions]
(1, 2, [1.0, 1.0])
"""

from __future__ import annotations

from typing import Any

from .. import words
from ..graph import Node
from ..words import Captions
from .display import Text, step_html

__all__ = ["Contribution", "Step", "StepList", "Text"]


class Contribution:
    """What one input of a node received in one step: ``upstream x local = contribution``.

    ``index`` is the input's position among the node's parents (``a*a`` has inputs 0 and 1, both
    ``a``); ``grad_before`` is the input's running gradient before this contribution (None:
    nothing yet) and ``grad_after`` after it, as :meth:`Backprop.gradient` shows them: its
    ``.grad`` plus what this pass has gathered for it.  The input's ``.grad`` attribute itself is
    updated only when the input is processed (see :attr:`Step.final_grads`).  ``local`` is the
    local derivative's number (None for an array op, whose vector-Jacobian product gives the
    contribution directly); :attr:`local_text` says it as a formula.
    """

    # A plain class with slots, not a dataclass: a pass of 10^6 steps creates 10^6 of these.
    __slots__ = ("index", "parent", "local", "contribution", "grad_before", "grad_after", "node", "captions")

    def __init__(
        self, index: int, parent: Node, local: Any, contribution: Any, grad_before: Any, grad_after: Any,
        node: Node | None = None, captions: Captions | None = None,
    ) -> None:
        self.index = index
        self.parent = parent
        self.local = local
        self.contribution = contribution
        self.grad_before = grad_before
        self.grad_after = grad_after
        self.node = node
        self.captions = captions

    def __repr__(self) -> str:
        return (f"Contribution(index={self.index}, parent={self.parent.label!r}, local={self.local!r}, "
                f"contribution={self.contribution!r})")

    @property
    def local_text(self) -> str:
        """``local d/dtax = apple*count = 200`` (an array op: its vector-Jacobian product in words)."""
        if self.node is None:
            return ""
        if self.local is None:
            return words.vjp_text(self.node, self.index, self.captions)
        return words.local_text(self.node, self.index, self.captions)


class Step:
    """One node processed by the chain rule; its ``repr`` tells it in the textbook's terms.

    ``number`` counts from 1 to ``total``; ``node`` is the node just processed, ``upstream`` the
    gradient it received, ``contributions`` what it sent to each input that needs a gradient,
    ``finished`` the inputs (leaves) whose gradient became final in this step.

    ``.grad`` is final once a node is done: ``final_grads`` lists ``(node, .grad)`` for the node
    and the inputs finished here, the only attributes this step wrote.  ``gathering`` lists the
    inputs that received a contribution but are not done yet: their ``.grad`` is unchanged, the
    contribution waits in ``pending`` (``steps.gradient(node)`` shows the running value).
    ``earlier`` lists ``(node, grad)`` for the nodes finished here that already held a gradient
    before this pass (which adds onto it).

    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a")
    >>> out = a * a + a
    >>> out.name = "out"
    >>> steps = out.backprop()
    >>> first = steps.step()
    >>> [steps.label(n) for n in first.gathering], a.grad, steps.gradient(a)
    (['a*a', 'a'], 0.0, 1.0)
    """

    # A plain class with slots (see Contribution); the text is written only when shown, and
    # ``gathering`` and ``final_grads`` are read from what the step keeps, not stored twice.
    __slots__ = ("number", "total", "node", "upstream", "contributions", "finished", "_grads", "earlier",
                 "captions", "_undo_grads", "_undo_pending")

    def __init__(
        self, number: int, total: int, node: Node, upstream: Any, contributions: tuple[Contribution, ...],
        finished: tuple[Node, ...], grads: tuple[Any, ...] = (), earlier: tuple[tuple[Node, Any], ...] = (),
        captions: Captions | None = None,
    ) -> None:
        self.number = number
        self.total = total
        self.node = node
        self.upstream = upstream
        self.contributions = contributions
        self.finished = finished
        self._grads = grads
        self.earlier = earlier
        self.captions = captions
        # What the step overwrote (see Backprop._restore): .grad of node and finished, then the
        # pending entries of node, finished and the node's inputs.
        self._undo_grads: tuple[Any, ...] = ()
        self._undo_pending: tuple[Any, ...] = ()

    @property
    def final_grads(self) -> tuple[tuple[Node, Any], ...]:
        """``(node, .grad)`` for the node and the inputs finished here: the attributes this step wrote."""
        return tuple(zip((self.node, *self.finished), self._grads))

    @property
    def gathering(self) -> tuple[Node, ...]:
        """The inputs that received a contribution here but are not done yet."""
        final = (self.node, *self.finished)
        return tuple(dict.fromkeys(c.parent for c in self.contributions if c.parent not in final))

    def _touched(self) -> tuple[Node, ...]:
        """The nodes whose pending entries this step may change, in a fixed order."""
        return tuple(dict.fromkeys((self.node, *self.finished, *self.node.parents)))

    @property
    def lines(self) -> tuple[str, ...]:
        """The step's lines: a header, one line (or a few) per contribution, what is final now."""
        return tuple(words.step_lines(self, self.captions or Captions(self.node)))

    @property
    def text(self) -> Text:
        """The step as printed: a header line and one line per contribution."""
        return Text("\n".join(self.lines))

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """In a notebook: the step's text, numbers aligned."""
        return step_html(self)


class StepList(list):
    """The steps a :meth:`Backprop.run` took; shows them one block after another."""

    def __repr__(self) -> str:
        return "\n".join(step.text for step in self) if self else "(no steps left)"
