"""Step through backpropagation one node at a time, as the textbook does by hand.

``root.backprop()`` returns a :class:`Backprop`: nothing has been propagated yet and no node has
changed; the output's seed (1, or ``backprop(grad=...)`` as for ``backward``) waits in the pass's
``pending`` dict.  Each :meth:`Backprop.step` processes the next operation node in reverse
topological order with the very same chain-rule code as ``backward()``, and returns a
:class:`Step` that says what happened there: the upstream gradient, and for each input
``upstream x local = contribution`` with the input's running gradient after it.

As in ``backward()``, contributions are gathered in ``pending`` first: a node's ``.grad``
attribute changes only when the node itself is processed (an operation at its own step, an input
at the step of the last operation that uses it), and from then on it is final.  The running value
(``.grad`` plus what is gathered) is ``steps.gradient(node)``; the step text's last lines say
which ``.grad`` became final and which nodes are still gathering.  Inputs (leaf nodes) are not
steps of their own.

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
      d(apple*count) += 1 x 1.1 (local d/d(apple*count) = tax)   -> 1.1
      d(tax)         += 1 x 200 (local d/dtax = apple*count)     -> 200
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

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .graph import MODE, Node, _checked_chain_rule, no_grad, topological_order

__all__ = ["Backprop", "Contribution", "Step", "Text", "format_number"]

#: The width the step texts aim for (a terminal, a slide).
WIDTH = 80
#: Unnamed intermediate nodes read as their expression (``apple*count``) up to this length;
#: longer ones read as their op and their row in :meth:`Backprop.table` (``mul#7``).
MAX_EXPRESSION = 24
#: Where a step's header puts "upstream ..." (less two spaces), when the line stays within WIDTH.
HEADER = 42


class Text(str):
    """A string that shows itself as it is in the REPL (no quotes, real line breaks)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def format_number(x: Any) -> str:
    """A number for people: up to 6 significant digits, no float noise.

    >>> format_number(110.00000000000001), format_number(2.2), format_number(-0.0), format_number(1e-9)
    ('110', '2.2', '0', '1e-09')
    """
    if x is None:
        return ""
    data = x.data if isinstance(x, Node) else x  # a Value gradient (create_graph) shows its number
    shape = getattr(data, "shape", None)
    if shape is not None and shape != ():
        return _format_array(data)
    try:
        number = float(data)
    except (TypeError, ValueError):
        return str(data)
    if math.isnan(number) or math.isinf(number):
        return str(number)
    text = f"{number:.6g}"
    return "0" if text == "-0" else text


def _format_array(array: Any) -> str:
    """A small array in full (4 significant digits), a big one by its shape."""
    size = getattr(array, "size", None)
    shape = "x".join(str(n) for n in array.shape)
    if size is not None and size <= 6:
        flat = [_short(v) for v in array.reshape(-1).tolist()]
        return "[" + " ".join(flat) + "]" if array.ndim == 1 else f"[{' '.join(flat)}] ({shape})"
    return f"<{shape} array>"


def _short(v: float) -> str:
    text = f"{v:.4g}"
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Contribution:
    """What one input of a node received in one step: ``upstream x local = contribution``.

    ``index`` is the input's position among the node's parents (``a*a`` has inputs 0 and 1, both
    ``a``); ``grad_before`` is the input's running gradient before this contribution (None:
    nothing yet) and ``grad_after`` after it, as :meth:`Backprop.gradient` shows them: its
    ``.grad`` plus what this pass has gathered for it.  The input's ``.grad`` attribute itself is
    updated only when the input is processed (see :attr:`Step.final_grads`).  ``local_text`` is
    the local derivative in symbols (``"tax"``).
    """

    index: int
    parent: Node
    local: Any
    contribution: Any
    grad_before: Any
    grad_after: Any
    local_text: str = ""


