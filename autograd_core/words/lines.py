"""Turning a node, an edge or a step into text: captions, local-derivative formulas, numbers.

The one place where a graph becomes words, read by the step text, the table, the diagrams, the
lecture page and the exercises, so that every view calls a node by the same caption and says a
local derivative the same way.

- **Captions.** A named node is called by its name.  An unnamed one is called by its expression
  while that stays short (``apple*count``), otherwise by a stable name made of its scope and its
  role (``layer1.neuron0.act``; a second such sum in the same scope, in the graph's order, is
  ``sum2``).  A caption never refers to a table row, and every view of a graph reads it from
  the graph's one :class:`Captions`, so the step text, the table, the diagrams and the lecture
  page agree.  When two different nodes carry the same user name in different scopes
  (``w0`` in every neuron), the scope is part of the caption (``layer1.neuron0.w0``).
- **Local derivatives** come from the op's own ``formula`` (``autograd_core.value.OPS``), filled
  in twice: with captions and with numbers, then the value
  (``local d/da = 1 - tanh(a)² = 1 - 0.4621² = 0.7864``).
- **States**: :data:`STATES` is the vocabulary of ``Backprop.state`` and of its table.

>>> from autograd_core import Value
>>> a = Value(0.5, name="a")
>>> t = a.tanh()
>>> caption(t), local_text(t, 0)
('tanh(a)', 'local d/da = 1 - tanh(a)² = 1 - 0.4621² = 0.7864')
"""

from __future__ import annotations

import math
from typing import Any

from ..graph import Node, gc_paused
from ..value import OPS

__all__ = [
    "MAX_EXPRESSION",
    "STATES",
    "WHOLE_GRAPH",
    "Captions",
    "array_lines",
    "caption",
    "format_number",
    "local_text",
    "short_number",
    "vjp_text",
]

#: An unnamed node reads as its expression (``apple*count``) up to this many characters; longer
#: ones read as their scope and role (``layer1.neuron0.sum``).
MAX_EXPRESSION = 24

#: Graphs up to this many nodes are captioned in one walk, inputs first, the first time a caption
#: is asked for, so that role names are numbered in the same order by every view (no diagram or
#: lecture shows a bigger graph).  Bigger ones are captioned on demand, each caption in O(1):
#: role names are then numbered in the order they are first shown.
WHOLE_GRAPH = 50_000

#: The states a node goes through during a step-by-step backprop, as ``Backprop.state`` and its
#: table name them (one vocabulary for every view).
STATES: dict[str, str] = {
    "pending": "nothing has reached it yet",
    "seeded": "the output, holding the seed, before step 1",
    "gathering": "contributions arrived (steps.gradient shows them); .grad not updated yet",
    "current": "processed by the step just taken",
    "done": ".grad holds its final value for this pass",
    "const": "a number from the formula: no gradient",
    "no grad": "requires_grad is False: no gradient",
}

# Infix ops: symbol and precedence (higher binds tighter); functions and atoms bind tightest.
_INFIX = {"add": (" + ", 1), "sub": (" - ", 1), "mul": ("*", 2), "div": ("/", 2), "powv": ("**", 4), "matmul": ("@", 2)}
_ATOM = 9
# What a node too long to read as an expression is called, by its op (else the op's own name).
_ROLES = {"add": "sum", "sub": "diff", "mul": "prod", "div": "quot", "tanh": "act", "sigmoid": "act", "relu": "act",
          "matmul": "matmul"}


# -- numbers ------------------------------------------------------------------------------------
def format_number(x: Any, digits: int = 6) -> str:
    """A number for people: up to ``digits`` significant digits, no float noise.

    >>> format_number(110.00000000000001), format_number(2.2), format_number(-0.0), format_number(1e-9)
    ('110', '2.2', '0', '1e-09')
    """
    if x is None:
        return ""
    data = x.data if isinstance(x, Node) else x  # a Value gradient (create_graph) shows its number
    shape = getattr(data, "shape", None)
    if shape is not None and shape != ():
        return _one_line_array(data)
    try:
        number = float(data)
    except (TypeError, ValueError):
        return str(data)
    if math.isnan(number) or math.isinf(number):
        return str(number)
    text = f"{number:.{digits}g}"
    return "0" if text == "-0" else text


def short_number(x: Any) -> str:
    """A number inside a formula: 4 significant digits (``0.4621``).

    >>> short_number(0.46211715726000974), short_number(200.00000000000003)
    ('0.4621', '200')
    """
    return format_number(x, 4)


