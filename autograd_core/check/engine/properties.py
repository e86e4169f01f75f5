"""Check your own engine: property tests that find the bug in a hand-written micrograd.

:func:`check_engine` takes a micrograd-style value class (a learner's ``Value``), finds the ops
it has and runs hypothesis property tests against central differences, in this order:

1. **each op alone**: its forward value against the same op on floats, and its local
   derivative against central differences, in every form the class supports (``a - b``,
   ``a - 2.0``, ``2.0 - a``), at points inside the op's domain and away from kinks;
2. **a node used twice**: ``x * x``, ``x.tanh() + x``, ... (each use sends its own
   contribution, and the node gathers their sum);
3. **topological order**: ``b = a + a; c = b + b``, a diamond, and a node reached by paths of
   different lengths (a node's backward must wait until every node using it has sent its
   gradient);
4. **random expressions** drawn by :func:`autograd_core.testing.expressions` from the ops the
   engine has, shrunk to a minimal failing one;
5. **backward() twice** and **zero_grad** (notes, unless ``strict``) and **depth 10,000**
   (a limit, not a bug).

A failure of one property does not stop the others; the report explains the first one (the
usual cause of all the rest).  A call into the engine that does not return within ``timeout``
seconds stops the whole check (every later probe would wait as long).

>>> from autograd_core import Value
>>> check_engine(Value, max_examples=5).passed
True
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ...extras import MissingExtraError

try:
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis comes with the dev extra
    raise MissingExtraError("check_engine needs the hypothesis package: pip install 'chainrule[dev]'") from None

from ..strategies import DEFAULT_OPS, KINK_MARGIN, Expression, expressions, register_profiles, values
from .guard import run_guarded
from .probe import FORMS, OP_SYMBOLS, Engine, Probe, Problem
from .report import EngineCheckError, EngineReport, Finding
from .words import depth_finding, failure_finding, passed_finding, twice_finding, zero_grad_finding

__all__ = ["DEFAULT_EXAMPLES", "DEPTH", "EngineCheckError", "EngineReport", "check_engine"]

#: Examples per property unless ``max_examples`` or ``profile`` says otherwise.
DEFAULT_EXAMPLES = 100
#: The chain length of the depth check (micrograd's recursive topological sort stops near 1,000).
DEPTH = 10_000
#: The depth check's worker gets a stack this big, so that a recursion limit the engine raised
#: ends in a RecursionError, not in a crash of the interpreter.
DEPTH_STACK = 512 * 2**20

_EXPONENTS = (2, 3, -1, 0.5, 1.5, -0.5)
_CONSTANTS = (2.0, -0.5, 3.0)


# -- where each op is checked: inside its domain, away from kinks ------------------------------
def _floats(low: float, high: float, *, away_from: tuple[float, ...] = (), margin: float = KINK_MARGIN) -> Any:
    """Numbers in [low, high], at least ``margin`` from ``away_from`` (the strategy chainrule's
    own tests use for Value leaves, read back as floats)."""
    return values(low, high, away_from=away_from, margin=margin).map(lambda v: v.data)


_ANY = _floats(-3.0, 3.0)
_NONZERO = _floats(-3.0, 3.0, away_from=(0.0,), margin=0.25)
_POSITIVE = _floats(0.2, 3.0)
_INPUTS: dict[str, tuple[Any, ...]] = {  # per form: each input's strategy
    "div": (_ANY, _NONZERO), "c_div": (_NONZERO,), "log": (_floats(0.05, 5.0),),
    "relu": (_floats(-3.0, 3.0, away_from=(0.0,)),), "powv": (_POSITIVE, _floats(-2.0, 2.0)),
}


def _form_probes(kind: str, *, readable: bool = False) -> Any:
    """One step of this form alone, at a drawn point (and constant)."""
    form = FORMS[kind]
    wrap = _readable if readable else (lambda s: s)
    if kind == "pow":
        return st.sampled_from(_EXPONENTS).flatmap(
            lambda n: wrap(_NONZERO if n in (2, 3, -1) else _POSITIVE).map(lambda a: Probe.of("pow", (a,), n))
        )
    inputs = tuple(wrap(s) for s in _INPUTS.get(kind, (_ANY,) * form.arity))
    points = st.tuples(*inputs)
    if form.constant:
        return st.tuples(points, st.sampled_from(_CONSTANTS)).map(lambda pc: Probe.of(kind, pc[0], pc[1]))
    return points.map(lambda p: Probe.of(kind, p))


def _reuse_probes(op: str) -> Any:
    """The op's input used twice: ``x * x``, ``x * y + x`` and ``y * x + x`` for an op of two
    inputs (a backward that sets one input's gradient with ``=`` fails one of them);
    ``x.tanh() + x`` and ``x + x.tanh()`` for an op of one."""
    form = FORMS[op]
    if form.arity == 2:
        first, second = (_readable(s) for s in _INPUTS.get(op, (_ANY, _ANY)))
        both = _readable({"div": _NONZERO, "powv": _POSITIVE}.get(op, _ANY))

        def with_other(args: tuple[float, float, bool]) -> Probe:
            x, y, x_first = args
            operands = (0, 1) if x_first else (1, 0)
            steps = ((op, operands, None), ("add", (2, 0), None))
            return Probe(Expression((x, y), steps, (3,)), ("x", "y", "z", "out"))

        return st.one_of(
            both.map(lambda x: Probe(Expression((x,), ((op, (0, 0), None),), (1,)), ("x", "out"))),
            st.tuples(first, second).map(lambda xy: (xy[0], xy[1], True)).map(with_other),
            st.tuples(second, first).map(lambda xy: (xy[0], xy[1], False)).map(with_other),
        )

    def used_twice(pair: tuple[Probe, bool]) -> Probe:
        probe, first = pair
        x = probe.expression.inputs[0]
        kind, _, constant = probe.expression.steps[0]
        operands = (1, 0) if first else (0, 1)
        expression = Expression((x,), ((kind, (0,), constant), ("add", operands, None)), (2,))
        return Probe(expression, ("x", "y", "out"))

    return st.tuples(_form_probes(op, readable=True), st.booleans()).map(used_twice)


def _readable(points: Any) -> Any:
    """Points that shrink to 1, 2 or 3 (inside every op's domain here) before anything else: a
    lost contribution reads best as ``1 x 1``."""
    return st.one_of(st.sampled_from((1.0, 2.0, 3.0)), points)


def _order_probes() -> Any:
    """Graphs where a node must wait for several users: ``b = a + a; c = b + b``; a diamond
    (b feeds c and d, both feed the output); and b feeding the output directly and through a
    path of 1 to 3 more steps, in either operand order."""
    def twice(a: float) -> Probe:
        return Probe(Expression((a,), (("add", (0, 0), None), ("add", (1, 1), None)), (2,)), ("a", "b", "c"))

    def diamond(a: float) -> Probe:
        steps = (("mul", (0, 0), None), ("mul_c", (1,), 2.0), ("add_c", (1,), 1.0), ("mul", (2, 3), None))
        return Probe(Expression((a,), steps, (4,)), ("a", "b", "c", "d", "out"))

    def uneven(args: tuple[float, int, bool]) -> Probe:
        a, length, b_first = args
        path = [("add_c", (1,), 1.0), ("mul_c", (2,), 0.5), ("add_c", (3,), 1.0)][:length]
        last = 1 + length
        steps = (("mul", (0, 0), None), *path, ("mul", (1, last) if b_first else (last, 1), None))
        names = ("a", "b", *(f"c{i + 1}" for i in range(length)), "out")
        return Probe(Expression((a,), tuple(steps), (len(steps),)), names)

    point = _floats(-2.0, 2.0)
    return st.one_of(
        point.map(twice), point.map(diamond), st.tuples(point, st.integers(1, 3), st.booleans()).map(uneven)
    )


# -- running a property with hypothesis ---------------------------------------------------------
class _Falsified(Exception):
    def __init__(self, probe: Probe, problem: Problem) -> None:
        super().__init__(problem.message)
        self.probe, self.problem = probe, problem


class _Stop(BaseException):
    """A probe timed out: leave hypothesis at once (shrinking would run it again and again)."""

    def __init__(self, probe: Probe, problem: Problem) -> None:
        super().__init__(problem.message)
        self.probe, self.problem = probe, problem


@dataclass
class _Search:
    """What one property's search found: the minimal failing probe and its problem, or none."""

    examples: int = 0
    probe: Probe | None = None
    problem: Problem | None = None
    flaky: bool = False
    stopped: bool = False


def _search(strategy: Any, check: Callable[[Probe], Problem | None], max_examples: int) -> _Search:
    """Run ``check`` on probes drawn from ``strategy``; shrink a failure to the smallest probe.

    Deterministic (derandomized, no example database): the same engine gets the same report.
    """
    found = _Search()

    @settings(
        max_examples=max_examples,
        deadline=None,  # the time bound is run_guarded's, per call into the engine
        database=None,
        derandomize=True,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
    )
    @given(strategy)
    def property_holds(probe: Probe) -> None:
        found.examples += 1
        problem = check(probe)
        if problem is None:
            return
        if problem.what == "timeout":
            raise _Stop(probe, problem)
        raise _Falsified(probe, problem)

    try:
        property_holds()
    except (_Falsified, _Stop) as error:
        found.probe, found.problem, found.stopped = error.probe, error.problem, isinstance(error, _Stop)
    except BaseException as error:  # hypothesis wraps a failure it could not reproduce (FlakyFailure)
        inner = _find_inside(error)
        if inner is None:
            raise
        found.probe, found.problem, found.flaky = inner.probe, inner.problem, True
        found.stopped = isinstance(inner, _Stop)
    return found


def _find_inside(error: BaseException) -> _Falsified | _Stop | None:
    if isinstance(error, (_Falsified, _Stop)):
        return error
    for inner in getattr(error, "exceptions", ()):
        found = _find_inside(inner)
        if found is not None:
            return found
    return None


# -- the properties -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Property:
    title: str
    group: str
    op: str | None
    strategy: Any


def _properties(engine: Engine) -> list[_Property]:
    props = []
    for op in engine.ops:
        kinds = engine.forms(op)
        title = ", ".join(engine.text(k, ["a", "b"], 2 if k == "pow" else 2.0) for k in kinds)
        props.append(_Property(title, "op", op, st.one_of([_form_probes(k) for k in kinds])))
    for op in engine.ops:
        if FORMS[op].arity == 2:
            title = f"{engine.text(op, ['x', 'x'], None)}, {engine.text(op, ['x', 'y'], None)} + x"
        else:
            title = engine.text(op, ["x"], 2 if op == "pow" else None) + " + x"
        props.append(_Property(title, "reuse", op, _reuse_probes(op)))
    props.append(_Property("b = a + a; c = b + b; diamonds", "order", None, _order_probes()))
    drawn = tuple(op for op in engine.ops if op in DEFAULT_OPS)
    props.append(
        _Property(
            "random expressions of " + ", ".join(OP_SYMBOLS[op] for op in drawn),
            "expressions",
            None,
            expressions(ops=drawn, available=drawn).map(Probe),
        )
    )
    return props


def _examples(max_examples: int | None, profile: str | None) -> int:
    if max_examples is not None:
        if isinstance(max_examples, bool) or not isinstance(max_examples, int) or max_examples < 1:
            raise ValueError(f"check_engine: max_examples must be a whole number, 1 or more, got {max_examples!r}")
        return max_examples
    if profile is not None:
        try:
            return settings.get_profile(profile).max_examples
        except Exception:  # noqa: BLE001 - hypothesis raises InvalidArgument for an unknown name
            register_profiles()
            try:
                return settings.get_profile(profile).max_examples
            except Exception:  # noqa: BLE001
                raise ValueError(
                    f"check_engine: no hypothesis profile named {profile!r}; chainrule's are dev (20 examples), "
                    "ci (100) and thorough (1000)"
                ) from None
    return DEFAULT_EXAMPLES


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """The engine's own prints (a debugging print in backward runs thousands of times) go to a
    buffer, counted in the report; warnings (overflow in the learner's math) are silenced."""
    sink = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        yield sink


def check_engine(
    value_class: type,
    *,
    adapter: Any = None,
    strict: bool = False,
    max_examples: int | None = None,
    profile: str | None = None,
    timeout: float = 5.0,
    raise_exception: bool = True,
) -> EngineReport:
    """Check a micrograd-style value class against central differences; name what is wrong.

    ``value_class`` is built from a float (``Value(2.0)``) and has ``.data``, ``.grad``,
    ``.backward()``, ``+`` and ``*``; every other op it has is found and checked (``- /``,
    unary ``-``, ``**``, numbers on either side, ``tanh exp relu log sigmoid``, ``zero_grad``).
    ``adapter`` maps other spellings: ``{"tanh": "th", "grad": "g"}`` or functions
    (``{"relu": lambda v: v.ReLU()}``), or a function returning one for each name.

    ``max_examples`` per property (default :data:`DEFAULT_EXAMPLES`), or a hypothesis
    ``profile``'s (chainrule's ``dev``, ``ci``, ``thorough``).  ``timeout``: seconds one probe
    (build a small graph, backward, read the gradients) may take before the check stops and
    reports it as hanging.  ``strict=True`` makes the notes failures: a second ``backward()``
    that neither accumulates (as PyTorch: 24 for 2x² at 3) nor starts afresh (12), and a
    ``zero_grad`` that leaves a gradient behind.

    Raises :class:`EngineCheckError` (an ``AssertionError`` whose message is the report) when a
    property fails, unless ``raise_exception=False``; returns the :class:`EngineReport` (a table
    in Jupyter, text in the REPL).  A class that is not Value-like, or an adapter naming what the
    class lacks, raises :class:`autograd_core.testing.EngineInputError` (a TypeError).

    >>> from micrograd.engine import Value
    >>> report = check_engine(Value, max_examples=10)
    >>> report.passed, [f.status for f in report.findings if f.group == "twice"]
    (True, ['note'])
    """
    __tracebackhide__ = True
    if not isinstance(strict, bool):
        raise ValueError(f"check_engine: strict must be True or False, got {strict!r}")
    examples = _examples(max_examples, profile)
    started = time.perf_counter()
    with _quiet() as printed:
        engine = Engine(value_class, adapter, timeout=timeout)
        findings = _run(engine, examples, strict)
    report = EngineReport(
        engine=engine,
        findings=findings,
        max_examples=examples,
        seconds=time.perf_counter() - started,
        strict=strict,
        printed_lines=printed.getvalue().count("\n"),
    )
    if raise_exception and not report.passed:
        raise EngineCheckError(report)
    return report


def _run(engine: Engine, examples: int, strict: bool) -> list[Finding]:
    findings: list[Finding] = []
    for prop in _properties(engine):
        search = _search(prop.strategy, engine.check, examples)
        if search.problem is None:
            findings.append(passed_finding(prop.title, prop.group, prop.op, search.examples))
            continue
        findings.append(failure_finding(engine, prop.title, prop.group, prop.op, search, findings))
        if search.stopped:
            return findings  # the engine hangs: every later probe would wait as long
    failed = any(f.failed for f in findings)
    for extra in (_backward_twice, _zero_grad, _depth):
        finding: Finding = extra(engine, strict)
        if failed and finding.status == "note":  # a wrong gradient changes these numbers too
            finding = dataclasses.replace(finding, sentence=finding.sentence + " (the failures above may be why)")
        findings.append(finding)
        if finding.stopped:
            break
    return findings


# -- notes and limits -----------------------------------------------------------------------------
def _two_x_squared(engine: Engine) -> tuple[list[Any], Any]:
    x = engine.cls(3.0)
    square = x * x
    y = square * 2.0
    return [x, square, y], y


def _backward_twice(engine: Engine, strict: bool) -> Finding:
    """y = 2x² at 3: x.grad after one backward (12) and after a second (24 accumulating as PyTorch,
    12 starting afresh, 36 when intermediate gradients from the first pass are sent again)."""

    def work() -> tuple[float | None, float | None]:
        nodes, y = _two_x_squared(engine)
        engine.backward(y)
        first = engine.grad(nodes[0])
        engine.backward(y)
        return first, engine.grad(nodes[0])

    outcome = run_guarded(work, engine.timeout)
    return twice_finding(engine, outcome, strict)


def _zero_grad(engine: Engine, strict: bool) -> Finding:
    """After backward and zero_grad on y = 2x² at 3, every node's gradient is 0 and a second
    backward gives 12 again."""
    if engine.zero_grad is None:
        return zero_grad_finding(engine, None, strict)

    def work() -> tuple[list[float | None], float | None]:
        nodes, y = _two_x_squared(engine)
        engine.backward(y)
        engine.zero_grad(y)
        left = [engine.grad(n) for n in nodes]
        engine.backward(y)
        return left, engine.grad(nodes[0])

    return zero_grad_finding(engine, run_guarded(work, engine.timeout), strict)


def _depth(engine: Engine, strict: bool) -> Finding:
    """backward() through a chain of :data:`DEPTH` additions; a RecursionError is a limit."""

    def work() -> tuple[float | None, int]:
        x = engine.cls(0.5)
        node = x
        for _ in range(DEPTH):
            node = node + 1.0
        engine.backward(node)
        return engine.grad(x), sys.getrecursionlimit()

    outcome = run_guarded(work, max(engine.timeout, 1.0) * 6, stack_size=DEPTH_STACK)
    return depth_finding(engine, outcome, DEPTH, sys.getrecursionlimit())

