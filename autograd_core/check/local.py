"""Say which op is wrong: check every node's recorded local derivatives on their own.

A wrong end gradient only says that something on the way is wrong.  Here each node of a graph is
checked alone, against its op's record (``node.op_record``, the op as the node was made with it):
for a ``Value`` node, each recorded local derivative d(node)/d(input) (``node.local``) is
compared with central differences of the op's ``forward`` at the node's inputs; for a ``Tensor``
node, the op's vector-Jacobian product is compared with central differences of the op run again
(its record's ``replay``).  Every op with a replay is checked: built-in ones, ``nn``'s layers and
yours alike.  Where the record says an input sits at the op's kink (``Op.kink``), the node is
reported as not checkable instead.  The result names the op, the node and the input.

Example:
    >>> from autograd_core import Value
    >>> from autograd_core.check.local import check_local_derivatives
    >>> x = Value(0.3, name="x")
    >>> h = x.tanh(); h.name = "h1"
    >>> check_local_derivatives(h, eps=1e-6, atol=1e-7, rtol=1e-5)
    ([], [])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..graph import Node, no_grad, topological_order
from ..ops.record import SCALAR
from ..tensor import Tensor
from .report import LocalMismatch


def check_local_derivatives(
    root: Node,
    *,
    eps: float,
    atol: float,
    rtol: float,
    kink_distance: float | None = None,
    labels: Mapping[int, str] | None = None,
) -> tuple[list[LocalMismatch], list[str]]:
    """Check every node ``root`` depends on; return the mismatches and the kink warnings.

    ``kink_distance`` (default ``10 * eps``): an input of relu/abs/max closer than this to the
    kink is reported as a warning (finite differences give 0.5 there) instead of being checked.
    ``labels``: what to call some nodes (by ``id``), e.g. unnamed inputs by the parameter names of
    the function checked; other nodes are called by their ``label``.
    """
    distance = 10 * eps if kink_distance is None else kink_distance
    label = _labeller(labels or {})
    mismatches: list[LocalMismatch] = []
    warnings: list[str] = []
    for node in topological_order(root):
        op = node.op_record
        if not node.parents or not node.requires_grad or op is None:
            continue
        reason = at_kink(node, distance, label)
        if reason:
            warnings.append(
                f"{_where(node)}: {reason}; finite differences straddle it (they give about 0.5 there), "
                "so this point cannot be checked"
            )
        elif op.kind == SCALAR:
            _check_value_node(node, eps, atol, rtol, mismatches, label)
        elif op.replay is not None:
            _check_tensor_node(node, eps, atol, rtol, mismatches, label)
    return mismatches, warnings


def checked_ops(root: Node) -> list[str]:
    """The ops of the graph below ``root`` that the per-op check can check (every scalar op, and
    every Tensor op whose record can replay it), in the graph's order, each once.

    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> x = Tensor(np.ones((2, 3)), requires_grad=True)
    >>> checked_ops((x * 2).sum())
    ['mul', 'sum']
    """
    found: dict[str, None] = {}
    for node in topological_order(root):
        op = node.op_record
        if node.parents and node.requires_grad and op is not None and (op.kind == SCALAR or op.replay is not None):
            found.setdefault(op.name)
    return list(found)


def at_kink(node: Node, distance: float, label: Callable[[Node], str] | None = None) -> str | None:
    """Why ``node`` cannot be checked by finite differences, as its op's record says (an input
    within ``distance`` of the op's kink, where central differences average the two one-sided
    derivatives), or None.  ``label(input)`` is what the reason calls an input (its ``label``
    unless given).

    >>> from autograd_core import Value
    >>> at_kink(Value(0.0, name="x").relu(), 1e-5), at_kink(Value(0.5).relu(), 1e-5)
    ("its input 'x' = 0 is within 1e-05 of the kink at 0", None)
    """
    op = node.op_record
    if op is None or op.kink is None or not node.parents:
        return None
    return op.kink(node, distance, label or _own_label)


def nodes_at_kinks(root: Node, distance: float) -> list[Node]:
    """The nodes ``root`` depends on (through inputs that require grad) that sit at a kink."""
    return [n for n in topological_order(root) if n.requires_grad and at_kink(n, distance) is not None]


def _check_value_node(
    node: Any, eps: float, atol: float, rtol: float, mismatches: list, label: Callable[[Node], str]
) -> None:
    op = node.op_record
    parents = node.parents
    xs = [p.data for p in parents]
    recorded = node.local

    def forward(values: list[float]) -> float:
        return op.forward(*values, node.arg) if op.has_arg else op.forward(*values)

    for i, parent in enumerate(parents):
        if not parent.requires_grad:
            continue
        local = float(recorded[i].data if isinstance(recorded[i], Node) else recorded[i])
        numerical = _best_difference(forward, xs, i, local, eps, atol, rtol)
        if numerical is None:
            continue  # every step left the op's domain: cannot check here
        if not _close(local, numerical, atol, rtol):
            mismatches.append(LocalMismatch(node.op, node.name, i, label(parent), local, numerical))


def _best_difference(
    forward: Any, xs: list[float], i: int, local: float, eps: float, atol: float, rtol: float
) -> float | None:
    """Central differences of ``forward`` in input ``i``.

    Tries the absolute step ``eps`` and the relative step ``eps * |x|`` (log near 0 needs a
    smaller step, x**2 at 1e6 a larger one to beat rounding); returns the first estimate that
    agrees with ``local``, else the first one computed (None when every step leaves the op's
    domain).
    """
    x = xs[i]
    steps = [eps]
    if x != 0 and abs(x) != 1:
        steps.append(eps * abs(x))
    first = None
    for h in steps:
        up = list(xs)
        down = list(xs)
        up[i] = x + h
        down[i] = x - h
        try:
            estimate = (forward(up) - forward(down)) / (2 * h)
        except (ArithmeticError, ValueError):
            continue
        if first is None:
            first = estimate
        if _close(local, estimate, atol, rtol):
            return estimate
    return first


# -- Tensor nodes ---------------------------------------------------------------------------------
def _check_tensor_node(
    node: Any, eps: float, atol: float, rtol: float, mismatches: list, label: Callable[[Node], str]
) -> None:
    """Compare the op's VJP with central differences of the op alone, along random directions.

    With a random upstream ``g`` and a random direction ``d`` for input ``i``, the VJP gives
    ``<vjp_i(g), d>`` and central differences give ``(f(x + h d) - f(x - h d)) / 2h`` with
    ``f = sum(g * op(...))``: two evaluations of the op per input and probe, whatever its size.
    Two independent probes: one alone misses an error when ``<vjp_i(g), d>`` happens to cancel
    to nearly 0 (about once in a thousand draws).
    """
    rng = np.random.default_rng(len(node.parents) * 7919 + node.data.size)
    wrong: dict[int, LocalMismatch] = {}
    for _ in range(_PROBES):
        for mismatch in _probe_tensor_node(node, rng, eps, atol, rtol, label):
            wrong.setdefault(mismatch.input_index, mismatch)
    mismatches.extend(wrong[i] for i in sorted(wrong))


_PROBES = 2


def _probe_tensor_node(
    node: Any, rng: np.random.Generator, eps: float, atol: float, rtol: float, label: Callable[[Node], str]
) -> list:
    """One random (upstream, direction) probe of every input of a Tensor node."""
    replay = node.op_record.replay
    parents = node.parents
    g = rng.standard_normal(node.data.shape).astype(node.data.dtype)
    try:
        vjps = node.op_record.vjp(node, g)
    except Exception:  # noqa: BLE001 - a VJP that crashes is reported by the end-to-end check
        return []
    inputs = [Tensor(p.data.copy(), requires_grad=False) for p in parents]

    def f(i: int, x: np.ndarray) -> float:
        saved = inputs[i].data
        inputs[i].data = x
        try:
            with no_grad():
                out = replay(node, *inputs)
        finally:
            inputs[i].data = saved
        return float(np.sum(g.astype(np.float64) * np.asarray(out.data, dtype=np.float64)))

    found = []
    for i, parent in enumerate(parents):
        if not parent.requires_grad or vjps[i] is None:
            continue
        x = parent.data
        vjp = np.asarray(vjps[i], dtype=np.float64)
        if vjp.shape != x.shape:
            found.append(
                LocalMismatch(
                    node.op, node.name, i, label(parent), float("nan"), float("nan"),
                    f"its VJP has shape {vjp.shape} but the input has shape {x.shape} (a missing broadcast reduction?)",
                )
            )
            continue
        d = rng.choice((-1.0, 1.0), size=x.shape) * rng.uniform(0.5, 1.5, size=x.shape)
        local = float(np.sum(vjp * d))
        scale = float(np.sum(np.abs(vjp * d)))
        numerical = None
        for h in (eps, eps * max(1.0, float(np.max(np.abs(x))) if x.size else 1.0)):
            try:
                estimate = (f(i, x + h * d) - f(i, x - h * d)) / (2 * h)
            except (ArithmeticError, ValueError):
                continue
            numerical = estimate if numerical is None else numerical
            if abs(local - estimate) <= atol + rtol * max(abs(estimate), scale):
                numerical = estimate
                break
        else:
            if numerical is not None:
                detail = "(VJP along a random direction)"
                found.append(LocalMismatch(node.op, node.name, i, label(parent), local, numerical, detail))
    return found


def _close(a: float, n: float, atol: float, rtol: float) -> bool:
    return math.isfinite(a) and math.isfinite(n) and abs(a - n) <= atol + rtol * abs(n)


def _own_label(node: Node) -> str:
    return node.label


def _labeller(labels: Mapping[int, str]) -> Callable[[Node], str]:
    """What to call a node: ``labels[id(node)]`` when given, else its own ``label``."""
    return lambda node: labels.get(id(node), node.label)


def _where(node: Node) -> str:
    return f"{node.op} node {node.name!r}" if node.name is not None else f"{node.op} node"


def close_arrays(a: np.ndarray, n: np.ndarray, atol: float, rtol: float) -> bool:
    """Element-wise ``|a - n| <= atol + rtol * |n|`` everywhere (NaN never passes)."""
    return bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))
