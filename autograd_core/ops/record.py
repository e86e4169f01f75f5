"""One record per op: everything chainrule knows about an op, in one place.

An op (``mul``, ``tanh``, ``matmul``, ``conv2d``, your ``softplus``) is an :class:`Op`: how to
compute it, how it changes with each input (local derivatives for a scalar op, a
vector-Jacobian product for a Tensor op), how that derivative reads in words, how a diagram
draws it and what gradcheck needs to run it again.  Scalar ops live in :data:`OPS`, Tensor ops in
:data:`TENSOR_OPS`.  Built-in ops, ``nn``'s layers and your own ops (``define_op``,
``define_tensor_op``) come through one door: an :class:`Op` checks its definition once, when it
is made (its name, its symbol, its formulas), and :func:`register` files it.

Every node keeps the record of the op that made it (``node.op_record``), and every view reads
that record: the step text, the diagrams, the parser, gradcheck's per-op check, the hypothesis
strategies and the NumPy protocol.  Defining an op again (``replace=True``) files a new record:
a graph already built keeps the one it was built with.

>>> from autograd_core import OPS, TENSOR_OPS
>>> OPS["mul"].formula, OPS["mul"].symbol, TENSOR_OPS["matmul"].formula
(('{y}', '{x}'), '×', ('g @ {b}ᵀ', '{a}ᵀ @ g'))
"""

from __future__ import annotations

import builtins
import keyword
import string
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from ..graph import check_name

__all__ = [
    "OPS",
    "PLACEHOLDERS",
    "SCALAR",
    "TENSOR",
    "TENSOR_OPS",
    "DomainError",
    "Op",
    "check_op_name",
    "fill",
    "record_of",
    "register",
    "registrations",
]

#: The two kinds of op: on ``Value`` nodes (local derivatives) and on ``Tensor`` nodes (VJPs).
SCALAR = "scalar"
TENSOR = "tensor"

#: What a formula template may name: the first input (``{x}`` or ``{a}``), the second (``{y}`` or
#: ``{b}``), the output (``{out}``) and the op's constant (``{n}``, pow's exponent).  ``g``, the
#: upstream gradient of a Tensor op, is written as it is.
PLACEHOLDERS = ("x", "y", "a", "b", "out", "n")

#: The longest name, symbol and formula template an op may have (checked once, at definition).
MAX_NAME = 64
MAX_SYMBOL = 64
MAX_FORMULA = 160

# Names a node's ``op`` takes without being an op: a leaf ("") and a constant ("const").
_RESERVED = ("", "const", "leaf")


class DomainError(ValueError):
    """An op was asked for a value outside its domain (log of 0, 1/0, ...)."""


