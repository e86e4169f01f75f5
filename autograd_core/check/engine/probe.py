"""A learner's micrograd-style engine, seen through chainrule's names and run at arm's length.

- :class:`Engine` finds what a value class offers (a constructor from a float, ``.data``,
  ``.grad``, ``.backward()``, ``+ - * /``, unary ``-``, ``**``, ``tanh`` ``exp`` ``relu`` ``log``
  ``sigmoid``, ``zero_grad``), with an adapter for other spellings, and refuses a class that is
  not Value-like with an :class:`EngineInputError` saying what is missing.
- :data:`FORMS` is every step a check builds (``a + b``, ``a + 2``, ``2 + a``, ``a.tanh()``, ...):
  how a learner writes it and the same step on floats, the oracle, both read from the op's
  record in ``autograd_core.OPS``.
- A :class:`Probe` is one small graph (an :class:`autograd_core.testing.Expression` with a name
  for every node); :meth:`Engine.check` builds it with the engine, runs ``backward()`` and
  compares each forward value with the floats and each input's gradient with central
  differences, returning the first :class:`Problem` (or None).
- The engine's code runs at arm's length (:func:`autograd_core.check.engine.guard.run_guarded`):
  whatever it raises is caught and reported with its line in the learner's file, and a call that
  does not return within its time bound is stopped.

Example:
    >>> from autograd_core import Value
    >>> engine = Engine(Value)
    >>> sorted(engine.ops)[:4]
    ['add', 'div', 'exp', 'log']
    >>> engine.check(Probe.of("tanh", (0.5,))) is None
    True
"""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...expr import ARITHMETIC
from ...ops.record import OPS
from ...words import format_number
from ..numerical import central_differences
from ..report import compare
from ..strategies import Expression
from .guard import Outcome, describe_error, error_location, run_guarded

__all__ = [
    "ADAPTER_KEYS",
    "FORMS",
    "METHOD_OPS",
    "OP_SYMBOLS",
    "ORDER",
    "Engine",
    "EngineInputError",
    "Form",
    "Probe",
    "Problem",
    "shown",
]

#: Central differences: the step, and the tolerance |engine - numerical| <= ATOL + RTOL * |numerical|.
#: The oracle is the expression on floats (each op's own forward: math's tanh, exp, ...), so the only error is the
#: differences' own (about 1e-10 here); an engine's rounding (tanh from exp) adds ~1e-15 per op.
#: A wrong derivative is off by far more (a missing square, a lost contribution: order 0.1 to 1).
EPS = 1e-6
ATOL = 1e-6
RTOL = 1e-5
#: A forward value passes when |engine - floats| <= FORWARD_ATOL + FORWARD_RTOL * |floats|
#: (tanh written as (e^2x - 1) / (e^2x + 1) loses a few digits near 0; a wrong forward, far more).
FORWARD_ATOL = 1e-9
FORWARD_RTOL = 1e-7

#: The ops a check looks for, in the order they are checked: the ones micrograd-style engines
#: build the others from come first (``a - b`` is often ``a + (-b)``, ``-b`` is ``b * -1``,
#: ``a / b`` is ``a * b**-1``), so the first failure names the op where the bug is, not an op
#: built on it.  Each is chainrule's own op: its record (``OPS``) says how it is written and what
#: it computes on floats, the oracle the learner's engine is compared with.
ORDER = ("add", "mul", "pow", "neg", "sub", "div", "powv", "exp", "log", "tanh", "sigmoid", "relu")
#: The ops that are methods (``x.tanh()``: their record has no infix), looked up by these names
#: unless an adapter says otherwise.
METHOD_OPS = tuple(op for op in ORDER if OPS[op].infix is None)
#: What an adapter may rename.
ADAPTER_KEYS = ("data", "grad", "backward", "zero_grad", *METHOD_OPS)
#: How the report names each op ("your *", "your tanh"): Python's operator, or the method's name;
#: the two operators that share a sign with another op say which one they are.
OP_SYMBOLS = {
    op: {"neg": "unary -", "powv": "** (Value exponent)"}.get(op, (OPS[op].infix or op).strip()) for op in ORDER
}


