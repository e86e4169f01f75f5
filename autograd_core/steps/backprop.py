"""Step through backpropagation one node at a time, as the textbook does by hand.

``root.backprop()`` returns a :class:`Backprop`: nothing has been propagated yet and no node has
changed; the output's seed (1, or ``backprop(grad=...)`` as for ``backward``) waits in the pass's
``pending`` dict.  Each :meth:`Backprop.step` processes the next operation node in reverse
topological order with the very same chain-rule code as ``backward()``, and returns a
:class:`Step` that says what happened there: the upstream gradient, and for each input
``upstream x local = contribution`` with the local derivative as a formula and as a number.

As in ``backward()``, contributions are gathered in ``pending`` first: a node's ``.grad``
attribute changes only when the node itself is processed (an operation at its own step, an input
at the step of the last operation that uses it), and from then on it is final.  The running value
(``.grad`` plus what is gathered) is ``steps.gradient(node)``; the step text's last lines say
which ``.grad`` became final and which nodes are still gathering.  Inputs (leaf nodes) are not
steps of their own.  The texts come from :mod:`autograd_core.words`.

A step costs time and memory in proportion to its own node's inputs, never to the graph: the
text of a step is written when it is shown, and undoing a step restores only what it changed.

Example (the textbook's apple shopping):
    >>> from autograd_core import Value
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> price.name = "price"
    >>> steps = price.backprop()
    >>> steps.gradient(price), price.grad      # the seed waits in steps.pending
    (1.0, 0.0)
    >>> steps.step()
    step 1/2  price = mul(apple*count, tax)     upstream dprice = 1
      d(apple*count) += 1 x 1.1 (local d/d(apple*count) = tax = 1.1)   -> 1.1
      d(tax)         += 1 x 200 (local d/dtax = apple*count = 200)     -> 200
      final, now in .grad: price = 1, tax = 200
      still gathering, .grad not updated yet: apple*count
    >>> steps.back()                 # undo: gradients restored exactly
    >>> len(steps), steps.position, steps.done
    (2, 0, False)
    >>> _ = steps.run()
    >>> steps.table()
    #  node         op     value  grad  state
    1  apple        input    100   2.2  done
    2  count        input      2   110  done
    3  apple*count  mul      200   1.1  done
    4  tax          input    1.1   200  done
    5  price        mul      220     1  done
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from .. import words
from ..graph import Node, _checked_chain_rule, gc_paused, register_stepper, topological_order
from ..interrupts import uninterrupted
from ..modes import Switch, current_mode
from ..words import Captions, format_number
from .display import Table, backprop_html
from .exercises import check, check_local
from .quiz import run_quiz
from .step import Contribution, Step, StepList

__all__ = ["Backprop", "GradientAccumulationWarning"]


class GradientAccumulationWarning(UserWarning):
    """``backprop()`` started on a graph whose nodes already hold gradients: the pass adds onto them."""


_MISSING = object()


class Backprop:
    """A backward pass you advance by hand: ``step()``, ``back()``, ``run()``, ``table()``.

    Built by ``root.backprop()`` (or ``root.backprop(grad=...)``, the seed as for ``backward``);
    building it changes no node.  The order is ``topological_order(root, requiring_grad=True)``
    reversed, the gradients gathered by this pass live in ``pending`` (node -> gradient; at the
    start only the seed, for the root), and each step calls the node class's ``_chain_rule`` on one
    node, as ``backward()`` does: after the last step every ``grad`` equals what ``backward()``
    gives, exactly, and stepping back to the start restores every ``grad`` as it was.

    A node's ``.grad`` is final once the node is done (``state(node) == "done"``); until then its
    contributions wait in ``pending`` and ``gradient(node)`` shows the running value.  If nodes
    already hold gradients (an earlier ``backward()`` or pass), the pass adds onto them, as
    ``backward()`` does: a :class:`GradientAccumulationWarning` says so once, naming
    ``zero_grad(root)``, and each step says what such a node held before.

    Diagrams read three things (``viz.draw(steps)``): ``root``, ``state(node)`` (one of
    :data:`autograd_core.words.STATES`) and ``current_step`` (None before the first step).

    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a")
    >>> out = a * a + a
    >>> out.name = "out"
    >>> steps = out.backprop()
    >>> for s in steps:
    ...     print(s)
    step 1/2  out = add(a*a, a)                 upstream dout = 1
      d(a*a) += 1 x 1 (local d/d(a*a) = 1)   -> 1
      d(a)   += 1 x 1 (local d/da = 1)       -> 1
      final, now in .grad: out = 1
      still gathering, .grad not updated yet: a*a, a
    step 2/2  a*a = mul(a, a)                   upstream d(a*a) = 1
      d(a) += 1 x 2 (local d/da = a = 2)   -> 1 + 2 = 3
      d(a) += 1 x 2 (local d/da = a = 2)   -> 3 + 2 = 5
      final, now in .grad: a*a = 1, a = 5
    >>> a.grad
    5.0
    """

    def __init__(self, root: Node, grad: Any = None) -> None:
        if not isinstance(root, Node):
            raise TypeError(f"backprop: expected a graph node (Value or Tensor), got {type(root).__name__}")
        if not root.requires_grad:
            raise RuntimeError(
                f"backprop: node {root._describe()} does not require a gradient: it was computed "
                "under no_grad() or only from inputs with requires_grad=False"
            )
        seed = _seed(root, grad)
        self.root = root
        self.seed = seed
        self._chain_rule = type(root)._chain_rule
        with gc_paused:
            self._prepare(root)
        self._done: set[Node] = set()
        self._history: list[Step] = []
        self._reference: dict[Node, Any] | None = None
        self._attempts: dict[Node, int] = {}
        # The seed waits here until step 1 processes the root: no node changes before that.
        self.pending: dict[Node, Any] = {root: seed}
        # A lone input has no steps: run() (or iterating to the end) writes the seed to its grad.
        self._lone_undo: tuple | None = None
        if self._earlier:
            self._warn_accumulation()

    def _prepare(self, root: Node) -> None:
        """The order of the steps, which inputs each step finishes, what nodes held before."""
        forward = topological_order(root, requiring_grad=True)
        # Captions in the forward order: role names (sum, sum2) are numbered as every view numbers them.
        self.captions = Captions(root, nodes=forward)
        order = forward[::-1]
        # Operation nodes are the steps; leaves are finished after the last op that uses them.
        self._ops: list[Node] = [node for node in order if node.parents]
        last_user: dict[Node, int] = {}
        for k, node in enumerate(self._ops):
            for parent in node.parents:
                if parent.requires_grad and not parent.parents:
                    last_user[parent] = k
        self._finishes: dict[int, tuple[Node, ...]] = {}
        by_step: dict[int, list[Node]] = {}
        for node in order:
            if node in last_user:
                by_step.setdefault(last_user[node], []).append(node)
        for k, leaves in by_step.items():  # listed in argument order: apple before count
            parents = self._ops[k].parents
            self._finishes[k] = tuple(sorted(leaves, key=parents.index))
        # What nodes held before this pass: the pass adds onto it, and says so.
        self._earlier: dict[Node, Any] = {node: node.grad for node in order if _holds_gradient(node)}

    def _warn_accumulation(self) -> None:
        held = [f"{self.label(n)}.grad = {format_number(g)}" for n, g in list(self._earlier.items())[:3]]
        more = len(self._earlier) - len(held)
        listing = ", ".join(held) + (f" and {more} more" if more > 0 else "")
        name = self.root.name or "root"
        warnings.warn(
            f"backprop: {len(self._earlier)} node(s) already hold a gradient from an earlier pass ({listing}); "
            f"this pass adds onto them, as backward() does. To start afresh, call zero_grad({name}) "
            f"(or {name}.zero_grad()) first.",
            GradientAccumulationWarning,
            stacklevel=4,  # the caller of root.backprop()
        )

    # -- the protocol diagrams read -------------------------------------------------------------
    @property
    def current_step(self) -> Step | None:
        """The last step taken (None before the first)."""
        return self._history[-1] if self._history else None

    def state(self, node: Node) -> str:
        """Where ``node`` stands in this pass, in the vocabulary of :data:`autograd_core.words.STATES`:
        ``"pending"`` (nothing reached it yet), ``"seeded"`` (the output before step 1),
        ``"gathering"`` (contributions arrived, ``.grad`` not updated yet), ``"current"`` (the
        node of the step just taken, while the walk goes on), ``"done"`` (``.grad`` final),
        ``"const"`` / ``"no grad"`` (no gradient at all).  The table shows the same words."""
        if not node.requires_grad:
            return "const" if node.op == "const" else "no grad"
        history = self._history
        if history and node is history[-1].node and len(history) < len(self._ops):
            return "current"
        if node in self._done or not self._ops:
            return "done"
        if node in self.pending:
            return "seeded" if not history else "gathering"
        return "pending"

    # -- moving ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of steps: one per operation node that needs a gradient."""
        return len(self._ops)

    @property
    def position(self) -> int:
        """How many steps have been taken."""
        return len(self._history)

    @property
    def done(self) -> bool:
        """True when every step has been taken."""
        return len(self._history) == len(self._ops)

    @property
    def next_node(self) -> Node | None:
        """The node the next step will process (None when done)."""
        return None if self.done else self._ops[len(self._history)]

    @property
    def history(self) -> tuple[Step, ...]:
        """The steps taken so far, first to last."""
        return tuple(self._history)

    def step(self) -> Step:
        """Process the next node with the chain rule and return what happened there."""
        k = len(self._history)
        total = len(self._ops)
        if k == total:
            raise ValueError(
                f"backprop: all {total} steps are done (back() undoes one, table() shows the gradients)"
            )
        node = self._ops[k]
        finished = self._finishes.get(k, ())
        pending = self.pending
        # None when no gradient reached the node (an op's VJP sent None for it): like backward(),
        # the step then changes nothing there.
        upstream = pending.get(node)
        final = (node, *finished) if finished else (node,)
        get = pending.get
        # What this step changes, to undo it exactly: its own node, its inputs, nothing else.
        undo_grads = tuple([n.grad for n in final])
        touched = dict.fromkeys((*final, *node.parents))
        undo_pending = tuple([get(n, _MISSING) for n in touched])
        contributions = self._contributions(node, upstream) if upstream is not None else ()
        # The chain rule and the step's record happen together or not at all: a Ctrl-C waits
        # until the step is taken and can be undone (back(), rewind()).
        with uninterrupted():
            try:
                self._run_chain_rule(final)
            except BaseException:
                self._restore(tuple(zip(final, undo_grads)), tuple(zip(touched, undo_pending)))
                raise  # e.g. detect_anomaly() stopped it: the pass is left as it was
            self._done.update(final)
            earlier = self._earlier
            step = Step(
                k + 1,
                total,
                node,
                upstream,
                contributions,
                finished,
                tuple([n.grad for n in final]),
                tuple([(n, earlier[n]) for n in final if n in earlier]) if earlier else (),
                self.captions,
            )
            step._undo_grads = undo_grads
            step._undo_pending = undo_pending
            self._history.append(step)
        return step

    def back(self) -> None:
        """Undo the last step: the gradients it changed are restored exactly."""
        with uninterrupted():  # the step leaves the history and its changes are undone together
            self._back()

    def _back(self) -> None:
        if not self._history and self._lone_undo is not None:
            self._restore(*self._lone_undo)  # a lone input: take its seed back out of its grad
            self._lone_undo = None
            return
        if not self._history:
            raise ValueError("backprop: no step to undo (this is the start: only the output's gradient is seeded)")
        step = self._history.pop()
        final = (step.node, *step.finished)
        self._restore(tuple(zip(final, step._undo_grads)), tuple(zip(step._touched(), step._undo_pending)))
        self._done.discard(step.node)
        self._done.difference_update(step.finished)

    def run(self) -> StepList:
        """Take every remaining step; returns them (the REPL shows them one after another).

        All or nothing, as ``backward()``: if a step raises (Ctrl-C, ``detect_anomaly()``), the
        steps this call took are undone and the pass is where it was."""
        taken = StepList()
        start = len(self._history)
        lone = self._lone_undo
        try:
            gc_paused.call(self._take_remaining, taken)
        except BaseException:
            with uninterrupted():
                while len(self._history) > start or self._lone_undo is not lone:
                    self._back()
            raise
        return taken

    def _take_remaining(self, taken: StepList) -> None:
        step = self.step
        for _ in range(len(self._ops) - len(self._history)):
            taken.append(step())
        self._finish_lone_input()

    def rewind(self) -> None:
        """Undo every step taken (back to the start: every grad as it was before the pass)."""
        with uninterrupted():
            while self._history or self._lone_undo is not None:
                self._back()

    def __iter__(self) -> Iterator[Step]:
        """Take the remaining steps one at a time: ``for s in steps: print(s)``."""
        while not self.done:
            yield self.step()
        self._finish_lone_input()

    # -- exercises ------------------------------------------------------------------------------
    def answer(self, node: Node, value: Any) -> Any:
        """Check a learner's value for d(root)/d(node) in this pass; returns a verdict.

        ``value`` is a number or arithmetic as text (``"1.1*2"``).  The verdict's ``.correct``
        says whether it agrees (to 3 significant digits, see :mod:`autograd_core.steps.exercises`);
        on a wrong answer ``.hint`` helps without giving the answer at once: first the upstream
        gradients and the local derivatives as formulas, then their numbers, then the products.

        >>> from autograd_core import Value
        >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
        >>> price = apple * count * tax
        >>> steps = price.backprop()
        >>> steps.answer(tax, "100*2").correct
        True
        >>> print(steps.answer(apple, 2).hint)
        dapple = upstream x local, over each use of apple:
          apple*count = mul(apple, count): upstream d(apple*count) x local d/dapple = count
        """
        return check(self, node, value)

    def answer_local(self, node: Node, index: int, value: Any) -> Any:
        """Check a learner's value for the local derivative of ``node`` with respect to its input
        ``index`` (d(node)/d(node.parents[index])), against the op's own record; a verdict as
        :meth:`answer` gives, whose hint is the op's formula, then the formula with numbers.

        >>> from autograd_core import Value
        >>> w, x = Value(-2.0, name="w"), Value(0.5, name="x")
        >>> y = w * x
        >>> print(y.backprop().answer_local(y, 0, 2))
        not yet: local d/dw of w*x is not 2
        w*x = mul(w, x): local d/dw = x (the value of x in the forward pass)
        """
        return check_local(self, node, index, value)

    def quiz(self, *, ask: str = "grads", read: Any = None, show: Any = None) -> Any:
        """Walk the pass interactively, asking for every number before it is shown.

        ``ask``: ``"grads"`` (every gradient, before the step whose text would show it),
        ``"locals"`` (every edge's local derivative) or ``"both"``.  Answers may be arithmetic
        (``1.1*2``); a wrong one gets a hint and another try (three in all), an empty one shows
        the answer.  Returns the :class:`~autograd_core.steps.quiz.Score`, which says what to
        review; ``read`` and ``show`` default to ``input`` and ``print`` (looked up when the quiz
        starts, so a redirected ``sys.stdin`` works).  Ctrl-C or the end of the input stops the
        quiz with the score so far.
        """
        return run_quiz(self, ask=ask, read=read, show=show)

    # -- showing --------------------------------------------------------------------------------
    def label(self, node: Node) -> str:
        """How every view calls a node: its name, its short expression (``apple*count``) or its
        scope and role (``layer1.neuron0.act``); see :mod:`autograd_core.words`."""
        return self.captions.label(node)

    def grad_name(self, node: Node) -> str:
        """How the texts write a node's gradient: ``dprice``, ``d(apple*count)``."""
        return self.captions.grad_name(node)

    def gradient(self, node: Node) -> Any:
        """The node's running gradient: its ``grad`` plus what this pass has gathered for it in
        ``pending`` (None when it has nothing yet).  Before step 1 the root shows the seed."""
        grad = node.grad
        gathered = self.pending.get(node)
        if gathered is None:
            return grad if node in self._done or grad is not node._empty_grad else None
        return gathered if grad is node._empty_grad else grad + gathered

    def table(self) -> Table:
        """Every node, inputs first: name, op, value, running gradient (:meth:`gradient`) and
        state (:meth:`state`), aligned within 80 columns; a notebook shows it as an HTML table."""
        return Table("\n".join(words.table_lines(self)), words.table_rows(self))

    def forward_lines(self) -> list[str]:
        """The forward pass, left to right, one line per operation:
        ``apple*count = mul(apple, count) = mul(100, 2) = 200``."""
        return words.forward_lines(self.root, self.captions)

    def __repr__(self) -> str:
        where = "done" if self.done else f"next: {self.label(self.next_node)}"
        return f"<Backprop of {self.label(self.root)}: step {len(self._history)}/{len(self._ops)}, {where}>"

    def _repr_html_(self) -> str:
        """In a notebook: the part-way diagram (when a package such as ``viz`` draws it), the
        current step's text and the table."""
        return backprop_html(self)

    # -- internals ------------------------------------------------------------------------------
    def _finish_lone_input(self) -> None:
        """A pass without steps (the root is an input): the seed becomes its gradient."""
        root = self.root
        if self._ops or self._lone_undo is not None or root not in self.pending:
            return
        undo = (((root, root.grad),), ((root, self.pending[root]),))
        with uninterrupted():
            self._run_chain_rule((root,))
            self._lone_undo = undo

    def _run_chain_rule(self, nodes: tuple[Node, ...]) -> None:
        # As backward() does without create_graph: gradients are plain numbers, nothing recorded;
        # under detect_anomaly() each node is checked, as backward() checks it.
        anomaly = current_mode().anomaly
        with Switch(grad_enabled=False):
            if anomaly:
                for node in nodes:
                    _checked_chain_rule(self._chain_rule, node, self.pending, False)
            else:
                self._chain_rule(nodes, self.pending, False)

    def _restore(self, grads: tuple[tuple[Node, Any], ...], pending: tuple[tuple[Node, Any], ...]) -> None:
        for node, grad in grads:
            node.grad = grad
        for node, value in pending:
            if value is _MISSING:
                self.pending.pop(node, None)
            else:
                self.pending[node] = value

    def _contributions(self, node: Node, upstream: Any) -> tuple[Contribution, ...]:
        """What the chain rule is about to send to each input, computed with the same
        arithmetic (``upstream * local``, gathered with ``+``) for the display."""
        local = getattr(node, "local", None)
        if local is not None:
            sent = [upstream * d for d in local]
        else:
            # An array node: its op's vector-Jacobian product gives the contributions directly.
            record = node.op_record
            if record is None:
                return ()
            sent = list(record.vjp(node, upstream))
            local = [None] * len(sent)
        running: dict[Node, Any] = {}
        out = []
        pending = self.pending
        captions = self.captions
        for index, (parent, d, c) in enumerate(zip(node.parents, local, sent)):
            if not parent.requires_grad or c is None:
                continue
            gathered = running.get(parent, pending.get(parent))
            after = c if gathered is None else gathered + c
            running[parent] = after
            grad = parent.grad
            if grad is not parent._empty_grad:
                shown_before = grad if gathered is None else grad + gathered
                shown_after = grad + after
            else:
                shown_before, shown_after = gathered, after
            out.append(Contribution(index, parent, d, c, shown_before, shown_after, node, captions))
        return tuple(out)


def _holds_gradient(node: Node) -> bool:
    """True when ``node.grad`` holds something from an earlier pass (not its empty value, not 0)."""
    grad = node.grad
    if grad is node._empty_grad or grad is None:
        return False
    try:
        return bool(grad != 0)
    except (TypeError, ValueError):  # an array: any entry not zero
        return bool((grad != 0).any())


def _seed(root: Node, grad: Any) -> Any:
    """The root's seed, as ``backward(grad=...)`` computes it; messages name ``backprop``."""
    try:
        return root._seed(grad, False)
    except (TypeError, ValueError) as error:
        message = str(error).replace("backward(grad=", "backprop(grad=")
        if message.startswith("backward:"):
            message = "backprop:" + message[len("backward:"):]
        raise type(error)(message) from None


register_stepper(Backprop)  # node.backprop() starts one
