"""Step texts and tables: how a backprop step, the forward pass and every node read in a terminal.

Each contribution line shows ``upstream x local = contribution``: for a scalar op the local
derivative as a formula and as a number, for a Tensor op its vector-Jacobian product in words
with the contribution's shape and its numbers (small arrays row by row, big ones by shape and
range).  Every line fits :data:`WIDTH` columns (a caption longer than that excepted).  The
captions, the formulas and the numbers come from the sibling modules of this package; the
states a node goes through are :data:`STATES`.

>>> from autograd_core import Value
>>> a = Value(2.0, name="a"); y = a * a; y.name = "y"
>>> forward_lines(y, Captions(y))
['y = mul(a, a) = mul(2, 2) = 4']
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection
from typing import Any

from ..graph import Node, topological_order
from .captions import Captions
from .formulas import local_text, vjp_text
from .numbers import array_lines, format_number, shape_text

__all__ = [
    "HEADER", "HIDDEN", "STATES", "WIDTH", "forward_lines", "step_body", "step_head", "step_lines", "table_lines",
    "table_rows",
]

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


# -- step texts ---------------------------------------------------------------------------------
#: The width the step texts aim for (a terminal, a slide).
WIDTH = 80
#: Where a step's header puts "upstream ..." (less two spaces), when the line stays within WIDTH.
HEADER = 42
_INDENT = "      "


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Node) else x


def _is_array(x: Any) -> bool:
    data = _data(x)
    return getattr(data, "shape", ()) != () and hasattr(data, "ndim")


#: What a step's text shows instead of a running sum the learner is still to be asked for.
HIDDEN = "? (asked later)"


def step_lines(step: Any, captions: Captions, *, hidden: Collection[Node] = ()) -> list[str]:
    """A step's text: the header, each contribution with its local derivative (formula and
    number), what is final now, what is still gathering, and what was there before this pass.
    Every line fits :data:`WIDTH` columns (a caption longer than that excepted).

    ``hidden``: inputs whose running sum is not shown (a quiz asks for their total later): their
    lines end ``-> ? (asked later)``."""
    head = step_head(step.number, step.total, step.node, step.upstream, captions)
    return head + step_body(step, captions, hidden=hidden)


def step_head(number: int, total: int, node: Node, upstream: Any, captions: Captions) -> list[str]:
    """A step's first line(s): ``step 1/2  price = mul(apple*count, tax)     upstream dprice = 1``
    (a quiz shows it before asking what the step computes)."""
    label = captions.label(node)
    call = captions.call(node)
    head = f"step {number}/{total}  {label}" + ("" if call == label else f" = {call}")
    if upstream is None:
        return [head]
    return _header(head, captions.grad_name(node), upstream)


def step_body(step: Any, captions: Captions, *, hidden: Collection[Node] = ()) -> list[str]:
    """A step's lines after its head (see :func:`step_lines`)."""
    if step.upstream is None:  # an op's VJP sent nothing here: backward() skips the node too
        return [f"  no gradient reached {captions.label(step.node)}: nothing to send back, .grad unchanged"]
    hidden = frozenset(hidden)
    scalar = [c for c in step.contributions if c.local is not None]
    lines = _scalar_lines(scalar, step.upstream, captions, hidden)
    for c in step.contributions:
        if c.local is None:
            lines.extend(_array_lines(c, captions, c.parent in hidden))
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


def _scalar_lines(contributions: list, upstream: Any, captions: Captions, hidden: frozenset) -> list[str]:
    rows = []
    for c in contributions:
        target = f"d({captions.label(c.parent)})"
        product = f"+= {format_number(upstream)} x {format_number(c.local)}"
        local = local_text(c.node, c.index, captions)
        after = HIDDEN if c.parent in hidden else format_number(c.grad_after)
        if c.parent in hidden:
            result = after
        elif c.grad_before is None:
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


def _array_lines(c: Any, captions: Captions, hidden: bool = False) -> list[str]:
    """An array op's contribution: the VJP in words with the shape, then its numbers by rows
    (``hidden``: the running sum it adds to is not shown)."""
    words_ = vjp_text(c.node, c.index, captions)
    target = f"d({captions.label(c.parent)})"
    shape = shape_text(_data(c.contribution).shape) if _is_array(c.contribution) else "scalar"
    rows = array_lines(_data(c.contribution))
    first = f"  {target} += {words_}  ({shape})"
    if len(first) > WIDTH:  # the words on lines of their own, never dropped
        lines = [f"  {target} +=", *_wrap_words(f"{words_}  ({shape})")]
    else:
        lines = [first]
    if len(rows) == 1 and len(lines[-1]) + len(rows[0]) + 3 <= WIDTH:
        lines[-1] = f"{lines[-1]} = {rows[0]}"
    else:
        lines.extend(f"{_INDENT}{row}" for row in rows)
    if hidden:
        lines.append(f"{_INDENT}-> {target} so far: {HIDDEN}")
    elif c.grad_before is not None:
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


def _wrap_words(text: str) -> list[str]:
    """A VJP in words on indented lines within :data:`WIDTH`, broken between words."""
    return [_INDENT + line for line in textwrap.wrap(text, WIDTH - len(_INDENT), subsequent_indent="  ")]


def _final_value(g: Any) -> str:
    if _is_array(g):
        rows = array_lines(g)
        return rows[0] if len(rows) == 1 and len(rows[0]) <= 30 else f"({shape_text(_data(g).shape)} array)"
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
    for most in (4, 0):
        lines = _table(table_rows(steps, most_lines=most))
        if all(len(line) <= WIDTH for line in lines):
            break
    return lines


def table_rows(steps: Any, *, most_lines: int | None = None) -> list[list[list[str]]]:
    """The cells of :func:`table_lines`, each a list of lines: the header, then one row per node,
    inputs first.  An array cell of more than ``most_lines`` lines (None: no limit) says its shape.

    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a"); steps = (a * 3).backprop(); _ = steps.run()
    >>> table_rows(steps)[1]
    [['1'], ['a'], ['input'], ['2'], ['3'], ['done']]
    """
    captions = steps.captions
    rows = [[["#"], ["node"], ["op"], ["value"], ["grad"], ["state"]]]
    for k, node in enumerate(topological_order(steps.root)):
        state = steps.state(node)
        grad = ["-"] if state in ("const", "no grad") else _cell(steps.gradient(node), most_lines)
        value = _cell(node.data, most_lines)
        rows.append([[str(k + 1)], [captions.label(node)], [node.op or "input"], value, grad, [state]])
    return rows


def _cell(x: Any, most_lines: int | None) -> list[str]:
    if x is None:
        return [""]
    if not _is_array(x):
        return [format_number(x)]
    data = getattr(x, "data", x)
    lines = array_lines(data)
    if most_lines is None or len(lines) <= most_lines:
        return lines
    return [f"{shape_text(data.shape)} array"]


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
