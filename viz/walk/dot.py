"""The DOT text of a picture in one scene: the one writer behind every diagram.

:func:`body` writes every node, op, edge, folded box and scope cluster of a
:class:`~viz.walk.picture.Picture` as its :class:`~viz.walk.picture.Scene` shows them, in the
textbook's style (boxes for values, small circles for ops, local derivatives in blue, what flows
back in red).  Three uses:

- a diagram (:func:`viz.draw`): ``dot`` lays it out;
- the one layout of a walk (``room``: every node and edge carries the longest text it shows in
  any frame, so that no later text overflows its place; ``ids``: every part is named, ``v3``,
  ``o3``, ``e3.1``, ``r3``, ``s0`` for clusters, so the layout can be read back by name);
- a page of a deck or a worksheet (``pinned``: every part is placed where the layout put it;
  ``neato -n2`` draws it without laying anything out again).

Labels have one text run per line, so a renderer can find line ``k`` of a node as its ``k``-th
text.

>>> from autograd_core import Value, topological_order
>>> from viz.walk.frames import still
>>> from viz.walk.picture import Picture
>>> x = Value(3.0, name="x"); y = x * 2; y.backward()
>>> order = topological_order(y)
>>> picture = Picture.of(order)
>>> print("\\n".join(body(picture, picture.scene(still(order)))[:1]))
v0 [label=<<b>x</b><br/>3<br/><font color="#c62828">grad 2</font>> shape=box style="rounded,filled" fillcolor="white"]
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import lru_cache
from html import escape as _html_escape
from typing import Any

from autograd_core.words import clean_text

from ..labels import short_op
from ..palette import BACKWARD, FOLD_FILL, FOLD_LINE, LOCAL, MUTED, MUTED_TEXT, PATH, SOFT_TEXT
from .picture import BLANK, FANOUT, Picture, Scene
from .styles import edge_style, node_style, op_style, text_colour

__all__ = ["EDGE_LINE", "EDGE_WORDS", "FONT", "LARGE_GRAPH", "Options", "Room", "body", "edge_label_lines",
           "label_lines", "wrap_words"]

FONT = "Helvetica,Arial,sans-serif"

#: Above this many boxes, edge labels become Graphviz "xlabels", placed after the layout instead
#: of taking part in it: ``dot`` runs about 4x faster (a 1,000-node MLP: 2.3 s -> 0.5 s) at the
#: cost of tidier placement, which only slide-sized graphs need.
LARGE_GRAPH = 250

#: The same few texts come back on many parts ("local 1", "grad 0.5"): each is escaped once.
escape = lru_cache(maxsize=8192)(_html_escape)

#: An edge's words (an array op's vector-Jacobian product) longer than this many characters are
#: wrapped (batch norm's input edge says 55, and reached past the drawing's edge on one line) ...
EDGE_LINE = 36
#: ... into lines of about this many.
EDGE_WORDS = 28

#: The weight of an edge from a value used once to its use (a value used many times: 1).  Graphviz
#: keeps heavier edges shorter and straighter, so the one layout puts ``prod3`` beside the ``+``
#: that reads it, and lets the wires of a layer's inputs (read by every neuron) be the long ones.
SINGLE_USE_WEIGHT = 3

#: A line kept for text that a frame may show there (a gradient not known yet): no glyph at all.
PLACEHOLDER = "&#160;"


@dataclass(frozen=True)
class Options:
    """How the picture is written: ``show_local`` local derivatives on edges; ``clusters`` name
    scopes as boxes; ``label_attribute`` ``"label"`` (laid out with the graph) or ``"xlabel"``
    (placed afterwards); ``ids`` a prefix for every part's id (None: no ids); ``ranks`` the
    column constraints that line a layer's neurons up (small graphs drawn in full);
    ``outlines`` (pinned pages): a scope's box drawn as a node where the layout put its cluster,
    not as a cluster.  Graphviz orders clusters by where their names lie in its memory, so pages
    drawn one after another by one process came out with their clusters in a different order on
    every run; nodes are drawn in the order they are written."""

    show_local: bool = True
    clusters: bool = True
    label_attribute: str = "label"
    ids: str | None = None
    ranks: bool = True
    outlines: bool = False


@dataclass(frozen=True)
class Room:
    """The lines a node's gradient or an edge's flowing text may take over a whole walk: every
    frame writes its text into the same place, padded to this many lines."""

    grads: dict[int, int]
    flows: dict[str, int]


def _font(text: str, colour: str | None = None, *, size: int | None = None, bold: bool = False,
          italic: bool = False) -> str:
    if bold:
        text = f"<b>{text}</b>"
    if italic:
        text = f"<i>{text}</i>"
    attributes = (f' color="{colour}"' if colour else "") + (f' point-size="{size}"' if size else "")
    return f"<font{attributes}>{text}</font>" if attributes else text


def label_lines(picture: Picture, i: int, scene: Scene, room: Room | None = None) -> list[tuple[str, str]]:
    """Node ``i``'s label as (role, HTML) lines: ``title``, ``shape`` (arrays), ``value``,
    ``grad`` (its gradient, its running sum or a blank, padded to ``room``), ``uses``, ``note``."""
    node = picture.nodes[i]
    looked = scene.looks[i]
    colour = text_colour(looked)
    plain = colour == "#000000"
    title = escape(node.title)
    lines = [("title", _font(title, None if plain else colour, bold=node.named, italic=not node.named))]
    if node.shape:
        lines.append(("shape", _font(escape(node.shape), LOCAL if plain else colour, size=10)))
    lines.extend(("value", escape(v) if plain else _font(escape(v), colour)) for v in node.value)
    grad_lines, kind = scene.grads.get(i, ((), "grad"))
    for line in grad_lines:
        lines.append(("grad", _font(escape(line), BACKWARD, italic=kind == "running")))
    reserve = room.grads.get(i, 0) if room is not None else 0
    # kept in the gradient's colour: a page writes a frame's text into these lines as they are
    lines.extend(("grad", _font(PLACEHOLDER, BACKWARD)) for _ in range(reserve - len(grad_lines)))
    uses = picture.uses.get(i, 0)
    if uses > FANOUT:
        lines.append(("uses", _font(f"used {uses}×", SOFT_TEXT, size=9)))
    lines.extend(("note", _font(escape(line), BACKWARD, size=10, bold=True)) for line in node.note)
    return lines


def _constant_label(picture: Picture, i: int) -> str:
    node = picture.nodes[i]
    text = "<br/>".join(escape(line) for line in node.value)
    if node.shape and len(node.value) > 1:
        text += "<br/>" + _font(escape(node.shape.split("  ")[0]), SOFT_TEXT, size=9)
    return text


def wrap_words(text: str, width: int = EDGE_WORDS) -> list[str]:
    """An edge's words as lines: whole up to :data:`EDGE_LINE` characters, else in lines of about
    ``width``, broken at spaces (and after each ``;`` first); a word longer than that stays whole.

    >>> wrap_words("γ/σ ⊙ (g − mean g − x̂ ⊙ mean(g ⊙ x̂)); in eval(): γ/σ ⊙ g")
    ['γ/σ ⊙ (g − mean g − x̂ ⊙', 'mean(g ⊙ x̂));', 'in eval(): γ/σ ⊙ g']
    >>> wrap_words("g summed over the batch, axis 0")
    ['g summed over the batch, axis 0']
    """
    if len(text) <= EDGE_LINE:
        return [text]
    parts = text.split("; ")
    lines = []
    for k, part in enumerate(parts):
        part += ";" if k < len(parts) - 1 else ""
        lines.extend(textwrap.wrap(part, width, break_long_words=False, break_on_hyphens=False) or [part])
    return lines


def edge_label_lines(picture: Picture, edge_id: str, scene: Scene, room: Room | None, *, local: str | None,
               muted: bool) -> list[tuple[str, str]]:
    """An input edge's label as (role, HTML) lines: ``local`` (blue; long words wrapped, see
    :func:`wrap_words`), then ``back`` (what flows back, red; bold in the step that sends it),
    padded to ``room``."""
    lines = []
    if local is not None and scene.show_local:
        colour = MUTED_TEXT if muted else LOCAL
        lines.extend(("local", _font(escape(line), colour, size=10)) for line in wrap_words(local))
    flowing, bold = scene.flows.get(edge_id, ((), False))
    for line in flowing:
        lines.append(("back", _font(escape(line), BACKWARD, bold=bold)))
    reserve = room.flows.get(edge_id, 0) if room is not None else 0
    lines.extend(("back", _font(PLACEHOLDER, BACKWARD)) for _ in range(reserve - len(flowing)))
    numbers = scene.paths.get(edge_id)
    if numbers and room is None:  # a diagram of the paths: which ones go along here
        word = "path" if len(numbers) == 1 else "paths"
        lines.append(("path", _font(escape(f"{word} {', '.join(map(str, numbers))}"), PATH, size=10, bold=True)))
    return lines


def _html(lines: list[tuple[str, str]]) -> str:
    return "<br/>".join(text for _, text in lines)


def _box_label(picture: Picture, k: int, scene: Scene) -> str:
    box = picture.boxes[k]
    looked = scene.box_looks[k] if k < len(scene.box_looks) else "done"
    show = scene.box_grads[k] if k < len(scene.box_grads) else False
    lines = []
    for role, text in narrow(box.lines) if picture.narrow_boxes else box.lines:
        if role == "name":
            lines.append(f"<b>{escape(text)}</b>")
        elif role == "size":
            lines.append(_font(escape(text), size=10))
        elif role == "grad":
            if looked == "asked":
                if text.startswith("grad"):  # one blank for the gradients of each border
                    lines.append(_font(escape(f"grad {BLANK}"), BACKWARD))
            elif show:
                lines.append(_font(escape(text), BACKWARD))
        else:
            lines.append(escape(text))
    text = "<br/>".join(lines)
    return _font(text, MUTED_TEXT) if looked == "pending" else text


def narrow(lines: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Border lines with their values two to a line: ``out 4 values``, ``0.697  0.163``, ..."""
    out = []
    for role, text in lines:
        head, bracket, values = text.partition(" [")
        if role in ("in", "out", "grad") and bracket:
            numbers = values.rstrip("]").split("  ")
            out.append((role, head))
            out.extend((role, "  ".join(numbers[k:k + 2])) for k in range(0, len(numbers), 2))
        else:
            out.append((role, text))
    return out


