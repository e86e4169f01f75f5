"""What every view calls a node: its caption.

- A named node is called by its name.  When two different nodes carry the same name in
  different scopes (``w0`` in every neuron), the scope is part of the caption
  (``layer1.neuron0.w0``).
- An unnamed node is called by its expression while that stays short (``apple*count``,
  ``w*x + b``) and reads only nodes of its own scope; otherwise by its scope and role
  (``layer1.neuron0.act``, ``2.Linear.matmul``; a second such sum in the same scope, in the
  graph's order, is ``sum2``).  The role is its op's (``OPS["add"].role`` is ``sum``), and so is
  how an expression reads (infix symbol and precedence).  A scope reached from outside starts
  with roles, so every layer of a network is called the same way.
- The output of the graph, unnamed, outside any scope and not a short expression, is ``out``
  (as the formula parser calls an unnamed result), never ``pow = pow(...)``.

Every view of a graph reads its captions from the graph's one :class:`Captions`, so the step
text, the table, the diagrams and the lecture page agree.

>>> from autograd_core import Value
>>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
>>> caption(apple * count * tax)
'apple*count*tax'
"""

from __future__ import annotations

from ..graph import Node, gc_paused, topological_order
from ..ops.record import record_of
from .numbers import format_number

__all__ = ["MAX_EXPRESSION", "OUTPUT", "WHOLE_GRAPH", "Captions", "caption"]

#: An unnamed node reads as its expression (``apple*count``) up to this many characters; longer
#: ones read as their scope and role (``layer1.neuron0.sum``).
MAX_EXPRESSION = 24

#: Graphs up to this many nodes are captioned in one walk, inputs first, the first time a caption
#: is asked for, so that role names are numbered in the same order by every view (no diagram or
#: lecture shows a bigger graph).  Bigger ones are captioned on demand, each caption in O(1):
#: role names are then numbered in the order they are first shown.
WHOLE_GRAPH = 50_000

#: What the output of a graph is called when it has no name and no short expression.
OUTPUT = "out"

_ATOM = 9  # how tightly a name, a number or a call binds: never in parentheses
_RIGHT_TO_LEFT = ("**",)  # Python's grammar: a ** b ** c is a ** (b ** c)


