"""Check backprop against numerical gradients, and say where a wrong gradient comes from.

:func:`gradcheck` compares backprop with central differences for every input element of a
function of ``Value``/``Tensor`` nodes (numbers and arrays are wrapped for you), checks each
node's local derivatives on its own to name the op that is wrong (:mod:`.local`), runs a few
cheap sanity checks, and returns a :class:`GradcheckReport` (raising :class:`GradcheckError` on
failure).  :mod:`.model` does the same for a model's parameters; :mod:`.numerical` holds the one
central-difference gradient both use.

Example:
    >>> from autograd_core.check.gradcheck import gradcheck
    >>> report = gradcheck(lambda x, y: x ** 3 * y.exp(), 2.0, 0.5)
    >>> report.passed
    True
    >>> print(report.table())  # doctest: +SKIP
    input  shape  max abs err  rel err   worst at  backprop  numerical  ok
    x      ()     1.45e-09     3.65e-11  -         19.7843   19.7843    ok
    y      ()     2.79e-10     8.49e-12  -         13.1895   13.1895    ok
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..graph import Node, no_grad, topological_order, zero_grad
from ..tensor import Tensor
from ..value import Value
from .local import check_local_derivatives, nodes_at_kinks
from .numerical import central_differences
from .report import GradcheckError, GradcheckReport, GradcheckWarning, compare

__all__ = ["gradcheck", "parameter_names"]

_NOTE_KINK = (
    "An input sits at a kink (see the warnings): the derivative jumps there and central differences "
    "average the two sides, so a disagreement at this point proves nothing; check a point away from it."
)
_NOTE_LOW_PRECISION = (
    "An input is {dtype} (see the warnings): a step of eps={eps:g} is below the resolution of {dtype}, "
    "so central differences lose most of their digits and this disagreement is expected from {dtype} "
    "finite differences; it says nothing about the gradients.  Re-check in float64 "
    "(e.g. x.astype(np.float64)) to know."
)
_NOTE_FLOW = (
    "Every recorded local derivative agrees with its op, so the error is in how gradients are "
    "combined or routed (a missing broadcast reduction, a transposed matrix, an op whose backward "
    "cannot be checked alone)."
)

# -- gradcheck ------------------------------------------------------------------------------------
def gradcheck(
    fn: Callable[..., Node],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-7,
    rtol: float = 1e-5,
    names: Sequence[str] | None = None,
    upstream: Any = None,
    check_locals: bool = True,
    extra_checks: bool = True,
    kink_distance: float | None = None,
    raise_exception: bool = True,
    seed: int = 0,
) -> GradcheckReport:
    """Compare backprop with central differences for every element of every input of ``fn``.

    ``inputs`` are ``Value`` or ``Tensor`` nodes (plain numbers become ``Value`` leaves, arrays
    become ``Tensor`` leaves, and numbers given with arrays become 0-d ``Tensor`` leaves).
    ``fn(*inputs)`` returns a node; when it is not a single number, its gradient is checked
    along an upstream gradient (``upstream``, else a fixed random one).
    An element passes when ``|backprop - numerical| <= atol + rtol * |numerical|``.

    Besides the end gradients, every node's recorded local derivatives are checked against its
    op alone (``check_locals``), so a report names the wrong op; and (``extra_checks``) a zero
    upstream gradient must give exactly zero gradients, backward run twice must give identical
    results and each gradient must have its input's shape and dtype.  Float32 inputs and inputs of
    relu/abs/max within ``kink_distance`` (10 eps) of the kink give warnings.  Every gradient in
    the graph is left as it was found.

    Raises :class:`GradcheckError` (an ``AssertionError``) on failure unless
    ``raise_exception=False``; returns the :class:`GradcheckReport`.  A failure that finite
    differences cannot be trusted with (every disagreeing input feeds an op at its kink, or is
    float32) still raises, but the report says ``INCONCLUSIVE at a kink`` (or ``in float32``) and
    its note says to check another point (or to re-check in float64) instead of blaming backprop.

    Inputs are called by ``names``, else by their node's name, else by ``fn``'s own parameter
    names (``lambda x, y: ...`` calls them ``x`` and ``y``), in the report and in the error.

    >>> from autograd_core import Value
    >>> x = Value(0.5, name="x")
    >>> gradcheck(lambda x: (x * x).tanh(), x).passed
    True
    """
    __tracebackhide__ = True  # a failure under pytest shows the verdict, not this function's source
    if not callable(fn):
        raise TypeError(f"gradcheck: fn must be callable, got {type(fn).__name__}")
    if not inputs:
        raise ValueError("gradcheck: give at least one input to check, e.g. gradcheck(f, Value(2.0))")
    if names is not None and len(names) != len(inputs):
        raise ValueError(f"gradcheck: {len(names)} names for {len(inputs)} inputs")
    arrays = any(isinstance(x, (np.ndarray, list, tuple)) or (isinstance(x, Node) and not isinstance(x, Value))
                 for x in inputs)
    parameters = parameter_names(fn, len(inputs))
    leaves = [_as_leaf(x, i, arrays, parameters[i]) for i, x in enumerate(inputs)]
    labels = [_label(leaf, i, names, parameters[i]) for i, leaf in enumerate(leaves)]
    report = GradcheckReport([], eps, atol, rtol)
    report.warnings.extend(_float32_warnings(leaves, labels))

    with _saved_grads(leaves) as saved:
        for leaf in leaves:
            leaf.grad = leaf._empty_grad
        out = fn(*leaves)
        _check_output(out)
        saved.extend(topological_order(out))
        u = _upstream(out, upstream, seed)
        zero_grad(out)
        out.backward(u)
        analytic = [_grad_array(leaf) for leaf in leaves]
        if extra_checks:
            report.failed_checks.extend(_extra_checks(out, u, leaves, labels, analytic))
        if check_locals:
            mismatches, kinks = check_local_derivatives(
                out, eps=eps, atol=atol, rtol=rtol, kink_distance=kink_distance,
                labels={id(leaf): label for leaf, label in zip(leaves, labels)},
            )
            report.local_mismatches.extend(mismatches)
            report.warnings.extend(kinks)
        zero_grad(out)
    for leaf, label, grad in zip(leaves, labels, analytic):
        numerical = _numerical_for_leaf(fn, leaves, leaf, label, u, eps)
        report.rows.append(compare(label, grad, numerical, atol=atol, rtol=rtol))
    distance = 10 * eps if kink_distance is None else kink_distance
    _judge(report, check_locals, _low_precision(leaves, labels, out), _kink_rows(out, leaves, labels, distance))
    _emit_warnings(report)
    if raise_exception and not report.passed:
        raise GradcheckError(report)
    return report


def parameter_names(fn: Callable[..., Any], count: int) -> list[str | None]:
    """The names ``fn`` gives its first ``count`` positional parameters (None where it has none:
    ``*args``, a builtin without a signature).

    >>> parameter_names(lambda x, y=1: x, 3)
    ['x', 'y', None]
    """
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return [None] * count
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names: list[str | None] = []
    for p in parameters:
        if p.kind not in positional:
            break
        names.append(p.name)
    return (names + [None] * count)[:count]


def _as_leaf(x: Any, i: int, arrays: bool, parameter: str | None = None) -> Node:
    """An input as a node: numbers become ``Value`` leaves, or 0-d ``Tensor`` leaves when the
    other inputs are arrays or Tensors (the two kinds of node do not mix), named after ``fn``'s
    parameter (else ``x0``, ``x1``, ...)."""
    name = parameter or f"x{i}"
    if isinstance(x, Node):
        if not x.requires_grad:
            raise ValueError(
                f"gradcheck: input {i} ({x._describe()}) has requires_grad=False, so it has no gradient to check"
            )
        return x
    if isinstance(x, (int, float, np.floating, np.integer)) and not isinstance(x, bool) and not arrays:
        return Value(float(x), name=name)
    if isinstance(x, (np.ndarray, list, tuple, int, float, np.floating, np.integer)) and not isinstance(x, bool):
        array = np.array(x, dtype=np.float64) if not isinstance(x, np.ndarray) or x.dtype.kind != "f" else x.copy()
        return Tensor(array, requires_grad=True, name=name)
    raise TypeError(
        f"gradcheck: input {i} must be a Value, a Tensor, a number or an array, got {type(x).__name__}: {x!r:.60}"
    )


def _label(leaf: Node, i: int, names: Sequence[str] | None, parameter: str | None = None) -> str:
    if names is not None:
        return str(names[i])
    if leaf.name is not None:
        return leaf.name
    return parameter or f"input{i}"


def _float32_warnings(leaves: Iterable[Node], labels: Iterable[str]) -> list[str]:
    found = []
    for leaf, label in zip(leaves, labels):
        dtype = getattr(leaf.data, "dtype", None)
        if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
            found.append(
                f"{label} is {dtype}: central differences in {dtype} lose most of their digits "
                "(a step of 1e-6 is below its resolution); check in float64, e.g. x.astype(np.float64)"
            )
    return found


def _check_output(out: Any) -> None:
    if not isinstance(out, Node):
        raise TypeError(
            f"gradcheck: fn must return a Value or Tensor built from its inputs, got {type(out).__name__}: {out!r:.60}"
        )
    if not out.requires_grad:
        raise ValueError(
            f"gradcheck: fn's result ({out._describe()}) does not depend on any input that requires a gradient"
        )


def _upstream(out: Node, upstream: Any, seed: int) -> Any:
    """The gradient to start backward from: 1 for a single number, else a fixed random array."""
    if isinstance(out, Value):
        return 1.0 if upstream is None else float(upstream)
    shape = np.shape(out.data)
    if upstream is not None:
        u = np.asarray(upstream, dtype=out.data.dtype)
        if u.shape != shape:
            raise ValueError(f"gradcheck: upstream has shape {u.shape} but fn's result has shape {shape}")
        return u
    if int(np.prod(shape)) == 1:
        return np.ones(shape, dtype=out.data.dtype)
    return np.random.default_rng(seed).standard_normal(shape).astype(out.data.dtype)


def _project(out: Any, u: Any) -> float:
    """The number whose gradient backprop computed: the output, or sum(upstream * output)."""
    if isinstance(out, Value):
        return out.data * u
    data = out.data if isinstance(out, Node) else np.asarray(out)
    return float(np.sum(np.asarray(u, dtype=np.float64) * np.asarray(data, dtype=np.float64)))


def _grad_array(leaf: Node) -> np.ndarray:
    grad = leaf.grad
    if grad is None:
        return np.zeros(np.shape(leaf.data), dtype=np.float64)
    value = grad.data if isinstance(grad, Node) else grad
    return np.array(value, dtype=np.float64)


class _saved_grads:
    """Remember every gradient a check may touch and put them back afterwards."""

    def __init__(self, leaves: list[Node]) -> None:
        self.nodes = list(leaves)

    def __enter__(self) -> list[Node]:
        self.grads: dict[int, Any] = {}
        self._remember(self.nodes)
        return _Remembering(self)

    def _remember(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            if id(node) not in self.grads:
                grad = node.grad
                self.grads[id(node)] = (node, grad.copy() if isinstance(grad, np.ndarray) else grad)

    def __exit__(self, *exc: Any) -> None:
        for node, grad in self.grads.values():
            node.grad = grad


class _Remembering(list):
    """A list whose ``extend`` also records the nodes' current gradients."""

    def __init__(self, owner: _saved_grads) -> None:
        super().__init__()
        self.owner = owner

    def extend(self, nodes: Iterable[Node]) -> None:  # type: ignore[override]
        nodes = list(nodes)
        self.owner._remember(nodes)
        super().extend(nodes)