class EngineInputError(TypeError):
    """The class (or adapter) given to ``check_engine`` cannot be checked: not Value-like, or
    an adapter naming something the class does not have.  The message says what is missing."""


# -- forms: every step a check builds -------------------------------------------------------------
@dataclass(frozen=True)
class Form:
    """One kind of step: ``kind`` (the step's name in an Expression), the ``op`` it exercises,
    the ``order`` its operands go into the op (``"ab"``: two nodes, ``"a"``: one, ``"ac"``: a node
    then a number, ``"ca"``: a number then a node) and the method the class needs for it
    (``needs``: ``__radd__`` for ``2.0 + a``).  How a learner writes it (:attr:`text`) and what it
    gives on floats (:meth:`on_floats`) come from the op's record.

    >>> FORMS["c_sub"].text, FORMS["c_sub"].on_floats([0.5], 2.0)
    ('{c} - {a}', 1.5)
    """

    kind: str
    op: str
    order: str
    needs: str

    @property
    def arity(self) -> int:
        return 2 if self.order == "ab" else 1

    @property
    def constant(self) -> bool:
        return "c" in self.order

    @property
    def text(self) -> str:
        """The step as Python code, with ``{a}``, ``{b}`` and ``{c}`` (the constant) to fill in."""
        record = OPS[self.op]
        if record.infix is None:
            return f"{{a}}.{self.op}()"
        symbol = record.infix.strip()
        if self.order == "a":
            return f"{symbol}{{a}}"
        left, right = {"ab": ("{a}", "{b}"), "ac": ("{a}", "{c}"), "ca": ("{c}", "{a}")}[self.order]
        return f"{left} {symbol} {right}"

    def operands(self, nodes: Sequence[Any], constant: Any) -> tuple[Any, ...]:
        """The op's operands in its order: the nodes, and the constant before or after them."""
        if self.order == "ca":
            return (constant, *nodes)
        return (*nodes, constant) if self.order == "ac" else tuple(nodes)

    def on_floats(self, nodes: Sequence[float], constant: Any = None) -> float:
        """The step on floats, by the op's own ``forward``: the oracle."""
        return OPS[self.op].forward(*self.operands(nodes, constant))

    def on_nodes(self, nodes: Sequence[Any], constant: Any = None) -> Any:
        """The step on any engine's nodes, as Python applies its operator (``a - 2.0``,
        ``2.0 - a``), or the node's method of the op's name (``a.tanh()``)."""
        if self.op in ARITHMETIC:
            return ARITHMETIC[self.op](*self.operands(nodes, constant))
        return getattr(nodes[0], self.op)()


FORMS: dict[str, Form] = {
    f.kind: f
    for f in (
        Form("add", "add", "ab", "__add__"),
        Form("add_c", "add", "ac", "__add__"),
        Form("addc", "add", "ca", "__radd__"),  # the kind expressions() emits
        Form("sub", "sub", "ab", "__sub__"),
        Form("sub_c", "sub", "ac", "__sub__"),
        Form("c_sub", "sub", "ca", "__rsub__"),
        Form("mul", "mul", "ab", "__mul__"),
        Form("mul_c", "mul", "ac", "__mul__"),
        Form("c_mul", "mul", "ca", "__rmul__"),
        Form("div", "div", "ab", "__truediv__"),
        Form("div_c", "div", "ac", "__truediv__"),
        Form("c_div", "div", "ca", "__rtruediv__"),
        Form("neg", "neg", "a", "__neg__"),
        Form("pow", "pow", "ac", "__pow__"),
        Form("powv", "powv", "ab", "__pow__"),
        *(Form(op, op, "a", op) for op in METHOD_OPS),
    )
}


