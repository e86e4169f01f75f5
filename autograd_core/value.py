"""The scalar ``Value``: one number, the operation that produced it, and its gradient.

Every operation is defined once, through :func:`autograd_core.ops.define_op` (the door your own
ops come through too), into :data:`OPS`: its forward computation on floats and its local
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
import threading
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from .graph import MODE, SHARED, Node, check_name
from .ops.scalar import OPS, ScalarOp, _seal_built_ins, define_op

Number = int | float


class DomainError(ValueError):
    """An operation was asked for a value outside its domain (log of 0, 1/0, ...)."""


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
    if _data(x) == 0 and n < 1:  # first order and create_graph alike
        return math.copysign(math.inf, n)
    if isinstance(x, Value):
        return n * x ** (n - 1)
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


def _pick(difference: float) -> tuple[float, float]:
    """Local derivatives of max(x, y) given x - y (of min given y - x): the larger input gets 1."""
    return _ONE_ZERO if difference > 0 else _ZERO_ONE if difference < 0 else _HALF_HALF


def _pow_value(x: float, e: float) -> float:
    if x <= 0:
        raise ValueError("a Value exponent needs a positive base")
    return _power(x, e)


_ONE_ONE = (1.0, 1.0)
_ONE_ZERO = (1.0, 0.0)
_ZERO_ONE = (0.0, 1.0)
_HALF_HALF = (0.5, 0.5)
_ONE_MINUS_ONE = (1.0, -1.0)
_ONE = (1.0,)
_ZERO = (0.0,)
_MINUS_ONE = (-1.0,)

define_op("add", lambda x, y: x + y, lambda x, y, out: _ONE_ONE, symbol="+", formula=("1", "1"))
define_op("sub", lambda x, y: x - y, lambda x, y, out: _ONE_MINUS_ONE, symbol="−", formula=("1", "-1"))
define_op("mul", lambda x, y: x * y, lambda x, y, out: (y, x), symbol="×", formula=("{y}", "{x}"))
define_op("div", _div, lambda x, y, out: (1.0 / y, -out / y), symbol="÷", formula=("1/{y}", "-{x}/{y}²"))
define_op("neg", lambda x: -x, lambda x, out: _MINUS_ONE, symbol="−", formula=("-1",))
# x ** n for a number n, kept in the node's ``arg``
define_op(
    "pow", _power, lambda x, out, n: (_power_derivative(x, n),), symbol="**", formula=("{n} * {x}**({n} - 1)",),
    has_arg=True,
)
# x ** e for a Value e (positive base only)
define_op(
    "powv", _pow_value, lambda x, e, out: (e * x ** (e - 1), out * _log(x)), symbol="**",
    formula=("{y} * {x}**({y} - 1)", "{out} * log({x})"),
)
define_op("exp", _exp, lambda x, out: (out,), formula=("{out}",))
define_op("log", _log_forward, lambda x, out: (1.0 / x,), formula=("1/{x}",))
define_op("tanh", math.tanh, lambda x, out: (1.0 - out * out,), formula=("1 - {out}²",))
define_op("sigmoid", _sigmoid, lambda x, out: (out * (1.0 - out),), symbol="σ", formula=("{out} * (1 - {out})",))
# relu'(0) = 0, as in PyTorch.
define_op(
    "relu", lambda x: x if x > 0 else 0.0, lambda x, out: _ONE if _data(x) > 0 else _ZERO,
    formula=("1 if {x} > 0 else 0",),
)
# Two-argument max and min.  At a tie the gradient is split evenly (1/2 to each input), as
# PyTorch's torch.maximum / torch.minimum do.
maximum = define_op(
    "maximum", lambda x, y: x if x >= y else y, lambda x, y, out: _pick(_data(x) - _data(y)), symbol="max",
    formula=("1 if {x} > {y}, ½ if equal, else 0", "1 if {y} > {x}, ½ if equal, else 0"),
)
minimum = define_op(
    "minimum", lambda x, y: x if x <= y else y, lambda x, y, out: _pick(_data(y) - _data(x)), symbol="min",
    formula=("1 if {x} < {y}, ½ if equal, else 0", "1 if {y} < {x}, ½ if equal, else 0"),
)
_ADD, _SUB, _MUL, _DIV, _NEG, _POW, _POWV = (OPS[k] for k in ("add", "sub", "mul", "div", "neg", "pow", "powv"))
_EXP_OP, _LOG_OP, _TANH, _SIGMOID, _RELU = (OPS[k] for k in ("exp", "log", "tanh", "sigmoid", "relu"))
_MAXIMUM, _MINIMUM = OPS["maximum"], OPS["minimum"]
_seal_built_ins()


def _check_number(data: Any, where: str) -> float:
    """Turn an int, float, bool or NumPy scalar into a float; refuse anything else by type
    (a graph node too: its gradient would be lost), and an int too large for a float."""
    if isinstance(data, Node):
        raise TypeError(
            f"{where}: expected a real number, got a {type(data).__name__} ({data._describe()}); "
            "its gradient would be lost: use .item() for its number, or make both Tensors (Tensor(value.data))"
        )
    try:
        if isinstance(data, numbers.Real):
            return float(data)
        shape = getattr(data, "shape", None)
        if shape == () and getattr(getattr(data, "dtype", None), "kind", "") in "biuf":
            return float(data)
    except OverflowError:
        digits = str(data)
        raise ValueError(
            f"{where}: the number {digits[:12]}... ({len(digits)} digits) is too large for a float "
            "(at most about 1.8e308)"
        ) from None
    raise TypeError(
        f"{where}: expected a real number (int, float or NumPy scalar), got {type(data).__name__}: {data!r:.60}"
    )


def _domain_error(op: str, inputs: tuple[Value, ...], error: Exception, arg: Any = None) -> DomainError:
    shown = ", ".join(f"{v.label}={v.data!r}" if v.name else repr(v.data) for v in inputs)
    if arg is not None:
        shown += f", exponent {arg!r}" if op == "pow" else f", constant {arg!r}"
    if isinstance(error, OverflowError):
        error = "the result or its derivative is too large for a float (overflow)"
    return DomainError(f"{op}: {error} (inputs: {shown})")


def _binary(op: ScalarOp, a: Value, b: Any) -> Value:
    """Apply a two-input op; ``b`` may be a plain number (it becomes a constant node)."""
    if type(b) is not Value:
        b = _lift(b, op.name, a)
    x = a.data
    y = b.data
    try:
        out = op.forward(x, y)
        d0, d1 = op.derivative(x, y, out)
    except (ArithmeticError, ValueError) as error:
        raise _domain_error(op.name, (a, b), error) from None
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


def apply_scalar_op(op: ScalarOp, inputs: tuple, arg: Any = None) -> Value:
    """Apply any op of :data:`OPS` (built-in or defined with ``define_op``) to Values or numbers,
    checking what the user's functions return (the built-in methods skip these checks)."""
    nodes = tuple(_as_input(x, op.name, i) for i, x in enumerate(inputs))
    xs = [node.data for node in nodes]
    extra = (arg,) if op.has_arg else ()
    try:
        out = op.forward(*xs, *extra)
        local = op.derivative(*xs, out, *extra)
    except (ArithmeticError, ValueError) as error:
        raise _domain_error(op.name, nodes, error, arg) from None
    out = _check_number(out, f"{op.name}: forward returned")
    local = _as_tuple(local, len(nodes), op.name)
    local = tuple(_check_number(d, f"{op.name}: derivative {i}") for i, d in enumerate(local))
    second = nodes[1] if len(nodes) > 1 else None
    requires_grad = any(node.requires_grad for node in nodes)
    return _new(out, op.name, requires_grad, nodes[0], local[0], second, local[1] if second else None, arg)