def _attributes(ids: str | None, name: str, pinned: Any, kind: str, extra: str = "") -> str:
    """``id`` and, on a pinned page, where the layout put the part."""
    parts = []
    if ids is not None:
        parts.append(f'id="{ids}{name}"')
    if pinned is not None:
        placed = pinned.place(kind, name)
        if placed:
            parts.append(placed)
    if extra:
        parts.append(extra)
    return (" " + " ".join(parts)) if parts else ""


def body(picture: Picture, scene: Scene, options: Options = Options(), *, room: Room | None = None,
         pinned: Any = None, classes: Any = None, keep: Any = None) -> list[str]:
    """The DOT statements of ``picture`` in ``scene`` (without the ``digraph { }`` around them).

    ``room`` pads every gradient and flowing text to the lines it takes in any frame of a walk;
    ``pinned`` (a :class:`viz.walk.layout.Layout`) places every part where the layout put it;
    ``classes(kind, name)`` gives a part's class for a page's style sheet; ``keep(kind, name)``
    (pinned pages) says which parts a page shows: the others are left out (a node as an
    invisible point, so the edges that remain still end somewhere; ``kind`` ``"label"``: an
    edge drawn without its words).
    """
    ids = options.ids
    nodes = picture.nodes
    box_of = picture.box_of
    attribute = options.label_attribute
    node_lines: list[list[str]] = []
    scope_of: list[str] = []
    edge_lines: list[str] = []

    plain = ids is None and pinned is None and classes is None

    def extra(kind: str, name: str, more: str = "") -> str:
        if plain:
            return f" {more}".rstrip() if more else ""
        cls = classes(kind, name) if classes is not None else None
        return _attributes(ids, name, pinned, kind, (f'class="{cls}" ' if cls else "") + more).rstrip()

    def hidden(name: str) -> str | None:
        """A left-out node's stand-in, or None when the node is shown."""
        if keep is None or keep("node", name):
            return None
        return f'{name} [shape=point style=invis width=0 height=0 {pinned.position(name)}]'

    def dropped(name: str) -> bool:
        return keep is not None and not keep("edge", name)

    for i, node in enumerate(nodes):
        if box_of[i] is not None:
            continue
        scope_of.append(node.scope)
        looked = scene.looks[i]
        if node.kind == "const":
            node_lines.append([hidden(f"v{i}") or (
                f'v{i} [label=<{_constant_label(picture, i)}> shape=box style="rounded,filled" '
                f'fillcolor="#f2f2f2" color="#bbbbbb" fontsize="10" fontcolor="#555555" '
                f'width="0.3" height="0.25" margin="0.04,0.02"{extra("node", f"v{i}")}]')])
            continue
        lines = [hidden(f"v{i}") or (f"v{i} [label=<{_html(label_lines(picture, i, scene, room))}> shape=box "
                                      f"{node_style(looked)}{extra('node', f'v{i}')}]")]
        copies: list[str] = []
        if node.parents:
            muted = looked in ("pending", "gathering")
            symbol = node.symbol
            word = len(symbol) > 4
            if word:
                shape = 'shape=box fontsize="11" width="0.3" height="0.3" margin="0.05,0.02"'
            else:
                shape = f'shape=circle fontsize="{16 if len(symbol) <= 2 else 12}" width="0.42" margin="0.02"'
            style = op_style(looked, word)
            tooltip = escape(clean_text(node.op or symbol))
            lines.append(hidden(f"o{i}") or (
                f'o{i} [label=<{escape(short_op(symbol))}> {shape} ordering=in tooltip="{tooltip}"'
                + (f" {style}" if style else "") + f"{extra('node', f'o{i}')}]"))
            for edge in picture.inputs.get(i, []):
                source = edge.source
                if box_of[source] is not None:
                    continue  # drawn as an edge from the folded box, below
                copy = picture.copies.get((i, edge.index))
                if copy is not None:
                    copies.append(hidden(copy) or _copy_line(picture, copy, source, extra))
                tail = copy or f"v{source}"
                if dropped(f"e{edge.id}"):
                    continue
                label_parts = edge_label_lines(picture, edge.id, scene, room, local=edge.local, muted=muted)
                if keep is not None and not keep("label", f"e{edge.id}"):
                    label_parts = []  # its words would be cut by the page's edge
                bold = scene.flows.get(edge.id, ((), False))[1]
                attributes = []
                if label_parts:
                    attributes.append(f"{attribute}=<{_html(label_parts)}>")
                style = edge_style(looked, bold=bold, constant=edge.constant, path=edge.id in scene.paths)
                if style:
                    attributes.append(style)
                if pinned is None and _held_close(picture, source, i):
                    attributes.append(f"weight={SINGLE_USE_WEIGHT}")
                more = extra("edge", f"e{edge.id}")
                joined = f" [{' '.join(attributes)}{more}]" if attributes or more else ""
                edge_lines.append(f"{tail} -> o{i}{joined}")
            result = f'color="{MUTED}"' if muted else ""
            if any(edge.id in scene.paths for edge in picture.inputs.get(i, [])):
                result = f'color="{PATH}" penwidth="2.5"'  # a path goes on through the op to its value
            more = extra("edge", f"r{i}")
            if not dropped(f"r{i}"):
                edge_lines.append(f"o{i} -> v{i}" + (f" [{result}{more}]".replace("[ ", "[") if result or more else ""))
        node_lines.append(lines)
        for copy in copies:  # beside the op that reads them, in its scope
            node_lines.append([copy])
            scope_of.append(node.scope)
    for k, box in enumerate(picture.boxes):
        looked = scene.box_looks[k] if k < len(scene.box_looks) else "done"
        colour = MUTED if looked == "pending" else FOLD_LINE
        tooltip = escape(clean_text(box.scope))
        node_lines.append([f'c{k} [label=<{_box_label(picture, k, scene)}> shape=box style="rounded,filled,bold" '
                           f'fillcolor="{FOLD_FILL}" color="{colour}" tooltip="{tooltip} (folded)"'
                           f"{extra('node', f'c{k}')}]"])
        scope_of.append(box.scope.rsplit("/", 1)[0] if "/" in box.scope else "")
    edge_lines.extend(_box_edges(picture, extra))
    if pinned is None:
        for scope, line in _box_order(picture):  # inside their cluster: dot keeps the cluster whole
            node_lines.append([line])
            scope_of.append(scope)
    if options.clusters and any(scope_of):
        lines = (_outlined(node_lines, scope_of, picture, pinned, keep) if options.outlines and pinned is not None
                 else _clustered(node_lines, scope_of, picture, extra, keep))
    else:
        lines = [line for group in node_lines for line in group]
    lines.extend(edge_lines)
    if pinned is None and options.ranks and options.clusters and any(scope_of) and not picture.boxes:
        lines.extend(_rank_by_level(picture))
    return lines