# -- probes ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Probe:
    """A small graph to build with the engine: an Expression and a name for each of its nodes
    (inputs first, then one per step).  A name ``None`` means the default: ``x0, x1, ...`` for
    inputs, ``t0, t1, ...`` for steps, and ``out`` for the output.

    >>> print(Probe.of("mul", (2.0, 3.0)).expression.source)
    t0 = x0*x1; out = t0
    """

    expression: Expression
    names: tuple[str, ...] | None = None

    @classmethod
    def of(cls, kind: str, inputs: Sequence[float], constant: Any = None) -> Probe:
        """One step alone on fresh inputs (``x`` for one, ``a`` and ``b`` for two)."""
        n = len(inputs)
        steps = ((kind, tuple(range(n)), constant),)
        names = ("x", "out") if n == 1 else ("a", "b", "out")
        return cls(Expression(tuple(float(x) for x in inputs), steps, (n,)), names)

    def name(self, index: int) -> str:
        e = self.expression
        if self.names is not None:
            return self.names[index]
        n = len(e.inputs)
        if index < n:
            return f"x{index}"
        if len(e.output) == 1 and index == e.output[0]:
            return "out"
        return f"t{index - n}"

    @property
    def output_name(self) -> str:
        e = self.expression
        return self.name(e.output[0]) if len(e.output) == 1 else "out"

    def values(self, inputs: Sequence[float] | None = None) -> list[float]:
        """The forward value of every node, computed on floats (the oracle), at the probe's
        inputs or at ``inputs``."""
        data = list(self.expression.inputs if inputs is None else inputs)
        for kind, operands, constant in self.expression.steps:
            data.append(FORMS[kind].on_floats([data[i] for i in operands], constant))
        return data

    def output(self, inputs: Sequence[float]) -> float:
        """The output (the sum of the output nodes) on floats at ``inputs``."""
        data = self.values(inputs)
        return math.fsum(data[i] for i in self.expression.output)

    def numerical_gradient(self) -> np.ndarray:
        """d(output)/d(input) for every input, by central differences of the floats."""
        x = np.array(self.expression.inputs, dtype=np.float64)
        # An input the output does not read (relu below 0) gets a 0: no warning, as for gradcheck.
        return central_differences(lambda a: self.output(a.tolist()), x, EPS)


@dataclass(frozen=True)
class Problem:
    """What went wrong with one probe, in plain words.

    ``what`` is ``"forward"`` (a wrong value), ``"gradient"`` (a wrong input gradient),
    ``"raised"`` (the engine's code raised), ``"returned"`` (an op returned something that is
    not a node, or a gradient that is not a number) or ``"timeout"``.  ``step`` is the index
    of the step (into the expression's steps) where it happened, None for backward;
    ``engine`` and ``expected`` are the two numbers compared; ``input`` the input whose
    gradient is wrong; ``location`` the line of the learner's file that raised.
    """

    what: str
    message: str
    step: int | None = None
    engine: float | None = None
    expected: float | None = None
    input: int | None = None
    location: str = ""


