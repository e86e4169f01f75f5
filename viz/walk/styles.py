"""How each look of a node (see :data:`viz.walk.frames.LOOKS`) is drawn, and the legend that says so.

One table for every renderer: the static diagram, the pages of a deck or a worksheet, and the
lecture page's style sheet (:func:`css`) all draw a gathering node the same way (a dashed red
border, no final gradient, its running sum labelled ``so far``).  The legend lists exactly the
looks and texts a picture uses (:func:`legend_table`), each said in words as well as in colour.

>>> node_style("current")
'style="rounded,filled" fillcolor="#fff3b0" color="#e65100" penwidth="2.5"'
>>> "gathering" in legend_table({"gathering", "running"})
True
"""

from __future__ import annotations

from html import escape

from ..palette import (
    BACKWARD,
    CONSTANT_FILL,
    CONSTANT_LINE,
    CONSTANT_TEXT,
    CURRENT,
    CURRENT_FILL,
    FOLD_FILL,
    FOLD_LINE,
    FORWARD,
    LOCAL,
    MUTED,
    MUTED_TEXT,
    PATH,
)

__all__ = ["LOOK_STYLE", "css", "edge_style", "legend_table", "node_style", "op_style", "text_colour"]

#: look -> (fill, border colour, border width, dashed, text colour)
LOOK_STYLE: dict[str, tuple[str, str, float, bool, str]] = {
    "forward": ("white", FORWARD, 1.0, False, FORWARD),
    "done": ("white", FORWARD, 1.0, False, FORWARD),
    "no grad": ("white", FORWARD, 1.0, False, FORWARD),
    "asked": ("white", FORWARD, 1.0, False, FORWARD),
    "current": (CURRENT_FILL, CURRENT, 2.5, False, FORWARD),
    "seeded": (CURRENT_FILL, CURRENT, 2.5, False, FORWARD),
    "gathering": ("white", BACKWARD, 1.5, True, MUTED_TEXT),
    "pending": ("white", MUTED, 1.0, False, MUTED_TEXT),
    "constant": (CONSTANT_FILL, CONSTANT_LINE, 1.0, False, CONSTANT_TEXT),
}


def text_colour(look: str) -> str:
    """The colour of a node's name and value in this look."""
    return LOOK_STYLE[look][4]


def node_style(look: str) -> str:
    """DOT attributes of a node's box in this look (its shape is set by the caller)."""
    fill, line, width, dashed, _ = LOOK_STYLE[look]
    style = "rounded,filled" + (",dashed" if dashed else "")
    text = f'style="{style}" fillcolor="{fill}"'
    if line != FORWARD:
        text += f' color="{line}"'
    if width != 1.0:
        text += f' penwidth="{width:g}"'
    return text


def op_style(look: str, word: bool) -> str:
    """DOT attributes of an op's circle (``word``: a small rounded box holding a word)."""
    if look in ("current", "seeded"):
        style = "rounded,filled" if word else "filled"
        return f'style="{style}" fillcolor="{CURRENT_FILL}" color="{CURRENT}" penwidth="2.5"'
    if look in ("pending", "gathering"):
        return f'color="{MUTED}" fontcolor="{MUTED_TEXT}"' + (' style="rounded"' if word else "")
    return 'style="rounded"' if word else ""


def edge_style(look: str, *, bold: bool = False, constant: bool = False, path: bool = False) -> str:
    """DOT attributes of an edge into an op in the look of that op's node (``bold``: what flows
    back along it in this step; ``path``: a path of the sum over paths goes along it)."""
    if path:
        return f'color="{PATH}" penwidth="2.5"'
    if bold:
        return f'color="{BACKWARD}" penwidth="2"'
    if look in ("pending", "gathering") or constant:
        return f'color="{MUTED}"'
    return ""


def _font(text: str, colour: str, *, bold: bool = False, italic: bool = False, size: int | None = None) -> str:
    if bold:
        text = f"<b>{text}</b>"
    if italic:
        text = f"<i>{text}</i>"
    size_attribute = f' point-size="{size}"' if size else ""
    return f'<font color="{colour}"{size_attribute}>{text}</font>'


#: The legend's text size (the graph's), and the width of an average character of it, in ems.
_LEGEND_POINTS = 14
_EM_PER_CHARACTER = 0.56


def _boxed(words: str, fill: str, line: str, style: str, colour: str | None = None) -> str:
    """The words in a box of their own size.  Graphviz stretches a table's cells to its widest
    row, and a box stretched across a legend reads as a bar: so the box is sized (``fixedsize``)
    from the words' length, a little more than Helvetica needs, and only the space between boxes
    grows."""
    width = round(len(words) * _LEGEND_POINTS * _EM_PER_CHARACTER) + 16
    height = round(_LEGEND_POINTS * 1.25) + 8
    text = _font(escape(words), colour) if colour else escape(words)
    return (f'<td border="1" style="{style}" bgcolor="{fill}" color="{line}" fixedsize="true" width="{width}" '
            f'height="{height}">{text}</td>')