def _copy_line(picture: Picture, copy: str, source: int, extra: Any) -> str:
    node = picture.nodes[source]
    text = escape(node.title)
    use = copy.rsplit("_", 1)[1]
    return (f'{copy} [label=<<i>{text}</i>> tooltip="{text}: use {use} of {picture.uses[source]}" shape=box '
            f'style="rounded,dashed" color="{MUTED}" fontcolor="{SOFT_TEXT}" fontsize="10" width="0.3" height="0.25" '
            f'margin="0.04,0.02"{extra("node", copy)}]')


def _box_order(picture: Picture) -> list[tuple[str, str]]:
    """Sibling folded boxes that do not feed one another (the neurons of a layer) side by side, in
    the order of their names: neuron0, neuron1, ..., neuron10."""
    from .frames import natural

    siblings: dict[str, list[int]] = {}
    for k, box in enumerate(picture.boxes):
        siblings.setdefault(box.scope.rpartition("/")[0], []).append(k)
    linked = _reached_boxes(picture)
    lines = []
    for members in siblings.values():
        if len(members) < 2 or any((a, b) in linked for a in members for b in members if a != b):
            continue
        ordered = sorted(members, key=lambda k: natural(picture.boxes[k].scope))
        chain = " -> ".join(f"c{k}" for k in ordered)
        lines.append((picture.boxes[members[0]].scope.rpartition("/")[0], f"{{rank=same; {chain} [style=invis]}}"))
    return lines