class Captions:
    """Every node's caption, computed once per node (parents first, no recursion).

    ``Captions(root)`` knows the graph below ``root`` (to tell apart nodes that share a user
    name in different scopes, and to call the output ``out``); :meth:`label` also serves nodes
    it has not seen.  The lecture page, the diagrams and the stepper share this object for one
    graph.

    >>> from autograd_core import Value, name_scope
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> words = Captions(price)
    >>> words.label(price.parents[0]), words.label(price)
    ('apple*count', 'apple*count*tax')
    >>> with name_scope("layer1"), name_scope("neuron0"):
    ...     w, x = [Value(0.5, name=f"w{i}") for i in range(3)], [Value(2.0, name=f"x{i}") for i in range(3)]
    ...     act = (w[0] * x[0] + w[1] * x[1] + w[2] * x[2]).tanh()
    >>> words = Captions(act)
    >>> words.label(act.parents[0].parents[0]), words.label(act.parents[0]), words.label(act)
    ('w0*x0 + w1*x1', 'w0*x0 + w1*x1 + w2*x2', 'layer1.neuron0.act')
    """

    def __init__(self, root: Node | None = None, *, nodes: list[Node] | None = None) -> None:
        self._text: dict[Node, tuple[str, int]] = {}  # caption, precedence
        self._qualified: set[str] = set()
        self._roles: dict[str, int] = {}  # how many nodes already carry each role name
        self._root = root
        self._output = root if root is not None else (nodes[-1] if nodes else None)
        # Parents first (``topological_order(root)``, or the part of it that needs a gradient:
        # the same relative order); walked once, when the first caption is asked for.
        self._nodes = nodes
        if root is not None or nodes is not None:
            self._find_shared_names(nodes if nodes is not None else topological_order(root))
        if nodes is not None and len(nodes) > WHOLE_GRAPH:
            self._root = self._nodes = None  # caption on demand: see _compute

    def _find_shared_names(self, nodes: list[Node]) -> None:
        """User names given to several nodes in different scopes get their scope in the caption."""
        scopes: dict[str, str | None] = {}
        for node in nodes:
            name = node.name
            if name is None:
                continue
            if name in scopes and scopes[name] != node.scope:
                self._qualified.add(name)
            scopes.setdefault(name, node.scope)

    def _caption_graph(self) -> None:
        """Caption the whole graph once, inputs first, so role names are numbered (``sum``,
        ``sum2``, ...) in the same order for every view of the graph.  Done on the first caption
        asked for: a pass that is only run, never shown, pays nothing for it."""
        root, self._root = self._root, None
        if root is None:
            return
        with gc_paused:  # many small objects that all live on: no collection needed meanwhile
            text = self._text
            own = self._own
            for node in self._nodes if self._nodes is not None else topological_order(root):
                if node in text:
                    continue
                for parent in node.parents:
                    if parent not in text:  # an input outside ``nodes`` (a constant): caption it first
                        if parent.parents:
                            self._compute(parent)
                        else:
                            text[parent] = own(parent)
                text[node] = own(node)
        self._nodes = None

    def label(self, node: Node) -> str:
        """The node's caption (see the module's docstring)."""
        entry = self._text.get(node)
        if entry is None:
            if self._root is not None:
                self._caption_graph()
                return self.label(node)
            entry = self._compute(node)  # a node outside the graph, or a graph too big to walk
        return entry[0]

    def precedence(self, node: Node) -> int:
        """How tightly the caption binds: an expression ``a + b`` needs parentheses inside ``x*...``."""
        self.label(node)
        return self._text[node][1]

    def wrapped(self, node: Node) -> str:
        """The caption, in parentheses unless it is a name, a number or a call (``(apple*count)``)."""
        text = self.label(node)
        return text if self._text[node][1] >= _ATOM else f"({text})"

    def grad_name(self, node: Node) -> str:
        """``dprice``, ``d(apple*count)``."""
        text = self.label(node)
        return f"d{text}" if text.isidentifier() else f"d({text})"

    def call(self, node: Node) -> str:
        """``mul(apple*count, tax)``, ``pow(x, 3)``."""
        args = [self.label(p) for p in node.parents]
        if node.arg is not None:
            args.append(format_number(node.arg) if isinstance(node.arg, (int, float)) else repr(node.arg))
        return f"{node.op}({', '.join(args)})"

    def _compute(self, node: Node) -> tuple[str, int]:
        """Caption ``node`` and what it needs, parents first (an explicit stack: no recursion).

        Inputs more than :data:`MAX_EXPRESSION` operations below ``node`` are not expanded: an
        unnamed operation there is called by its role, so one caption costs O(1) however deep
        the graph (a graph captioned as a whole never gets here with more than one level).
        """
        text = self._text
        stack = [(node, 0)]
        while stack:
            top, depth = stack[-1]
            if top in text:
                stack.pop()
                continue
            if depth > MAX_EXPRESSION and top.parents and top.name is None:
                stack.pop()
                text[top] = self._role(top), _ATOM
                continue
            missing = [p for p in top.parents if p not in text]
            if missing:
                stack.extend((p, depth + 1) for p in missing)
                continue
            stack.pop()
            text[top] = self._own(top)
        return text[node]

    def _own(self, node: Node) -> tuple[str, int]:
        name = node.name
        if name is not None:
            if name in self._qualified and node.scope:
                return f"{_dotted(node.scope)}.{name}", _ATOM
            return name, _ATOM
        if node.op == "const" and not node.parents:
            data = node.data
            return (format_number(data) if getattr(data, "ndim", 0) == 0 else "const"), _ATOM
        if not node.parents:
            return self._role(node, "leaf"), _ATOM
        if not _reaches_outside(node):
            expression, precedence = self._expression(node)
            if len(expression) <= MAX_EXPRESSION:
                return expression, precedence
        if node is self._output and node.scope is None:
            return OUTPUT, _ATOM
        return self._role(node), _ATOM

    def _role(self, node: Node, role: str | None = None) -> str:
        """Scope and role, numbered from the second on in the order captioned: ``sum``, ``sum2``."""
        if role is None:
            op = record_of(node)
            role = op.role if op is not None else node.op
        base = f"{_dotted(node.scope)}.{role}" if node.scope else role
        count = self._roles.get(base, 0) + 1
        self._roles[base] = count
        return base if count == 1 else f"{base}{count}"

    def _expression(self, node: Node) -> tuple[str, int]:
        parents = node.parents
        texts = [self._text[p] for p in parents]
        op = record_of(node)
        infix = op.infix if op is not None else None
        if infix is not None and len(parents) == 2:
            p = op.precedence
            (left, lp), (right, rp) = texts
            right_to_left = infix in _RIGHT_TO_LEFT
            if lp < p or (right_to_left and lp == p):
                left = f"({left})"
            if rp < p or (rp == p and not right_to_left):
                right = f"({right})"
            return f"{left}{infix}{right}", p
        if infix is not None and len(parents) == 1 and node.arg is not None:  # x**3
            base, bp = texts[0]
            if bp <= op.precedence:
                base = f"({base})"
            return f"{base}{infix}{format_number(node.arg)}", op.precedence
        if infix is not None and len(parents) == 1:  # -x
            operand, p = texts[0]
            return (f"{infix}({operand})" if p <= op.precedence else f"{infix}{operand}"), op.precedence
        return f"{node.op}({', '.join(t for t, _ in texts)})", _ATOM


def _reaches_outside(node: Node) -> bool:
    """True for a node made in a scope that reads a node made outside it (constants aside): it is
    called by its scope and role, the same in every layer, not by an expression."""
    scope = node.scope
    if scope is None:
        return False
    return any(p.scope != scope and not (p.op == "const" and not p.parents) for p in node.parents)


def _dotted(scope: str) -> str:
    return scope.replace("/", ".")


def caption(node: Node, captions: Captions | None = None) -> str:
    """How every view calls ``node``: its name, its short expression, or its scope and role.

    Pass the graph's :class:`Captions` when captioning many nodes (each is then computed once).

    >>> from autograd_core import Value
    >>> apple, count = Value(100, name="apple"), Value(2, name="count")
    >>> caption(apple * count), caption(apple * 2)
    ('apple*count', 'apple*2')
    """
    return (captions or Captions()).label(node)