@dataclass(frozen=True)
class Step:
    """One node processed by the chain rule; its ``repr`` tells it in the textbook's terms.

    ``number`` counts from 1 to ``total``; ``node`` is the node just processed, ``upstream`` the
    gradient it received, ``contributions`` what it sent to each input that needs a gradient,
    ``finished`` the inputs (leaves) whose gradient became final in this step.

    ``.grad`` is final once a node is done: ``final_grads`` lists ``(node, .grad)`` for the node
    and the inputs finished here, the only attributes this step wrote.  ``gathering`` lists the
    inputs that received a contribution but are not done yet: their ``.grad`` is unchanged, the
    contribution waits in ``pending`` (``steps.gradient(node)`` shows the running value).

    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a")
    >>> out = a * a + a
    >>> out.name = "out"
    >>> steps = out.backprop()
    >>> first = steps.step()
    >>> [n.label for n in first.gathering], a.grad, steps.gradient(a)
    (['mul', 'a'], 0.0, 1.0)
    """

    number: int
    total: int
    node: Node
    upstream: Any
    contributions: tuple[Contribution, ...]
    finished: tuple[Node, ...]
    lines: tuple[str, ...] = field(repr=False)
    final_grads: tuple[tuple[Node, Any], ...] = ()
    gathering: tuple[Node, ...] = ()

    @property
    def text(self) -> Text:
        """The step as printed: a header line and one line per contribution."""
        return Text("\n".join(self.lines))

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


class StepList(list):
    """The steps a :meth:`Backprop.run` took; shows them one block after another."""

    def __repr__(self) -> str:
        return "\n".join(step.text for step in self) if self else "(no steps left)"