def _reached_boxes(picture: Picture) -> set[tuple[int, int]]:
    """Pairs ``(a, b)`` of folded boxes where ``b`` depends on ``a``, directly or through other
    nodes (layer1 -> layer3 through layer2): such boxes cannot stand side by side."""
    box_of = picture.box_of
    readers: dict[int, list[int]] = {}
    for edge in picture.edges:
        readers.setdefault(edge.source, []).append(edge.target)
    reach: list[set[int]] = [set() for _ in picture.nodes]
    for i in range(len(picture.nodes) - 1, -1, -1):  # indices are a topological order
        for reader in readers.get(i, []):
            reach[i] |= reach[reader]
            if box_of[reader] is not None:
                reach[i].add(box_of[reader])
    return {(box_of[i], b) for i in range(len(picture.nodes)) if box_of[i] is not None
            for b in reach[i] if b != box_of[i]}


def _box_edges(picture: Picture, extra: Any) -> list[str]:
    """One edge from each outside node (or other folded box) that feeds a folded box, and from
    each folded box to what reads it outside."""
    if not picture.boxes:
        return []
    box_of = picture.box_of
    pairs: dict[tuple[str, str], None] = {}
    for edge in picture.edges:
        source, target = box_of[edge.source], box_of[edge.target]
        if source == target or (source is None and target is None):
            continue
        tail = f"c{source}" if source is not None else f"v{edge.source}"
        head = f"c{target}" if target is not None else f"o{edge.target}"
        pairs[(tail, head)] = None
    out = []
    for n, (tail, head) in enumerate(pairs):
        more = extra("edge", f"k{n}")
        out.append(f"{tail} -> {head}" + (f" [{more.strip()}]" if more else ""))
    return out


