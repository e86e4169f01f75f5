"""Interrupt an operation at every point of its code and check it is all or nothing.

An operation is *all or nothing* under Ctrl-C when an interrupt landing anywhere in it leaves the
state it changes exactly as before the call or exactly as after, never in between, and is never
swallowed.  :func:`interrupt_everywhere` proves it by trying every point:

1. it runs the operation once on a fresh subject, untraced, to learn the states before and after
   (they must differ, or the test would prove nothing);
2. it runs it again under ``sys.settrace``, counting the trace events (``"line"``, or ``"opcode"``:
   every bytecode) inside the chosen modules: N points;
3. for k = 1 .. N it runs it on a fresh subject and interrupts it at the k-th event, then checks
   that ``KeyboardInterrupt`` came out of the call, that the state is the before or the after
   state, and that SIGINT's handler is Python's default again.

``sys.settrace`` and its line and opcode events serve every Python from 3.10 on, 3.12+ (where
``sys.monitoring`` was added beside it) included, so the helper needs nothing version-specific.

The interrupt is a real SIGINT (``signal.raise_signal``) raised from the trace function, with
Python's default handler installed for the run: Python runs the SIGINT handler in force at that
bytecode, as it does for a Ctrl-C from the terminal.  So code that holds SIGINT back in a critical
region (``autograd_core.interrupts``) is tested as it behaves for real; ``via="raise"`` raises
``KeyboardInterrupt`` from the trace function directly instead, for code meant to be safe without
holding anything back (a ``try``/``finally`` entered before any state changes).

Arguments:
    make: builds a fresh subject (a model and its file, a graph, a stepper), the same state each call.
    operation: ``operation(subject)``: the call under test.
    snapshot: ``snapshot(subject)``: the state to compare, as dicts, lists, tuples, NumPy arrays
        (compared exactly, nan equal to nan, dtypes too) and values comparable with ``==``.
        It may include process-wide state (a mode flag, a shared counter).
    modules: names of the modules whose code is interrupted; a name covers its submodules too
        (``"nn"`` covers ``nn.weights``).  Code in other modules (NumPy, the standard library) runs
        between the traced events: an interrupt lands at every point of the named modules' code.
    granularity: ``"line"`` (each new line, loops counted per pass) or ``"opcode"`` (each bytecode).
    functions: if given, only the code of functions of these names (in those modules) is
        interrupted: to focus a slow operation's test on its critical part.
    via: ``"signal"`` (default) or ``"raise"``, as above.

Returns an :class:`InterruptReport` (``points``, and the k's that ended ``before`` and ``after``);
raises ``AssertionError`` listing every point that left a state in between, swallowed the
interrupt or left SIGINT's handler changed, with the file and line of the point.

Example: two assignments are not all or nothing, one is.

    >>> def make():
    ...     return {"a": 0, "b": 0}
    >>> def two_steps(d):
    ...     d["a"] = 1
    ...     d["b"] = 1
    >>> interrupt_everywhere(make, two_steps, dict, [__name__])
    Traceback (most recent call last):
    ...
    AssertionError: 1 of 2 interrupts left the state neither before nor after; 1 failing point(s):
      point 2 of 2, ...:3 (two_steps): the state is neither before nor after
    >>> def one_step(d):
    ...     d.update(a=1, b=1)
    >>> interrupt_everywhere(make, one_step, dict, [__name__], granularity="opcode").failures
    []
"""

from __future__ import annotations

import dis
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy as np

GRANULARITIES = ("line", "opcode")
#: At most this many failing points are spelled out in the AssertionError.
FAILURES_LISTED = 12


@dataclass
class InterruptReport:
    """What :func:`interrupt_everywhere` found: the number of points, the k's (1-based) after which
    the state was the before state or the after state, a line per failing point, and where each
    point is (``where[k - 1]``: module, line and function, and the bytecode for ``"opcode"``)."""

    points: int
    before: list[int] = field(default_factory=list)
    after: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)


