"""How a step-by-step backprop shows itself: as plain text in the REPL (:class:`Text`), and in a
notebook its diagram, the current step and the table (an HTML table: :class:`Table`).

The engine draws nothing itself.  A package that can draw a backprop part-way (``viz``) registers
its function in the ``chainrule.diagrams`` entry-point group (``svg_of(steps) -> str``, inline
SVG or a sentence saying why there is none), as packages register their commands in
``chainrule.commands``: the engine finds it when a notebook first shows a backprop, and shows
the text alone when no package offers a diagram.

>>> from autograd_core import Value
>>> x = Value(3.0, name="x")
>>> step = (x * x).backprop().step()
>>> step_html(step).startswith('<pre class="chainrule-step"')
True
>>> Table("a  1", [[["node"], ["value"]], [["a"], ["1"]]])._repr_html_().count("<tr>")
2
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from importlib.metadata import entry_points
from typing import Any

__all__ = [
    "DIAGRAMS_GROUP",
    "HTML_TABLE_STEPS",
    "PRE_STYLE",
    "Table",
    "Text",
    "backprop_html",
    "diagram_of",
    "step_html",
]

#: The entry-point group where a package offers to draw a backprop part-way.
DIAGRAMS_GROUP = "chainrule.diagrams"
#: A notebook shows the table of a pass up to this many steps (``steps.table()`` always works).
HTML_TABLE_STEPS = 200
#: How step texts and tables show in a notebook: monospaced, so their columns line up.
PRE_STYLE = "font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; line-height: 1.3"

#: Columns of a table whose numbers line up on the right: ``#``, value, gradient.
_RIGHT = {"#", "value", "grad"}

_found: list[Callable[[Any], str]] = []


class Text(str):
    """A string that shows itself as it is in the REPL (no quotes, real line breaks)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


class Table(Text):
    """The table of a pass: the aligned text the REPL prints, and an HTML table in a notebook.

    ``rows`` are the cells the text was made of (the header, then one row per node; each cell a
    list of lines), as :func:`autograd_core.words.table_rows` gives them.
    """

    rows: list[list[list[str]]]

    def __new__(cls, text: str, rows: list[list[list[str]]]) -> Table:
        table = super().__new__(cls, text)
        table.rows = rows
        return table

    def _repr_html_(self) -> str:
        """In a notebook: one row per node, numbers lined up on the right, its state in words."""
        head, *body = self.rows
        right = [" ".join(cell) in _RIGHT for cell in head]

        def cell(lines: list[str], tag: str, k: int) -> str:
            align = "right" if right[k] else "left"
            return f'<{tag} style="text-align: {align}">{"<br>".join(escape(line) for line in lines)}</{tag}>'

        html = ["<table class='chainrule-table' style=\"font-variant-numeric: tabular-nums\">",
                "<thead><tr>" + "".join(cell(c, "th", k) for k, c in enumerate(head)) + "</tr></thead><tbody>"]
        html.extend("<tr>" + "".join(cell(c, "td", k) for k, c in enumerate(row)) + "</tr>" for row in body)
        html.append("</tbody></table>")
        return "\n".join(html)
_looked = False


def diagram_of(steps: Any) -> str:
    """The part-way diagram of ``steps`` as inline SVG, from the first package that offers one
    (see the module's docstring); "" when none does."""
    global _looked
    if not _looked:
        _looked = True
        for entry in sorted(entry_points(group=DIAGRAMS_GROUP), key=lambda e: e.name):
            try:
                _found.append(entry.load())
            except ImportError:  # a package registered but not importable here: show the text alone
                continue
    return _found[0](steps) if _found else ""


def step_html(step: Any) -> str:
    """A step's text, numbers aligned."""
    return f'<pre class="chainrule-step" style="{PRE_STYLE}">{escape(step.text)}</pre>'


def backprop_html(steps: Any) -> str:
    """The part-way diagram (when a package draws it), the current step's text and the table."""
    parts = [f"<div class='chainrule-backprop'><p><b>{escape(repr(steps))}</b></p>"]
    svg = diagram_of(steps)
    if svg:
        parts.append(svg)
    current = steps.current_step
    if current is not None:
        parts.append(f'<pre style="{PRE_STYLE}">{escape(current.text)}</pre>')
    if len(steps) <= HTML_TABLE_STEPS:
        parts.append(f'<pre style="{PRE_STYLE}">{escape(steps.table())}</pre>')
    else:  # a notebook cell of a million rows helps nobody
        parts.append(f"<p>({len(steps)} steps: <code>steps.table()</code> lists every node)</p>")
    parts.append("</div>")
    return "\n".join(parts)