def _as_input(x: Any, op: str, index: int) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, Node):
        raise TypeError(
            f"{op}: input {index} is a {type(x).__name__} ({x._describe()}); this op takes Values and numbers: "
            "use .item() for its number (its gradient is then lost), or a Tensor op"
        )
    return _constant(_check_number(x, f"{op}: input {index}"))


def _as_tuple(local: Any, count: int, op: str) -> tuple:
    """A derivative's result as one entry per input (a lone value is fine for one input)."""
    if not isinstance(local, (tuple, list)):
        local = (local,)
    if len(local) != count:
        raise TypeError(
            f"{op}: the derivative returned {len(local)} value{'s' if len(local) != 1 else ''} for "
            f"{count} input{'s' if count != 1 else ''}; return one d(out)/d(input) per input, as a tuple"
        )
    return tuple(local)


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

    def __init__(self, data: Number, name: str | None = None, *_micrograd: Any, requires_grad: bool = True) -> None:
        if isinstance(data, Value):
            raise TypeError(f"Value: expected a real number, got a Value ({data!r}); use it directly or Value(v.data)")
        if _micrograd or isinstance(name, (tuple, list, set)):
            raise TypeError(
                "Value(data, children, op) is micrograd's way to add an op; here an op is defined once with "
                "autograd_core.define_op(name, forward, derivative), which returns the function to call"
            )
        if name is not None:
            if not isinstance(name, str):
                raise TypeError(f"Value: name must be a string, got {type(name).__name__}: {name!r}")
            check_name(name, "Value")
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
        parents = self.parents
        _DERIVING.active = True  # float(Value) now refuses: math.exp(x) would cut the graph silently
        try:
            if op.has_arg:
                local = op.derivative(*parents, self, self.arg)
            else:
                local = op.derivative(*parents, self)
        except TypeError as error:
            raise TypeError(
                f"{self.op}: its derivative could not run on Values, as backward(create_graph=True) needs ({error}); "
                "write it with arithmetic and autograd_core.ops.exp/log/tanh/sigmoid instead of math functions"
            ) from None
        finally:
            _DERIVING.active = False
        return local if type(local) is tuple and len(local) == len(parents) else _as_tuple(local, len(parents), self.op)

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
        if _DERIVING.active:
            raise TypeError(f"float() of a Value ({self._describe()}) inside a derivative cuts the graph")
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

    @property
    def _backward(self) -> None:
        """micrograd's per-node closure does not exist here (see the setter)."""
        raise AttributeError("Value has no _backward: an op's derivative is defined once, with autograd_core.define_op")

    @_backward.setter
    def _backward(self, function: Any) -> None:
        raise TypeError(
            "setting node._backward is micrograd's way to add an op; here an op is defined once with "
            "autograd_core.define_op(name, forward, derivative), which returns the function to call"
        )

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

    def max(self, other: Any) -> Value:
        """The larger of self and ``other``.  Local derivatives: 1 for the larger input, 0 for
        the other; at a tie 1/2 each (as PyTorch's ``torch.maximum``).

        >>> a, b = Value(2.0), Value(5.0)
        >>> m = a.max(b); m.backward(); (m.data, a.grad, b.grad)
        (5.0, 0.0, 1.0)
        """
        return _binary(_MAXIMUM, self, other)

    def min(self, other: Any) -> Value:
        """The smaller of self and ``other`` (at a tie, 1/2 of the gradient to each)."""
        return _binary(_MINIMUM, self, other)