def _extra_checks(out: Node, u: Any, leaves: list[Node], labels: list[str], first: list[np.ndarray]) -> list[str]:
    """Cheap checks that catch whole classes of bugs without finite differences."""
    failed = []
    for leaf, label in zip(leaves, labels):
        grad = leaf.grad
        if grad is None or isinstance(leaf, Value):
            if isinstance(leaf, Value) and not isinstance(grad, (float, int)):
                failed.append(f"gradient of {label!r} is a {type(grad).__name__}, expected a float")
            continue
        data = leaf.data
        # A wrong shape is reported by the row itself (it cannot be compared element by element).
        if np.shape(grad) == np.shape(data) and getattr(grad, "dtype", None) != getattr(data, "dtype", None):
            failed.append(
                f"gradient of {label!r} has dtype {getattr(grad, 'dtype', type(grad).__name__)} "
                f"but the input has dtype {data.dtype}"
            )
    zero_grad(out)
    out.backward(u)
    second = [_grad_array(leaf) for leaf in leaves]
    for label, a, b in zip(labels, first, second):
        if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
            failed.append(f"backward run twice gave different gradients for {label!r} (max difference {_gap(a, b)})")
    zero_grad(out)
    out.backward(0.0 if isinstance(out, Value) else np.zeros_like(u))
    for leaf, label in zip(leaves, labels):
        g = _grad_array(leaf)
        if np.any(g != 0):
            failed.append(
                f"a zero upstream gradient gave a non-zero gradient for {label!r} (max {np.max(np.abs(g)):.3g})"
            )
    return failed


