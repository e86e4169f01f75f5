"""Hypothesis strategies for property-testing differentiable functions (public through
:mod:`autograd_core.testing`; the same strategies test chainrule itself).

Strategies stay away from domain edges and kinks *by construction* (``log(1 + a**2)``,
``a / (1 + b**2)``, inputs of relu nudged away from 0) rather than by throwing most examples
away, so every drawn example is a meaningful check.  Random expressions read every op from its
record: how it is written (infix or a call), how it runs on numbers (``forward``), on Values, or
with a NumPy-like module for an independent check (``numpy_form``), and whether it has a kink.

Needs the ``hypothesis`` package (installed with ``pip install 'chainrule[dev]'``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..extras import MissingExtraError

try:
    from hypothesis import HealthCheck, settings
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError:  # pragma: no cover - hypothesis comes with the dev extra
    raise MissingExtraError(
        "autograd_core.testing needs the hypothesis package: pip install 'chainrule[dev]'"
    ) from None

from ..define import apply_op
from ..expr import ARITHMETIC
from ..ops.record import OPS, TENSOR_OPS
from ..tensor import Tensor
from ..value import Value

__all__ = [
    "DEFAULT_OPS",
    "KINK_MARGIN",
    "Expression",
    "arrays",
    "broadcastable_shapes",
    "expressions",
    "load_profile",
    "register_profiles",
    "tensors",
    "values",
]

#: Every scalar op :func:`expressions` can use (the names of ``autograd_core.OPS``).
DEFAULT_OPS: tuple[str, ...] = (
    "add", "sub", "mul", "div", "neg", "pow", "powv", "exp", "log", "tanh", "sigmoid", "relu",
)

#: How far from a kink (relu at 0) drawn values are kept: far beyond the 1e-6 step of gradcheck.
KINK_MARGIN = 1e-3

# Expressions keep every intermediate value within this magnitude (by squashing operands with
# tanh): finite differences then lose at most ~1e-16 * 10 / 1e-6 = 1e-9 to rounding.
_MAGNITUDE_LIMIT = 10.0


# -- profiles -------------------------------------------------------------------------------------
def register_profiles() -> None:
    """Register the hypothesis profiles ``dev`` (20 examples), ``ci`` (100) and ``thorough``
    (1000), all without a deadline (a gradient check's time varies with the graph drawn)."""
    settings.register_profile("dev", max_examples=20, deadline=None)
    settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile(
        "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


def load_profile(name: str | None = None) -> str:
    """Register the profiles and load one: ``name``, else ``$HYPOTHESIS_PROFILE``, else ``ci``
    when ``$CI`` is set, else ``dev``.  Returns the name loaded.

    >>> load_profile("dev")
    'dev'
    """
    register_profiles()
    chosen = name or os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    settings.load_profile(chosen)
    return chosen


# -- scalars --------------------------------------------------------------------------------------
def _away_from(x: float, points: Sequence[float], margin: float) -> float:
    """Move ``x`` to at least ``margin`` from each point (a kink), keeping the side it was on."""
    for p in points:
        if abs(x - p) < margin:
            x = p + (margin if x >= p else -margin)
    return x


def values(
    min_value: float = -3.0,
    max_value: float = 3.0,
    *,
    name: str | None = None,
    away_from: Sequence[float] = (),
    margin: float = KINK_MARGIN,
) -> st.SearchStrategy[Value]:
    """``Value`` leaves with data in ``[min_value, max_value]``, never within ``margin`` of the
    points in ``away_from`` (e.g. ``away_from=(0,)`` for relu).

    >>> from hypothesis import given
    >>> from autograd_core import gradcheck
    >>> @given(values(away_from=(0.0,)))
    ... def test_relu(x):
    ...     gradcheck(lambda x: x.relu() * x, x)
    >>> test_relu()
    """
    if not min_value < max_value:
        raise ValueError(f"values: min_value {min_value} must be below max_value {max_value}")
    floats = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    return floats.map(lambda x: Value(_away_from(x, away_from, margin), name=name))


# -- random expression graphs ---------------------------------------------------------------------
@dataclass(frozen=True)
class Expression:
    """A random scalar function of a few inputs, as a list of steps over earlier nodes.

    ``expression(*nodes)`` builds it from ``Value`` nodes; ``expression.values()`` gives fresh
    leaves holding the drawn inputs (named ``x0``, ``x1``, ...); ``expression.with_numpy(np)``
    is the same function for a NumPy-like module (HIPS ``autograd.numpy`` for an independent
    check); ``expression.source`` is the formula in ``chainrule``'s formula language.
    """

    inputs: tuple[float, ...]
    steps: tuple[tuple[Any, ...], ...]  # (kind, operand indices, constant)
    output: tuple[int, ...]  # the nodes summed into the result (those no step used)

    def values(self) -> list[Value]:
        """Fresh ``Value`` leaves holding the drawn inputs."""
        return [Value(x, name=f"x{i}") for i, x in enumerate(self.inputs)]

    def __call__(self, *nodes: Any) -> Any:
        return self._run(nodes, _ON_VALUES)

    def with_numpy(self, module: Any) -> Callable[..., Any]:
        """The same function written with ``module.exp``, ``module.log``, ``module.tanh``, ...:
        each op as its record writes it with a NumPy-like module (``Op.numpy_form``).

        >>> import math, numpy
        >>> e = Expression((0.5,), (("tanh", (0,), None),), (1,))
        >>> float(e.with_numpy(numpy)(0.5)) == math.tanh(0.5)
        True
        """
        return lambda *xs: self._run(xs, module)

    def _run(self, inputs: Sequence[Any], functions: Any) -> Any:
        if len(inputs) != len(self.inputs):
            raise TypeError(f"expression: expected {len(self.inputs)} inputs, got {len(inputs)}")
        nodes = list(inputs)
        for kind, operands, constant in self.steps:
            a = nodes[operands[0]]
            b = nodes[operands[1]] if len(operands) > 1 else None
            nodes.append(_apply(kind, a, b, constant, functions))
        result = nodes[self.output[0]]
        for index in self.output[1:]:
            result = result + nodes[index]
        return result

    @property
    def source(self) -> str:
        """The expression as a formula, e.g. ``"t0 = x0 * x1; t1 = tanh(t0); out = t1 + t0"``."""
        names = [f"x{i}" for i in range(len(self.inputs))]
        lines = []
        for k, (kind, operands, constant) in enumerate(self.steps):
            a = names[operands[0]]
            b = names[operands[1]] if len(operands) > 1 else ""
            text = _source(kind, a, b, constant)
            names.append(f"t{k}")
            lines.append(f"t{k} = {text}")
        lines.append("out = " + " + ".join(names[i] for i in self.output))
        return "; ".join(lines)

    def __repr__(self) -> str:
        inputs = ", ".join(f"x{i}={x!r}" for i, x in enumerate(self.inputs))
        return f"Expression({self.source!r}, {inputs})"


def _source(kind: str, a: str, b: str, constant: Any) -> str:
    """One step in the formula language, as its op's record writes it (infix or a call)."""
    if kind == "addc":
        return f"{constant!r} + {a}"
    op = OPS[kind]
    if op.has_arg:
        return f"{a}{op.infix}{constant!r}" if op.infix else f"{kind}({a}, {constant!r})"
    if op.infix is not None:
        return f"{a}{op.infix}{b}" if b else f"{op.infix}{a}"
    return f"{kind}({a}, {b})" if b else f"{kind}({a})"


def _apply(kind: str, a: Any, b: Any, constant: Any, on: Any) -> Any:
    """One step of an expression: arithmetic as Python applies it (numbers, Values and arrays
    alike, :data:`autograd_core.expr.ARITHMETIC`); any other op as its record says, ``on``
    Values (:data:`_ON_VALUES`, the op itself), numbers (:data:`_ON_NUMBERS`, its ``forward``)
    or a NumPy-like module (its ``numpy_form``)."""
    if kind == "addc":
        kind, operands = "add", (constant, a)
    elif OPS[kind].has_arg:
        operands = (a, constant)
    else:
        operands = (a,) if b is None else (a, b)
    if kind in ARITHMETIC:
        return ARITHMETIC[kind](*operands)
    op = OPS[kind]
    if on is _ON_VALUES:
        if any(isinstance(x, Tensor) for x in operands) and kind in TENSOR_OPS:
            return TENSOR_OPS[kind].apply(*operands)  # the same op on arrays: one graph of Tensors
        return apply_op(kind, *operands)
    if on is _ON_NUMBERS:
        return op.forward(*operands)
    if op.numpy_form is None:
        raise ValueError(f"expression: the op {kind!r} has no NumPy form (its numpy_form); check it with Values only")
    return op.numpy_form(on, *operands)


_ON_VALUES = "values"
_ON_NUMBERS = "numbers"
_EXPONENTS = (2, 3, 0.5, -1, 1.5, -0.5)


class _Builder:
    """Grows an expression step by step, keeping every node finite, small and off its kinks."""

    def __init__(self, inputs: list[float], available: frozenset[str] | None = None) -> None:
        self.inputs = inputs
        self.data = list(inputs)  # the forward value of every node
        self.steps: list[tuple[Any, ...]] = []
        self.used: set[int] = set()
        self.available = available  # the ops the helpers below may emit (None: any)

    def has(self, op: str) -> bool:
        return self.available is None or op in self.available

    @property
    def can_squash(self) -> bool:
        return self.has("tanh") or self.has("div")

    def emit(self, kind: str, operands: tuple[int, ...], constant: Any = None) -> int:
        a = self.data[operands[0]]
        b = self.data[operands[1]] if len(operands) > 1 else None
        self.data.append(_apply(kind, a, b, constant, _ON_NUMBERS))
        self.steps.append((kind, operands, constant))
        self.used.update(operands)
        return len(self.data) - 1

    def small(self, i: int) -> int:
        """Node i, or tanh(node i) when it is too large to feed a growing op safely (without
        tanh: i / (1 + i**2), within [-0.5, 0.5]; with neither, node i itself)."""
        if abs(self.data[i]) <= 1.0 or not self.can_squash:
            return i
        if self.has("tanh"):
            return self.emit("tanh", (i,))
        return self.emit("div", (i, self.emit("addc", (self.square(i),), 1.0)))

    def square(self, i: int) -> int:
        return self.emit("pow", (i,), 2) if self.has("pow") else self.emit("mul", (i, i))

    def positive(self, i: int) -> int:
        """1 + node_i ** 2: at least 1, the safe base of log, pow and powv."""
        return self.emit("addc", (self.square(self.small(i)),), 1.0)

    def add_op(self, op: str, i: int, j: int, exponent: Any) -> int:
        if not self.can_squash and self._too_large(op, i, j):
            return self.emit("add", (i, j))  # nothing can squash a large operand: grow by a sum instead
        if op in ("add", "sub"):
            if abs(self.data[i]) + abs(self.data[j]) > _MAGNITUDE_LIMIT:
                i, j = self.small(i), self.small(j)
            return self.emit(op, (i, j))
        if op == "mul":
            if abs(self.data[i] * self.data[j]) > _MAGNITUDE_LIMIT:
                i, j = self.small(i), self.small(j)
            return self.emit("mul", (i, j))
        if op == "div":  # a / (1 + b**2)
            return self.emit("div", (i, self.positive(j)))
        if op == "neg":
            return self.emit("neg", (i,))
        if op == "pow":
            if exponent in (2, 3):
                return self.emit("pow", (self.small(i) if abs(self.data[i]) > 2 else i,), exponent)
            return self.emit("pow", (self.positive(i),), exponent)
        if op == "powv":  # (1 + a**2) ** tanh(b): base >= 1, exponent in (-1, 1)
            if self.has("tanh"):
                j = self.emit("tanh", (j,))
            elif self.has("div"):  # b / (1 + b**2), within [-0.5, 0.5]
                j = self.emit("div", (j, self.emit("addc", (self.square(j),), 1.0)))
            return self.emit("powv", (self.positive(i), j))  # (else |b| <= 1: checked above)
        if op == "exp":
            return self.emit("exp", (self.small(i) if abs(self.data[i]) > 2 else i,))
        if op == "log":  # log(1 + a**2)
            return self.emit("log", (self.positive(i),))
        if op == "relu":
            if abs(self.data[i]) < KINK_MARGIN:  # shift the input off the kink, keeping its side
                shift = 2 * KINK_MARGIN if self.data[i] >= 0 else -2 * KINK_MARGIN
                i = self.emit("addc", (i,), shift)
            return self.emit("relu", (i,))
        if op in ("tanh", "sigmoid"):
            return self.emit(op, (i,))
        if op in OPS:
            return self.registered(op, i, j)
        raise ValueError(f"expressions: unknown op {op!r}; choose from {', '.join(DEFAULT_OPS)}")

    def _too_large(self, op: str, i: int, j: int) -> bool:
        """A step that would grow past the magnitude limit unless its operands are squashed."""
        if op == "mul":
            return abs(self.data[i] * self.data[j]) > _MAGNITUDE_LIMIT
        if op == "powv":
            return abs(self.data[j]) > 1.0
        return op in ("exp", "pow") and abs(self.data[i]) > 2

    def registered(self, op: str, i: int, j: int) -> int:
        """An op defined with ``define_op``: operands squashed into [-1, 1] (with tanh), and for an
        op with a kink where two inputs tie (maximum, minimum) the second shifted off the tie."""
        i = self.small(i)
        if OPS[op].arity == 1:
            return self.emit(op, (i,))
        j = self.small(j)
        if OPS[op].kink is not None and abs(self.data[i] - self.data[j]) < KINK_MARGIN:
            j = self.emit("addc", (j,), 2 * KINK_MARGIN if self.data[j] >= self.data[i] else -2 * KINK_MARGIN)
        return self.emit(op, (i, j))

    def finish(self) -> Expression:
        n = len(self.data)
        output = tuple(k for k in range(len(self.inputs), n) if k not in self.used) or (n - 1,)
        return Expression(tuple(self.inputs), tuple(self.steps), output)


@st.composite
def _expressions(
    draw: Any, ops: tuple[str, ...], n_inputs: Any, max_steps: int, low: float, high: float,
    available: frozenset[str] | None = None,
) -> Expression:
    count = draw(n_inputs) if isinstance(n_inputs, st.SearchStrategy) else int(n_inputs)
    inputs = [draw(st.floats(low, high, allow_nan=False, allow_infinity=False)) for _ in range(count)]
    builder = _Builder(inputs, available)
    for _ in range(draw(st.integers(1, max_steps))):
        existing = len(builder.data)
        # Operands lean towards recent nodes (deep graphs) but any earlier node may be reused (fan-out).
        i = draw(st.integers(0, existing - 1))
        j = draw(st.integers(0, existing - 1))
        builder.add_op(draw(st.sampled_from(ops)), i, j, draw(st.sampled_from(_EXPONENTS)))
    return builder.finish()


def expressions(
    ops: Sequence[str] = DEFAULT_OPS,
    *,
    n_inputs: int | st.SearchStrategy[int] | None = None,
    max_steps: int = 8,
    min_value: float = -2.0,
    max_value: float = 2.0,
    available: Sequence[str] | None = None,
) -> st.SearchStrategy[Expression]:
    """Random scalar graphs over ``ops`` (names from :data:`DEFAULT_OPS`, or ops you defined with
    :func:`autograd_core.define_op`), with fan-out and reuse.

    ``n_inputs``: a number or a strategy (1 to 3 inputs by default), drawn in
    ``[min_value, max_value]``; ``max_steps``: the most ops applied.

    Each step applies an op to any earlier nodes (so nodes are reused); the result is the sum of
    the nodes no step used.  Domains and kinks are avoided by construction: ``log`` and
    fractional powers take ``1 + a**2``, ``div`` is ``a / (1 + b**2)``, a ``Value`` exponent is
    ``tanh(b)``, large operands of ``mul``/``exp``/``pow`` are squashed with ``tanh`` and an input
    of ``relu`` within :data:`KINK_MARGIN` of 0 is shifted off it, so no example is thrown away.
    An op of your own gets its operands in [-1, 1] (squashed with tanh when larger); ``maximum``
    and ``minimum`` get operands at least :data:`KINK_MARGIN` apart.

    ``available``: every op the graph may contain, the helpers above included (for an engine
    that has only some ops, e.g. ``("add", "mul", "div", "relu")``); it must contain ``ops``,
    ``add`` and ``mul``.  Without ``tanh`` a large operand is squashed as ``a / (1 + a*a)``;
    with neither ``tanh`` nor ``div`` a step that would grow too large becomes a sum.

    >>> from hypothesis import given
    >>> from autograd_core import gradcheck
    >>> @given(expressions(ops=("mul", "tanh", "log")))
    ... def test_graphs(e):
    ...     gradcheck(e, *e.values())
    >>> test_graphs()
    """
    ops = tuple(ops)
    if n_inputs is None:
        n_inputs = st.integers(1, 3)
    unknown = [op for op in ops if op not in DEFAULT_OPS and op not in OPS]
    if not ops or unknown:
        raise ValueError(
            f"expressions: unknown ops {unknown or '(none given)'}; choose from {', '.join(DEFAULT_OPS)} "
            "or an op defined with autograd_core.define_op"
        )
    for op in ops:
        if op not in DEFAULT_OPS and OPS[op].has_arg:
            raise ValueError(f"expressions: the op {op!r} takes a constant; expressions draw ops without one")
    if available is not None:
        available = frozenset(available)
        lacking = [op for op in (*ops, "add", "mul") if op not in available]
        if lacking:
            raise ValueError(f"expressions: available must contain the ops drawn, add and mul; it lacks {lacking}")
    return _expressions(ops, n_inputs, max_steps, min_value, max_value, available)


# -- arrays and tensors ---------------------------------------------------------------------------
def _shapes(shape: Any) -> st.SearchStrategy[tuple[int, ...]]:
    if shape is None:
        return hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
    if isinstance(shape, st.SearchStrategy):
        return shape
    return st.just(tuple(int(s) for s in shape))


@st.composite
def _arrays(draw: Any, shape: Any, dtype: Any, low: float, high: float, away_from: Sequence[float], min_gap: Any):
    dtype = np.dtype(dtype)
    size = draw(_shapes(shape))
    if min_gap is not None:
        # Distinct values at least min_gap apart by construction: increasing steps, then shuffled.
        count = int(np.prod(size))
        gaps = draw(hnp.arrays(np.float64, count, elements=st.floats(min_gap, 2 * min_gap + 0.5)))
        start = draw(st.floats(low, high, allow_nan=False))
        flat = start + np.cumsum(gaps) - gaps[0]
        order = draw(st.permutations(range(count)))
        return flat[list(order)].reshape(size).astype(dtype)
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False, width=min(64, dtype.itemsize * 8))
    array = draw(hnp.arrays(dtype, size, elements=elements))
    if away_from:
        array = np.vectorize(lambda x: _away_from(float(x), away_from, KINK_MARGIN), otypes=[dtype])(array)
        array = np.asarray(array, dtype=dtype).reshape(size)
    return array


def arrays(
    shape: Any = None,
    dtype: Any = np.float64,
    *,
    min_value: float = -3.0,
    max_value: float = 3.0,
    away_from: Sequence[float] = (),
    min_gap: float | None = None,
) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of ``shape`` (a tuple, a strategy, or None for 0 to 3 dims of 1 to 4).

    ``away_from``: keep every element at least :data:`KINK_MARGIN` from these points (relu, abs).
    ``min_gap``: all elements distinct and at least ``min_gap`` apart (max and sort have no ties).

    >>> from hypothesis import given
    >>> @given(arrays((2, 3)))
    ... def test_shape(a):
    ...     assert a.shape == (2, 3)
    >>> test_shape()
    """
    return _arrays(shape, dtype, min_value, max_value, tuple(away_from), min_gap)


def tensors(
    shape: Any = None,
    dtype: Any = np.float64,
    *,
    min_value: float = -3.0,
    max_value: float = 3.0,
    away_from: Sequence[float] = (),
    min_gap: float | None = None,
    requires_grad: bool = True,
    name: str | None = None,
) -> st.SearchStrategy[Any]:
    """``Tensor`` leaves whose data come from :func:`arrays` (same arguments).

    >>> from hypothesis import given
    >>> from autograd_core import gradcheck
    >>> @given(tensors((2, 3)))
    ... def test_sum(x):
    ...     gradcheck(lambda x: (x * x).sum(), x)
    >>> test_sum()
    """
    return arrays(shape, dtype, min_value=min_value, max_value=max_value, away_from=away_from, min_gap=min_gap).map(
        lambda a: Tensor(a, requires_grad=requires_grad, name=name)
    )


def broadcastable_shapes(
    *, min_dims: int = 0, max_dims: int = 3, max_side: int = 4
) -> st.SearchStrategy[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Pairs of shapes that broadcast together, e.g. ``((3, 1), (4,))`` -> ``(3, 4)``.

    >>> from hypothesis import given
    >>> @given(broadcastable_shapes())
    ... def test_pairs(pair):
    ...     np.broadcast_shapes(*pair)
    >>> test_pairs()
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda b: tuple(b.input_shapes))