@dataclass
class _Undo:
    """What one step changed, to put it back exactly."""

    grads: list[tuple[Node, Any]]
    pending: list[tuple[Node, Any]]  # _MISSING: the entry was absent


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
    contributions wait in ``pending`` and ``gradient(node)`` shows the running value.

    Diagrams read three things (``viz.draw(steps)``): ``root``, ``state(node)`` ("done",
    "current" or "pending") and ``current_step`` (None before the first step).

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
      d(a) += 1 x 2 (local d/da = a)   -> 1 + 2 = 3
      d(a) += 1 x 2 (local d/da = a)   -> 3 + 2 = 5
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
        self.root = root
        self._chain_rule = type(root)._chain_rule
        order = topological_order(root, requiring_grad=True)
        order.reverse()
        self._order = order
        # Operation nodes are the steps; leaves are finished after the last op that uses them.
        self._ops: list[Node] = [node for node in order if node.parents]
        needs_grad = set(order)
        last_user: dict[Node, int] = {}
        for k, node in enumerate(self._ops):
            for parent in node.parents:
                if parent in needs_grad and not parent.parents:
                    last_user[parent] = k
        self._finishes: list[tuple[Node, ...]] = [() for _ in self._ops]
        by_step: dict[int, list[Node]] = {}
        for node in order:
            if node in last_user:
                by_step.setdefault(last_user[node], []).append(node)
        for k, leaves in by_step.items():  # listed in argument order: apple before count
            parents = self._ops[k].parents
            self._finishes[k] = tuple(sorted(leaves, key=parents.index))
        self._names = _Names(root)
        self._done: set[Node] = set()
        self._history: list[Step] = []
        self._undo: list[_Undo] = []
        # The seed waits here until step 1 processes the root: no node changes before that.
        self.pending: dict[Node, Any] = {root: _seed(root, grad)}
        # A lone input has no steps: run() (or iterating to the end) writes the seed to its grad.
        self._lone_undo: _Undo | None = None

    # -- the protocol diagrams read -------------------------------------------------------------
    @property
    def current_step(self) -> Step | None:
        """The last step taken (None before the first)."""
        return self._history[-1] if self._history else None

    def state(self, node: Node) -> str:
        """``"current"`` for the node just processed, ``"done"`` for nodes whose gradient is
        final (and for constants, which get none), ``"pending"`` for the rest."""
        current = self.current_step
        if current is not None and node is current.node:
            return "current"
        if node in self._done or not node.requires_grad or not self._ops:
            return "done"
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
        if k == len(self._ops):
            raise ValueError(
                f"backprop: all {len(self._ops)} steps are done (back() undoes one, table() shows the gradients)"
            )
        node = self._ops[k]
        finished = self._finishes[k]
        pending = self.pending
        upstream = pending[node]
        touched = [node, *finished, *node.parents]
        undo = _Undo(
            grads=[(n, n.grad) for n in (node, *finished)],
            pending=[(n, pending.get(n, _MISSING)) for n in dict.fromkeys(touched)],
        )
        contributions = self._contributions(node, upstream)
        try:
            self._run_chain_rule((node, *finished))
        except BaseException:
            self._restore(undo)  # e.g. detect_anomaly() stopped it: leave the pass as it was
            raise
        self._done.add(node)
        self._done.update(finished)
        final = (node, *finished)
        gathering = [c.parent for c in contributions if c.parent not in final]
        step = Step(
            number=k + 1,
            total=len(self._ops),
            node=node,
            upstream=upstream,
            contributions=contributions,
            finished=finished,
            lines=(),
            final_grads=tuple((n, n.grad) for n in final),
            gathering=tuple(dict.fromkeys(gathering)),
        )
        step = replace(step, lines=tuple(self._names.step_lines(step)))
        self._history.append(step)
        self._undo.append(undo)
        return step

    def back(self) -> None:
        """Undo the last step: the gradients it changed are restored exactly."""
        if not self._history and self._lone_undo is not None:
            self._restore(self._lone_undo)  # a lone input: take its seed back out of its grad
            self._lone_undo = None
            return
        if not self._history:
            raise ValueError("backprop: no step to undo (this is the start: only the output's gradient is seeded)")
        step = self._history.pop()
        self._restore(self._undo.pop())
        self._done.discard(step.node)
        self._done.difference_update(step.finished)

    def run(self) -> StepList:
        """Take every remaining step; returns them (the REPL shows them one after another)."""
        taken = StepList()
        while not self.done:
            taken.append(self.step())
        self._finish_lone_input()
        return taken

    def rewind(self) -> None:
        """Undo every step taken (back to the start: every grad as it was before the pass)."""
        while self._history or self._lone_undo is not None:
            self.back()

    def __iter__(self) -> Iterator[Step]:
        """Take the remaining steps one at a time: ``for s in steps: print(s)``."""
        while not self.done:
            yield self.step()
        self._finish_lone_input()

    # -- showing --------------------------------------------------------------------------------
    def label(self, node: Node) -> str:
        """How the texts call a node: its name, its expression (``apple*count``) or ``mul#7``."""
        return self._names.label(node)

    def grad_name(self, node: Node) -> str:
        """How the texts write a node's gradient: ``dprice``, ``d(apple*count)``."""
        return self._names.grad_name(node)

    def gradient(self, node: Node) -> Any:
        """The node's running gradient: its ``grad`` plus what this pass has gathered for it in
        ``pending`` (None when it has nothing yet).  Before step 1 the root shows the seed."""
        grad = node.grad
        gathered = self.pending.get(node)
        if gathered is None:
            return grad if node in self._done or grad is not node._empty_grad else None
        return gathered if grad is node._empty_grad else grad + gathered

    def table(self) -> Text:
        """Every node, inputs first: name, op, value, running gradient (:meth:`gradient`) and
        state, aligned.  "gathering": contributions arrived, ``.grad`` not updated yet; "done":
        ``.grad`` holds the final value; "seeded": the root before step 1."""
        return self._names.table(self)

    def forward_lines(self) -> list[str]:
        """The forward pass, left to right, one line per operation:
        ``apple*count = mul(apple, count) = mul(100, 2) = 200``."""
        return self._names.forward_lines()

    def __repr__(self) -> str:
        where = "done" if self.done else f"next: {self.label(self.next_node)}"
        return f"<Backprop of {self.label(self.root)}: step {len(self._history)}/{len(self._ops)}, {where}>"

    # -- internals ------------------------------------------------------------------------------
    def _finish_lone_input(self) -> None:
        """A pass without steps (the root is an input): the seed becomes its gradient."""
        root = self.root
        if self._ops or self._lone_undo is not None or root not in self.pending:
            return
        undo = _Undo(grads=[(root, root.grad)], pending=[(root, self.pending[root])])
        self._run_chain_rule((root,))
        self._lone_undo = undo

    def _run_chain_rule(self, nodes: tuple[Node, ...]) -> None:
        # As backward() does without create_graph: gradients are plain numbers, nothing recorded;
        # under detect_anomaly() each node is checked, as backward() checks it.
        with no_grad():
            if MODE.anomaly:
                for node in nodes:
                    _checked_chain_rule(self._chain_rule, node, self.pending, False)
            else:
                self._chain_rule(nodes, self.pending, False)

    def _restore(self, undo: _Undo) -> None:
        for node, grad in undo.grads:
            node.grad = grad
        for node, value in undo.pending:
            if value is _MISSING:
                self.pending.pop(node, None)
            else:
                self.pending[node] = value

    def _contributions(self, node: Node, upstream: Any) -> tuple[Contribution, ...]:
        """What the chain rule is about to send to each input, computed with the same
        arithmetic (``upstream * local``, gathered with ``+``) for the display."""
        local = getattr(node, "local", None)
        if local is not None:
            texts = self._names.local_texts(node)
            sent = [upstream * d for d in local]
        else:
            # An array node: its vector-Jacobian product gives the contributions directly.
            vjp = getattr(node, "_vjp", None)
            if vjp is None:
                return ()
            sent = list(vjp(node, upstream))
            local = [None] * len(sent)
            texts = [""] * len(sent)
        running: dict[Node, Any] = {}
        out = []
        for index, (parent, d, c) in enumerate(zip(node.parents, local, sent)):
            if not parent.requires_grad or c is None:
                continue
            gathered = running.get(parent, self.pending.get(parent))
            after = c if gathered is None else gathered + c
            running[parent] = after
            grad = parent.grad
            if grad is not parent._empty_grad:
                shown_before = grad if gathered is None else grad + gathered
                shown_after = grad + after
            else:
                shown_before, shown_after = gathered, after
            out.append(Contribution(index, parent, d, c, shown_before, shown_after, texts[index]))
        return tuple(out)


