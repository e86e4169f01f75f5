"""Say which op is wrong: check every node's recorded local derivatives on their own.

A wrong end gradient only says that something on the way is wrong.  Here each node of a graph is
checked alone: for a ``Value`` node, each recorded local derivative d(node)/d(input) (``node.local``)
is compared with central differences of the node's op (``OPS[node.op].forward``) at the node's
inputs.  For a ``Tensor`` node whose class can replay an op (``_replay``), the op's
vector-Jacobian product is compared the same way.  The result names the op, the node and the input.

Example:
    >>> from autograd_core import Value
    >>> from autograd_core.local_check import check_local_derivatives
    >>> x = Value(0.3, name="x")
    >>> h = x.tanh(); h.name = "h1"
    >>> check_local_derivatives(h, eps=1e-6, atol=1e-7, rtol=1e-5)
    ([], [])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from .gradcheck_report import LocalMismatch
from .graph import Node, topological_order
from .value import OPS, Value

#: Ops with a kink (a point where the derivative jumps) and where the kink lies for each input.
KINK_OPS = ("relu", "abs", "max", "min", "maximum", "minimum", "leaky_relu", "clip")


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
    named = labels or {}
    distance = 10 * eps if kink_distance is None else kink_distance
    mismatches: list[LocalMismatch] = []
    warnings: list[str] = []
    for node in topological_order(root):
        if not node.parents or not node.requires_grad:
            continue
        if isinstance(node, Value):
            _check_value_node(node, eps, atol, rtol, distance, mismatches, warnings, named)
        elif getattr(node, "_vjp", None) is not None and node.op in _REPLAY:
            _check_tensor_node(node, eps, atol, rtol, distance, mismatches, warnings, named)
    return mismatches, warnings


def at_kink(node: Node, distance: float) -> bool:
    """True when an input of ``node`` (relu, abs, max, ...) lies within ``distance`` of its kink,
    where central differences average the two one-sided derivatives.

    >>> from autograd_core import Value
    >>> at_kink(Value(0.0).relu(), 1e-5), at_kink(Value(0.5).relu(), 1e-5)
    (True, False)
    """
    if node.op not in KINK_OPS or not node.parents:
        return False
    if isinstance(node, Value):
        parents = node.parents
        if len(parents) == 2:  # maximum / minimum of two inputs: the kink is where they tie
            return abs(parents[0].data - parents[1].data) < distance
        return abs(parents[0].data) < distance
    return _near_kink(node, distance) is not None


def nodes_at_kinks(root: Node, distance: float) -> list[Node]:
    """The nodes ``root`` depends on (through inputs that require grad) that sit at a kink."""
    return [n for n in topological_order(root) if n.requires_grad and at_kink(n, distance)]


def _check_value_node(
    node: Value, eps: float, atol: float, rtol: float, distance: float, mismatches: list, warnings: list,
    labels: Mapping[int, str],
) -> None:
    op = OPS.get(node.op)
    if op is None:
        return
    parents = node.parents
    xs = [p.data for p in parents]
    if at_kink(node, distance):
        if len(parents) == 2:
            first, second = _label(parents[0], labels), _label(parents[1], labels)
            where = f"its inputs {first!r} = {xs[0]:.3g} and {second!r} = {xs[1]:.3g} are "
            where += f"within {distance:.1g} of each other (a tie, its kink)"
        else:
            where = f"its input {_label(parents[0], labels)!r} = {xs[0]:.3g} is within {distance:.1g} of the kink at 0"
        warnings.append(
            f"{_where(node)}: {where}; finite differences straddle it (they give about 0.5 there), "
            "so this point cannot be checked"
        )
        return
    recorded = node.local

    def forward(values: list[float]) -> float:
        return op.forward(*values, node.arg) if op.has_arg else op.forward(*values)

    for i, parent in enumerate(parents):
        if not parent.requires_grad:
            continue
        local = float(recorded[i].data if isinstance(recorded[i], Value) else recorded[i])
        numerical = _best_difference(forward, xs, i, local, eps, atol, rtol)
        if numerical is None:
            continue  # every step left the op's domain: cannot check here
        if not _close(local, numerical, atol, rtol):
            mismatches.append(LocalMismatch(node.op, node.name, i, _label(parent, labels), local, numerical))


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
class _ReplayTable:
    """How to run each Tensor op again on fresh inputs: op name -> f(node, *inputs) -> Tensor.

    Read from the ops' own definitions (``TENSOR_OPS``, custom ops included), looked up on use
    (the Tensor modules import this one's package, and ops may be defined later).
    """

    @staticmethod
    def _replay(key: object) -> Any:
        from .tensor_define import TENSOR_OPS

        entry = TENSOR_OPS.get(key) if isinstance(key, str) else None
        return None if entry is None else entry.replay

    def __contains__(self, key: object) -> bool:
        return self._replay(key) is not None

    def __getitem__(self, key: str) -> Any:
        replay = self._replay(key)
        if replay is None:
            raise KeyError(key)
        return replay


_REPLAY = _ReplayTable()


def _near_kink(node: Node, distance: float) -> str | None:
    """Why finite differences cannot be trusted at this node (an input at a kink), or None."""
    x = node.parents[0].data
    kinks = {"relu": (0.0,), "abs": (0.0,), "leaky_relu": (0.0,)}.get(node.op)
    if node.op == "clip":
        kinks = tuple(b for b in node.arg if b is not None)
    if kinks is not None:
        close = np.zeros(x.shape, dtype=bool)
        for kink in kinks:
            close |= np.abs(x - kink) < distance
        if close.any():
            count = int(close.sum())
            return f"{count} input entr{'y' if count == 1 else 'ies'} within {distance:.1g} of a kink"
    if node.op in ("maximum", "minimum") and len(node.parents) == 2:
        if (np.abs(x - node.parents[1].data) < distance).any():
            return f"its two inputs within {distance:.1g} of each other (a tie: the gradient is split there)"
    if node.op in ("max", "min") and x.size > 1:
        axes = node._saved[0]
        moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0))) if axes else x
        flat = moved.reshape(moved.shape[: moved.ndim - len(axes)] + (-1,)) if axes else x.reshape(1, -1)
        if flat.shape[-1] > 1:
            ordered = np.sort(flat, axis=-1)
            pair = ordered[..., -2:] if node.op == "max" else ordered[..., :2]
            if (np.abs(pair[..., 1] - pair[..., 0]) < distance).any():
                which = "maximum" if node.op == "max" else "minimum"
                return f"two entries within {distance:.1g} of the {which} (a tie: the gradient is split there)"
    return None


def _check_tensor_node(
    node: Any, eps: float, atol: float, rtol: float, distance: float, mismatches: list, warnings: list,
    labels: Mapping[int, str],
) -> None:
    """Compare the op's VJP with central differences of the op alone, along random directions.

    With a random upstream ``g`` and a random direction ``d`` for input ``i``, the VJP gives
    ``<vjp_i(g), d>`` and central differences give ``(f(x + h d) - f(x - h d)) / 2h`` with
    ``f = sum(g * op(...))``: two evaluations of the op per input and probe, whatever its size.
    Two independent probes: one alone misses an error when ``<vjp_i(g), d>`` happens to cancel
    to nearly 0 (about once in a thousand draws).
    """
    if node.op in KINK_OPS:
        reason = _near_kink(node, distance)
        if reason:
            warnings.append(f"{_where(node)}: {reason}; finite differences straddle it, so it is not checked")
            return
    rng = np.random.default_rng(len(node.parents) * 7919 + node.data.size)
    wrong: dict[int, LocalMismatch] = {}
    for _ in range(_PROBES):
        for mismatch in _probe_tensor_node(node, rng, eps, atol, rtol, labels):
            wrong.setdefault(mismatch.input_index, mismatch)
    mismatches.extend(wrong[i] for i in sorted(wrong))


_PROBES = 2


def _probe_tensor_node(
    node: Any, rng: np.random.Generator, eps: float, atol: float, rtol: float, labels: Mapping[int, str]
) -> list:
    """One random (upstream, direction) probe of every input of a Tensor node."""
    from .graph import no_grad
    from .tensor import Tensor

    replay = _REPLAY[node.op]
    parents = node.parents
    g = rng.standard_normal(node.data.shape).astype(node.data.dtype)
    try:
        vjps = node._vjp(node, g)
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
                    node.op, node.name, i, _label(parent, labels), float("nan"), float("nan"),
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
                found.append(LocalMismatch(node.op, node.name, i, _label(parent, labels), local, numerical, detail))
    return found


def _close(a: float, n: float, atol: float, rtol: float) -> bool:
    return math.isfinite(a) and math.isfinite(n) and abs(a - n) <= atol + rtol * abs(n)


def _label(node: Node, labels: Mapping[int, str]) -> str:
    return labels.get(id(node), node.label)


def _where(node: Node) -> str:
    return f"{node.op} node {node.name!r}" if node.name is not None else f"{node.op} node"


def close_arrays(a: np.ndarray, n: np.ndarray, atol: float, rtol: float) -> bool:
    """Element-wise ``|a - n| <= atol + rtol * |n|`` everywhere (NaN never passes)."""
    return bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))
