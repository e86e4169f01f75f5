"""Running a learner's code at arm's length: in a worker thread, with a time bound, every
exception caught and said in one line with the line of the learner's file.

:func:`run_guarded` calls a function in a worker thread and returns an :class:`Outcome` (what it
returned, what it raised, or that it ran past its time bound and was stopped);
:func:`describe_error` and :func:`error_location` turn an exception into words
(``ZeroDivisionError: float division by zero (engine.py, line 42: t = ...)``).

Example:
    >>> run_guarded(lambda: sum(range(4)), 1.0).value
    6
"""

from __future__ import annotations

import ctypes
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Outcome", "describe_error", "error_location", "run_guarded"]


#: chainrule's own code: a frame in here is never the learner's line.
_PACKAGE = Path(__file__).resolve().parents[2]


class _Timeout(BaseException):
    """Injected into a worker that ran past its time bound (a BaseException, so the engine's own
    ``except Exception`` does not swallow it)."""


@dataclass
class Outcome:
    """The result of :func:`run_guarded`: ``value``, or the ``error`` raised, or ``timed_out``."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False


def run_guarded(function: Callable[[], Any], timeout: float, *, stack_size: int | None = None) -> Outcome:
    """Call ``function`` in a worker thread; return what it returned or raised.

    A call still running after ``timeout`` seconds is stopped by raising an exception inside
    the worker (CPython's ``PyThreadState_SetAsyncExc``, the mechanism behind Ctrl-C): a Python
    loop stops at its next instruction.  Code blocked inside C (a sleep, a huge integer power)
    cannot be stopped that way; it is left running in its daemon thread and reported as timed
    out all the same.  ``stack_size`` runs the call in a thread of its own with that stack
    (deep recursion, under whatever recursion limit is set, then fails with RecursionError
    rather than crashing); otherwise one worker serves the calls in turn and ends itself
    after a second without work.

    >>> run_guarded(lambda: 1 + 1, 1.0).value
    2
    >>> type(run_guarded(lambda: 1 / 0, 1.0).error).__name__
    'ZeroDivisionError'
    """
    job = _Job(function)
    thread = _own_thread(job, stack_size) if stack_size is not None else None
    if thread is None:  # the shared worker (also when the system refuses a thread with that stack)
        worker = _Worker.ready()
        worker.jobs.put(job)
        thread = worker.thread
    try:
        finished = job.done.wait(timeout)
    except BaseException:  # Ctrl-C while waiting: stop the worker too, then let it through
        _interrupt(thread)
        raise
    if not finished:
        _interrupt(thread)
        if not job.done.wait(1.0):
            _Worker.abandon(thread)  # stuck in C: the next call gets a fresh worker
        return Outcome(timed_out=True)
    return job.outcome


def _own_thread(job: _Job, stack_size: int) -> threading.Thread | None:
    """A thread of its own for ``job``, with a stack of ``stack_size`` bytes (None if refused)."""
    thread = threading.Thread(target=job.run, name="chainrule-check-engine", daemon=True)
    try:
        previous = threading.stack_size(stack_size)
    except (ValueError, RuntimeError):  # a size this platform does not allow
        return None
    try:
        thread.start()
    except RuntimeError:  # no memory for such a stack: run it on the worker's
        return None
    finally:
        threading.stack_size(previous)
    return thread


class _Job:
    """One call and its outcome, handed to a worker."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.function = function
        self.outcome = Outcome()
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.outcome.value = self.function()
        except _Timeout:
            self.outcome.timed_out = True
        except BaseException as error:  # noqa: BLE001 - the engine's code may raise anything, SystemExit too
            self.outcome.error = error
        finally:
            self.done.set()


class _Worker:
    """The thread that runs the engine's code, one call at a time; it ends after a second idle."""

    _current: _Worker | None = None
    _lock = threading.Lock()
    IDLE = 1.0

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.alive = True
        self.thread = threading.Thread(target=self._loop, name="chainrule-check-engine", daemon=True)
        self.thread.start()

    @classmethod
    def ready(cls) -> _Worker:
        with cls._lock:
            worker = cls._current
            if worker is None or not worker.alive:
                worker = cls._current = _Worker()
            return worker

    @classmethod
    def abandon(cls, thread: threading.Thread) -> None:
        with cls._lock:
            if cls._current is not None and cls._current.thread is thread:
                cls._current.alive = False
                cls._current = None

    def _loop(self) -> None:
        while True:
            try:
                job = self.jobs.get(timeout=self.IDLE)
            except queue.Empty:
                with self._lock:
                    if self.jobs.empty():  # nothing handed over meanwhile: end here
                        self.alive = False
                        if _Worker._current is self:
                            _Worker._current = None
                        return
                continue
            except _Timeout:  # an interrupt that arrived after its job had finished
                continue
            try:
                job.run()
            except _Timeout:  # arrived between the job's end and here
                job.done.set()


def _interrupt(thread: threading.Thread) -> None:
    """Raise :class:`_Timeout` inside ``thread`` at its next Python instruction."""
    if thread.ident is None or not thread.is_alive():
        return
    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is not None:  # CPython; elsewhere the daemon thread is left to finish
        set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Timeout))


def describe_error(error: BaseException, source: str | None, *, short: bool = False) -> str:
    """``ZeroDivisionError: float division by zero`` (and, unless ``short``, where in the file).

    >>> describe_error(ValueError("bad\\nsecond line"), None)
    'ValueError: bad'
    """
    try:
        words = str(error).strip()
    except Exception:  # noqa: BLE001 - an exception class of the learner's whose __str__ fails
        words = ""
    message = words.splitlines()[0] if words else ""
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    if len(text) > 160:
        text = text[:157] + "..."
    location = "" if short else error_location(error, source)
    return f"{text} ({location})" if location else text


def error_location(error: BaseException, source: str | None) -> str:
    """The line of the learner's code where ``error`` was raised: ``engine.py, line 42: code``
    (the innermost frame in the engine's file, else the innermost outside chainrule)."""
    package = str(_PACKAGE)
    chosen = None
    for frame in traceback.extract_tb(error.__traceback__):
        if source is not None and frame.filename == source:
            chosen = frame
        elif source is None and not frame.filename.startswith(package) and frame.filename != threading.__file__:
            chosen = frame
    if chosen is None:
        return ""
    code = f": {chosen.line.strip()}" if chosen.line else ""
    return f"{Path(chosen.filename).name}, line {chosen.lineno}{code}"