# -- the engine -----------------------------------------------------------------------------------
class Engine:
    """A value class with the names chainrule uses.

    ``adapter`` maps chainrule's names (:data:`ADAPTER_KEYS`: ``data``, ``grad``, ``backward``,
    ``zero_grad``, ``tanh``, ``exp``, ``relu``, ``log``, ``sigmoid``) to the class's own: a
    mapping of attribute names (``{"tanh": "th", "grad": "g"}``) or functions
    (``{"tanh": lambda v: v.th()}``), or a callable returning one for each name (None: the
    usual name).  ``ops`` lists the ops found (chainrule's names), ``forms`` the step kinds
    the class supports and ``missing`` the ops and forms not found, each with the reason.
    """

    def __init__(self, value_class: Any, adapter: Any = None, *, timeout: float = 5.0) -> None:
        if not isinstance(value_class, type):
            raise EngineInputError(
                f"check_engine: give the class itself (e.g. check_engine(Value)), not "
                f"{type(value_class).__name__} {value_class!r:.60}"
            )
        if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
            raise EngineInputError(f"check_engine: timeout must be a number of seconds above 0, got {timeout!r}")
        self.cls = value_class
        self.name = value_class.__name__
        self.timeout = float(timeout)
        self.source = _source_file(value_class)
        names = _resolve_adapter(adapter, value_class)
        self.data_attr: str = names.get("data", "data")
        self.grad_attr: str = names.get("grad", "grad")
        self._backward, self.backward_text = self._method(names, "backward", required=True)
        zero = names.get("zero_grad")
        self.zero_grad, self.zero_grad_text = self._method(names, "zero_grad", required=False)
        if zero is None and self.zero_grad is None:
            function = getattr(sys.modules.get(value_class.__module__), "zero_grad", None)
            if callable(function):
                self.zero_grad, self.zero_grad_text = function, "zero_grad({node})"
        self._functions: dict[str, Callable[..., Any]] = {}
        self.spelling: dict[str, str] = {}
        self.missing: dict[str, str] = {}
        self._validate()
        self._find_forms(names)

    # -- discovery ------------------------------------------------------------------------------
    def _method(self, names: dict, key: str, *, required: bool) -> tuple[Callable | None, str]:
        given = names.get(key, key)
        if callable(given):
            label = getattr(given, "__name__", key)
            label = key if label == "<lambda>" else label
            return given, f"{label}({{node}})"
        function = getattr(self.cls, given, None)
        if not callable(function):
            if required:
                hint = "" if key in names else f"; if yours is spelled otherwise, pass adapter={{'{key}': '...'}}"
                raise EngineInputError(
                    f"check_engine: {self.name} is not a Value-like class: it has no {given}() method{hint}"
                )
            return None, ""
        return (lambda node: getattr(node, given)()), f"{{node}}.{given}()"

    def _validate(self) -> None:
        """A float goes in and comes back as ``.data``; ``.grad`` exists; ``+`` and ``*`` exist."""
        for dunder, symbol in (("__add__", "+"), ("__mul__", "*")):
            if getattr(self.cls, dunder, None) is None:
                raise EngineInputError(
                    f"check_engine: {self.name} is not a Value-like class: it has no {symbol} (define {dunder})"
                )
        outcome = run_guarded(lambda: self._leaf_fields(2.0), self.timeout)
        call = f"{self.name}(2.0)"
        if outcome.timed_out:
            raise EngineInputError(f"check_engine: {call} did not return within {format_number(self.timeout)} s")
        if outcome.error is not None:
            raise EngineInputError(
                f"check_engine: {self.name} is not a Value-like class: {call} raised "
                f"{describe_error(outcome.error, self.source)}; it must be built from a float, as Value(2.0)"
            )
        data, has_grad = outcome.value
        if data is None:
            hint = "" if self.data_attr != "data" else "; if it is spelled otherwise, pass adapter={'data': '...'}"
            raise EngineInputError(
                f"check_engine: {self.name} is not a Value-like class: {call} has no number in .{self.data_attr}{hint}"
            )
        if data != 2.0:
            raise EngineInputError(
                f"check_engine: {self.name} is not a Value-like class: {call}.{self.data_attr} is {data!r}, not 2.0"
            )
        if not has_grad:
            hint = "" if self.grad_attr != "grad" else "; if it is spelled otherwise, pass adapter={'grad': '...'}"
            raise EngineInputError(
                f"check_engine: {self.name} is not a Value-like class: {call} has no .{self.grad_attr}{hint}"
            )

    def _leaf_fields(self, x: float) -> tuple[float | None, bool]:
        leaf = self.cls(x)
        data = _number(getattr(leaf, self.data_attr, None))
        return data, hasattr(leaf, self.grad_attr)

    def _find_forms(self, names: dict) -> None:
        for kind, form in FORMS.items():
            if form.op in METHOD_OPS:
                self._find_method_op(names, form)
            elif getattr(self.cls, form.needs, None) is None:
                self.missing[kind] = f"{_spell(form.text, 'a', 'b', '2')} is not supported (no {form.needs})"
            else:
                self._functions[kind] = form.on_nodes
                self.spelling[kind] = form.text
        if "powv" in self._functions:
            self._check_value_exponent()

    def _find_method_op(self, names: dict, form: Form) -> None:
        op = form.op
        given = names.get(op, op)
        if callable(given):
            label = getattr(given, "__name__", op)
            self._functions[op] = lambda nodes, constant, _function=given: _function(nodes[0])
            self.spelling[op] = f"{op if label == '<lambda>' else label}({{a}})"
        elif callable(getattr(self.cls, given, None)):
            self._functions[op] = lambda nodes, constant, _name=given: getattr(nodes[0], _name)()
            self.spelling[op] = f"{{a}}.{given}()"
        elif op in names:
            raise EngineInputError(
                f"check_engine: adapter maps {op} to {given!r}, but {self.name} has no method {given}"
            )
        else:
            self.missing[op] = f"no {op}() method"

    def _check_value_exponent(self) -> None:
        """``a ** b`` with a node exponent: kept only if the engine computes it (micrograd 0.1.0
        asserts a number exponent)."""

        def probe() -> float | None:
            return _number(getattr(self.cls(2.0) ** self.cls(0.5), self.data_attr, None))

        outcome = run_guarded(probe, self.timeout)
        if outcome.error is not None or outcome.timed_out or outcome.value is None:
            del self._functions["powv"], self.spelling["powv"]
            if outcome.timed_out:
                why = "did not return"
            elif outcome.error is not None:
                why = f"raised {describe_error(outcome.error, self.source, short=True)}"
            else:
                why = "gave no number"
            self.missing["powv"] = f"a ** b with a {self.name} exponent is not supported ({why})"

    @property
    def ops(self) -> list[str]:
        """The ops found, by chainrule's names, in :data:`ORDER`."""
        found = {FORMS[k].op for k in self._functions}
        return [op for op in ORDER if op in found]

    def forms(self, op: str) -> list[str]:
        """The step kinds the engine supports for ``op`` (``a - b``, ``a - 2``, ``2 - a``)."""
        return [k for k, f in FORMS.items() if f.op == op and k in self._functions]

    def has(self, kind: str) -> bool:
        return kind in self._functions

    def kind_run(self, kind: str) -> str:
        """The form actually used for ``kind``: ``2 + a`` is run as ``a + 2`` without __radd__."""
        if kind == "addc" and kind not in self._functions:
            return "add_c"
        return kind

    # -- building and checking probes -----------------------------------------------------------
    def apply(self, kind: str, operands: Sequence[Any], constant: Any) -> Any:
        return self._functions[self.kind_run(kind)](operands, constant)

    def text(self, kind: str, operands: Sequence[str], constant: Any) -> str:
        """How the learner writes the step, e.g. ``t0.tanh()`` or ``2 - x``."""
        kind = self.kind_run(kind)
        template = self.spelling.get(kind, FORMS[kind].text)
        b = operands[1] if len(operands) > 1 else ""
        return _spell(template, operands[0], b, _constant_text(constant))

    def data(self, node: Any) -> float | None:
        return _number(getattr(node, self.data_attr, None))

    def build(self, probe: Probe, run: _Stage) -> list[Any]:
        """Every node of the probe, built with the engine (in the worker thread)."""
        e = probe.expression
        nodes = []
        for x in e.inputs:
            run.at(None, f"{self.name}({x!r})")
            nodes.append(self.cls(x))
        for k, (kind, operands, constant) in enumerate(e.steps):
            run.at(k)
            node = self.apply(kind, [nodes[i] for i in operands], constant)
            if self.data(node) is None:
                raise _Junk(k, f"returned {_kind_of(node)}, not a {self.name} with a number in .{self.data_attr}")
            nodes.append(node)
        run.at(None, "adding the outputs")
        out = nodes[e.output[0]]
        for i in e.output[1:]:
            out = out + nodes[i]
        nodes.append(out)  # the output last (a node of its own when several are summed)
        return nodes

    def check(self, probe: Probe) -> Problem | None:
        """Build ``probe``, run backward, compare; the first problem found, or None."""
        stage = _Stage()
        e = probe.expression

        def work() -> tuple[list[float | None], list[Any]]:
            nodes = self.build(probe, stage)
            data = [self.data(n) for n in nodes]
            stage.at(None, self.backward_text.format(node=probe.output_name))
            self._backward(nodes[-1])
            stage.at(None, "reading .grad")
            return data, [getattr(nodes[i], self.grad_attr, _ABSENT) for i in range(len(e.inputs))]

        outcome = run_guarded(work, self.timeout)
        problem = self._failure(outcome, stage, probe)
        if problem is not None:
            return problem
        data, grads = outcome.value
        problem = self._compare_forward(probe, data)
        if problem is not None:
            return problem
        return self._compare_gradients(probe, grads)

    def _failure(self, outcome: Outcome, stage: _Stage, probe: Probe) -> Problem | None:
        if outcome.timed_out:
            within = f"within {format_number(self.timeout)} s"
            return Problem("timeout", f"{stage.describe(self, probe)} did not finish {within}", stage.step)
        error = outcome.error
        if isinstance(error, _Junk):
            return Problem("returned", f"{self.step_text(probe, error.step)} {error.message}", error.step)
        if error is not None:
            return Problem(
                "raised", f"{stage.describe(self, probe)} raised {describe_error(error, self.source, short=True)}",
                stage.step, location=error_location(error, self.source),
            )
        return None

    def step_text(self, probe: Probe, k: int) -> str:
        """``t0 = x.tanh()``: step ``k`` as the learner would write it."""
        e = probe.expression
        kind, operands, constant = e.steps[k]
        index = len(e.inputs) + k
        return f"{probe.name(index)} = {self.text(kind, [probe.name(i) for i in operands], constant)}"

    def _compare_forward(self, probe: Probe, data: list[float | None]) -> Problem | None:
        e = probe.expression
        expected = probe.values()
        n = len(e.inputs)
        for index, (got, want) in enumerate(zip(data, expected)):
            if index < n:
                continue  # a leaf holds its float (checked when the class was accepted)
            if got is None or not abs(got - want) <= FORWARD_ATOL + FORWARD_RTOL * abs(want):
                k = index - n
                return Problem("forward", f"{self.step_text(probe, k)} gives {shown(got)}, should be {shown(want)}",
                               k, got, want)
        total = math.fsum(expected[i] for i in e.output)
        got = data[-1]
        if len(e.output) > 1 and (got is None or not abs(got - total) <= FORWARD_ATOL + FORWARD_RTOL * abs(total)):
            return Problem("forward", f"adding the outputs gives {shown(got)}, should be {shown(total)}", None,
                           got, total)
        return None

    def _compare_gradients(self, probe: Probe, grads: list[Any]) -> Problem | None:
        for i, grad in enumerate(grads):
            if _number(grad) is None:
                what = "missing" if grad is _ABSENT else f"{_kind_of(grad)}"
                return Problem("returned", f"{probe.name(i)}.{self.grad_attr} is {what} after backward(), not a "
                               "number", None, input=i)
        numbers = np.array([_number(g) for g in grads], dtype=np.float64)
        numerical = probe.numerical_gradient()
        row = compare("inputs", numbers, numerical, atol=ATOL, rtol=RTOL)
        if row.passed:
            return None
        i = row.worst_index[0]
        name = probe.name(i)
        return Problem("gradient", f"d{probe.output_name}/d{name} is {shown(numbers[i])}, should be "
                       f"{shown(numerical[i])}", None, float(numbers[i]), float(numerical[i]), i)

    # -- gradients of chosen nodes (for backward twice, zero_grad and depth) -------------------
    def grad(self, node: Any) -> float | None:
        return _number(getattr(node, self.grad_attr, None))

    def backward(self, node: Any) -> None:
        self._backward(node)