# -- names and texts ---------------------------------------------------------------------------
# Infix ops: symbol and precedence (higher binds tighter); functions and atoms bind tightest.
_INFIX = {"add": (" + ", 1), "sub": (" - ", 1), "mul": ("*", 2), "div": ("/", 2), "powv": ("**", 4)}
_ATOM = 9


class _Names:
    """Labels for every node of a graph, and the texts built from them."""

    def __init__(self, root: Node) -> None:
        self.nodes = topological_order(root)
        self.row = {node: i + 1 for i, node in enumerate(self.nodes)}
        unnamed_leaves = [n for n in self.nodes if n.name is None and not n.parents and n.op != "const"]
        numbered = len(unnamed_leaves) > 1
        leaf_names = {n: (f"leaf{i + 1}" if numbered else "leaf") for i, n in enumerate(unnamed_leaves)}
        self.text: dict[Node, tuple[str, int]] = {}
        for node in self.nodes:  # parents first, so an expression builds on its inputs' texts
            if node.name is not None:
                self.text[node] = (node.name, _ATOM)
            elif node in leaf_names:
                self.text[node] = (leaf_names[node], _ATOM)
            elif not node.parents:
                self.text[node] = (node.label, _ATOM)
            else:
                text, precedence = self._expression(node)
                if len(text) > MAX_EXPRESSION:
                    text, precedence = f"{node.op}#{self.row[node]}", _ATOM
                self.text[node] = (text, precedence)

    def _expression(self, node: Node) -> tuple[str, int]:
        parents = node.parents
        texts = [self.text[p] for p in parents]
        op = node.op
        if op in _INFIX and len(parents) == 2:
            symbol, p = _INFIX[op]
            (left, lp), (right, rp) = texts
            right_assoc = op == "powv"
            if lp < p or (right_assoc and lp == p):
                left = f"({left})"
            if rp < p or (rp == p and op in ("sub", "div")):
                right = f"({right})"
            return f"{left}{symbol}{right}", p
        if op == "pow" and len(parents) == 1:
            base, bp = texts[0]
            if bp <= 4:
                base = f"({base})"
            return f"{base}**{format_number(node.arg)}", 4
        if op == "neg" and len(parents) == 1:
            operand, p = texts[0]
            return (f"-({operand})" if p <= 3 else f"-{operand}"), 3
        return f"{op}({', '.join(t for t, _ in texts)})", _ATOM

    def label(self, node: Node) -> str:
        entry = self.text.get(node)
        return entry[0] if entry is not None else node.label

    def wrapped(self, node: Node) -> str:
        """The label, in parentheses when it is an expression (``(apple*count)``)."""
        text = self.label(node)
        return text if _is_atom(text) else f"({text})"

    def grad_name(self, node: Node) -> str:
        """``dprice``, ``d(apple*count)``."""
        return f"d{self.wrapped(node)}" if _is_word(self.label(node)) else f"d({self.label(node)})"

    def call(self, node: Node) -> str:
        """``mul(apple*count, tax)``, ``pow(x, 3)``."""
        args = [self.label(p) for p in node.parents]
        if node.arg is not None:
            args.append(format_number(node.arg))
        return f"{node.op}({', '.join(args)})"

    def local_texts(self, node: Node) -> list[str]:
        """Each local derivative d(node)/d(input) in symbols, as the textbook writes it."""
        parents = node.parents
        w = [self.wrapped(p) for p in parents]
        names = [self.label(p) for p in parents]
        out = self.wrapped(node)
        op = node.op
        local = getattr(node, "local", ())
        if op == "add":
            return ["1", "1"]
        if op == "sub":
            return ["1", "-1"]
        if op == "mul":
            return [names[1], names[0]]
        if op == "div":
            return [f"1/{w[1]}", f"-{w[0]}/{w[1]}**2"]
        if op == "neg":
            return ["-1"]
        if op == "pow":
            n = node.arg
            if n == 0:
                return ["0"]
            if n == 1:
                return ["1"]
            power = "" if n - 1 == 1 else f"**{format_number(n - 1)}"
            return [f"{format_number(n)}*{w[0]}{power}"]
        if op == "powv":
            return [f"{w[1]}*{w[0]}**({names[1]} - 1)", f"{out}*log({names[0]})"]
        if op == "exp":
            return [f"exp({names[0]})"]
        if op == "log":
            return [f"1/{w[0]}"]
        if op == "tanh":
            return [f"1 - {out}**2"]
        if op == "sigmoid":
            return [f"{out}*(1 - {out})"]
        if op == "relu":
            positive = bool(local) and local[0] == 1
            return [f"1 since {names[0]} > 0" if positive else f"0 since {names[0]} <= 0"]
        return ["" for _ in parents]

    def step_lines(self, step: Step) -> list[str]:
        """The step's header and contribution lines, aligned, within :data:`WIDTH` if possible."""
        node = step.node
        head = f"step {step.number}/{step.total}  {self.label(node)} = {self.call(node)}"
        upstream = f"upstream {self.grad_name(node)} = {format_number(step.upstream)}"
        rows = []
        for c in step.contributions:
            target = f"d({self.label(c.parent)})"
            if c.local is None:  # an array node: the contribution is a vector-Jacobian product
                product = f"+= vjp = {format_number(c.contribution)}"
            else:
                product = f"+= {format_number(step.upstream)} x {format_number(c.local)}"
            local = f"(local d/d{self.wrapped(c.parent)} = {c.local_text})" if c.local_text else ""
            after = format_number(c.grad_after)
            if c.grad_before is None:
                result = after
            else:  # fan-out: this input already had a gradient; show the sum
                added = format_number(c.contribution)
                sign, added = ("-", added[1:]) if added.startswith("-") else ("+", added)
                result = f"{format_number(c.grad_before)} {sign} {added} = {after}"
            rows.append((target, product, local, result, after))
        # Drop details until the block fits: first the symbolic local derivatives, then the sums.
        lines = _align(rows, with_local=True, with_sum=True)
        if any(len(line) > WIDTH for line in lines):
            lines = _align(rows, with_local=False, with_sum=True)
        if any(len(line) > WIDTH for line in lines):
            lines = _align(rows, with_local=False, with_sum=False)
        # "upstream" starts at a fixed column, so it lines up from one step to the next.
        header = f"{head:<{HEADER}}  {upstream}"
        if len(header) > WIDTH:
            header = f"{head}  {upstream}"
            if len(header) > WIDTH:
                header = f"{head}\n  {upstream}"
        # What the attributes hold now: contributions wait in pending until their node is done.
        final = [f"{self.label(n)} = {format_number(g)}" for n, g in step.final_grads]
        footer = _listing("final, now in .grad:", final)
        if step.gathering:
            gathering = [self.label(n) for n in step.gathering]
            footer += _listing("still gathering, .grad not updated yet:", gathering)
        return [header, *lines, *footer]

    def forward_lines(self) -> list[str]:
        ops = [n for n in self.nodes if n.parents]
        width = max((len(self.label(n)) for n in ops), default=0)
        lines = []
        for node in ops:
            values = [format_number(p.data) for p in node.parents]
            if node.arg is not None:
                values.append(format_number(node.arg))
            computed = f"{node.op}({', '.join(values)}) = {format_number(node.data)}"
            line = f"{self.label(node):<{width}} = {self.call(node)} = {computed}"
            if len(line) > WIDTH - 2:  # the CLI indents it by two
                line = f"{self.label(node):<{width}} = {computed}"
            lines.append(line)
        return lines

    def table(self, steps: Backprop) -> Text:
        rows = [("#", "node", "op", "value", "grad", "state")]
        for node in self.nodes:
            if node.op == "const" or not node.requires_grad:
                grad, state = "-", "const" if node.op == "const" else "no grad"
            else:
                grad = format_number(steps.gradient(node))
                state = steps.state(node)
                if state == "current" and steps.done:
                    state = "done"  # the walk is over: nothing is being processed any more
                if state == "pending" and grad:
                    state = "seeded" if node is steps.root else "gathering"
            op = node.op or "input"
            rows.append((str(self.row[node]), self.label(node), op, format_number(node.data), grad, state))
        widths = [max(len(r[i]) for r in rows) for i in range(6)]
        right = {0, 3, 4}
        lines = [
            "  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)).rstrip()
            for r in rows
        ]
        return Text("\n".join(lines))