class Op:
    """What one op means, for every part of chainrule that needs to know.

    - ``name``: the op's name, what ``node.op`` says; ``kind``: :data:`SCALAR` or :data:`TENSOR`.
    - ``symbol``: how a diagram draws the op (``×``, ``σ``, ``@``).
    - ``formula``: the derivative in words, one template per input: the local derivative of a
      scalar op (``{y}`` for mul's first input), or what a Tensor op's VJP sends back to the
      input (``g @ {b}ᵀ``).  See :data:`PLACEHOLDERS`.
    - ``forward``: a scalar op's output from plain numbers, ``forward(x[, y][, n])``; for a Tensor
      op defined with ``define_tensor_op``, the output array from the input arrays.
    - ``derivative``: a scalar op's local derivatives, ``derivative(x[, y], out[, n])``, written
      with arithmetic so it runs on numbers and on Values (``backward(create_graph=True)``).
    - ``vjp``: a Tensor op's vector-Jacobian product, ``vjp(node, g)`` -> one gradient per input
      (None for an input that needs none).
    - ``apply``: a Tensor op's function on Tensors (what ``t.exp()`` and ``np.exp(t)`` call).
    - ``replay``: a Tensor op run again with a node's parameters, ``replay(node, *inputs)``: what
      gradcheck's per-op check needs (None: the op is checked end to end only).
    - ``arity``: how many inputs (None: varies, as for ``concatenate`` or a bias that may be
      absent); ``has_arg``: a scalar op takes a constant after its inputs (pow's exponent).
    - ``infix`` and ``precedence``: how the op reads inside an expression (add: ``" + "``, 1;
      neg: ``"-"``, 3); None for an op written as a call.
    - ``role``: what a node too long to read as an expression is called (add: ``sum``).
    - ``broadcasts``: a Tensor op that broadcasts its inputs, so its VJP sums a gradient back
      over the broadcast axes (the step text says over which).
    - ``kink``: ``kink(node, distance, label)`` says why finite differences cannot be trusted at
      this node (an input at the op's kink, such as relu's 0), or None; ``label(input)`` is what
      the reason calls an input (a check may know a better name than the node's own).
    - ``numpy``: the NumPy functions a Tensor op stands for, each with the adapter that calls
      ``apply`` (None: ``apply`` takes NumPy's arguments as they are).
    - ``numpy_form``: a scalar op written with a NumPy-like module, ``numpy_form(np, *inputs)``,
      so a test can build the same function in an independent library.
    - ``built_in``: defined by chainrule itself: never replaced.

    The name, the symbol and the formulas are checked here, once, for every op of either kind.
    """

    __slots__ = (
        "name", "kind", "symbol", "formula", "forward", "derivative", "vjp", "apply", "replay", "arity",
        "has_arg", "infix", "precedence", "role", "broadcasts", "kink", "numpy", "numpy_form", "built_in",
    )

    def __init__(
        self,
        name: str,
        kind: str,
        *,
        symbol: str | None = None,
        formula: Any = None,
        forward: Callable[..., Any] | None = None,
        derivative: Callable[..., Any] | None = None,
        vjp: Callable[..., tuple] | None = None,
        apply: Callable[..., Any] | None = None,
        replay: Callable[..., Any] | None = None,
        arity: int | None = 1,
        has_arg: bool = False,
        infix: str | None = None,
        precedence: int = 9,
        role: str | None = None,
        broadcasts: bool = False,
        kink: Callable[..., str | None] | None = None,
        numpy: Mapping[Any, Callable[..., Any] | None] | None = None,
        numpy_form: Callable[..., Any] | None = None,
        built_in: bool = False,
        where: str | None = None,
    ) -> None:
        where = where or ("define_op" if kind == SCALAR else "define_tensor_op")
        if kind not in (SCALAR, TENSOR):
            raise ValueError(f"{where}: kind must be {SCALAR!r} or {TENSOR!r}, got {kind!r}")
        self.name = check_op_name(name, where, built_in=built_in)
        where = f"{where}({name!r})"
        self.kind = kind
        self.symbol = _check_symbol(name if symbol is None else symbol, where)
        self.arity = arity
        self.formula = _check_formula(formula, arity, name, where)
        self.forward = forward
        self.derivative = derivative
        self.vjp = vjp
        self.apply = apply
        self.replay = replay
        self.has_arg = bool(has_arg)
        self.infix = infix
        self.precedence = precedence
        self.role = name if role is None else role
        self.broadcasts = bool(broadcasts)
        self.kink = kink
        self.numpy = dict(numpy or {})
        self.numpy_form = numpy_form
        self.built_in = bool(built_in)

    @property
    def table(self) -> dict[str, Op]:
        """The registry this op belongs in: :data:`OPS` or :data:`TENSOR_OPS`."""
        return OPS if self.kind == SCALAR else TENSOR_OPS

    def __repr__(self) -> str:
        return f"Op({self.name!r}, {self.kind}, symbol={self.symbol!r}, formula={self.formula!r})"


#: Every scalar op by name, built-in and user-defined: filled by :func:`register` only.
OPS: dict[str, Op] = {}
#: Every Tensor op by name, built-in (``nn``'s layers included) and user-defined.
TENSOR_OPS: dict[str, Op] = {}

_registered = 0  # how many ops register() has filed: tables read from the records know when to read again


def registrations() -> int:
    """How many ops have been filed so far: a view that builds a table from the records (the
    NumPy protocol) reads them again when this changes."""
    return _registered


def record_of(node: Any) -> Op | None:
    """The record of the op that made ``node``: the one it keeps (``node.op_record``), or, for a
    node that keeps none but names an op (a node made by hand), the op of that name as defined
    now; None for a leaf or a constant.

    >>> from autograd_core import Value, no_grad
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> record_of(y) is OPS["mul"], record_of(Value(1.0))
    (True, None)
    """
    op = node.op_record
    if op is None and node.op:
        op = (OPS if node.op_kind == SCALAR else TENSOR_OPS).get(node.op)
    return op


def register(op: Op, *, replace: bool = False) -> Op:
    """File ``op`` in its registry and return it.  A built-in op is never replaced; another op of
    the same name and kind only with ``replace=True`` (a notebook cell run twice).  Graphs built
    before keep the record they were built with.

    >>> OPS["add"] is register(OPS["add"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: define_op: 'add' is a built-in scalar op and cannot be redefined; choose another name
    """
    table = op.table
    where = "define_op" if op.kind == SCALAR else "define_tensor_op"
    old = table.get(op.name)
    if old is not None:
        if old.built_in:
            raise ValueError(
                f"{where}: {op.name!r} is a built-in {op.kind} op and cannot be redefined; choose another name"
            )
        if not replace:
            registry = "OPS" if op.kind == SCALAR else "TENSOR_OPS"
            raise ValueError(
                f"{where}: an op named {op.name!r} is already defined (autograd_core.{registry}); choose another "
                "name, or pass replace=True to define your op again (graphs built before keep the old one)"
            )
    global _registered
    table[op.name] = op
    _registered += 1
    return op