def _swatch(look: str, words: str) -> str:
    """The words in a small box drawn as a node of that look is drawn."""
    fill, line, _, dashed, colour = LOOK_STYLE[look]
    return _boxed(words, fill, line, "dashed" if dashed else "rounded", colour)


#: Every entry a legend can have, in the order shown: (key, cell).  A key is a look or a kind of text.
LEGEND: tuple[tuple[str, str], ...] = (
    ("value", f"<td>{_font('name', FORWARD, bold=True)} value</td>"),
    ("unnamed", f"<td>{_font('a*b', FORWARD, italic=True)} unnamed: its expression</td>"),
    ("grad", f"<td>{_font('grad', BACKWARD)} gradient (final)</td>"),
    ("running", f"<td>{_font('so far', BACKWARD, italic=True)} running sum, not final yet</td>"),
    ("local", f"<td>{_font('local', LOCAL)} local derivative</td>"),
    ("vjp", f"<td>{_font('xᵀ @ g', LOCAL)} what an array op sends back</td>"),
    ("back", f"<td>{_font('← g', BACKWARD)} flows back</td>"),
    ("flow", f"<td>{_font('← u × d = c', BACKWARD, bold=True)} this step: upstream × local</td>"),
    ("blank", f"<td>{_font('________', BACKWARD)} yours to fill in</td>"),
    ("path", f"<td>{_font('path 1', PATH, bold=True)} a path from the input to the output</td>"),
    ("current", _swatch("current", "current node")),
    ("seeded", _swatch("seeded", "output, seeded")),
    ("gathering", _swatch("gathering", "gathering, not final")),
    ("pending", _swatch("pending", "not reached yet")),
    ("constant", _swatch("constant", "constant")),
    ("fold", _boxed("folded scope", FOLD_FILL, FOLD_LINE, "rounded")),
    ("copy", _boxed("another use of a much used node", "white", MUTED, "dashed")),
)


_TEXT_KEYS = frozenset({"value", "unnamed", "grad", "running", "local", "vjp", "back", "flow", "blank", "path"})


def legend_table(used: set[str] | frozenset[str]) -> str:
    """The colour key of a picture that uses ``used`` (looks and kinds of text), as an
    HTML-like table: every entry it uses, and only those."""
    texts = [cell for key, cell in LEGEND if key in used and key in _TEXT_KEYS]
    looks = [cell for key, cell in LEGEND if key in used and key not in _TEXT_KEYS]
    rows = [texts[k:k + 5] for k in range(0, len(texts), 5)] + [looks[k:k + 5] for k in range(0, len(looks), 5)]
    # each row a table of its own: the columns of one row do not widen the cells of another; an
    # empty cell at each end takes its share of the room a shorter row is given, so its boxes
    # stay near the middle
    row_table = '<table border="0" cellspacing="4" cellpadding="3"><tr><td></td>{}<td></td></tr></table>'
    inner = "".join(f"<tr><td align=\"center\">{row_table.format(''.join(row))}</td></tr>" for row in rows)
    return f'<table border="0" cellspacing="0" cellpadding="0">{inner}</table>'


def css(selector: str = "#diagram") -> str:
    """The lecture page's rules for every look, from the same table (``.s-<look>`` on a node's
    box, circle and input edges)."""
    rules = []
    for look, (fill, line, width, dashed, colour) in LOOK_STYLE.items():
        name = look.replace(" ", "-")
        # descendants: an op's circle sits inside the link Graphviz writes for its tooltip
        shapes = ", ".join(f"{selector} .node.s-{name} {shape}" for shape in ("path", "polygon"))
        dash = " stroke-dasharray: 5 3;" if dashed else " stroke-dasharray: none;"
        rules.append(f"{shapes} {{ fill: {fill}; stroke: {line}; stroke-width: {width:g}px;{dash} }}")
        # an op's circle: highlighted with its node, grey before the node is reached (as op_style draws it)
        if look in ("current", "seeded"):
            circle = f"fill: {fill}; stroke: {line}; stroke-width: {width:g}px;"
        elif look in ("pending", "gathering"):
            circle = f"fill: white; stroke: {MUTED}; stroke-width: 1px;"
        else:
            circle = f"fill: white; stroke: {line}; stroke-width: 1px;"
        rules.append(f"{selector} .node.s-{name} ellipse {{ {circle} stroke-dasharray: none; }}")
        rules.append(f"{selector} .node.s-{name} text.t {{ fill: {colour}; }}")
        edge = BACKWARD if look in ("current",) else (MUTED if look in ("pending", "gathering") else FORWARD)
        rules.append(f"{selector} .edge.s-{name} > path {{ stroke: {edge}; stroke-width: "
                     f"{'2.5' if look == 'current' else '1'}px; }}")
        rules.append(f"{selector} .edge.s-{name} > polygon {{ fill: {edge}; stroke: {edge}; }}")
    return "\n".join(rules)
