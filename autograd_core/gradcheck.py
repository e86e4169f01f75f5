"""Check backprop against numerical gradients, and say where a wrong gradient comes from.

- :func:`numerical_gradient` is the textbook's central-difference gradient of ``f`` with respect
  to an array ``x`` that ``f`` reads (perturbed in place, element by element, and restored).
- :func:`gradcheck` compares backprop with central differences for every input element of a
  function of ``Value``/``Tensor`` nodes (numbers and arrays are wrapped for you), checks each
  node's local derivatives on its own to name the op that is wrong, runs a few cheap sanity
  checks, and returns a :class:`GradcheckReport` (raising :class:`GradcheckError` on failure).
- :func:`check_model` does the same for a model's parameters, as the seeds do for W1, b1, W2, b2.

Example:
    >>> from autograd_core.gradcheck import gradcheck
    >>> report = gradcheck(lambda x, y: x ** 3 * y.exp(), 2.0, 0.5)
    >>> report.passed
    True
    >>> print(report.table())  # doctest: +SKIP
    input  shape  max abs err  rel err   worst at  backprop  numerical  ok
    x      ()     1.45e-09     3.65e-11  -         19.7843   19.7843    ok
    y      ()     2.79e-10     8.49e-12  -         13.1895   13.1895    ok
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .gradcheck_explain import LOG_DELTA, explain_log_delta, unread_parameter
from .gradcheck_report import GradcheckError, GradcheckReport, GradientRow, LocalMismatch, compare
from .graph import Node, no_grad, topological_order, zero_grad
from .local_check import check_local_derivatives, nodes_at_kinks
from .value import Value

__all__ = [
    "GradcheckError",
    "GradcheckReport",
    "GradcheckWarning",
    "GradientRow",
    "LocalMismatch",
    "check_model",
    "gradcheck",
    "numerical_gradient",
    "parameter_names",
]

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


_NOTE_LAYERS = (
    "A gradient wrong here makes every parameter before the wrong layer look wrong too.  The model has "
    "layers: nn.textbook.check_layers(model, x, t) checks each layer's backward against its own forward "
    "and names the first wrong one."
)


class GradcheckWarning(UserWarning):
    """A gradient check that may not mean what it seems (float32, a kink, an unused array)."""


# -- the textbook's numerical gradient ------------------------------------------------------------
def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central-difference gradient of ``f`` at ``x``, in the textbook's form.

    ``x`` is an ndarray that ``f`` reads (typically a model's weights): each element is set to
    ``x[i] + h`` and ``x[i] - h`` in place, ``f(x)`` is evaluated, and the element is restored
    exactly, also when ``f`` raises.  ``f`` returns a number (a float, a 0-d array or a node
    holding one number).  If no perturbation changes ``f`` at all, a :class:`GradcheckWarning`
    says that ``f`` may not read ``x``: the classic mistake of passing an array the loss does
    not use (``f = lambda W: net.loss(x, t)`` with a copy of the weights).

    >>> import numpy as np
    >>> w = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda _: float((w ** 2).sum()), w).round(6)
    array([2., 4.])
    """
    return _numerical_gradient(f, x, h, warn=True)


def _numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, h: float, *, warn: bool) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"numerical_gradient: x must be the NumPy array that f reads (perturbed in place), "
            f"got {type(x).__name__}; a copy would leave f unchanged"
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"numerical_gradient: x has dtype {x.dtype}; it must hold floats to be nudged by h={h:g} "
            "(convert it with x.astype(np.float64))"
        )
    if not h > 0:
        raise ValueError(f"numerical_gradient: the step h must be positive, got {h!r}")
    grad = np.zeros(x.shape, dtype=np.float64)
    changed = False
    for index in np.ndindex(*x.shape):
        saved = x[index].copy()
        try:
            x[index] = saved + h
            up = _as_number(f(x), "numerical_gradient: f(x)")
            x[index] = saved - h
            down = _as_number(f(x), "numerical_gradient: f(x)")
        finally:
            x[index] = saved
        changed = changed or up != down
        grad[index] = (up - down) / (2 * h)
    if warn and x.size and not changed:
        warnings.warn(
            f"numerical_gradient: f returned the same value for every perturbation of x (shape {x.shape}); "
            "f may not read x at all (is x the very array f uses, not a copy?)",
            GradcheckWarning,
            stacklevel=2,
        )
    return grad.astype(x.dtype, copy=False)


