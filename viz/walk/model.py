"""A walk: the forward pass, then every backprop step, as one picture and a list of frames.

:func:`walk` checks the graph's size first (before any walk of the graph or any backward pass),
then replays the backprop from its start (a node's own gradients are set aside and put back; a
given ``root.backprop()`` is put back at the step it was at) and records a
:class:`~viz.walk.frames.Frame` per moment.  The :class:`Walk` it returns is what every view
renders: the lecture page, a deck of slides, a notebook; :meth:`Walk.layout` lays the picture
out once, with room for the longest text every part shows in any frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from autograd_core import Backprop, Node
from autograd_core.graph import gradients_set_aside
from autograd_core.words import Captions, clean_text, format_number

from ..budget import DRAW_MAX_NODES, GraphTooLargeError, bounded_order
from ..collapse import check_collapse, group_nodes
from .dot import LARGE_GRAPH, Room
from .frames import Frame, forward_text, natural, now, summary
from .layout import Layout, lay_out
from .paths import paths_frame
from .picture import BLANK, Picture, Scene
from .pieces import BACK_ARROW
from .quiz import quiz_frame, quiz_plan

__all__ = ["FORWARD_FOLD", "MAX_STEPS", "Walk", "checked_order", "replayed", "room_of", "walk"]

#: The most steps a walk gets unless told otherwise: a lecture of more steps than this is hard to
#: follow (a step costs a page about 1 KB; the layout is done once).
MAX_STEPS = 1000

#: A graph of more nodes than this shows its forward pass with every top-level scope folded into
#: one box (its values in and out): the whole network at once, readable, instead of a grey smear.
FORWARD_FOLD = 60


def is_steps(obj: Any) -> bool:
    """True for a step-by-step backprop (it has ``root``, ``state`` and ``current_step``)."""
    return not isinstance(obj, Node) and hasattr(obj, "root") and hasattr(obj, "state") and hasattr(obj, "current_step")


def checked_order(root_or_steps: Any, *, view: str, max_nodes: int | None = DRAW_MAX_NODES,
                  max_steps: int | None = MAX_STEPS) -> list[Node]:
    """``topological_order`` of the graph, once it is known to fit: at most ``max_nodes`` nodes
    (counted by a walk that stops there, so a graph of a million nodes is refused at once) and
    at most ``max_steps`` backprop steps; otherwise a ``GraphTooLargeError`` (a ValueError)
    naming ``view``, the size and what shrinks it.  Nothing is stepped or backpropagated here."""
    steps = root_or_steps if is_steps(root_or_steps) else None
    root = steps.root if steps is not None else root_or_steps
    if not isinstance(root, Node):
        raise TypeError(
            f"{view}: expected a graph node (Value or Tensor) or root.backprop(), got {type(root_or_steps).__name__}"
        )
    for name, value in (("max_nodes", max_nodes), ("max_steps", max_steps)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"{view}: {name} must be a positive integer or None, got {value!r}")
    what = clean_text(root.name or root.label)
    if steps is not None and max_steps is not None and len(steps) > max_steps:
        raise GraphTooLargeError(_too_many_steps(view, what, len(steps), max_steps))
    order = bounded_order(root, max_nodes)
    if order is None:
        raise GraphTooLargeError(
            f"{view}: the graph of {what!r} has more than max_nodes={max_nodes} nodes (counting stopped there); "
            f"a {view} lays every node out at once, which Graphviz cannot do quickly. To shrink it: show a smaller "
            "part (one sample, one neuron, a sub-expression), or raise max_nodes (None: no limit)."
        )
    if steps is None and max_steps is not None:
        total = sum(1 for node in order if node.parents and node.requires_grad)
        if total > max_steps:
            raise GraphTooLargeError(_too_many_steps(view, what, total, max_steps))
    return order


def _too_many_steps(view: str, what: str, total: int, max_steps: int) -> str:
    return (f"{view}: backprop through {what!r} takes {total} steps, more than max_steps={max_steps}; "
            f"make a {view} of a smaller part (one neuron, one sample) or raise max_steps (None: no limit)")


@contextmanager
def replayed(root_or_steps: Any, grad: Any, view: str) -> Iterator[Backprop]:
    """A backprop at its start; afterwards every gradient is as it was (a given backprop is put
    back at the step it was at)."""
    if is_steps(root_or_steps):
        if not isinstance(root_or_steps, Backprop):
            raise TypeError(f"{view}: expected a node or root.backprop(), got {type(root_or_steps).__name__}")
        if grad is not None:
            raise ValueError(f"{view}: grad= is for an output node; a backprop already has its seed")
        steps = root_or_steps
        position = steps.position
        try:
            steps.rewind()
            yield steps
        finally:
            steps.rewind()
            for _ in range(position):
                steps.step()
        return
    # A fresh pass on a clean graph; every gradient is put back afterwards.
    with gradients_set_aside(root_or_steps):
        yield Backprop(root_or_steps, grad)


@dataclass
class Walk:
    """A picture and its frames (see the module's docstring); plain data but for ``order``.

    ``picture``: every node and edge (:class:`~viz.walk.picture.Picture`), ``picture.overlays``
    the scopes a frame may draw folded; ``frames``: the forward pass, the seed, then one per
    step; ``room``: the lines each gradient and edge text takes at most over all frames.
    """

    picture: Picture
    frames: list[Frame]
    title: str
    rankdir: str = "LR"
    digits: int = 4
    order: list[Node] = field(default_factory=list, repr=False)
    room: Room = field(default_factory=lambda: Room({}, {}))
    _layout: Layout | None = field(default=None, repr=False)
    _forward: tuple[Picture, Layout] | None = field(default=None, repr=False)

    @property
    def label_attribute(self) -> str:
        """Edge texts as labels (laid out with the graph) or, on big graphs, as xlabels."""
        return "label" if self.picture.drawn_count <= LARGE_GRAPH else "xlabel"

    def room_scene(self) -> Scene:
        """Every part with the longest text it shows in any frame: what the layout makes room for."""
        picture = self.picture
        scene = Scene(["done"] * len(picture.nodes))
        grads: dict[int, list[tuple[str, ...]]] = {}
        flows: dict[str, list[tuple[str, ...]]] = {}
        for node in picture.nodes:
            if node.grad:
                grads.setdefault(node.index, []).append(node.grad)
        for edge in picture.edges:
            if edge.back:
                flows.setdefault(edge.id, []).append(edge.back)
        for frame in self.frames:
            for i, lines in frame.running.items():
                grads.setdefault(i, []).append(lines)
            for edge_id, lines in frame.flows.items():
                flows.setdefault(edge_id, []).append(lines)
            for i in frame.asked:
                grads.setdefault(i, []).append((f"grad {BLANK}",))
        scene.grads = {i: (_widest(options), "grad") for i, options in grads.items()}
        scene.flows = {e: (_widest(options), False) for e, options in flows.items()}
        return scene

    def layout(self, timeout: float | None = None) -> Layout:
        """The one layout of the picture (Graphviz's ``dot``, run once and kept)."""
        if self._layout is None:
            kwargs = {} if timeout is None else {"timeout": timeout}
            self._layout = lay_out(self.picture, self.room_scene(), rankdir=self.rankdir,
                                   label_attribute=self.label_attribute, **kwargs)
        return self._layout

    def forward_view(self, area: tuple[float, float], timeout: float | None = None) -> tuple[Picture, Layout]:
        """What the forward pass shows, and its layout: the walk's own picture, or, when the forward
        frame shuts folds (a big graph), the same graph with those scopes folded into boxes of the
        values entering and leaving them (two to a line), laid out on its own, across or down,
        whichever shows it larger in ``area`` (width, height)."""
        frame = self.frames[0]
        if not frame.shut:
            return self.picture, self.layout(timeout)
        if self._forward is None:
            order = self.order
            shut = {self.picture.overlays[n].scope for n in frame.shut}
            groups = {name: members for name, members in group_nodes(order, True).groups.items() if name in shut}
            picture = Picture.of(order, groups=groups, digits=self.digits, rankdir=self.rankdir,
                                 captions=Captions(order[-1], nodes=order), show_grad=False)
            picture.narrow_boxes = True
            scene = picture.scene(frame, show_grad=False)
            kwargs = {} if timeout is None else {"timeout": timeout}
            best = None
            for rankdir in dict.fromkeys((self.rankdir, "TB" if self.rankdir in ("LR", "RL") else "LR")):
                laid = lay_out(picture, scene, rankdir=rankdir, **kwargs)
                x0, y0, x1, y1 = laid.bb
                zoom = min(area[0] / max(x1 - x0, 1), area[1] / max(y1 - y0, 1))
                if best is None or zoom > best[0]:
                    best = (zoom, laid)
            self._forward = (picture, best[1])
        return self._forward

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON): the picture, every frame, and the layout if it was made."""
        data = {"title": self.title, "rankdir": self.rankdir, "picture": self.picture.to_dict(),
                "frames": [frame.to_dict() for frame in self.frames]}
        if self._layout is not None:
            data["layout"] = self._layout.to_dict()
        return data


def _widest(options: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Line k of the result is the longest line k of any option."""
    count = max(len(lines) for lines in options)
    return tuple(max((lines[k] for lines in options if k < len(lines)), key=len) for k in range(count))


def room_of(scene: Scene) -> Room:
    """The lines each gradient and flowing text takes at most, as a scene of every longest text shows them."""
    return Room({i: len(lines) for i, (lines, _) in scene.grads.items()},
                {e: len(lines) for e, (lines, _) in scene.flows.items()})


def walk(root_or_steps: Any, *, view: str = "walk", grad: Any = None, collapse: Any = None, rankdir: str = "LR",
         digits: int = 4, max_nodes: int | None = DRAW_MAX_NODES, max_steps: int | None = MAX_STEPS,
         title: str | None = None, ask: str | None = None, paths: Any = None) -> Walk:
    """The walk of ``root_or_steps`` (an output node, or ``root.backprop()``): its size checked
    first, then the forward pass, the seed and every step recorded (see the module's docstring).

    ``collapse`` names the scopes that frames draw folded (as :func:`viz.draw` takes it); a
    step's frame opens the folds its node and inputs are in.  ``view`` names the caller in errors.
    ``ask`` ("grads", "locals" or "both") makes it a quiz's walk: each step's frame carries the
    questions the REPL quiz asks before that step (see :mod:`viz.walk.quiz`).  ``paths=x`` adds a
    last frame: the sum over the paths from input ``x`` to the output (see :mod:`viz.walk.paths`).

    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a")
    >>> out = a * a + a
    >>> w = walk(out)
    >>> [f.counter for f in w.frames]
    ['forward pass', 'step 0 / 2', 'step 1 / 2', 'step 2 / 2']
    >>> w.frames[-1].flows
    {'1.0': ('← 1 × 2 = 2',), '1.1': ('← 1 × 2 = 2',)}
    """
    if rankdir not in BACK_ARROW:
        raise ValueError(f"{view}: rankdir must be one of {', '.join(BACK_ARROW)}, got {rankdir!r}")
    try:
        collapse = check_collapse(collapse)
    except ValueError as error:
        raise ValueError(str(error).replace("draw:", f"{view}:", 1)) from None
    order = checked_order(root_or_steps, view=view, max_nodes=max_nodes, max_steps=max_steps)
    overlays, shut_by_collapse, forward_shut = _overlays(order, collapse)
    with replayed(root_or_steps, grad, view) as steps:
        frames = _frames(steps, order, rankdir, digits, ask)
        # the finished pass: every node shows its final gradient
        picture = Picture.of(order, overlays=overlays, digits=digits, rankdir=rankdir, captions=steps.captions,
                             grads=steps.gradient)
    root = order[-1]
    if paths is not None:
        frames.append(paths_frame(root, paths, order, view, steps_states=frames[-1].states))
    frames = _with_folds(frames, picture, shut_by_collapse, forward_shut)
    name = root.name
    result = Walk(picture, frames, title or (f"Backpropagation through {name}" if name
                                              else "Backpropagation, step by step"),
                  rankdir, digits, order)
    result.room = room_of(result.room_scene())
    return result


def _overlays(order: list[Node], collapse: Any) -> tuple[dict[str, list[int]], list[str], list[str]]:
    """The scopes frames may fold: those ``collapse`` names, and (a graph of more than
    :data:`FORWARD_FOLD` nodes) every top-level scope for the forward pass."""
    overlays: dict[str, list[int]] = {}
    by_collapse: list[str] = []
    if collapse is not None and collapse is not False:
        groups = group_nodes(order, collapse).groups
        for name in sorted(groups, key=natural):  # layer2 before layer10
            overlays[name] = groups[name]
            by_collapse.append(name)
    forward: list[str] = []
    if len(order) > FORWARD_FOLD:
        groups = group_nodes(order, True).groups
        for name in sorted(groups, key=natural):
            members = groups[name]
            if name in overlays:
                del overlays[name]  # put it after the deeper folds: drawn over them
            overlays[name] = members
            forward.append(name)
    return overlays, by_collapse, forward


def _with_folds(frames: list[Frame], picture: Picture, by_collapse: list[str], forward: list[str]) -> list[Frame]:
    """Each frame with the folds it draws shut: the forward pass every top-level fold (or the
    collapse's), a step every collapse fold but those holding its node or one of its inputs."""
    index = {fold.scope: fold.index for fold in picture.overlays}
    members = {fold.index: set(fold.members) for fold in picture.overlays}
    collapse_folds = [index[name] for name in by_collapse]
    forward_folds = [index[name] for name in forward] or collapse_folds
    out = []
    for frame in frames:
        if frame.kind == "forward":
            shut = tuple(forward_folds)
        elif frame.current is None:
            shut = tuple(collapse_folds)
        else:
            near = {frame.current, *picture.nodes[frame.current].parents}
            shut = tuple(n for n in collapse_folds if not members[n] & near)
        out.append(replace(frame, shut=shut))
    return out


def _frames(steps: Backprop, order: list[Node], rankdir: str, digits: int, ask: str | None = None) -> list[Frame]:
    """Every frame of the walk: the forward pass, the seeded output, then one per step (a quiz's:
    with the questions asked before it, see :mod:`viz.walk.quiz`)."""
    quiz = quiz_plan(steps, ask) if ask is not None else None
    root = steps.root
    total = len(steps)
    name = steps.label(root)
    start = now(steps, order, rankdir=rankdir, digits=digits)
    forward = forward_text(steps, order) or f"{name} = {format_number(root.data)}"
    frames = [replace(start, kind="forward", counter="forward pass", current=None,
                      heading="Forward pass: compute from left to right", text=forward)]
    seed = steps.gradient(root)
    first = f"Next: {steps.label(steps.next_node)}, the last operation." if total else "Nothing to propagate."
    seed_text = (f"{steps.grad_name(root)} = {format_number(seed)}: the output's gradient with respect to itself.\n"
                 "From right to left, each node multiplies the gradient it receives (upstream)\nby its "
                 f"local derivatives and passes the products to its inputs.\n{first}")
    frames.append(replace(start, kind="seed", counter=f"step 0 / {total}",
                          heading="Backward pass: start from the output", text=seed_text, total=total))
    for step in steps:
        text = step.text
        if steps.done:
            text += "\n\n" + summary(steps, order)
        scope = getattr(step.node, "scope", None)
        frame = now(steps, order, rankdir=rankdir, digits=digits)
        where = f", in {scope}" if scope else ""
        frame = replace(
            frame, counter=f"step {step.number} / {total}", text=text, number=step.number, total=total,
            heading=f"Step {step.number}: the chain rule at {steps.label(step.node)}{where}",
        )
        frames.append(frame if quiz is None else quiz_frame(frame, step, steps, quiz, order, rankdir))
    return frames