def _clustered(node_lines: list[list[str]], scope_of: list[str], picture: Picture, extra: Any,
               keep: Any = None) -> list[str]:
    """Node lines wrapped in nested ``subgraph cluster_k { ... }`` blocks, one per scope
    (``"a/b"`` inside ``"a"``), in order of first appearance; a cluster whose name a pinned page
    would cut (``keep("label", "s3")`` False) is drawn without it."""
    numbers = picture.cluster_numbers()
    children: dict[str, list[str]] = {"": []}
    members: dict[str, list[str]] = {"": []}
    for path in numbers:
        members[path] = []
        children[path] = []
        children[path.rpartition("/")[0]].append(path)
    for lines, scope in zip(node_lines, scope_of):
        members[scope].extend(lines)
    out: list[str] = []
    # An explicit stack of (scope, entering?) instead of recursion.
    stack: list[tuple[str, bool]] = [("", True)]
    while stack:
        path, entering = stack.pop()
        if not entering:
            out.append("}")
            continue
        if path:
            name = clean_text(path.rsplit("/", 1)[-1])
            more = extra("cluster", f"s{numbers[path]}")
            label = f"<<b>{escape(name)}</b>>"
            if keep is not None and not keep("label", f"s{numbers[path]}"):
                label = '" "'
            out.append(
                f"subgraph cluster_{numbers[path]} {{ label={label} labeljust=l "
                f'style="rounded,dashed" color="#7a7a7a" fontname="{FONT}" fontsize="12"{more}'
            )
            stack.append((path, False))
        out.extend(members[path])
        stack.extend((child, True) for child in reversed(children[path]))
    return out