_ABSENT = object()


class _Junk(Exception):
    """An op returned something that is not a node."""

    def __init__(self, step: int, message: str) -> None:
        super().__init__(message)
        self.step = step
        self.message = message


class _Stage:
    """Where a probe is (written by the worker, read after it stopped): a step, or a call."""

    def __init__(self) -> None:
        self.step: int | None = None
        self.call = ""

    def at(self, step: int | None, call: str = "") -> None:
        self.step, self.call = step, call

    def describe(self, engine: Engine, probe: Probe) -> str:
        if self.step is not None:
            return f"your {OP_SYMBOLS[FORMS[engine.kind_run(probe.expression.steps[self.step][0])].op]} " \
                   f"({engine.step_text(probe, self.step)})"
        return self.call or "your engine"


# -- small helpers -------------------------------------------------------------------------------
def _number(x: Any) -> float | None:
    """A gradient or a data field as a float (a node's own .data when it is a node), else None."""
    if isinstance(x, bool) or x is None:
        return float(x) if isinstance(x, bool) else None
    if not isinstance(x, (int, float, np.number, np.ndarray)):
        inner = getattr(x, "data", None)
        if isinstance(inner, (int, float, np.number)) and not isinstance(inner, bool):
            return float(inner)
        return None
    try:
        value = float(x)
    except (TypeError, ValueError, OverflowError):
        return None
    return value