def same_state(a: Any, b: Any) -> bool:
    """Exact equality of snapshots: containers element by element, arrays by shape, dtype and
    values (nan equal to nan).

    >>> same_state({"w": np.array([np.nan, 1.0])}, {"w": np.array([np.nan, 1.0])})
    True
    >>> same_state([np.zeros(2, np.float32)], [np.zeros(2)])
    False
    """
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_state(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(same_state(x, y) for x, y in zip(a, b))
    return bool(a == b)


class _Tracer:
    """Counts trace events in the chosen modules and interrupts at the ``fire_at``-th (0: never)."""

    def __init__(
        self, modules: tuple[str, ...], functions: frozenset[str] | None, granularity: str, fire_at: int, via: str
    ) -> None:
        self.modules, self.functions, self.fire_at, self.via = modules, functions, fire_at, via
        self.opcodes = granularity == "opcode"
        self.event = "opcode" if self.opcodes else "line"
        self.count = 0
        self.fired = False
        self.where: list[str] = []

    def _wanted(self, frame: FrameType) -> bool:
        name = frame.f_globals.get("__name__", "")
        if self.functions is not None and frame.f_code.co_name not in self.functions:
            return False
        return any(name == m or name.startswith(m + ".") for m in self.modules)

    def on_call(self, frame: FrameType, event: str, arg: Any) -> Any:
        if self.fired or not self._wanted(frame):
            return None
        if self.opcodes:
            frame.f_trace_opcodes = True
            frame.f_trace_lines = False
        return self.on_event

    def on_event(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event != self.event or self.fired:
            return self.on_event
        self.count += 1
        if self.fire_at == 0:
            self.where.append(_location(frame, self.opcodes))
        elif self.count == self.fire_at:
            self.fired = True
            if self.via == "signal":
                signal.raise_signal(signal.SIGINT)  # the handler in force now decides what happens
            else:
                raise KeyboardInterrupt
        return self.on_event


def _location(frame: FrameType, opcode: bool) -> str:
    where = f"{frame.f_globals.get('__name__')}:{frame.f_lineno} ({frame.f_code.co_name})"
    if opcode:
        code = frame.f_code.co_code
        name = dis.opname[code[frame.f_lasti]] if 0 <= frame.f_lasti < len(code) else "?"
        where += f" at bytecode {frame.f_lasti} {name}"
    return where


def _traced(operation: Callable[[Any], Any], subject: Any, tracer: _Tracer) -> BaseException | None:
    """Run ``operation(subject)`` under ``tracer``; the exception it raised, if any."""
    previous = sys.gettrace()
    sys.settrace(tracer.on_call)
    try:
        operation(subject)
    except BaseException as exc:  # noqa: BLE001 - the caller judges what came out
        return exc
    finally:
        sys.settrace(previous)
    return None


def interrupt_everywhere(
    make: Callable[[], Any],
    operation: Callable[[Any], Any],
    snapshot: Callable[[Any], Any],
    modules: Iterable[str],
    *,
    granularity: str = "line",
    via: str = "signal",
    functions: Iterable[str] | None = None,
) -> InterruptReport:
    """Interrupt ``operation`` at every line (or bytecode) of ``modules`` (or of ``functions`` in
    them) in turn; see the module docstring for the arguments.  Raises ``AssertionError`` naming
    every point where the state was left in between, the interrupt swallowed or SIGINT's handler
    changed."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"interrupt_everywhere: granularity must be one of {GRANULARITIES}, got {granularity!r}")
    if via not in ("signal", "raise"):
        raise ValueError(f"interrupt_everywhere: via must be 'signal' or 'raise', got {via!r}")
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("interrupt_everywhere: run it in the main thread (only it receives SIGINT)")
    modules = tuple(modules)
    chosen = None if functions is None else frozenset(functions)
    user_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return _every_point(make, operation, snapshot, modules, chosen, granularity, via)
    finally:
        signal.signal(signal.SIGINT, user_handler)


def _every_point(
    make: Callable[[], Any],
    operation: Callable[[Any], Any],
    snapshot: Callable[[Any], Any],
    modules: tuple[str, ...],
    functions: frozenset[str] | None,
    granularity: str,
    via: str,
) -> InterruptReport:
    subject = make()
    before = snapshot(subject)
    operation(subject)  # a first run, untraced: imports and caches settle, the after state is known
    after = snapshot(subject)
    if same_state(before, after):
        raise AssertionError("interrupt_everywhere: the operation changed nothing, so the test would prove nothing")
    subject = make()
    if not same_state(snapshot(subject), before):
        raise AssertionError("interrupt_everywhere: make() built a different state the second time")
    counter = _Tracer(modules, functions, granularity, 0, via)
    error = _traced(operation, subject, counter)
    if error is not None:
        raise AssertionError(f"interrupt_everywhere: the traced run raised {error!r}") from error
    if not same_state(snapshot(subject), after):
        raise AssertionError("interrupt_everywhere: the traced run ended in another state than the untraced one")
    if counter.count == 0:
        raise AssertionError(f"interrupt_everywhere: no {granularity} event in {', '.join(modules)}")
    report = InterruptReport(points=counter.count, where=counter.where)
    for k in range(1, counter.count + 1):
        subject = make()
        tracer = _Tracer(modules, functions, granularity, k, via)
        error = _traced(operation, subject, tracer)
        state = snapshot(subject)
        where = f"point {k} of {counter.count}, {counter.where[k - 1]}"
        if not tracer.fired:
            report.failures.append(f"{where}: the run ended after {tracer.count} points (runs differ)")
            continue
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            report.failures.append(f"{where}: SIGINT's handler was left changed")
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if not isinstance(error, KeyboardInterrupt):
            outcome = "returned normally" if error is None else f"raised {error!r}"
            report.failures.append(f"{where}: the interrupt was swallowed (the call {outcome})")
        if same_state(state, before):
            report.before.append(k)
        elif same_state(state, after):
            report.after.append(k)
        else:
            report.failures.append(f"{where}: the state is neither before nor after")
    if report.failures:
        between = sum("neither before nor after" in f for f in report.failures)
        listed = "\n  ".join(report.failures[:FAILURES_LISTED])
        more = len(report.failures) - FAILURES_LISTED
        raise AssertionError(
            f"{between} of {report.points} interrupts left the state neither before nor after; "
            f"{len(report.failures)} failing point(s):\n  {listed}" + (f"\n  ... and {more} more" if more > 0 else "")
        )
    return report