def _outlined(node_lines: list[list[str]], scope_of: list[str], picture: Picture, pinned: Any,
              keep: Any = None) -> list[str]:
    """Node lines after a box and a name for each scope, as nodes where ``pinned`` (a layout) put
    its cluster: outer scopes first, each before the nodes drawn over it."""
    out: list[str] = []
    for path, number in picture.cluster_numbers().items():
        box = pinned.box(f"s{number}")
        if box is None:
            continue
        x0, y0, x1, y1 = box
        out.append(f's{number} [label="" shape=box style="rounded,dashed" color="#7a7a7a" '
                   f'pos="{(x0 + x1) / 2:.2f},{(y0 + y1) / 2:.2f}" width="{(x1 - x0) / 72:.4f}" '
                   f'height="{(y1 - y0) / 72:.4f}" fixedsize=true]')
        where = pinned.clusters.get(f"s{number}", {}).get("lp")
        if where and (keep is None or keep("label", f"s{number}")):
            name = escape(clean_text(path.rsplit("/", 1)[-1]))
            out.append(f's{number}name [label=<<b>{name}</b>> shape=plaintext margin=0 width=0 height=0 '
                       f'pos="{where}"]')
    out.extend(line for lines in node_lines for line in lines)
    return out


def _top(scope: str) -> str | None:
    return scope.split("/", 1)[0] if scope else None


def _rank_by_level(picture: Picture) -> list[str]:
    """``{rank=same; ...}`` lines that put every node at its depth in the computation.

    An op's depth is one more than its deepest input's; then a value used once moves up to just
    before its use, in the same top-level scope, and an input (a weight, ``x``) sits just before its earliest use.  So a
    neuron's product ``prod3`` stands next to the ``+`` that reads it, not three columns back with
    the other products: the long wires are those of values used many times (a layer's inputs,
    read by every neuron), whose uses cannot all be near.  The neurons of a layer line up
    column by column, a layer's weights sit inside its box, and the next layer starts where this
    one ends.  Only for small graphs drawn in full: the constraints cost ``dot`` time on big ones."""
    nodes = picture.nodes
    if picture.drawn_count > LARGE_GRAPH:
        return []
    level: dict[int, int] = {}
    readers: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        if node.parents:
            # One level more where the computation enters another top-level scope (layer1 ->
            # layer2): the next layer's weights then get a column of their own, the two layer
            # boxes share no rank, and dot can put them side by side instead of in a staircase.
            level[i] = 1 + max(
                (level[p] + _crossing(nodes, p, i) for p in node.parents if nodes[p].parents),
                default=0,
            )
            for p in node.parents:
                readers.setdefault(p, []).append(i)
    for i in range(len(nodes) - 1, -1, -1):  # readers before what they read
        reader = readers.get(i, [])
        # within its layer: a layer's output stays at the layer's end, so the layers do not
        # interleave (a neuron pulled towards the next layer's reader would start a staircase)
        if i in level and len(reader) == 1 and reader[0] in level and not _crossing(nodes, i, reader[0]):
            level[i] = level[reader[0]] - 1
    first_use: dict[int, int] = {}
    for i, node in enumerate(nodes):
        for p in node.parents:
            if not nodes[p].parents:
                first_use[p] = min(first_use.get(p, level[i]), level[i])
    ranks: dict[int, list[str]] = {}
    for i, node in enumerate(nodes):
        if node.parents:
            ranks.setdefault(2 * level[i], []).append(f"v{i}")
            ranks.setdefault(2 * level[i] - 1, []).append(f"o{i}")
        elif i in first_use:
            ranks.setdefault(2 * first_use[i] - 2, []).append(f"v{i}")
    columns = [ids for _, ids in sorted(ranks.items())]
    lines = [f"{{rank=same; {'; '.join(ids)}}}" for ids in columns if len(ids) > 1]
    # Keep the columns in this order, one apart: without it dot may fold a layer's weights into the
    # column of the previous layer's outputs, and the layer boxes climb down in a staircase.
    lines.extend(f"{a[0]} -> {b[0]} [style=invis weight=0]" for a, b in zip(columns, columns[1:]))
    return lines


def _held_close(picture: Picture, source: int, target: int) -> bool:
    """Whether the edge ``source -> target`` is held short: the source is used once, by a node in
    its own top-level scope (a layer's output stays at the layer's end, see :func:`_rank_by_level`)."""
    return picture.uses.get(source, 0) == 1 and not _crossing(picture.nodes, source, target)


def _crossing(nodes: list[Any], source: int, target: int) -> int:
    """1 where an edge enters another top-level scope, else 0."""
    return int(_top(nodes[source].scope) != _top(nodes[target].scope))
