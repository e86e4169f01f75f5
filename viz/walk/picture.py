"""What a picture of a graph is made of, and what each part shows in one frame.

A :class:`Picture` is the drawable graph, as plain data: its nodes and input edges
(:mod:`viz.walk.pieces`), the scopes drawn folded into one box each (``boxes``: their nodes are
not drawn), the scopes a frame may fold over their laid-out nodes (``overlays``), and the much used
nodes drawn again beside their later uses (``copies``).  A :class:`Scene` is what each part shows in
one frame: every node's look, the gradient lines it shows, what flows back along each edge.

>>> from autograd_core import Value, topological_order
>>> from viz.walk.frames import still
>>> x = Value(3.0, name="x"); y = x * x; y.backward()
>>> order = topological_order(y)
>>> picture = Picture.of(order)
>>> scene = picture.scene(still(order))
>>> scene.looks, scene.grads[0]
(['done', 'done'], (('grad 6',), 'grad'))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograd_core import Node
from autograd_core.words import Captions

from .frames import Frame, look, natural
from .pieces import EdgePiece, FoldPiece, NodePiece, describe, fold_pieces

__all__ = ["BLANK", "FANOUT", "Picture", "Scene"]

#: A node used more than this many times is drawn once, at its first use; every further use reads
#: it from a small dashed copy beside the op.  Long edges from one node to many ranks are what
#: makes ``dot`` explode: 60 labelled uses of ``x`` took over 60 s (and 300 uses crashed dot even
#: without labels); with copies 60 uses take 0.2 s and 300 uses 0.8 s.
FANOUT = 6

#: What a gradient left to the learner looks like.
BLANK = "________"


@dataclass
class Scene:
    """What every part of a picture shows in one frame.

    ``looks[i]``: node i's look (:data:`viz.walk.frames.LOOKS`); ``grads[i] = (lines, kind)``:
    the gradient lines node i shows, ``kind`` ``"grad"`` (final, or the seed), ``"running"``
    (a sum still gathering) or ``"blank"``; ``flows[edge id] = (lines, bold)``: what flows back
    along an edge (``bold``: in this very step); ``box_looks[k]``: the look of folded box k and
    ``box_grads[k]`` whether its border gradients show; ``shut``: the overlay folds drawn;
    ``paths[edge id]``: the paths (numbered from 1) that go along an edge, drawn in their colour.
    """

    looks: list[str]
    grads: dict[int, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    flows: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    box_looks: list[str] = field(default_factory=list)
    box_grads: list[bool] = field(default_factory=list)
    shut: frozenset[int] = frozenset()
    show_local: bool = True
    paths: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def used(self, picture: Picture) -> set[str]:
        """The looks and kinds of text this scene draws (what its legend lists)."""
        drawn = [i for i in range(len(self.looks)) if picture.box_of[i] is None]
        keys = {self.looks[i] for i in drawn} - {"forward", "done", "no grad", "asked"}
        nodes = picture.nodes
        if any(nodes[i].kind != "const" for i in drawn):
            keys.add("value")
        if any(nodes[i].kind != "const" and not nodes[i].named for i in drawn):
            keys.add("unnamed")
        keys.update({"grad" if kind == "grad" else kind for _, kind in self.grads.values()})
        for lines, bold in self.flows.values():
            if lines and lines[0].strip("←→↑↓ ").startswith("_"):
                keys.add("blank")
            elif lines:
                keys.add("flow" if bold else "back")
        if self.show_local:
            for edge in picture.edges:
                if edge.local is not None and picture.box_of[edge.target] is None:
                    keys.add("vjp" if nodes[edge.target].tensor else "local")
        if picture.boxes or self.shut:
            keys.add("fold")
            if any(self.box_grads):
                keys.add("grad")
        if picture.copies:
            keys.add("copy")
        if self.paths:
            keys.add("path")
        return keys


@dataclass
class Picture:
    """The drawable graph (see the module's docstring).

    ``box_of[i]`` is the folded box node i is drawn in (an index into ``boxes``), None when it is
    drawn itself; ``uses[i]`` how many drawn edges read node i; ``copies[(i, k)]``: input ``k``
    of node ``i`` reads a copy of its source (``g{source}_{use}``).
    """

    nodes: list[NodePiece]
    edges: list[EdgePiece]
    boxes: list[FoldPiece] = field(default_factory=list)
    overlays: list[FoldPiece] = field(default_factory=list)
    box_of: list[int | None] = field(default_factory=list)
    uses: dict[int, int] = field(default_factory=dict)
    copies: dict[tuple[int, int], str] = field(default_factory=dict)
    inputs: dict[int, list[EdgePiece]] = field(default_factory=dict)
    #: Folded boxes list their values two to a line (a page seen from afar reads tall boxes better).
    narrow_boxes: bool = False

    @classmethod
    def of(cls, order: list[Node], *, groups: dict[str, list[int]] | None = None,
           overlays: dict[str, list[int]] | None = None, digits: int = 4, rankdir: str = "LR",
           captions: Captions | None = None, grads: Any = None, show_grad: bool = True) -> Picture:
        """The picture of ``order`` (a topological order): ``groups`` are the scopes drawn folded
        (scope path -> member indices), ``overlays`` the scopes a frame may fold over their nodes;
        ``captions`` and ``grads`` as :func:`viz.walk.pieces.describe` takes them."""
        hidden = None
        if groups:  # neuron2 before neuron10, as their boxes are drawn
            groups = {name: groups[name] for name in sorted(groups, key=natural)}
            hidden = [False] * len(order)
            for members in groups.values():
                for m in members:
                    hidden[m] = True
        nodes, edges = describe(order, digits=digits, rankdir=rankdir, captions=captions, grads=grads, hidden=hidden)
        boxes = fold_pieces(order, groups, digits=digits, show_grad=show_grad) if groups else []
        folds = fold_pieces(order, overlays, digits=digits, show_grad=False) if overlays else []
        return cls.assemble(nodes, edges, boxes, folds)

    @classmethod
    def assemble(cls, nodes: list[NodePiece], edges: list[EdgePiece], boxes: list[FoldPiece],
                 overlays: list[FoldPiece]) -> Picture:
        """A picture of these pieces, with what is derived from them (boxes, uses, copies)."""
        box_of: list[int | None] = [None] * len(nodes)
        for box in boxes:
            for member in box.members:
                box_of[member] = box.index
        inputs: dict[int, list[EdgePiece]] = {}
        for edge in edges:
            inputs.setdefault(edge.target, []).append(edge)
        uses: dict[int, int] = {}
        for edge in edges:
            if box_of[edge.target] is None and box_of[edge.source] is None:
                uses[edge.source] = uses.get(edge.source, 0) + 1
        copies: dict[tuple[int, int], str] = {}
        seen: dict[int, int] = {}
        for edge in edges:
            if box_of[edge.target] is not None or box_of[edge.source] is not None:
                continue
            use = seen[edge.source] = seen.get(edge.source, 0) + 1
            if use > 1 and uses[edge.source] > FANOUT:
                copies[(edge.target, edge.index)] = f"g{edge.source}_{use}"
        return cls(nodes, edges, boxes, overlays, box_of, uses, copies, inputs)

    def cluster_numbers(self) -> dict[str, int]:
        """Each scope path (and every prefix of one) -> its cluster's number ``k`` (DOT
        ``cluster_k``, id ``s{k}``), in the order the drawn boxes first appear."""
        numbers: dict[str, int] = {}
        scopes = [node.scope for i, node in enumerate(self.nodes) if self.box_of[i] is None]
        scopes += [box.scope.rpartition("/")[0] for box in self.boxes]
        for scope in scopes:
            if not scope or scope in numbers:
                continue
            parts = scope.split("/")
            for depth in range(1, len(parts) + 1):
                path = "/".join(parts[:depth])
                if path not in numbers:
                    numbers[path] = len(numbers)
        return numbers

    @property
    def drawn_count(self) -> int:
        """The boxes handed to Graphviz: drawn nodes, folded boxes and copies."""
        return sum(1 for b in self.box_of if b is None) + len(self.boxes) + len(self.copies)

    def scene(self, frame: Frame, *, show_grad: bool = True, show_local: bool = True) -> Scene:
        """What every part shows in ``frame`` (``show_grad=False``: no gradient anywhere)."""
        nodes = self.nodes
        looks = [look(frame, i, node.kind) for i, node in enumerate(nodes)]
        scene = Scene(looks, shut=frozenset(frame.shut), show_local=show_local, paths=dict(frame.paths))
        if frame.kind == "forward" or not show_grad:
            scene.box_looks = ["forward"] * len(self.boxes)
            scene.box_grads = [False] * len(self.boxes)
            return scene
        asked = set(frame.asked)
        for i, node in enumerate(nodes):
            shown = looks[i]
            if shown in ("done", "current", "seeded") and node.grad:
                scene.grads[i] = (node.grad, "grad")
            elif shown == "gathering" and i in frame.running:
                scene.grads[i] = (frame.running[i], "running")
            elif shown == "asked" and node.kind != "const" and node.needs_grad:
                scene.grads[i] = ((f"grad {BLANK}",), "blank")
        for edge in self.edges:
            if edge.id in frame.flows:
                scene.flows[edge.id] = (frame.flows[edge.id], True)
            elif not edge.back:
                continue
            elif edge.target in asked or edge.source in asked:
                scene.flows[edge.id] = ((edge.back[0][:2] + BLANK,), False)
            elif looks[edge.target] == "done":
                scene.flows[edge.id] = (edge.back, False)
        for box in self.boxes:
            member_looks = {looks[m] for m in box.members}
            if member_looks <= {"pending", "constant", "no grad"}:
                scene.box_looks.append("pending")
                scene.box_grads.append(False)
            elif member_looks & {"asked"}:
                scene.box_looks.append("asked")
                scene.box_grads.append(False)
            else:
                scene.box_looks.append("done")
                scene.box_grads.append(all(looks[m] in ("done", "current") for m in box.leaving))
        return scene

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON)."""
        return {
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "boxes": [b.to_dict() for b in self.boxes],
            "overlays": [f.to_dict() for f in self.overlays],
        }