def _one_line_array(array: Any) -> str:
    lines = array_lines(array)
    return lines[0] if len(lines) == 1 else f"{lines[0]} ... ({_shape(array)})"


def _shape(array: Any) -> str:
    return "×".join(str(n) for n in array.shape) or "scalar"


#: Arrays with at most this many entries (and at most 2 dimensions) are written out in full,
#: one line per row, when the rows fit :data:`ROW_WIDTH` characters.
SMALL_ARRAY = 36
ROW_WIDTH = 60


def array_lines(array: Any, digits: int = 4) -> list[str]:
    """An array as lines a terminal shows: one line per row when small, else its shape and range.

    >>> import numpy as np
    >>> array_lines(np.array([[0.5, -1.0], [2.0, 0.25]]))
    ['[0.5   -1]', '[  2 0.25]']
    >>> array_lines(np.zeros((100, 784)))
    ['100×784 array, mean 0, min 0, max 0']
    """
    import numpy as np

    array = np.asarray(array)
    if array.ndim == 0:
        return [format_number(array.item(), digits)]
    if array.size == 0:
        return [f"{_shape(array)} array (empty)"]
    if array.size <= SMALL_ARRAY and array.ndim <= 2:
        rows = array.reshape(1, -1) if array.ndim == 1 else array
        cells = [[format_number(v, digits) for v in row.tolist()] for row in rows]
        width = [max(len(row[k]) for row in cells) for k in range(len(cells[0]))]
        lines = ["[" + " ".join(c.rjust(w) for c, w in zip(row, width)) + "]" for row in cells]
        if len(lines[0]) <= ROW_WIDTH:
            return lines
    if array.dtype.kind not in "biuf":
        return [f"{_shape(array)} array"]
    with np.errstate(all="ignore"):
        mean, low, high = array.mean(), array.min(), array.max()
    return [f"{_shape(array)} array, mean {format_number(mean, digits)}, min {format_number(low, digits)}, "
            f"max {format_number(high, digits)}"]


