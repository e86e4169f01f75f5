"""A frame of a walk drawn where the walk was laid out: the statements of a pinned page.

Every node, edge and cluster gets the position the one layout gave it (``neato -n2`` draws it
as it is), every gradient and flowing text is padded to the room the walk keeps for it, and each
folded scope the frame shuts is drawn as one box over its cluster, above everything inside it:
its name, its size and the values entering and leaving it, lettered as large as the box allows.

>>> from autograd_core import Value
>>> from viz.walk.model import walk
>>> w = walk(Value(2.0, name="a") * Value(3.0, name="b"))
>>> lines = pinned_body(w, w.frames[-1], w.layout())
>>> any(line.startswith("v0 [") and 'pos="' in line for line in lines)
True
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..palette import FOLD_LINE, PANEL_FILL, SOFT_TEXT
from .dot import Options, body, narrow
from .layout import Layout, inside
from .picture import FoldPiece

__all__ = ["PAD", "corners", "fold_lines", "fold_node", "fold_text_box", "pinned_body", "window_keep"]

#: Points between the drawing's box and the invisible corners that frame a pinned page.  Graphviz
#: moves a pinned drawing so that its lowest left corner is at the origin; with the corners this
#: far out (farther than any label reaches past the layout's box) a point ``(x, y)`` of the
#: layout is always drawn at ``(x + PAD, y + PAD)``.
PAD = 100.0

#: A letter's width, as a share of its size (a bold sans-serif letter is about 0.6 em wide).
LETTER = 0.6
#: The largest letters a fold's box gets, in points of the layout.
MAX_FOLD_TEXT = 160.0


def corners(layout: Layout, name: str = "corner") -> list[str]:
    """Two invisible points :data:`PAD` outside the drawing's corners: a pinned page keeps the
    layout's coordinates, moved by ``(PAD, PAD)``."""
    x0, y0, x1, y1 = layout.bb
    return [f'{name}0 [shape=point style=invis width=0 height=0 pos="{x0 - PAD:g},{y0 - PAD:g}"]',
            f'{name}1 [shape=point style=invis width=0 height=0 pos="{x1 + PAD:g},{y1 + PAD:g}"]']


def fold_lines(fold: FoldPiece, box: tuple[float, float, float, float] | None = None,
               largest: float = MAX_FOLD_TEXT) -> list[tuple[str, str]]:
    """The (role, text) lines a folded scope's box shows: name, size, what enters and leaves.
    Without a ``box``, the values two to a line (a box seen from afar reads better tall than
    wide); with one, the arrangement whose letters come out largest in it: two values to a line,
    all of a border's values on its line, or the size and both borders on one line (a wide, flat
    box, such as a neuron's row of a layer).

    >>> fold = FoldPiece(0, "layer1", (), (), (("name", "layer1"), ("size", "32 nodes"),
    ...                  ("out", "out 3 values [0.697  0.163  0.231]")))
    >>> [text for _, text in fold_lines(fold)]
    ['layer1', '32 nodes', 'out 3 values', '0.697  0.163', '0.231']
    >>> [text for _, text in fold_lines(fold, (0, 0, 900, 60))]
    ['layer1', '32 nodes \N{MIDDLE DOT} out 3 values [0.697  0.163  0.231]']
    """
    if box is None:
        return _narrow_lines(fold)
    return _lettering(fold, box, largest)[0]


def _lettering(fold: FoldPiece, box: tuple[float, float, float, float],
               largest: float) -> tuple[list[tuple[str, str]], tuple[float, float]]:
    """The lines that read largest in ``box`` and their letter sizes (name, other lines)."""
    return max(((lines, _sizes(lines, box, largest)) for lines in _arrangements(fold)), key=lambda set_: set_[1])


def _narrow_lines(fold: FoldPiece) -> list[tuple[str, str]]:
    return [(role, text) for role, text in narrow(fold.lines) if role != "grad"]


def _arrangements(fold: FoldPiece) -> list[list[tuple[str, str]]]:
    """The ways to set a fold's lines, tallest first (the first wins a tie)."""
    wide = [(role, text) for role, text in fold.lines if role != "grad"]
    arrangements = [_narrow_lines(fold), wide]
    if len(wide) > 2:
        arrangements.append([wide[0], ("size", " \N{MIDDLE DOT} ".join(text for _, text in wide[1:]))])
    return arrangements


def _sizes(lines: list[tuple[str, str]], box: tuple[float, float, float, float],
           largest: float) -> tuple[float, float]:
    """The letter sizes (name, other lines) that fill ``box`` (points) with ``lines``."""
    x0, y0, x1, y1 = box
    width, height = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    name = len(lines[0][1])
    longest = max((len(text) for _, text in lines[1:]), default=1)
    size = min(0.9 * width / (LETTER * max(longest, 1)), 0.85 * height / (1.25 * (len(lines) - 1 + 1.4)))
    size = max(min(size, largest), 1.0)
    name_size = min(1.4 * size, 0.9 * width / (LETTER * max(name, 1)))
    return max(name_size, size), size


def fold_sizes(fold: FoldPiece, box: tuple[float, float, float, float],
               largest: float = MAX_FOLD_TEXT) -> tuple[float, float]:
    """The letter sizes (name, other lines) that fill ``box`` (points) with ``fold``'s lines."""
    return _lettering(fold, box, largest)[1]


