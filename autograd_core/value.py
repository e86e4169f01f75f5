"""The scalar ``Value``: one number, the operation that produced it, and its gradient.

Every operation is one record (:class:`autograd_core.ops.Op`, the built-in ones in
:mod:`autograd_core.ops.scalar`, yours made with ``define_op``): its forward computation on
floats and its local derivatives, written as plain arithmetic on the inputs and the output.  The
same formula runs on floats during the forward pass (stored on the node as plain numbers) and on
``Value`` nodes when ``backward(create_graph=True)`` builds the derivative as a graph of its own.
Each node keeps the record of its op (``node.op_record``).

This module is how ops apply to Values: a fast path for the built-in ops (no checks, no
closures, one object per node) and a checked one for ops defined with ``define_op``.

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

from .graph import DataChangedError, Node, check_name, leaving_error
from .modes import SWITCHES, current_mode
from .ops.record import DomainError, Op
from .ops.scalar import (
    ADD,
    COS,
    DIV,
    EXP,
    LOG,
    MAXIMUM,
    MINIMUM,
    MUL,
    NEG,
    POW,
    POWV,
    RELU,
    SIGMOID,
    SIN,
    SUB,
    TANH,
)

__all__ = ["DomainError", "Value", "apply_scalar_op"]

Number = int | float


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x


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


def _binary(op: Op, a: Value, b: Any) -> Value:
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
    return _new(out, op, a.requires_grad or b.requires_grad, a, d0, b, d1)


def _unary(op: Op, a: Value, arg: Any = None) -> Value:
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
    return _new(out, op, a.requires_grad, a, d0, arg=arg)


def apply_scalar_op(op: Op, inputs: tuple, arg: Any = None) -> Value:
    """Apply a scalar op's record (built-in or defined with ``define_op``) to Values or numbers,
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
    return _new(out, op, requires_grad, nodes[0], local[0], second, local[1] if second else None, arg)


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
    data: float, op: Op, requires_grad: bool, in0: Value, d0: Any, in1: Value | None = None, d1: Any = None,
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
    node.op = op.name
    node.op_record = op
    node.name = None
    node.arg = arg
    if SWITCHES:  # some thread is in no_grad, name_scope, ...: read this thread's mode
        mode = current_mode()
        node.scope = mode.scope
        requires_grad = requires_grad and mode.grad_enabled
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
    op_kind = "scalar"
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
        self.op_record = None
        self.name = name
        self.arg = None
        self.requires_grad = bool(requires_grad)
        self.scope = current_mode().scope if SWITCHES else None
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
        op = self.op_record  # the op as it was when this node was made, whatever was defined since
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
        if not (type(local) is tuple and len(local) == len(parents)):
            local = _as_tuple(local, len(parents), self.op)
        self._check_unchanged(local)
        return local

    def _check_unchanged(self, local: tuple) -> None:
        """Refuse derivatives recomputed from data changed since the forward pass: each must
        equal the number recorded then (first-order backward uses those numbers themselves)."""
        for i, (now, then) in enumerate(zip(local, self.local)):
            number = now.data if isinstance(now, Value) else now
            if not (math.isclose(number, then, rel_tol=1e-9, abs_tol=1e-12) or (number != number and then != then)):
                parent = self.parents[i]
                raise DataChangedError(
                    f"backward: node {self._describe()}'s local derivative with respect to {parent._describe()} "
                    f"was {then:.6g} in the forward pass and is {number:.6g} now: the data of one of them changed "
                    "after the forward pass. Run the forward pass again after changing data"
                )

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
        """``float(v)``: refused while ``v`` requires grad (and recording is on), since the number
        would carry no gradient (``math.exp(v)`` asks for it too); ``v.item()`` or ``v.data`` say so by name."""
        if _DERIVING.active:
            raise TypeError(f"float() of a Value ({self._describe()}) inside a derivative cuts the graph")
        if self._gradient_at_stake():
            raise TypeError(leaving_error(self, "float()"))
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
        return _binary(ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return _binary(ADD, _lift(other, "add", self, reflected=True), self)

    def __sub__(self, other: Any) -> Value:
        return _binary(SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return _binary(SUB, _lift(other, "sub", self, reflected=True), self)

    def __mul__(self, other: Any) -> Value:
        return _binary(MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return _binary(MUL, _lift(other, "mul", self, reflected=True), self)

    def __truediv__(self, other: Any) -> Value:
        return _binary(DIV, self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return _binary(DIV, _lift(other, "div", self, reflected=True), self)

    def __pow__(self, exponent: Any) -> Value:
        if isinstance(exponent, Value):
            return _binary(POWV, self, exponent)
        try:
            n = _check_number(exponent, "pow")
        except TypeError:
            raise TypeError(
                f"pow: unsupported operand types Value and {type(exponent).__name__} (node {self._describe()})"
            ) from None
        if not math.isfinite(n):
            raise DomainError(f"pow: the exponent must be a finite number, got {n!r} (node {self._describe()})")
        return _unary(POW, self, n)

    def __rpow__(self, base: Any) -> Value:
        return _binary(POWV, _lift(base, "pow", self, reflected=True), self)

    def __neg__(self) -> Value:
        return _unary(NEG, self)

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

    # -- functions (what each one means, derivative and words, is its op's record: OPS[name]) ----
    def exp(self) -> Value:
        """e ** self (op ``exp``)."""
        return _unary(EXP, self)

    def log(self) -> Value:
        """Natural logarithm, positive inputs only (op ``log``)."""
        return _unary(LOG, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent (op ``tanh``)."""
        return _unary(TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed stably (op ``sigmoid``)."""
        return _unary(SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x) (op ``relu``; its slope at 0 is 0, as in PyTorch)."""
        return _unary(RELU, self)

    def sin(self) -> Value:
        """Sine (op ``sin``).

        >>> x = Value(0.5); y = x.sin(); y.backward(); round(x.grad, 6)   # cos(0.5)
        0.877583
        """
        return _unary(SIN, self)

    def cos(self) -> Value:
        """Cosine (op ``cos``)."""
        return _unary(COS, self)

    def max(self, other: Any) -> Value:
        """The larger of self and ``other`` (op ``maximum``: at a tie the gradient is split, as
        PyTorch's ``torch.maximum`` does).

        >>> a, b = Value(2.0), Value(5.0)
        >>> m = a.max(b); m.backward(); (m.data, a.grad, b.grad)
        (5.0, 0.0, 1.0)
        """
        return _binary(MAXIMUM, self, other)

    def min(self, other: Any) -> Value:
        """The smaller of self and ``other`` (op ``minimum``)."""
        return _binary(MINIMUM, self, other)


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
    constant.op_record = None
    constant.name = None
    constant.arg = None
    constant.requires_grad = False
    constant.scope = current_mode().scope if SWITCHES else None
    constant._in0 = constant._in1 = constant._d0 = constant._d1 = None
    return constant