# -- captions -----------------------------------------------------------------------------------
class Captions:
    """Every node's caption, computed once per node (parents first, no recursion).

    ``Captions(root)`` knows the graph below ``root`` (to tell apart nodes that share a user
    name in different scopes); :meth:`label` also serves nodes it has not seen.  The lecture
    page, the diagrams and the stepper share this object for one graph.

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
        # Parents first (``topological_order(root)``, or the part of it that needs a gradient:
        # the same relative order); walked once, when the first caption is asked for.
        self._nodes = nodes
        if root is not None or nodes is not None:
            self._find_shared_names(nodes if nodes is not None else _all_nodes(root))
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
            for node in self._nodes if self._nodes is not None else _all_nodes(root):
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
        return f"d{text}" if _is_word(text) else f"d({text})"

    def call(self, node: Node) -> str:
        """``mul(apple*count, tax)``, ``pow(x, 3)``."""
        args = [self.label(p) for p in node.parents]
        if node.arg is not None:
            args.append(short_number(node.arg))
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
                text[top] = self._role(top, _ROLES.get(top.op, top.op)), _ATOM
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
        expression, precedence = self._expression(node)
        if len(expression) <= MAX_EXPRESSION:
            return expression, precedence
        return self._role(node, _ROLES.get(node.op, node.op)), _ATOM

    def _role(self, node: Node, role: str) -> str:
        """Scope and role, numbered from the second on in the order captioned: ``sum``, ``sum2``."""
        base = f"{_dotted(node.scope)}.{role}" if node.scope else role
        count = self._roles.get(base, 0) + 1
        self._roles[base] = count
        return base if count == 1 else f"{base}{count}"

    def _expression(self, node: Node) -> tuple[str, int]:
        parents = node.parents
        texts = [self._text[p] for p in parents]
        op = node.op
        if op in _INFIX and len(parents) == 2:
            symbol, p = _INFIX[op]
            (left, lp), (right, rp) = texts
            if lp < p or (op == "powv" and lp == p):
                left = f"({left})"
            if rp < p or (rp == p and op in ("sub", "div")):
                right = f"({right})"
            return f"{left}{symbol}{right}", p
        if op == "pow" and len(parents) == 1:
            base, bp = texts[0]
            if bp <= 4:
                base = f"({base})"
            return f"{base}**{short_number(node.arg)}", 4
        if op == "neg" and len(parents) == 1:
            operand, p = texts[0]
            return (f"-({operand})" if p <= 3 else f"-{operand}"), 3
        return f"{op}({', '.join(t for t, _ in texts)})", _ATOM


def _all_nodes(root: Node) -> list[Node]:
    from ..graph import topological_order

    return topological_order(root)


def _dotted(scope: str) -> str:
    return scope.replace("/", ".")


def _is_word(text: str) -> bool:
    return text.isidentifier()


def caption(node: Node, captions: Captions | None = None) -> str:
    """How every view calls ``node``: its name, its short expression, or its scope and role.

    Pass the graph's :class:`Captions` when captioning many nodes (each is then computed once).

    >>> from autograd_core import Value
    >>> apple, count = Value(100, name="apple"), Value(2, name="count")
    >>> caption(apple * count), caption(apple * 2)
    ('apple*count', 'apple*2')
    """
    return (captions or Captions()).label(node)


# -- local derivatives --------------------------------------------------------------------------
def local_text(node: Node, index: int, captions: Captions | None = None) -> str:
    """The local derivative d(node)/d(input ``index``) as a formula, with numbers, and its value.

    Read from the op's ``formula`` (see ``autograd_core.value.ScalarOp``); an op without one
    reads ``d<op>/d<input>``.

    >>> from autograd_core import Value
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> local_text(price, 1)
    'local d/dtax = apple*count = 200'
    >>> local_text(price, 0)
    'local d/d(apple*count) = tax = 1.1'
    """
    head, symbols, numbers, value = local_parts(node, index, captions)
    parts = [symbols]
    for part in (numbers, value):
        if part != parts[-1]:
            parts.append(part)
    return f"{head} = {' = '.join(parts)}"


def local_parts(node: Node, index: int, captions: Captions | None = None) -> tuple[str, str, str, str]:
    """The pieces of :func:`local_text`: ``("local d/da", "1 - tanh(a)²", "1 - 0.4621²", "0.7864")``."""
    words = captions or Captions()
    parent = node.parents[index]
    value = short_number(node.local[index])
    head = f"local {words.grad_name(parent).replace('d', 'd/d', 1)}"
    spec = OPS.get(node.op)
    formula = spec.formula if spec is not None else ()
    if index >= len(formula) or not formula[index]:
        return head, f"d{node.op}/{words.grad_name(parent)}", value, value
    template = formula[index]
    if template in ("{x}", "{y}", "{out}"):  # the formula is one caption: no parentheses needed
        symbols = _fill(template, node, words.label, words.label(node))
        numbers = _fill(template, node, lambda n: short_number(n.data), short_number(node.data))
    else:
        symbols = _fill(template, node, words.wrapped, words.wrapped(node))
        numbers = _fill(template, node, lambda n: _number_in_formula(n.data), _number_in_formula(node.data))
    return head, symbols, numbers, value


def _fill(template: str, node: Node, show: Any, out: str) -> str:
    parents = node.parents
    values = {"out": out, "n": short_number(node.arg) if node.arg is not None else ""}
    for key, k in (("x", 0), ("y", 1)):
        values[key] = show(parents[k]) if k < len(parents) else ""
    return template.format(**values)


def _number_in_formula(x: Any) -> str:
    text = short_number(x)
    return f"({text})" if text.startswith("-") else text


def vjp_text(node: Node, index: int, captions: Captions | None = None) -> str | None:
    """What an array op sends back to input ``index``, in words (``g @ Wᵀ``), or None if unknown.

    ``g`` is the upstream gradient; the inputs and the output are called by their captions.
    """
    template = _vjp_template(node, index)
    if template is None:
        return None
    words = captions or Captions()
    parents = node.parents
    names = [words.wrapped(parents[k]) if k < len(parents) else "" for k in (0, 1)]
    arg = getattr(node, "arg", None)
    n = format_number(arg) if isinstance(arg, (int, float)) else str(arg)
    try:
        return template.format(a=names[0], b=names[1], x=names[0], y=names[1], out=words.wrapped(node), n=n)
    except (KeyError, IndexError, ValueError):
        return template  # a custom op's words with braces of their own: shown as written


def _vjp_template(node: Node, index: int) -> str | None:
    """The template of an array op's vector-Jacobian product in words: the op definition's own
    (``formula`` of its entry in ``TENSOR_OPS``, custom ops included)."""
    from ..tensor.define import vjp_formula

    return vjp_formula(node.op, index)


# -- step texts ---------------------------------------------------------------------------------
#: The width the step texts aim for (a terminal, a slide).
WIDTH = 80
#: Where a step's header puts "upstream ..." (less two spaces), when the line stays within WIDTH.
HEADER = 42
_INDENT = "      "


def _is_array(x: Any) -> bool:
    data = x.data if isinstance(x, Node) else x
    return getattr(data, "shape", ()) != () and hasattr(data, "ndim")


def step_lines(step: Any, captions: Captions) -> list[str]:
    """A step's text: the header, each contribution with its local derivative (formula and
    number), what is final now, what is still gathering, and what was there before this pass.
    Every line fits :data:`WIDTH` columns (a caption longer than that excepted)."""
    node = step.node
    label = captions.label(node)
    call = captions.call(node)
    head = f"step {step.number}/{step.total}  {label}" + ("" if call == label else f" = {call}")
    grad_name = captions.grad_name(node)
    if step.upstream is None:  # an op's VJP sent nothing here: backward() skips the node too
        return [head, f"  no gradient reached {label}: nothing to send back, .grad unchanged"]
    lines = _header(head, grad_name, step.upstream)
    scalar = [c for c in step.contributions if c.local is not None]
    lines.extend(_scalar_lines(scalar, step.upstream, captions))
    for c in step.contributions:
        if c.local is None:
            lines.extend(_array_lines(c, captions))
    final = [_final_item(captions.label(n), g) for n, g in step.final_grads]
    lines.extend(_listing("final, now in .grad:", final))
    if step.gathering:
        lines.extend(_listing("still gathering, .grad not updated yet:", [captions.label(n) for n in step.gathering]))
    if step.earlier:
        items = [f"{captions.label(n)}.grad was {_final_value(g)} before this pass" for n, g in step.earlier]
        lines.extend(_listing("added onto:", items))
    return lines


def _header(head: str, grad_name: str, upstream: Any) -> list[str]:
    if _is_array(upstream):
        rows = array_lines(upstream)
        if len(rows) == 1 and len(head) + len(grad_name) + len(rows[0]) + 16 <= WIDTH:
            return [f"{head}  upstream {grad_name} = {rows[0]}"]
        return [head, f"  upstream {grad_name} =", *(f"{_INDENT}{row}" for row in rows)]
    text = f"upstream {grad_name} = {format_number(upstream)}"
    header = f"{head:<{HEADER}}  {text}"
    if len(header) <= WIDTH:
        return [header]
    header = f"{head}  {text}"
    return [header] if len(header) <= WIDTH else [head, f"  {text}"]


def _scalar_lines(contributions: list, upstream: Any, captions: Captions) -> list[str]:
    rows = []
    for c in contributions:
        target = f"d({captions.label(c.parent)})"
        product = f"+= {format_number(upstream)} x {format_number(c.local)}"
        local = local_text(c.node, c.index, captions)
        after = format_number(c.grad_after)
        if c.grad_before is None:
            result = after
        else:  # fan-out, or a gradient from before: this input already had one; show the sum
            added = format_number(c.contribution)
            sign, added = ("-", added[1:]) if added.startswith("-") else ("+", added)
            result = f"{format_number(c.grad_before)} {sign} {added} = {after}"
        rows.append((target, product, local, result, after))
    if not rows:
        return []
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows) + 2
    one_line = [f"  {t:<{w0}} {p:<{w1}} {'(' + lo + ')':<{w2}}   -> {r}" for t, p, lo, r, _ in rows]
    if all(len(line) <= WIDTH for line in one_line):
        return one_line
    # Too wide: the local derivative goes on its own line(s) under its contribution, never away.
    lines = []
    for t, p, lo, r, after in rows:
        first = f"  {t:<{w0}} {p:<{w1}}   -> {r}"
        if len(first) > WIDTH:
            first = f"  {t:<{w0}} {p:<{w1}}   -> {after}"
        lines.append(first)
        lines.extend(_wrap_formula(lo))
    return lines


def _wrap_formula(text: str) -> list[str]:
    """``local d/dx = formula = numbers = value`` on indented lines, broken at `` = `` if too wide."""
    if len(_INDENT) + len(text) <= WIDTH:
        return [_INDENT + text]
    parts = text.split(" = ")
    lines = [_INDENT + parts[0]]
    for part in parts[1:]:
        piece = f" = {part}"
        if len(lines[-1]) + len(piece) > WIDTH:
            lines.append(f"{_INDENT}  {piece}")  # continued under the formula: "   = 0.8947"
        else:
            lines[-1] += piece
    return lines


def _array_lines(c: Any, captions: Captions) -> list[str]:
    """An array op's contribution: the VJP in words with the shape, then its numbers by rows."""
    words_ = vjp_text(c.node, c.index, captions) or "vjp"
    target = f"d({captions.label(c.parent)})"
    shape = _shape(getattr(c.contribution, "data", c.contribution)) if _is_array(c.contribution) else "scalar"
    rows = array_lines(c.contribution)
    first = f"  {target} += {words_}  ({shape})"
    if len(first) > WIDTH:
        first = f"  {target} += vjp ({shape})"
    lines = [first]
    if len(rows) == 1 and len(first) + len(rows[0]) + 3 <= WIDTH:
        lines[0] = f"{first} = {rows[0]}"
    else:
        lines.extend(f"{_INDENT}{row}" for row in rows)
    if c.grad_before is not None:
        total = array_lines(c.grad_after)
        before = array_lines(c.grad_before)
        sum_line = f"{_INDENT}-> {before[0]} + {rows[0]} = {total[0]}"
        if len(total) == len(before) == len(rows) == 1 and len(sum_line) <= WIDTH:
            lines.append(sum_line)
        elif len(total) == 1:
            lines.append(f"{_INDENT}-> {target} = {total[0]}")
        else:
            lines.append(f"{_INDENT}-> {target} =")
            lines.extend(f"{_INDENT}   {row}" for row in total)
    return lines