def fold_text_box(fold: FoldPiece, box: tuple[float, float, float, float],
                  largest: float = MAX_FOLD_TEXT) -> tuple[float, float, float, float]:
    """The box the lines of a folded scope take, centred in ``box``."""
    lines, (name_size, size) = _lettering(fold, box, largest)
    width = max([LETTER * name_size * len(lines[0][1])] + [LETTER * size * len(text) for _, text in lines[1:]])
    height = 1.25 * (name_size + size * (len(lines) - 1))
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def _fold_label(fold: FoldPiece, box: tuple[float, float, float, float], largest: float) -> str:
    lines, (name_size, size) = _lettering(fold, box, largest)
    parts = []
    for role, text in lines:
        if role == "name":
            parts.append(f'<font point-size="{name_size:.1f}"><b>{escape(text)}</b></font>')
        elif role == "size":
            parts.append(f'<font point-size="{size:.1f}" color="{SOFT_TEXT}">{escape(text)}</font>')
        else:
            parts.append(f'<font point-size="{size:.1f}">{escape(text)}</font>')
    return "<br/>".join(parts)


def fold_node(fold: FoldPiece, box: tuple[float, float, float, float], *, node_id: str, extra: str = "",
              largest: float = MAX_FOLD_TEXT, lettered: bool = True) -> str:
    """The box drawn over a folded scope's cluster, its lines at most ``largest`` points (its name
    1.4 times); ``lettered=False``: the box alone."""
    x0, y0, x1, y1 = box
    label = _fold_label(fold, box, largest) if lettered else " "
    return (f'{node_id} [label=<{label}> shape=box style="rounded,filled,dashed" fillcolor="{PANEL_FILL}" '
            f'color="{FOLD_LINE}" penwidth="1.5" pos="{(x0 + x1) / 2:.2f},{(y0 + y1) / 2:.2f}" '
            f'width="{(x1 - x0) / 72:.4f}" height="{(y1 - y0) / 72:.4f}" fixedsize=true{extra}]')


def window_keep(layout: Layout, window: tuple[float, float, float, float], whole: bool = False) -> Any:
    """``keep(kind, name)`` for :func:`viz.walk.dot.body` on a page showing ``window`` of
    ``layout``: parts wholly outside it are left out; ``whole``: so are a box, an edge's words or
    a cluster's name that the window would cut (a page shows no half words)."""
    def keep(kind: str, name: str) -> bool:
        if kind == "label":
            words = layout.label_box(name)
            return not whole or words is None or inside(words, window)
        box = layout.box(name) if kind == "node" else layout.edge_box(name)
        if box is None:
            return True
        if whole and kind == "node":
            return inside(box, window)
        return not (box[2] < window[0] or box[0] > window[2] or box[3] < window[1] or box[1] > window[3])

    return keep


def pinned_body(walk: Any, frame: Any, layout: Layout, *, ids: str | None = None, classes: Any = None,
                every_fold: bool = False, window: tuple[float, float, float, float] | None = None,
                whole: bool = False, fold_text: float = MAX_FOLD_TEXT, outlines: bool = False) -> list[str]:
    """The statements of ``frame`` pinned to ``layout``: the picture in the frame's scene, then a
    box over each fold the frame shuts (``every_fold``: over every fold, for a page that shows
    and hides them itself), the deeper folds first so a shallower one covers them.  With a
    ``window`` (layout points), parts wholly outside it are left out; ``whole``: a box or an
    edge's words that the window would cut are left out too (a page shows no half words);
    ``fold_text``: the largest letters of a folded box, in layout points (a page that zooms in
    keeps a fold's name from filling the page); ``outlines``: scopes drawn as boxes, not clusters
    (the same bytes whatever else one Graphviz process draws, see :class:`viz.walk.dot.Options`)."""
    picture = walk.picture
    scene = picture.scene(frame)
    options = Options(show_local=True, label_attribute=walk.label_attribute, ids=ids, ranks=False, outlines=outlines)
    keep = window_keep(layout, window, whole) if window is not None else None
    lines = corners(layout) + body(picture, scene, options, room=walk.room, pinned=layout, classes=classes,
                                   keep=keep)
    numbers = picture.cluster_numbers()
    shut = set(frame.shut)
    for fold in picture.overlays:
        if not every_fold and fold.index not in shut:
            continue
        number = numbers.get(fold.scope)
        box = layout.box(f"s{number}") if number is not None else None
        if box is None:
            continue
        attributes = []
        if ids is not None:
            attributes.append(f'id="{ids}f{fold.index}"')
        cls = classes("fold", f"f{fold.index}") if classes is not None else None
        if cls:
            attributes.append(f'class="{cls}"')
        lettered = not whole or window is None or inside(fold_text_box(fold, box, fold_text), window)
        lines.append(fold_node(fold, box, node_id=f"f{fold.index}", largest=fold_text, lettered=lettered,
                               extra="".join(" " + a for a in attributes)))
        if not lettered:
            lines.extend(_fold_words(fold, box, window, fold_text))
    return lines


def _fold_words(fold: FoldPiece, box: tuple[float, float, float, float], window: Any,
                largest: float) -> list[str]:
    """A fold's lines in the part of its box that a window shows (none if they do not fit there)."""
    seen = (max(box[0], window[0]), max(box[1], window[1]), min(box[2], window[2]), min(box[3], window[3]))
    if seen[2] <= seen[0] or seen[3] <= seen[1] or not inside(fold_text_box(fold, seen, largest), seen):
        return []
    _, size = fold_sizes(fold, seen, largest)
    if size < largest / 2:
        return []  # too small there to read: the box alone
    x0, y0, x1, y1 = seen
    return [f'f{fold.index}words [label=<{_fold_label(fold, seen, largest)}> shape=plaintext '
            f'pos="{(x0 + x1) / 2:.2f},{(y0 + y1) / 2:.2f}" width="{(x1 - x0) / 72:.4f}" '
            f'height="{(y1 - y0) / 72:.4f}" fixedsize=true margin=0]']
