"""How a step-by-step backprop shows itself in a notebook: its diagram, the current step, the table.

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
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from importlib.metadata import entry_points
from typing import Any

__all__ = ["DIAGRAMS_GROUP", "HTML_TABLE_STEPS", "PRE_STYLE", "backprop_html", "diagram_of", "step_html"]

#: The entry-point group where a package offers to draw a backprop part-way.
DIAGRAMS_GROUP = "chainrule.diagrams"
#: A notebook shows the table of a pass up to this many steps (``steps.table()`` always works).
HTML_TABLE_STEPS = 200
#: How step texts and tables show in a notebook: monospaced, so their columns line up.
PRE_STYLE = "font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; line-height: 1.3"

_found: list[Callable[[Any], str]] = []
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