def _final_value(g: Any) -> str:
    if _is_array(g):
        rows = array_lines(g)
        return rows[0] if len(rows) == 1 and len(rows[0]) <= 30 else f"({_shape(getattr(g, 'data', g))} array)"
    return format_number(g)


def _final_item(label: str, g: Any) -> str:
    value = _final_value(g)
    return f"{label} {value}" if value.startswith("(") else f"{label} = {value}"


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


def forward_lines(root: Node, captions: Captions) -> list[str]:
    """The forward pass, one line per operation: ``apple*count = mul(apple, count) = mul(100, 2) = 200``."""
    from ..graph import topological_order

    ops = [n for n in topological_order(root) if n.parents]
    width = max((len(captions.label(n)) for n in ops), default=0)
    lines = []
    for node in ops:
        label = captions.label(node)
        result = format_number(node.data)
        if _is_array(node):
            lines.append(f"{label:<{width}} = {captions.call(node)} -> {_final_value(node.data)}")
            continue
        values = [format_number(p.data) for p in node.parents]
        if node.arg is not None:
            values.append(format_number(node.arg))
        computed = f"{node.op}({', '.join(values)}) = {result}"
        call = captions.call(node)
        line = f"{label:<{width}} = {computed}" if call == label else f"{label:<{width}} = {call} = {computed}"
        if len(line) > WIDTH - 2:  # the CLI indents it by two
            line = f"{label:<{width}} = {computed}"
        lines.append(line)
    return lines


