"""The NumPy ``Tensor``: an array, the operation that produced it, and its gradient.

A ``Tensor`` is a graph node like the scalar ``Value``: the same topological order, the same
``backward()``, ``zero_grad()``, ``no_grad()``, ``detect_anomaly()`` and ``name_scope()``.  Where a
``Value`` stores one local derivative per input, a ``Tensor`` node keeps its op's record
(``op_record``, with the op's *vector-Jacobian product*, VJP) and what the VJP needs (a mask, a
shape): given the gradient of the output, the VJP returns one gradient per input, or ``None`` for
an input that needs none, so no work is spent on inputs that don't require a gradient.  Every
method (``t.exp()``, ``t + u``, ``t.sum()``) applies its op through the op's record.

Conventions:

- ``data`` is float64 by default; float32 is kept when given (and stays float32 through every
  op and gradient).  Ints, bools and lists become float64.  The array given is wrapped, not
  copied, so ``p.data -= lr * p.grad`` updates it in place (as the textbook's ``params`` dict does).
- A plain number or array used with a Tensor (``x * 2``, ``arr + t``) becomes a constant leaf
  Tensor with ``op == "const"`` and ``requires_grad=False``: every input shows up in ``parents``.
  It takes the Tensor's dtype, so a float32 network stays float32 even when fed a float64 batch.
  Two Tensors of different dtypes combine as NumPy does (float64), and each one's gradient
  comes back in its own dtype.
- An op whose inputs need no gradient (or run under ``no_grad()``) records nothing: its result
  is a leaf with ``parents == ()``, as for ``Value``.
- ``grad`` is ``None`` until a backward pass reaches the node, then an ndarray of the data's shape
  and dtype.  Gradients accumulate across backward calls, out of place: a new array each time.
  A leaf's gradient never shares memory with another node's gradient, so an optimizer may
  update ``p.grad`` in place.
- ``backward(create_graph=True)`` makes every gradient a Tensor on the graph (the same VJPs, handed
  a Tensor ``g``), so it can be differentiated again.
- NumPy functions called on a Tensor record the matching Tensor op or refuse with a TypeError
  (see :mod:`autograd_core.tensor.numpy_protocol`); ``np.asarray(t)`` is refused while ``t`` requires grad
  and recording is on (``t.data`` / ``t.detach().numpy()`` give the values).

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor
    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="W")
    >>> x = np.array([[1.0, 1.0]])
    >>> loss = (x @ W).sum()
    >>> loss.backward()
    >>> W.grad
    array([[1., 1.],
           [1., 1.]])
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..graph import Node, check_name, leaving_error
from ..modes import SWITCHES, current_mode
from ..ops.record import TENSOR, TENSOR_OPS, Op, register
from . import numpy_protocol as _numpy
from .data_view import CLOCK, DataView, changed_error, last_change, tick
from .data_view import hand_out as _hand_out

_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))
_alloc = object.__new__
_ndarray = np.ndarray


def _as_float_array(data: Any, dtype: Any, where: str) -> np.ndarray:
    """Turn ``data`` into a float64 or float32 array, refusing what has no numbers in it."""
    if isinstance(data, Node):
        raise TypeError(
            f"{where}: expected an array or a number, got a {type(data).__name__} ({data!r:.80}); "
            "use it directly, or .detach() for a copy without history"
        )
    if dtype is not None:
        wanted = np.dtype(dtype)
        if wanted not in _FLOATS:
            raise TypeError(f"{where}: dtype must be float64 or float32, got {wanted}")
    else:
        wanted = None
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as error:
        raise TypeError(f"{where}: cannot make an array of {type(data).__name__}: {error}") from None
    kind = array.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"{where}: expected numbers (float, int or bool), got an array of dtype {array.dtype} "
            f"(kind {kind!r}): {data!r:.80}"
        )
    if wanted is None:
        wanted = array.dtype if array.dtype in _FLOATS else _FLOATS[0]
    return array if array.dtype == wanted else array.astype(wanted)


class Tensor(Node):
    """An n-dimensional array node: ``data`` (ndarray), ``grad``, ``parents``, ``op``, ``name``.

    >>> from autograd_core import Tensor
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    array([2., 4., 6.])
    """

    # parents: the op's inputs (Tensors, in order, with repeats); _saved: what the op's VJP needs
    # (a mask, a shape), besides what ``op_record`` (the op's record) says.  _data: the array
    # (``data`` hands out a view of it that counts writes); _changed: the change clock's time of
    # the last change of the data (0: never); _born: the clock's time when this node was computed.
    __slots__ = ("parents", "_saved", "_data", "_changed", "_born", "__weakref__")

    _empty_grad = None
    op_kind = "tensor"

    def __init__(
        self, data: Any, requires_grad: bool = False, name: str | None = None, dtype: Any = None
    ) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Tensor: name must be a string, got {type(name).__name__}: {name!r}")
        self._data = _as_float_array(data, dtype, "Tensor")
        self._changed = self._born = 0
        self.grad = None
        self.op = ""
        self.op_record = None
        self.name = name if name is None else check_name(name, "Tensor")
        self.arg = None
        self.requires_grad = bool(requires_grad)
        self.scope = current_mode().scope if SWITCHES else None
        self.parents = ()
        self._saved = None

    # -- constructors --------------------------------------------------------------------------
    @classmethod
    def zeros(cls, *shape: int, requires_grad: bool = False, name: str | None = None, dtype: Any = None) -> Tensor:
        """A tensor of zeros: ``Tensor.zeros(2, 3)``."""
        return cls(np.zeros(_shape_arg(shape), dtype=dtype or np.float64), requires_grad, name)

    @classmethod
    def ones(cls, *shape: int, requires_grad: bool = False, name: str | None = None, dtype: Any = None) -> Tensor:
        """A tensor of ones: ``Tensor.ones(2, 3)``."""
        return cls(np.ones(_shape_arg(shape), dtype=dtype or np.float64), requires_grad, name)

    @classmethod
    def randn(
        cls, *shape: int, requires_grad: bool = False, name: str | None = None, dtype: Any = None,
        rng: np.random.Generator | None = None,
    ) -> Tensor:
        """Standard normal samples: ``Tensor.randn(784, 100, rng=np.random.default_rng(0))``."""
        rng = rng if rng is not None else np.random.default_rng()
        return cls(rng.standard_normal(_shape_arg(shape)).astype(dtype or np.float64), requires_grad, name)

    # -- array-like properties -----------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of ``data``."""
        return self._data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions of ``data``."""
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """float64 or float32."""
        return self._data.dtype

    @property
    def size(self) -> int:
        """The number of elements."""
        return self._data.size

    @property
    def data(self) -> np.ndarray:
        """The values: the tensor's own array (not a copy).  Writing into it (``t.data[...] = 0``,
        ``t.data -= lr * t.grad``) or assigning ``t.data = array`` counts as a change of the tensor:
        a backward pass through a node computed from the old values is refused, naming the node
        (see :mod:`autograd_core.tensor.data_view`).

        >>> t = Tensor([1.0, 2.0])
        >>> t.data
        array([1., 2.])
        """
        return _hand_out(self)

    @data.setter
    def data(self, value: Any) -> None:
        if isinstance(value, DataView):
            if not _same_array(value, self):
                self._data = _as_float_array(value.view(np.ndarray), None, "Tensor.data")
        elif isinstance(value, np.ndarray) and value.dtype in _FLOATS:
            self._data = value  # kept as given, an ndarray subclass too
        else:
            self._data = _as_float_array(value, None, "Tensor.data")
        self._changed = tick()

    # copy, deepcopy and pickle keep the array itself (``data`` is a view made on each access)
    def __getstate__(self) -> dict:
        return {name: getattr(self, name) for name in _STATE if hasattr(self, name)}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        # times of another process's change clock (a pickle): move this one's past them, so that
        # nothing loaded looks changed later than what is computed from it from now on
        CLOCK[0] = max(CLOCK[0], state.get("_changed", 0), state.get("_born", 0))

    def __len__(self) -> int:
        return len(self._data)

    # -- NumPy interop: a NumPy function records the matching Tensor op or refuses ---------------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _numpy.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        return _numpy.array_function(func, types, args, kwargs)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if self._gradient_at_stake():
            raise TypeError(
                f"cannot turn Tensor {self._describe()} (shape {self.shape}), which requires grad, into a NumPy "
                "array: the graph would be dropped silently. Use t.detach().numpy() (or t.data) for the values, "
                "or a Tensor op to keep the gradient"
            )
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            return self._data.astype(dtype)
        return self._data.copy() if copy else self._data

    def numpy(self) -> np.ndarray:
        """The values as a plain ``ndarray`` sharing the tensor's memory (not a copy), for
        libraries that want exactly an ndarray.  Unlike ``t.data``, writes through it are not
        counted as changes of the tensor: change values through ``t.data``."""
        return self._data

    def astype(self, dtype: Any) -> Tensor:
        """The same values in float32 or float64 (recorded: the gradient comes back in the input's dtype)."""
        return _call("astype", self, dtype)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        if self._data.size != 1:
            raise ValueError(f"item: tensor {self._describe()} has shape {self.shape}, not a single number")
        return self._data.item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of floats, as ``ndarray.tolist``; a 0-d tensor
        gives a float.

        >>> Tensor([[1.0, 2.0]]).tolist(), Tensor(3.0).tolist()
        ([[1.0, 2.0]], 3.0)
        """
        return self._data.tolist()

    def __float__(self) -> float:
        """``float(t)`` of a one-element tensor: refused while ``t`` requires grad (and recording
        is on), since the number would carry no gradient; ``t.item()`` says so by name."""
        if self._gradient_at_stake():
            raise TypeError(leaving_error(self, "float()"))
        return self.item()

    def __bool__(self) -> bool:
        return bool(self._data)

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, without history and without gradient."""
        return _leaf(self._data, "", False, self.name)

    # -- the graph -----------------------------------------------------------------------------
    @staticmethod
    def _chain_rule(nodes: Iterable[Tensor], pending: dict, create_graph: bool) -> None:
        """For each node in reverse topological order: store or add the gradient gathered for it,
        then call its VJP and gather one contribution per input that requires a gradient.

        The first contribution is stored as it is (no zero array to add into).  A leaf's
        gradient is made its own array (copied if it is the upstream array itself or a view
        of it), so an optimizer may change it in place without touching other nodes.  An
        intermediate node's gradient is kept as computed, which may be a read-only broadcast
        view or an array shared with a neighbour: read it, don't modify it in place.
        """
        if create_graph:
            _chain_rule_graph(nodes, pending)
            return
        pop = pending.pop
        get = pending.get
        for node in nodes:
            upstream = pop(node, None)
            if upstream is None:
                continue
            current = node.grad
            if current is not None:
                current = current + upstream
                # NumPy turns 0-d results into scalars: keep every gradient an ndarray.
                node.grad = current if type(current) is _ndarray else np.asarray(current)
            else:
                node.grad = upstream
            parents = node.parents
            if not parents:
                continue
            if node._born != CLOCK[0]:  # some data changed since this node was computed
                check_unchanged(node)
            contributions = node.op_record.vjp(node, upstream)
            for i in range(len(parents)):
                c = contributions[i]
                if c is None:
                    continue
                parent = parents[i]
                if c.dtype != parent._data.dtype and node._data.dtype != parent._data.dtype:
                    # Mixed float32/float64 inputs: NumPy computed this node in float64; the
                    # input's gradient comes back in its own dtype.  (A VJP that changes the
                    # dtype on its own is a bug left visible, for gradcheck to report.)
                    c = c.astype(parent._data.dtype)
                previous = get(parent)
                if previous is None:
                    if type(c) is not _ndarray:
                        c = np.asarray(c)
                    elif not parent.parents and (c is upstream or c.base is not None):
                        c = c.copy()
                    pending[parent] = c
                else:
                    c = previous + c
                    pending[parent] = c if type(c) is _ndarray else np.asarray(c)

    def _seed(self, grad: Any, create_graph: bool) -> Any:
        if create_graph:
            if isinstance(grad, Tensor) and grad.shape == self.shape:
                return grad
            return _leaf(self._seed(grad, False), "const", False)
        if grad is None:
            if self._data.size != 1:
                raise ValueError(
                    f"backward: output {self._describe()} has shape {self.shape}, not a single number; "
                    "pass the gradient of the final result with respect to it: "
                    f"backward(grad=array of shape {self.shape})"
                )
            return np.ones(self.shape, dtype=self.dtype)
        seed = grad._data if isinstance(grad, Tensor) else grad
        try:
            seed = np.array(seed, dtype=self.dtype, copy=True)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"backward: grad= must be an array of numbers, got {type(grad).__name__}: {error}"
            ) from None
        if seed.shape != self.shape:
            raise ValueError(
                f"backward: grad= has shape {seed.shape} but output {self._describe()} has shape {self.shape}; "
                "they must be equal"
            )
        return seed

    @staticmethod
    def _is_finite(gradient: Any) -> bool:
        return bool(np.isfinite(gradient).all())

    def arg_text(self) -> str:
        """How the op reads, e.g. ``sum(axis=0)`` or ``x**2``."""
        if self.op == "pow" and self.arg is not None:
            base = self.parents[0].label if self.parents else "x"
            return f"{base}**{self.arg!r}"
        if self.arg is None or self.op == "const":
            return self.op
        shown = repr(self.arg)
        return f"{self.op}({shown if len(shown) <= 60 else shown[:57] + '...'})"

    # -- display -------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """The node's name, else its op; a small constant is labelled by its values."""
        if self.name is not None:
            return self.name
        if self.op == "const" and self._data.size == 1:
            return f"{self.data.item():g}"
        return self.op or "leaf"

    def __repr__(self) -> str:
        parts = [f"shape={self.shape}", f"dtype={self.dtype}"]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        grad = self.grad
        if grad is None:
            parts.append("grad=None")
        elif grad.size <= _SHOWN:
            parts.append(f"grad={_short(grad)}")
        else:
            parts.append("grad=<array>")
        if self._data.size <= _SHOWN:
            parts.append(f"data={_short(self.data)}")
        return f"Tensor({', '.join(parts)})"

    # -- arithmetic: the operator spellings of the ops (each one's meaning is its record, TENSOR_OPS[name]) --
    def __add__(self, other: Any) -> Tensor:
        return _call("add", self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _call("add", other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _call("sub", self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _call("sub", other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _call("mul", self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _call("mul", other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _call("div", self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _call("div", other, self)

    def __pow__(self, exponent: Any) -> Tensor:
        return _call("pow", self, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return _call("pow", base, self)

    def __neg__(self) -> Tensor:
        return _call("neg", self)

    def __pos__(self) -> Tensor:
        return self

    def __matmul__(self, other: Any) -> Tensor:
        return _call("matmul", self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _call("matmul", other, self)

    def matmul(self, other: Any) -> Tensor:
        """Matrix product ``self @ other`` (1-D, 2-D and batched, as ``np.matmul``)."""
        return _call("matmul", self, other)

    # Comparisons read the forward values and give boolean arrays (not recorded: they have no
    # gradient).  Equality stays identity, so nodes remain hashable.
    def __lt__(self, other: Any) -> np.ndarray:
        return self._data < _plain(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self._data <= _plain(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self._data > _plain(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self._data >= _plain(other)

    def eq(self, other: Any) -> np.ndarray:
        """Elementwise ``==`` of the values, a boolean mask (not recorded).  ``t == u`` stays identity."""
        return self._data == _plain(other)

    def ne(self, other: Any) -> np.ndarray:
        """Elementwise ``!=`` of the values, a boolean mask (not recorded)."""
        return self._data != _plain(other)

    def argmax(self, axis: int | None = None) -> np.ndarray:
        """Index of the maximum (an integer array, not recorded): ``logits.argmax(axis=1)``."""
        return self._data.argmax(axis=axis)

    # -- elementwise functions -----------------------------------------------------------------
    def exp(self) -> Tensor:
        """e ** x."""
        return _call("exp", self)

    def log(self) -> Tensor:
        """Natural logarithm; raises DomainError for non-positive entries."""
        return _call("log", self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent."""
        return _call("tanh", self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e**-x), computed stably."""
        return _call("sigmoid", self)

    def relu(self) -> Tensor:
        """max(0, x)."""
        return _call("relu", self)

    def sqrt(self) -> Tensor:
        """Square root; raises DomainError for negative entries."""
        return _call("sqrt", self)

    def abs(self) -> Tensor:
        """|x|."""
        return _call("abs", self)

    def __abs__(self) -> Tensor:
        return _call("abs", self)

    def sin(self) -> Tensor:
        """Sine."""
        return _call("sin", self)

    def cos(self) -> Tensor:
        """Cosine."""
        return _call("cos", self)

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        """x where x > 0, else ``slope * x``."""
        return _call("leaky_relu", self, slope)

    def clip(self, low: Any = None, high: Any = None) -> Tensor:
        """Values limited to [low, high]."""
        return _call("clip", self, low, high)

    def maximum(self, other: Any) -> Tensor:
        """Elementwise maximum with broadcasting; ties share the gradient evenly."""
        return _call("maximum", self, other)

    def minimum(self, other: Any) -> Tensor:
        """Elementwise minimum with broadcasting; ties share the gradient evenly."""
        return _call("minimum", self, other)

    # -- reductions ----------------------------------------------------------------------------
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all axes by default)."""
        return _call("sum", self, axis, keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all axes by default)."""
        return _call("mean", self, axis, keepdims)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``.  Ties share the gradient evenly (two equal maxima get g/2 each)."""
        return _call("max", self, axis, keepdims)

    def min(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``.  Ties share the gradient evenly."""
        return _call("min", self, axis, keepdims)

    def var(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over ``axis`` (``ddof`` as NumPy's)."""
        return _call("var", self, axis, keepdims, ddof)

    def std(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation over ``axis``: ``sqrt(var)``."""
        return _call("std", self, axis, keepdims, ddof)

    # -- shapes and indexing -------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """Same data, new shape (a view): ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        return _call("reshape", self, _shape_arg(shape))

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes (reverse them by default), as ``np.transpose`` (a view)."""
        return _call("transpose", self, None if not axes or axes == (None,) else _shape_arg(axes))

    def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Drop length-1 axes (all of them, or those in ``axis``)."""
        return _call("squeeze", self, axis)

    def expand_dims(self, axis: int | tuple[int, ...]) -> Tensor:
        """Insert length-1 axes at ``axis``, as ``np.expand_dims``."""
        return _call("expand_dims", self, axis)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Exchange two axes (a view)."""
        return _call("swapaxes", self, axis1, axis2)

    def moveaxis(self, source: Any, destination: Any) -> Tensor:
        """Move axes to new positions, as ``np.moveaxis``."""
        return _call("moveaxis", self, source, destination)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Broadcast to ``shape``."""
        return _call("broadcast_to", self, _shape_arg(shape))

    def sum_to(self, *shape: Any) -> Tensor:
        """Sum over the axes that broadcasting to this shape would add or stretch."""
        return _call("sum_to", self, _shape_arg(shape))

    def flatten(self) -> Tensor:
        """The values as one axis (row-major)."""
        return _call("reshape", self, (-1,))

    def ravel(self) -> Tensor:
        """The values as one axis (row-major), as ``flatten``."""
        return _call("reshape", self, (-1,))

    def repeat(self, repeats: Any, axis: int | None = None) -> Tensor:
        """Repeat each entry ``repeats`` times, as ``np.repeat``."""
        return _call("repeat", self, repeats, axis)

    def roll(self, shift: Any, axis: Any = None) -> Tensor:
        """Shift entries cyclically, as ``np.roll``."""
        return _call("roll", self, shift, axis)

    @property
    def T(self) -> Tensor:
        """The transpose (axes reversed)."""
        return _call("transpose", self, None)

    def __getitem__(self, index: Any) -> Tensor:
        return _call("getitem", self, index)

    # -- softmax ------------------------------------------------------------------------------
    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis``, stable for large logits."""
        return _call("softmax", self, axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along ``axis``, stable for large logits."""
        return _call("log_softmax", self, axis)


_SHOWN = 8
# What a copy or a pickle of a Tensor keeps: every slot but the base class's unused ``data``.
_STATE = tuple(name for name in (*Node.__slots__, *Tensor.__slots__) if name not in ("data", "__weakref__"))


def _chain_rule_graph(nodes: Iterable[Tensor], pending: dict) -> None:
    """The chain rule for ``backward(create_graph=True)``: the same VJPs, handed a Tensor ``g``.

    Every VJP is written with operations that work on arrays and on Tensors; given a Tensor it
    reads its inputs and output as the nodes themselves, so its arithmetic records on the graph
    (recording is on during this pass) and each gradient is a Tensor that can be differentiated
    again.
    """
    pop = pending.pop
    get = pending.get
    for node in nodes:
        upstream = pop(node, None)
        if upstream is None:
            continue
        current = node.grad
        node.grad = upstream if current is None else upstream + current
        parents = node.parents
        if not parents:
            continue
        if node._born != CLOCK[0]:
            check_unchanged(node)
        contributions = node.op_record.vjp(node, upstream)
        for i in range(len(parents)):
            c = contributions[i]
            if c is None:
                continue
            parent = parents[i]
            if type(c) is not Tensor:
                c = _leaf(np.asarray(c, dtype=parent._data.dtype), "const", False)
            elif c._data.dtype != parent._data.dtype:
                c = c.astype(parent._data.dtype)
            previous = get(parent)
            pending[parent] = c if previous is None else previous + c


def _plain(value: Any) -> Any:
    return value.data if isinstance(value, Node) else value


def _short(array: np.ndarray) -> str:
    return np.array2string(array, precision=4, separator=", ", threshold=_SHOWN, max_line_width=1000)


def _shape_arg(shape: tuple) -> tuple:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        return tuple(shape[0])
    return shape


def _leaf(data: np.ndarray, op: str, requires_grad: bool, name: str | None = None) -> Tensor:
    """A leaf around an array already of a float dtype (no checks, no copy)."""
    node = _alloc(Tensor)
    node._data = data
    node._changed = node._born = 0
    node.grad = None
    node.op = op
    node.op_record = None
    node.name = name
    node.arg = None
    node.requires_grad = requires_grad
    node.scope = current_mode().scope if SWITCHES else None
    node.parents = ()
    node._saved = None
    return node


def new_node(data: np.ndarray, op: Op, parents: tuple, saved: Any = None, arg: Any = None) -> Tensor:
    """Create the result of the Tensor op ``op`` (its record) on ``parents`` (the hot path: no
    validation, no closures).

    The op's VJP (``op.vjp(node, g)``) returns one gradient per parent (``None`` for a parent that
    needs none); it may read ``node.data``, ``node.parents``, ``node.arg`` and ``node._saved``.  If
    no parent requires a gradient, or recording is off, the result is a leaf (it still says which
    op made it) and nothing else is kept.
    """
    node = _alloc(Tensor)
    # NumPy turns 0-d results into scalars: keep every ``data`` an ndarray.
    node._data = data if type(data) is _ndarray else np.asarray(data)
    node._changed = 0
    node.grad = None
    node.op = op.name
    node.op_record = op
    node.name = None
    node.arg = arg
    if SWITCHES:
        mode = current_mode()
        node.scope = mode.scope
        recording = mode.grad_enabled
    else:
        node.scope = None
        recording = True
    if recording:
        for parent in parents:
            if parent.requires_grad:
                node.requires_grad = True
                node.parents = parents
                node._saved = saved
                node._born = CLOCK[0]
                return node
    node.requires_grad = False
    node.parents = ()
    node._saved = None
    node._born = 0
    return node


def check_unchanged(node: Tensor) -> None:
    """Refuse a backward step through ``node`` if its data or an input's was changed since it was
    computed: the VJP would read values the forward pass never saw."""
    born = node._born
    if last_change(node) > born:
        raise changed_error(node, node)
    for parent in node.parents:
        if last_change(parent) > born:
            raise changed_error(node, parent)


def _same_array(view: DataView, tensor: Tensor) -> bool:
    """True when ``view`` is all of ``tensor``'s array as it is (``t.data -= g`` assigns it back):
    handed out by this tensor, of the same shape, strides and dtype, so no other part of it."""
    array = tensor._data
    owner = view._owner
    if owner is None or owner() is not tensor:
        return False
    # NumPy points every view at the array owning the memory.
    if view.base is not (array if array.base is None else array.base):
        return False
    return view.shape == array.shape and view.strides == array.strides and view.dtype == array.dtype


def tensor_op(name: str, vjp: Callable[..., tuple], apply: Callable[..., Tensor], **more: Any) -> Op:
    """Register a built-in Tensor op (its VJP, the function applying it, its words, its symbol,
    its replay): the door every Tensor op comes through (see :class:`autograd_core.ops.Op`)."""
    return register(Op(name, TENSOR, vjp=vjp, apply=apply, built_in=True, **more))


def _call(name: str, *args: Any) -> Tensor:
    """Apply the Tensor op ``name``: every method of :class:`Tensor` goes through its op's record."""
    return TENSOR_OPS[name].apply(*args)


def as_tensor(value: Any, like: Tensor | None, op: str) -> Tensor:
    """A Tensor as it is; a number or array as a constant leaf (``op == "const"``).

    The constant takes the dtype of ``like``, the Tensor it is combined with, so a float32
    network stays float32 whatever the batch's dtype (no silent upcast); without ``like`` it
    follows the constructor's rules.
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Node):
        raise TypeError(
            f"{op}: cannot combine a Tensor with a {type(value).__name__} ({value!r:.60}); "
            "use Tensor(value.data) for a constant"
        )
    dtype = like._data.dtype if like is not None else None
    if type(value) is _ndarray and value.dtype == dtype:
        return _leaf(value, "const", False)
    try:
        data = _as_float_array(value, dtype, op)
    except TypeError as error:
        other = f" (other operand: node {like._describe()})" if like is not None else ""
        raise TypeError(f"{error}{other}") from None
    return _leaf(data, "const", False)