def _gap(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape:
        return f"shapes {a.shape} and {b.shape}"
    return f"{float(np.nanmax(np.abs(a - b))):.3g}" if a.size else "0"


class _ShapeChanged(ValueError):
    """fn's result has another shape once an input is nudged."""


def _numerical_for_leaf(fn: Callable[..., Node], leaves: list[Node], leaf: Node, label: str, u: Any, eps: float):
    """Central differences of sum(u * fn(...)) with respect to one input, element by element."""

    shape = np.shape(u)

    def evaluate() -> float:
        with no_grad():
            out = fn(*leaves)
        if not isinstance(out, Value) and np.shape(getattr(out, "data", out)) != shape:
            raise _ShapeChanged(
                f"gradcheck: fn's result changed shape from {shape} to {np.shape(getattr(out, 'data', out))} "
                f"when {label!r} was nudged: fn must not branch on its inputs' values (e.g. a mask "
                "computed from them inside fn; compute it once, outside)"
            )
        return _project(out, u)

    try:
        if isinstance(leaf, Value):
            saved = leaf.data
            try:
                leaf.data = saved + eps
                up = evaluate()
                leaf.data = saved - eps
                down = evaluate()
            finally:
                leaf.data = saved
            return np.float64((up - down) / (2 * eps))
        return central_differences(lambda _: evaluate(), leaf.data, eps)
    except _ShapeChanged:
        raise
    except (ArithmeticError, ValueError) as error:
        raise ValueError(
            f"gradcheck: fn failed when {label!r} was nudged by eps={eps:g} ({type(error).__name__}: {error}); "
            "the input sits at the edge of an op's domain: move it or use a smaller eps"
        ) from error


def _low_precision(nodes: Sequence[Node], labels: Sequence[str], out: Node | None = None) -> dict[str, str]:
    """The rows whose numerical gradient is taken in less than float64: label -> dtype name
    (every row when the output itself is low precision)."""
    def dtype_of(node: Any) -> Any:
        dtype = getattr(node.data, "dtype", None)
        return dtype if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8 else None

    found = {label: str(dtype_of(node)) for node, label in zip(nodes, labels) if dtype_of(node) is not None}
    if out is not None and dtype_of(out) is not None:
        found.update({label: str(dtype_of(out)) for label in labels if label not in found})
    return found


def _kink_rows(out: Node, nodes: Sequence[Node], labels: Sequence[str], distance: float) -> set[str]:
    """The rows whose input feeds an op sitting at its kink (where finite differences give 0.5)."""
    upstream_of_kinks: set[Node] = set()
    for node in nodes_at_kinks(out, distance):
        upstream_of_kinks.update(topological_order(node))
    return {label for node, label in zip(nodes, labels) if node in upstream_of_kinks}


def _judge(report: GradcheckReport, checked_locals: bool, low_precision: dict[str, str], kinks: set[str]) -> None:
    """Explain a failure in the notes, and mark it inconclusive when every disagreement comes from
    where finite differences cannot be trusted: an input at a kink, or a float32 input.  A failed
    extra check (zero upstream, repeat, shape, dtype) does not depend on finite differences, so it
    is never inconclusive; nor are wrong local derivatives in float64 (they name the wrong op)."""
    if report.passed:
        return
    failing = [r.name for r in report.rows if not r.passed]
    at_kink = [name for name in failing if name in kinks]
    in_low = [name for name in failing if name not in kinks and name in low_precision]
    unexplained = [name for name in failing if name not in kinks and name not in low_precision]
    low_mismatches = bool(report.local_mismatches and low_precision)
    if in_low or low_mismatches:
        dtype = next(iter(low_precision.values()))
        report.notes.append(_NOTE_LOW_PRECISION.format(dtype=dtype, eps=report.eps))
    if at_kink:
        report.notes.append(_NOTE_KINK)
    if unexplained:
        _add_flow_note(report, checked_locals, unexplained)
    if unexplained or report.failed_checks or (report.local_mismatches and not low_precision):
        return
    reasons = ["at a kink"] if at_kink else []
    if in_low or low_mismatches:
        reasons.append(f"in {next(iter(low_precision.values()))}")
    report.inconclusive_reason = " and ".join(reasons)


def _add_flow_note(report: GradcheckReport, checked_locals: bool, failing: list[str]) -> None:
    if checked_locals and failing and not report.local_mismatches:
        report.notes.append(_NOTE_FLOW)


def _emit_warnings(report: GradcheckReport) -> None:
    for message in report.warnings:
        warnings.warn(f"{report.title}: {message}", GradcheckWarning, stacklevel=3)
