"""Check a mirror against PyTorch: the same gradients at every node, or the node where they part.

:func:`compare_with_torch` backpropagates through PyTorch's graph (``torch.autograd.grad``, with
a pre-hook on every node catching the gradient of its output) and through the chainrule mirror,
from the same seed, and compares the gradient of every node and every leaf.  The nodes are taken
in the order backprop reaches them, so the first one that differs is where the two parted: its
gradient came from the ops listed as its users, whose own gradients still agreed.

Example:
    >>> import torch
    >>> W = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64, requires_grad=True)
    >>> report = compare_with_torch(torch.sigmoid(W @ W).mean(), names={W: "W"})
    >>> report.passed, report.first_difference
    (True, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from ..words import Captions, format_number
from .mirror import TorchMirror
from .read import import_torch, to_array


class GradientRow(NamedTuple):
    """One node's gradient on both sides: ``caption`` (as chainrule's views call it), ``torch_node``
    (PyTorch's node and output, or the leaf's name), the largest difference and gradient, and ``ok``."""

    caption: str
    torch_node: str
    max_abs_difference: float
    max_abs_gradient: float
    ok: bool


class TorchComparison:
    """The result of :func:`compare_with_torch`: ``rows`` (one per mirrored node, in backward order),
    ``passed``, ``first_difference`` (the sentence naming the node where the gradients part, or
    None), ``mirror`` (the :class:`TorchMirror`), and the torch and chainrule leaf gradients."""

    def __init__(self, mirror: TorchMirror, rows: list[GradientRow], first_difference: str | None,
                 torch_grads: list[np.ndarray], mirror_grads: list[np.ndarray]) -> None:
        self.mirror = mirror
        self.rows = rows
        self.first_difference = first_difference
        self.torch_grads = torch_grads
        self.mirror_grads = mirror_grads

    @property
    def passed(self) -> bool:
        return self.first_difference is None

    @property
    def max_abs_difference(self) -> float:
        """The largest difference between a leaf's gradient on the two sides."""
        return max((float(np.max(np.abs(a - b), initial=0.0)) for a, b in zip(self.mirror_grads, self.torch_grads)),
                   default=0.0)

    def __repr__(self) -> str:
        width = max((len(r.caption) for r in self.rows), default=4)
        lines = [f"{'node':<{width}}  {'PyTorch node':<32} {'max |diff|':>10}  {'max |grad|':>10}"]
        for r in self.rows:
            lines.append(f"{r.caption:<{width}}  {r.torch_node:<32} {format_number(r.max_abs_difference):>10}  "
                         f"{format_number(r.max_abs_gradient):>10}  {'ok' if r.ok else 'DIFFERS'}")
        lines.append(self.first_difference or "the mirror's gradients are PyTorch's at every node")
        return "\n".join(lines)


def _tolerances(dtype: np.dtype, rtol: float | None, atol: float | None) -> tuple[float, float]:
    # float64: summation order alone moves a gradient by a few 1e-16 relative per op; float32 by 1e-7.
    default = (1e-4, 1e-6) if dtype == np.float32 else (1e-10, 1e-12)
    return (default[0] if rtol is None else rtol), (default[1] if atol is None else atol)