_EMPTY = Value._empty_grad


class _Deriving(threading.local):
    """Per thread: True while a derivative is recomputed on Values for create_graph."""

    active = False


_DERIVING = _Deriving()


def _put_back(nodes: Sequence[Value], failed_at: Value | None, earlier: list) -> None:
    """Undo a chain rule that stopped at ``failed_at``: every node up to it gets back its earlier
    gradient (empty unless recorded in ``earlier``: node, grad, node, grad, ...).

    A node's earlier gradient is recorded before anything is written to it.  Python delivers a
    KeyboardInterrupt only at a call or a backward jump: between reading a node's grad and
    recording it there is neither, so a node missing from ``earlier`` had an empty gradient.  The
    one call in between is the first of the two appends: if it was interrupted there, the node
    was recorded without its grad, and nothing was written to it yet.
    """
    if failed_at is None:
        return
    untouched = earlier.pop() if len(earlier) % 2 else None
    old = dict(zip(earlier[::2], earlier[1::2]))
    for node in nodes:
        if node is not untouched:
            node.grad = old.get(node, _EMPTY)
        if node is failed_at:
            return
_MICROGRAD_SPELLING = {"add": "+", "mul": "*", "relu": "ReLU", "const": ""}
_alloc = object.__new__


def _lift(other: Any, op: str, node: Value, reflected: bool = False) -> Value:
    """Wrap a plain number as a constant node: drawn as a small labelled node, no gradient.

    ``reflected``: the number stands on the left of the operator (``2 * x``), which the error
    message for a non-number keeps.  Another kind of node (a Tensor) is refused: taking its
    number would silently drop its gradient.
    """
    if isinstance(other, Value):
        return other
    types = f"{type(other).__name__} and Value" if reflected else f"Value and {type(other).__name__}"
    if isinstance(other, Node):
        raise TypeError(
            f"{op}: cannot combine a Value with a {type(other).__name__} (node {node._describe()}, other operand "
            f"{other._describe()}): the {type(other).__name__}'s gradient would be lost; use .item() for its "
            "number, or make both Tensors: Tensor(value.data)"
        )
    try:
        number = _check_number(other, op)
    except TypeError:
        raise TypeError(
            f"{op}: unsupported operand types {types} (node {node._describe()}, other operand {other!r:.60})"
        ) from None
    return _constant(number)


def _constant(number: float) -> Value:
    """A constant node (op ``"const"``): a leaf that needs no gradient."""
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