def _kind_of(x: Any) -> str:
    """``a float (0.46)``, ``None``, ``a tuple``: what came back instead of a node or a number."""
    if x is None:
        return "None"
    name = type(x).__name__
    article = "an" if name[0] in "aeiouAEIOU" else "a"
    shown = f" ({x!r:.40})" if isinstance(x, (int, float, complex, str, np.number)) else ""
    return f"{article} {name}{shown}"


def shown(x: float | None) -> str:
    """A number the engine gave, as every number is written (the one formatter), or ``no number``.

    >>> shown(0.53788284273999), shown(-1.5e-7), shown(None)
    ('0.5379', '-1.5e-7', 'no number')
    """
    return "no number" if x is None else format_number(x)


def _constant_text(c: Any) -> str:
    if c is None:
        return ""
    return repr(c) if not isinstance(c, float) or c != int(c) or abs(c) >= 1e16 else repr(float(c))


def _spell(template: str, a: str, b: str, c: str) -> str:
    return template.replace("{a}", a).replace("{b}", b).replace("{c}", c)


def _source_file(cls: type) -> str | None:
    try:
        return inspect.getsourcefile(cls)
    except (TypeError, OSError):
        return None


def _resolve_adapter(adapter: Any, cls: type) -> dict[str, Any]:
    if adapter is None:
        return {}
    if isinstance(adapter, Mapping):
        items = dict(adapter)
        unknown = [k for k in items if k not in ADAPTER_KEYS]
        if unknown:
            raise EngineInputError(
                f"check_engine: adapter names {', '.join(map(repr, unknown))}, which check_engine does not use; "
                f"it maps these: {', '.join(ADAPTER_KEYS)}"
            )
    elif callable(adapter):
        items = {}
        for key in ADAPTER_KEYS:
            try:
                given = adapter(key)
            except Exception as error:  # noqa: BLE001 - the learner's function: say what it raised
                raise EngineInputError(
                    f"check_engine: adapter({key!r}) raised {type(error).__name__}: {error}"
                ) from None
            if given is not None:
                items[key] = given
    else:
        raise EngineInputError(
            f"check_engine: adapter must be a dict such as {{'tanh': 'th'}} or a function, got {type(adapter).__name__}"
        )
    for key, given in items.items():
        if key in ("data", "grad"):
            if not isinstance(given, str) or not given.isidentifier():
                raise EngineInputError(f"check_engine: adapter[{key!r}] must be an attribute name, got {given!r}")
        elif not (isinstance(given, str) and given.isidentifier()) and not callable(given):
            raise EngineInputError(
                f"check_engine: adapter[{key!r}] must be a method name or a function, got {given!r:.60}"
            )
        elif isinstance(given, str) and key in ("backward", "zero_grad") and not callable(getattr(cls, given, None)):
            raise EngineInputError(f"check_engine: adapter maps {key} to {given!r}, but {cls.__name__} has no method "
                                   f"{given}")
    return items