def _listing(title: str, items: list[str]) -> list[str]:
    """``  title a, b, c`` wrapped within :data:`WIDTH` (continuation lines indented by 4)."""
    lines = []
    line = f"  {title}"
    for k, item in enumerate(items):
        piece = item if k == len(items) - 1 else f"{item},"
        if len(line) + 1 + len(piece) > WIDTH and line.strip() not in ("", title):
            lines.append(line)
            line = "   "
        line = f"{line} {piece}"
    lines.append(line)
    return lines


def _seed(root: Node, grad: Any) -> Any:
    """The root's seed, as ``backward(grad=...)`` computes it; messages name ``backprop``."""
    try:
        return root._seed(grad, False)
    except (TypeError, ValueError) as error:
        message = str(error).replace("backward(grad=", "backprop(grad=")
        if message.startswith("backward:"):
            message = "backprop:" + message[len("backward:"):]
        raise type(error)(message) from None


def _align(rows: list[tuple[str, ...]], *, with_local: bool, with_sum: bool) -> list[str]:
    if not rows:
        return []
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows) if with_local else 0
    lines = []
    for target, product, local, result, after in rows:
        middle = f"{product:<{w1}} {local:<{w2}}" if with_local and w2 else f"{product:<{w1}}"
        lines.append(f"  {target:<{w0}} {middle}   -> {result if with_sum else after}")
    return lines


def _is_word(text: str) -> bool:
    return text.replace(".", "").replace("#", "").isidentifier()


def _is_atom(text: str) -> bool:
    if _is_word(text):
        return True
    try:
        float(text)
    except ValueError:
        return False
    return not text.startswith("-")