# -- checks, made once when an op is defined ------------------------------------------------------------
def check_op_name(name: Any, where: str, *, built_in: bool = False) -> str:
    """``name`` if it can name an op: a plain ASCII Python identifier, not a keyword, not a name
    Python itself gives a built-in (``input``, ``print``; chainrule's own ``abs``, ``max``, ``min``,
    ``pow`` and ``sum`` are built-in ops), not ``const`` or ``leaf``.  A formula calls an op by
    its name, so the name must read as what it is.

    >>> check_op_name("softplus", "define_op")
    'softplus'
    >>> check_op_name("ｍｕｌ", "define_op")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: define_op: the name 'ｍｕｌ' is not plain ASCII (Unicode reads it as 'mul'); ...
    """
    if not isinstance(name, str):
        raise TypeError(
            f"{where}: the name must be a string such as 'softplus', got {type(name).__name__}: {name!r:.60}"
        )
    if not name.isascii():
        normal = unicodedata.normalize("NFKC", name)
        reads = f" (Unicode reads it as {normal!r})" if normal != name else ""
        raise ValueError(
            f"{where}: the name {name!r:.80} is not plain ASCII{reads}; an op's name is an ASCII identifier "
            "such as 'softplus'"
        )
    if not name.isidentifier() or len(name) > MAX_NAME:
        raise ValueError(
            f"{where}: the name must be a Python identifier of at most {MAX_NAME} characters such as 'softplus', "
            f"got {name!r:.80}"
        )
    if name in _RESERVED:
        raise ValueError(
            f"{where}: {name!r} names a node that is not an op (a leaf or a constant); choose another name"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise ValueError(f"{where}: {name!r} is a Python keyword; choose another name")
    if not built_in and name in vars(builtins):
        raise ValueError(
            f"{where}: {name!r} is the name of Python's built-in {name}; a formula calling {name}(x) would read as "
            "Python's, so choose another name"
        )
    return name


def _check_symbol(symbol: Any, where: str) -> str:
    if not isinstance(symbol, str) or not symbol.strip():
        raise TypeError(f"{where}: symbol must be a non-empty string, got {symbol!r:.60}")
    if len(symbol) > MAX_SYMBOL:
        raise ValueError(f"{where}: symbol must be at most {MAX_SYMBOL} characters, got {len(symbol)}")
    return check_name(symbol, f"{where} symbol")


def _check_formula(formula: Any, arity: int | None, name: str, where: str) -> tuple[str, ...]:
    """One template per input, each naming only :data:`PLACEHOLDERS`, with no format
    specifications or conversions (``{x:>9}``, ``{x!r}``): filled by :func:`fill` in every view."""
    if formula is None:
        if arity == 1:
            return (f"{name}'({{x}})",)
        return tuple(f"∂{name}/∂{{{p}}}" for p in ("x", "y")[: arity or 2])
    if isinstance(formula, str):
        formula = (formula,)
    if not isinstance(formula, (tuple, list)) or not all(isinstance(t, str) for t in formula):
        raise TypeError(f"{where}: formula must be a tuple of strings, one per input, got {formula!r:.80}")
    formula = tuple(formula)
    if arity is not None and len(formula) != arity:
        raise ValueError(
            f"{where}: formula must be {arity} string{'s' if arity != 1 else ''}, one per input, got {len(formula)}: "
            f"{formula!r:.80}"
        )
    for template in formula:
        _check_template(template, where)
    return formula


def _check_template(template: str, where: str) -> None:
    if len(template) > MAX_FORMULA:
        raise ValueError(f"{where}: a formula template must be at most {MAX_FORMULA} characters, got {len(template)}")
    check_name(template, f"{where} formula")
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"{where}: formula {template!r}: {error} (write a literal brace as {{{{ or }}}})") from None
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            raise ValueError(
                f"{where}: formula {template!r} uses {{{field}}}; the placeholders are "
                + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            )
        if spec or conversion:
            shown = f"{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            raise ValueError(
                f"{where}: formula {template!r} formats {shown}; a placeholder is filled in as it is, "
                f"write {{{field}}}"
            )


def fill(template: str, values: Mapping[str, str]) -> str:
    """A formula template with its placeholders filled in (every one of :data:`PLACEHOLDERS` is
    given, as text; a template was checked when its op was defined, so this cannot fail).

    >>> fill("{n} * {x}**({n} - 1)", {"x": "a", "y": "", "a": "a", "b": "", "out": "a**3", "n": "3"})
    '3 * a**(3 - 1)'
    """
    return template.format_map(values)
