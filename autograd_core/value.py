"""The scalar ``Value``: one number, the operation that produced it, and its gradient.

Every operation is defined once, in :data:`OPS`: its forward computation on floats and its local
derivatives, written as plain arithmetic on the inputs and the output.  The same formula runs on
floats during the forward pass (stored on the node as plain numbers) and on ``Value`` nodes when
``backward(create_graph=True)`` builds the derivative as a graph of its own.

Example (the textbook's apple shopping):
    >>> from autograd_core import Value
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> price.name = "price"
    >>> price.backward()
    >>> price
    Value(220.00000000000003, name='price', op='mul', grad=1.0)
    >>> round(apple.grad, 10), count.grad, tax.grad
    (2.2, 110.00000000000001, 200.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from .graph import MODE, SHARED, Node

Number = int | float


class DomainError(ValueError):
    """An operation was asked for a value outside its domain (log of 0, 1/0, ...)."""


class ScalarOp(NamedTuple):
    """One scalar operation: how to compute it and how it changes with each input.

    ``forward(*inputs[, arg])`` returns a float; ``derivative(*inputs, out[, arg])`` returns one
    local derivative d(out)/d(input) per input.  Written with plain arithmetic (and the helper
    ``_log``), the derivative works on floats during the forward pass and on ``Value`` nodes for
    ``backward(create_graph=True)``.  ``arg`` is a constant parameter of the node (the exponent
    of ``x ** 3``), given only to ops with ``has_arg``.

    ``formula`` says each local derivative in words a learner reads, one template per input:
    ``{x}`` and ``{y}`` stand for the inputs (in order), ``{out}`` for the output and ``{n}`` for
    ``arg``.  Views fill it in twice, with captions (``1 - tanh(a)²``) and with numbers
    (``1 - 0.4621²``); no view keeps a formula of its own.
    """

    name: str
    symbol: str
    forward: Callable[..., float]
    derivative: Callable[..., tuple]
    has_arg: bool = False
    formula: tuple[str, ...] = ()


# -- helpers that work on floats and on Values ---------------------------------------------------
def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x


def _log(x: Any) -> Any:
    return x.log() if isinstance(x, Value) else math.log(x)


# -- forward computations, raising at the forward step for inputs outside the domain -------------
def _div(x: float, y: float) -> float:
    if y == 0:
        raise ZeroDivisionError("division by zero")
    return x / y


def _power(x: float, n: float) -> float:
    if x == 0 and n < 0:
        raise ZeroDivisionError("0 raised to a negative power")
    if x < 0 and n != int(n):
        raise ValueError("negative base with a non-integer exponent")
    try:
        return x**n
    except OverflowError:
        return math.copysign(math.inf, x) if n == int(n) and int(n) % 2 else math.inf


def _power_derivative(x: Any, n: float) -> Any:
    """n * x**(n-1); infinite where it blows up (the slope of sqrt at 0) instead of raising."""
    if n == 0:
        return 0.0
    if isinstance(x, Value):
        return n * x ** (n - 1)
    if x == 0 and n < 1:
        return math.copysign(math.inf, n)
    return n * _power(x, n - 1)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log_forward(x: float) -> float:
    if x <= 0:
        raise ValueError("log of a non-positive number")
    return math.log(x)


def _sigmoid(x: float) -> float:
    # Stable on both sides: never the exp of a large positive number.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pow_value(x: float, e: float) -> float:
    if x <= 0:
        raise ValueError("a Value exponent needs a positive base")
    return _power(x, e)


_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_ONE = (1.0,)
_ZERO = (0.0,)
_MINUS_ONE = (-1.0,)

OPS: dict[str, ScalarOp] = {
    op.name: op
    for op in (
        ScalarOp("add", "+", lambda x, y: x + y, lambda x, y, out: _ONE_ONE, formula=("1", "1")),
        ScalarOp("sub", "−", lambda x, y: x - y, lambda x, y, out: _ONE_MINUS_ONE, formula=("1", "-1")),
        ScalarOp("mul", "×", lambda x, y: x * y, lambda x, y, out: (y, x), formula=("{y}", "{x}")),
        ScalarOp("div", "÷", _div, lambda x, y, out: (1.0 / y, -out / y), formula=("1/{y}", "-{x}/{y}²")),
        ScalarOp("neg", "−", lambda x: -x, lambda x, out: _MINUS_ONE, formula=("-1",)),
        # x ** n for a number n, kept in the node's ``arg``
        ScalarOp(
            "pow", "**", _power, lambda x, out, n: (_power_derivative(x, n),), has_arg=True,
            formula=("{n} * {x}**({n} - 1)",),
        ),
        # x ** e for a Value e (positive base only)
        ScalarOp(
            "powv", "**", _pow_value, lambda x, e, out: (e * x ** (e - 1), out * _log(x)),
            formula=("{y} * {x}**({y} - 1)", "{out} * log({x})"),
        ),
        ScalarOp("exp", "exp", _exp, lambda x, out: (out,), formula=("{out}",)),
        ScalarOp("log", "log", _log_forward, lambda x, out: (1.0 / x,), formula=("1/{x}",)),
        ScalarOp("tanh", "tanh", math.tanh, lambda x, out: (1.0 - out * out,), formula=("1 - {out}²",)),
        ScalarOp("sigmoid", "σ", _sigmoid, lambda x, out: (out * (1.0 - out),), formula=("{out} * (1 - {out})",)),
        # relu'(0) = 0, as in PyTorch.
        ScalarOp(
            "relu", "relu", lambda x: x if x > 0 else 0.0, lambda x, out: _ONE if _data(x) > 0 else _ZERO,
            formula=("1 if {x} > 0 else 0",),
        ),
    )
}
_ADD, _SUB, _MUL, _DIV, _NEG, _POW, _POWV = (OPS[k] for k in ("add", "sub", "mul", "div", "neg", "pow", "powv"))
_EXP_OP, _LOG_OP, _TANH, _SIGMOID, _RELU = (OPS[k] for k in ("exp", "log", "tanh", "sigmoid", "relu"))


def _check_number(data: Any, where: str) -> float:
    """Turn an int, float, bool or NumPy scalar into a float; refuse anything else by type."""
    if isinstance(data, numbers.Real) and not isinstance(data, Node):
        return float(data)
    shape = getattr(data, "shape", None)
    if shape == () and getattr(getattr(data, "dtype", None), "kind", "") in "biuf":
        return float(data)
    raise TypeError(
        f"{where}: expected a real number (int, float or NumPy scalar), got {type(data).__name__}: {data!r:.60}"
    )


def _domain_error(op: str, inputs: tuple[Value, ...], error: Exception, arg: Any = None) -> DomainError:
    shown = ", ".join(f"{v.label}={v.data!r}" if v.name else repr(v.data) for v in inputs)
    if arg is not None:
        shown += f", exponent {arg!r}"
    return DomainError(f"{op}: {error} (inputs: {shown})")


def _binary(op: ScalarOp, a: Value, b: Any) -> Value:
    """Apply a two-input op; ``b`` may be a plain number (it becomes a constant node)."""
    if type(b) is not Value:
        b = _lift(b, op.name, a)
    x = a.data
    y = b.data
    try:
        out = op.forward(x, y)
    except (ArithmeticError, ValueError) as error:
        raise _domain_error(op.name, (a, b), error) from None
    d0, d1 = op.derivative(x, y, out)
    return _new(out, op.name, a.requires_grad or b.requires_grad, a, d0, b, d1)


def _unary(op: ScalarOp, a: Value, arg: Any = None) -> Value:
    """Apply a one-input op (``arg``: the op's constant parameter, for ops that take one)."""
    x = a.data
    try:
        if op.has_arg:
            out = op.forward(x, arg)
            (d0,) = op.derivative(x, out, arg)
        else:
            out = op.forward(x)
            (d0,) = op.derivative(x, out)
    except (ArithmeticError, ValueError) as error:
        raise _domain_error(op.name, (a,), error, arg) from None
    return _new(out, op.name, a.requires_grad, a, d0, arg=arg)


def _new(
    data: float, op: str, requires_grad: bool, in0: Value, d0: Any, in1: Value | None = None, d1: Any = None,
    arg: Any = None,
) -> Value:
    """Create an op's result node (the hot path: no validation, no closures, no cycles).

    Inputs and their local derivatives live in four slots rather than two tuples: one
    GC-tracked object per node instead of three, which keeps Python's cyclic garbage collector
    cheap on graphs of 10^5 nodes.
    """
    node = _alloc(Value)
    node.data = data
    node.grad = _EMPTY
    node.op = op
    node.name = None
    node.arg = arg
    if SHARED.changed:  # some thread is in no_grad, name_scope, ...: read this thread's switches
        node.scope = MODE.scope
        requires_grad = requires_grad and MODE.grad_enabled
    else:
        node.scope = None
    if requires_grad:
        node.requires_grad = True
        node._in0 = in0
        node._in1 = in1
        node._d0 = d0
        node._d1 = d1
    else:
        node.requires_grad = False
        node._in0 = node._in1 = node._d0 = node._d1 = None
    return node


class Value(Node):
    """A scalar node: ``data``, ``grad``, ``parents``, ``op``, ``name`` and the local
    derivatives ``local`` (one plain number per parent, d(self)/d(parent)).

    Accepts micrograd's spelling (``Value(2.0)``, ``.data``, ``.grad``, ``.relu()``, ``**``,
    ``backward()``) so micrograd code runs unchanged.

    >>> a = Value(2.0, name="a")
    >>> b = a * a + a            # a is used three times: three edges in the graph
    >>> b.backward()
    >>> a.grad                   # 2a + 1
    5.0
    """

    # Up to two inputs and their local derivatives (scalar ops have at most two inputs).
    __slots__ = ("_in0", "_in1", "_d0", "_d1")

    _empty_grad = 0.0
    _chain_rule_puts_back = True
    # For the graph walk: (input 0, input 1), None where absent (see Node).
    _inputs_of = attrgetter("_in0", "_in1")

    def __init__(self, data: Number, name: str | None = None, *, requires_grad: bool = True) -> None:
        if isinstance(data, Value):
            raise TypeError(f"Value: expected a real number, got a Value ({data!r}); use it directly or Value(v.data)")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Value: name must be a string, got {type(name).__name__}: {name!r}")
        self.data = _check_number(data, "Value")
        self.grad = _EMPTY
        self.op = ""
        self.name = name
        self.arg = None
        self.requires_grad = bool(requires_grad)
        self.scope = MODE.scope
        self._in0 = self._in1 = self._d0 = self._d1 = None

    # -- the graph ---------------------------------------------------------------------------
    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this node, in order, with repeats (``a*a``: ``(a, a)``)."""
        a = self._in0
        if a is None:
            return ()
        b = self._in1
        return (a,) if b is None else (a, b)

    @property
    def local(self) -> tuple[Any, ...]:
        """d(self)/d(parent) for each parent, as recorded during the forward pass."""
        if self._in0 is None:
            return ()
        return (self._d0,) if self._in1 is None else (self._d0, self._d1)

    def local_derivatives(self) -> tuple[Any, ...]:
        """Same as :attr:`local`: the number printed on each edge of a diagram."""
        return self.local

    @staticmethod
    def _chain_rule(nodes: Sequence[Value], pending: dict, create_graph: bool) -> None:
        """For each node in turn: add the gradient gathered for it (``pending``) into its
        ``grad``, and send upstream x local derivative to each input that needs a gradient.

        ``nodes`` must come in reverse topological order (a node after everything that uses it).
        The single loop shared by ``backward()`` and the stepper.  All or nothing: if anything
        raises on the way (a derivative, Ctrl-C), every ``grad`` written is put back as it was.
        """
        pop = pending.pop
        get = pending.get
        empty = _EMPTY
        earlier: list = []  # node, grad, node, grad, ...: the grads that were not empty, to put back on an error
        keep = earlier.append
        node = None
        try:
            for node in nodes:
                current = node.grad
                if current is not empty:
                    keep(node)
                    keep(current)
                upstream = pop(node, None)
                if upstream is None:
                    continue
                node.grad = upstream if current is empty else current + upstream
                a = node._in0
                if a is None:
                    continue
                b = node._in1
                if create_graph:
                    local = node._local_as_values()
                    d0 = local[0]
                    d1 = local[1] if b is not None else None
                else:
                    d0 = node._d0
                    d1 = node._d1
                if a.requires_grad:
                    previous = get(a)
                    pending[a] = upstream * d0 if previous is None else previous + upstream * d0
                if b is not None and b.requires_grad:
                    previous = get(b)
                    pending[b] = upstream * d1 if previous is None else previous + upstream * d1
        except BaseException:
            _put_back(nodes, node, earlier)
            raise

    def _local_as_values(self) -> tuple:
        """The local derivatives recomputed as graph nodes (for higher-order gradients)."""
        op = OPS[self.op]
        if op.has_arg:
            return op.derivative(*self.parents, self, self.arg)
        return op.derivative(*self.parents, self)

    def _seed(self, grad: Any, create_graph: bool) -> Any:
        if isinstance(grad, Value):
            return grad
        grad = 1.0 if grad is None else _check_number(grad, "backward(grad=...)")
        return Value(grad, requires_grad=False) if create_graph else grad

    @staticmethod
    def _is_finite(gradient: Any) -> bool:
        return math.isfinite(_data(gradient))

    # -- display -----------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """The node's name, else its op; a constant is labelled by its number (``2``)."""
        if self.name is not None:
            return self.name
        if self.op == "const":
            return f"{self.data:g}"
        return self.op or "leaf"

    def __repr__(self) -> str:
        parts = [repr(self.data)]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        parts.append(f"grad={self.grad!r}")
        return f"Value({', '.join(parts)})"

    def arg_text(self) -> str:
        """How the op reads, e.g. ``x**3`` for a power node."""
        if self.op == "pow":
            return f"{self._in0.label if self._in0 is not None else 'x'}**{self.arg!r}"
        return self.op

    # -- conversions -------------------------------------------------------------------------
    def item(self) -> float:
        """The forward value as a Python float."""
        return self.data

    def __float__(self) -> float:
        return float(self.data)

    def detach(self) -> Value:
        """A new leaf with the same value and no history."""
        return Value(self.data, name=self.name, requires_grad=False)

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the set of inputs."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's name for the op, spelled as micrograd spells it (``+``, ``*``, ``**2``, ``ReLU``)."""
        if self.op == "pow":
            return f"**{self.arg:g}"
        return _MICROGRAD_SPELLING.get(self.op, self.op)

    # -- arithmetic --------------------------------------------------------------------------
    def __add__(self, other: Any) -> Value:
        return _binary(_ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return _binary(_ADD, _lift(other, "add", self, reflected=True), self)

    def __sub__(self, other: Any) -> Value:
        return _binary(_SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return _binary(_SUB, _lift(other, "sub", self, reflected=True), self)

    def __mul__(self, other: Any) -> Value:
        return _binary(_MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return _binary(_MUL, _lift(other, "mul", self, reflected=True), self)

    def __truediv__(self, other: Any) -> Value:
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return _binary(_DIV, _lift(other, "div", self, reflected=True), self)

    def __pow__(self, exponent: Any) -> Value:
        if isinstance(exponent, Value):
            return _binary(_POWV, self, exponent)
        try:
            n = _check_number(exponent, "pow")
        except TypeError:
            raise TypeError(
                f"pow: unsupported operand types Value and {type(exponent).__name__} (node {self._describe()})"
            ) from None
        if not math.isfinite(n):
            raise DomainError(f"pow: the exponent must be a finite number, got {n!r} (node {self._describe()})")
        return _unary(_POW, self, n)

    def __rpow__(self, base: Any) -> Value:
        return _binary(_POWV, _lift(base, "pow", self, reflected=True), self)

    def __neg__(self) -> Value:
        return _unary(_NEG, self)

    def __pos__(self) -> Value:
        return self

    # Comparisons read the forward values.  Equality stays identity, so nodes remain hashable.
    def __lt__(self, other: Any) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data(other)

    # -- functions ---------------------------------------------------------------------------
    def exp(self) -> Value:
        """e ** self.  Local derivative: the output itself."""
        return _unary(_EXP_OP, self)

    def log(self) -> Value:
        """Natural logarithm (positive inputs only).  Local derivative: 1 / x."""
        return _unary(_LOG_OP, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent.  Local derivative: 1 - out**2."""
        return _unary(_TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed stably.  Local derivative: out * (1 - out)."""
        return _unary(_SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x).  Local derivative: 1 where x > 0, else 0."""
        return _unary(_RELU, self)


_EMPTY = Value._empty_grad


def _put_back(nodes: Sequence[Value], failed_at: Value | None, earlier: list) -> None:
    """Undo a chain rule that stopped at ``failed_at``: every node up to it gets back its earlier
    gradient (empty unless recorded in ``earlier``: node, grad, node, grad, ...).

    A node's earlier gradient is recorded before anything can be written to it, with no point in
    between where Python delivers a KeyboardInterrupt (no call, no backward jump), so a node
    missing from ``earlier`` had an empty gradient.
    """
    if failed_at is None:
        return
    old = dict(zip(earlier[::2], earlier[1::2]))
    for node in nodes:
        node.grad = old.get(node, _EMPTY)
        if node is failed_at:
            return
_MICROGRAD_SPELLING = {"add": "+", "mul": "*", "relu": "ReLU", "const": ""}
_alloc = object.__new__


def _lift(other: Any, op: str, node: Value, reflected: bool = False) -> Value:
    """Wrap a plain number as a constant node: drawn as a small labelled node, no gradient.

    ``reflected``: the number stands on the left of the operator (``2 * x``), which the error
    message for a non-number keeps.
    """
    if isinstance(other, Value):
        return other
    try:
        number = _check_number(other, op)
    except TypeError:
        types = f"{type(other).__name__} and Value" if reflected else f"Value and {type(other).__name__}"
        raise TypeError(
            f"{op}: unsupported operand types {types} (node {node._describe()}, other operand {other!r:.60})"
        ) from None
    constant = _alloc(Value)
    constant.data = number
    constant.grad = _EMPTY
    constant.op = "const"
    constant.name = None
    constant.arg = None
    constant.requires_grad = False
    constant.scope = MODE.scope if SHARED.changed else None
    constant._in0 = constant._in1 = constant._d0 = constant._d1 = None
    return constant