def _as_number(result: Any, where: str) -> float:
    """The single number a loss returns (a float, a 0-d or 1-element array, or a node)."""
    data = result.data if isinstance(result, Node) else result
    try:
        array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: expected a number, got {type(result).__name__}: {result!r:.60}") from None
    if array.size != 1:
        raise TypeError(f"{where}: expected a single number, got an array of shape {array.shape}")
    return float(array.reshape(()))


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
        tensor_class = _tensor_class()
        if tensor_class is None:
            raise TypeError(f"gradcheck: input {i} is an array but autograd_core.tensor is not available")
        array = np.array(x, dtype=np.float64) if not isinstance(x, np.ndarray) or x.dtype.kind != "f" else x.copy()
        return tensor_class(array, requires_grad=True, name=name)
    raise TypeError(
        f"gradcheck: input {i} must be a Value, a Tensor, a number or an array, got {type(x).__name__}: {x!r:.60}"
    )


def _tensor_class() -> type | None:
    try:
        from .tensor import Tensor
    except ImportError:  # pragma: no cover - the Tensor module ships with the package
        return None
    return Tensor


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
        return _numerical_gradient(lambda _: evaluate(), leaf.data, eps, warn=False)
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


# -- models ---------------------------------------------------------------------------------------
def check_model(
    model: Any,
    x: Any,
    t: Any,
    *,
    loss: Callable[[Any, Any], Any] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-7,
    rtol: float = 1e-5,
    check_locals: bool = True,
    raise_exception: bool = True,
) -> GradcheckReport:
    """Check a model's gradient for every parameter, reported per parameter as the seeds do.

    Two kinds of model are understood (duck typing, nothing to inherit):

    - the textbook's: a ``params`` dict of arrays, ``loss(x, t)`` returning a number and
      ``gradient(x, t)`` returning a dict of arrays with the same keys (hand-written backprop);
    - a module of ``Tensor`` parameters: ``named_parameters()`` (or ``parameters()``) and either
      ``model.loss(x, t)`` or the ``loss`` argument, called as ``loss(model(x), t)``, returning a
      Tensor that ``backward()`` starts from.

    The numerical gradient of each parameter is the textbook's :func:`numerical_gradient` with
    step ``eps``.  For a module, each op of the loss's graph is also checked alone, so a wrong op
    is named (a hand-written ``gradient`` has no graph to look into).  The loss must be
    deterministic: put dropout layers in eval mode first.  ``report.summary()`` reads
    ``W1: 3.2e-10, b1: 1.1e-12, ...`` (mean absolute differences); a failing parameter is named
    in the :class:`GradcheckError`.

    >>> import numpy as np
    >>> class Line:                       # y = w * x, loss = sum((y - t) ** 2) / 2
    ...     def __init__(self): self.params = {"w": np.array([0.5])}
    ...     def loss(self, x, t): return float(np.sum((self.params["w"] * x - t) ** 2) / 2)
    ...     def gradient(self, x, t): return {"w": np.array([np.sum((self.params["w"] * x - t) * x)])}
    >>> check_model(Line(), np.array([1.0, 2.0]), np.array([1.0, 1.0])).summary()  # doctest: +SKIP
    'w: 2.2e-11'
    """
    report = GradcheckReport([], eps, atol, rtol, title="check_model")
    params = getattr(model, "params", None)
    textbook = isinstance(params, dict) and callable(getattr(model, "gradient", None))
    if textbook:
        low_precision, kinks = _check_textbook_model(model, x, t, params, report)
    else:
        low_precision, kinks = _check_module(model, x, t, loss, report, check_locals)
    # A hand-written gradient(x, t) has no recorded graph: its ops cannot be checked one by one.
    _judge(report, check_locals and not textbook, low_precision, kinks)
    if textbook:
        _explain_textbook(model, x, t, report)
        if not report.passed and not report.inconclusive and getattr(model, "layers", None) is not None:
            report.notes.append(_NOTE_LAYERS)
    _emit_warnings(report)
    if raise_exception and not report.passed:
        raise GradcheckError(report)
    return report


def _check_textbook_model(
    model: Any, x: Any, t: Any, params: dict, report: GradcheckReport
) -> tuple[dict[str, str], set[str]]:
    """Fill the report's rows; return the low-precision rows and (no graph: none) the rows at a kink."""
    arrays = {name: (p.data if isinstance(p, Node) else p) for name, p in params.items()}
    holders = [_Holder(a) for a in arrays.values()]
    report.warnings.extend(_float32_warnings(holders, arrays))
    analytic = model.gradient(x, t)
    if not isinstance(analytic, dict):
        raise TypeError(
            f"check_model: model.gradient(x, t) must return a dict of arrays, got {type(analytic).__name__}"
        )
    missing = [name for name in arrays if name not in analytic]
    if missing:
        raise ValueError(f"check_model: model.gradient(x, t) has no gradient for {', '.join(map(repr, missing))}")

    def f(_: np.ndarray) -> float:
        with no_grad():
            return _as_number(model.loss(x, t), "check_model: model.loss(x, t)")

    for name, array in arrays.items():
        grad = analytic[name]
        grad = grad.data if isinstance(grad, Node) else np.asarray(grad)
        if grad.shape != array.shape:
            report.failed_checks.append(
                f"gradient of {name!r} has shape {grad.shape} but the parameter has shape {array.shape}"
            )
            continue
        numerical = _numerical_gradient(f, array, report.eps, warn=False)
        row = compare(name, grad, numerical, atol=report.atol, rtol=report.rtol)
        if array.size and not np.any(numerical):
            problem = unread_parameter(model, name, row.backprop_gradient)
            if row.passed:  # both zero: nothing to blame backprop for, but worth knowing
                report.warnings.append(problem)
            else:
                row = dataclasses.replace(row, problem=problem)
        report.rows.append(row)
    return _low_precision(holders, list(arrays)), set()