def compare_with_torch(
    output: Any, *, named: Any = None, names: Mapping[Any, str] | None = None, grad: Any = None,
    rtol: float | None = None, atol: float | None = None,
) -> TorchComparison:
    """Mirror ``output`` (see :func:`from_torch`), backpropagate on both sides from the same seed
    (``grad``: 1 for a single number, else a fixed random array) and compare every node's gradient:
    ``|chainrule - PyTorch| <= atol + rtol * |PyTorch|`` element by element (defaults: 1e-12 and
    1e-10 in float64, 1e-6 and 1e-4 in float32).  Neither side's ``.grad`` is left changed on PyTorch's
    leaves; the mirror keeps its gradients."""
    torch = import_torch()
    mirror = TorchMirror(output, named=named, names=names)
    seed = _seed(output, grad)
    captured: dict = {}
    handles = []
    for node in mirror.graph.nodes:
        if node.is_leaf:
            continue
        fn = node.fn

        def hook(grad_outputs: tuple, fn: Any = fn) -> None:
            for nr, g in enumerate(grad_outputs):
                if g is not None:
                    captured[(fn, nr)] = to_array(g)

        handles.append(fn.register_prehook(hook))
    try:
        torch_grads = torch.autograd.grad(
            output, mirror.torch_leaves, grad_outputs=torch.from_numpy(seed.copy()).to(output.dtype),
            retain_graph=True, allow_unused=True,
        )
    finally:
        for handle in handles:
            handle.remove()
    torch_grads = [np.zeros(leaf.shape, to_array(leaf).dtype) if g is None else to_array(g)
                   for g, leaf in zip(torch_grads, mirror.torch_leaves)]
    mirror.root.backward(seed.astype(mirror.root.dtype))
    mirror_grads = [np.zeros(leaf.shape, leaf.dtype) if leaf.grad is None else np.asarray(leaf.grad)
                    for leaf in mirror.leaves]

    captions = Captions(mirror.root)
    rows: list[GradientRow] = []
    first = None
    seen: set = set()
    users = _users(mirror)
    for node in reversed(mirror.graph.nodes):
        if node.is_leaf:
            continue
        for nr in sorted({nr for (fn, nr) in mirror.mirror_of if fn is node.fn}):
            ours = mirror.mirror_of[(node.fn, nr)]
            if ours in seen or (node.fn, nr) not in captured:
                continue
            seen.add(ours)
            row, message = _row(captions.label(ours), f"{node.name}[{nr}]", ours, captured[(node.fn, nr)],
                                rtol, atol, users.get((node.fn, nr), ()))
            rows.append(row)
            first = first or message
    for leaf, name, theirs in zip(mirror.leaves, mirror.leaf_names, torch_grads):
        row, message = _row(name, f"leaf {name}", leaf, theirs, rtol, atol, users.get(id(leaf), ()))
        rows.append(row)
        first = first or message
    return TorchComparison(mirror, rows, first, torch_grads, mirror_grads)


def _row(caption: str, torch_node: str, ours: Any, theirs: np.ndarray, rtol: Any, atol: Any,
         senders: tuple) -> tuple[GradientRow, str | None]:
    grad = np.zeros(ours.shape, ours.dtype) if ours.grad is None else np.asarray(ours.grad)
    r, a = _tolerances(ours.dtype, rtol, atol)
    if grad.shape != theirs.shape:
        ok, difference = False, float("inf")
    else:
        gap = np.abs(grad.astype(np.float64) - theirs.astype(np.float64))
        ok = bool(np.all(gap <= a + r * np.abs(theirs)))
        difference = float(np.max(gap, initial=0.0))
    row = GradientRow(caption, torch_node, difference, float(np.max(np.abs(theirs), initial=0.0)), ok)
    if ok:
        return row, None
    where = f" from {', '.join(senders)}" if senders else ""
    return row, (
        f"gradients first differ at node {caption!r} (PyTorch's {torch_node}): max |chainrule - PyTorch| = "
        f"{format_number(difference)} (largest PyTorch gradient {format_number(row.max_abs_gradient)}); its gradient "
        f"came{where}, whose own gradients agree: the backward of that op is where the two part"
    )


def _users(mirror: TorchMirror) -> dict:
    """For each PyTorch node output (and each leaf, by its mirror's id), the nodes that use it."""
    users: dict = {}
    leaf_of = {node.fn: mirror.leaves[i] for i, node in enumerate(n for n in mirror.graph.nodes if n.is_leaf)}
    for node in mirror.graph.nodes:
        for fn, nr in node.edges:
            if fn is None:
                continue
            key = id(leaf_of[fn]) if fn in leaf_of else (fn, nr)
            users.setdefault(key, ())
            if node.name not in users[key]:
                users[key] = (*users[key], node.name)
    return users


def _seed(output: Any, grad: Any) -> np.ndarray:
    shape = tuple(output.shape)
    dtype = to_array(output.detach()).dtype
    if grad is not None:
        seed = np.asarray(grad.detach().cpu().numpy() if hasattr(grad, "detach") else grad, dtype=dtype)
        if seed.shape != shape:
            raise ValueError(f"compare_with_torch: grad has shape {seed.shape}, the output has shape {shape}")
        return seed
    if int(np.prod(shape)) == 1:
        return np.ones(shape, dtype=dtype)
    return np.random.default_rng(0).standard_normal(shape).astype(dtype)