def table_lines(steps: Any) -> list[str]:
    """Every node of a pass: ``#``, caption, op, value, running gradient, state (one vocabulary:
    :data:`STATES`).  Small arrays show one row per line; when a line would pass :data:`WIDTH`,
    arrays are summarised by their shape."""
    from ..graph import topological_order

    nodes = topological_order(steps.root)
    captions = steps.captions
    for full in (True, False):
        rows = [[["#"], ["node"], ["op"], ["value"], ["grad"], ["state"]]]
        for k, node in enumerate(nodes):
            state = steps.state(node)
            grad = ["-"] if state in ("const", "no grad") else _cell(steps.gradient(node), full)
            value = _cell(node.data, full)
            rows.append([[str(k + 1)], [captions.label(node)], [node.op or "input"], value, grad, [state]])
        lines = _table(rows)
        if all(len(line) <= WIDTH for line in lines):
            break
    return lines


def _cell(x: Any, full: bool) -> list[str]:
    if x is None:
        return [""]
    if not _is_array(x):
        return [format_number(x)]
    data = getattr(x, "data", x)
    lines = array_lines(data)
    if full and len(lines) <= 4:
        return lines
    return [f"{_shape(data)} array"]


def _table(rows: list[list[list[str]]]) -> list[str]:
    widths = [max(len(line) for r in rows for line in r[i]) for i in range(6)]
    right = {0, 3, 4}
    out = []
    for r in rows:
        height = max(len(cell) for cell in r)
        for h in range(height):
            cells = [cell[h] if h < len(cell) else "" for cell in r]
            out.append("  ".join(c.rjust(widths[i]) if i in right else c.ljust(widths[i])
                                 for i, c in enumerate(cells)).rstrip())
    return out