def _explain_textbook(model: Any, x: Any, t: Any, report: GradcheckReport) -> None:
    """Explain a textbook model's disagreement that is the loss's 1e-7 inside log(y + 1e-7)."""
    failing = [r for r in report.rows if not r.passed and not r.problem]
    if not failing or report.failed_checks or report.inconclusive:
        return

    def loss() -> Any:
        with no_grad():
            return model.loss(x, t)

    note = explain_log_delta(
        model,
        x,
        t,
        {r.name: r.numerical_gradient for r in failing},
        {r.name: r.backprop_gradient for r in failing},
        [r.name for r in failing],
        atol=report.atol,
        rtol=report.rtol,
        loss=loss,
    )
    if not note:
        return
    report.notes.append(note)
    if len(failing) == len([r for r in report.rows if not r.passed]):
        report.inconclusive_reason = f"from the loss's log(y + {LOG_DELTA:g})"


class _Holder:
    """Gives an array the ``data`` attribute :func:`_float32_warnings` reads."""

    def __init__(self, data: Any) -> None:
        self.data = data


def _named_parameters(model: Any) -> list[tuple[str, Node]]:
    if callable(getattr(model, "named_parameters", None)):
        return [(str(n), p) for n, p in model.named_parameters()]
    if callable(getattr(model, "parameters", None)):
        return [(f"param{i}", p) for i, p in enumerate(model.parameters())]
    raise TypeError(
        f"check_model: {type(model).__name__} has neither a params dict with gradient(x, t) nor "
        "named_parameters()/parameters()"
    )


def _check_module(
    model: Any, x: Any, t: Any, loss: Any, report: GradcheckReport, check_locals: bool
) -> tuple[dict[str, str], set[str]]:
    """Fill the report's rows; return the low-precision rows and the rows at a kink."""
    named = _named_parameters(model)
    if not named:
        raise ValueError(f"check_model: {type(model).__name__} has no parameters to check")
    if loss is None and not callable(getattr(model, "loss", None)):
        raise TypeError(
            f"check_model: {type(model).__name__} has no loss(x, t); pass loss=fn, called as fn(model(x), t)"
        )

    def compute() -> Node:
        return loss(model(x), t) if loss is not None else model.loss(x, t)

    nodes = [p for _, p in named]
    report.warnings.extend(_float32_warnings(nodes, [n for n, _ in named]))
    with _saved_grads(nodes) as saved:
        for p in nodes:
            p.grad = p._empty_grad
        out = compute()
        if not isinstance(out, Node):
            raise TypeError(f"check_model: the loss must be a Tensor or Value node, got {type(out).__name__}")
        saved.extend(topological_order(out))
        zero_grad(out)
        out.backward()
        analytic = [_grad_array(p) for p in nodes]
        if check_locals:
            mismatches, kinks = check_local_derivatives(out, eps=report.eps, atol=report.atol, rtol=report.rtol)
            report.local_mismatches.extend(mismatches)
            report.warnings.extend(kinks)
        zero_grad(out)

    def f(_: np.ndarray) -> float:
        with no_grad():
            return _as_number(compute(), "check_model: loss")

    for (name, p), grad in zip(named, analytic):
        if isinstance(p, Value):
            saved_value = p.data
            try:
                p.data = saved_value + report.eps
                up = f(None)
                p.data = saved_value - report.eps
                down = f(None)
            finally:
                p.data = saved_value
            numerical: Any = np.float64((up - down) / (2 * report.eps))
        else:
            numerical = _numerical_gradient(f, p.data, report.eps, warn=False)
        report.rows.append(compare(name, grad, numerical, atol=report.atol, rtol=report.rtol))
    labels = [n for n, _ in named]
    return _low_precision(nodes, labels, out), _kink_rows(out, nodes, labels, 10 * report.eps)
