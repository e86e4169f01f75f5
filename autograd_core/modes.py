"""The recording switches: ``no_grad``, ``enable_grad``, ``detect_anomaly``, ``name_scope``.

Each switch changes, for one ``with`` block and one thread (as in PyTorch), the *mode* new nodes
are made in: ``grad_enabled`` (is the op recorded?), ``anomaly`` (does backward check every
gradient?) and ``scope`` (the name scope nodes are tagged with).  :func:`current_mode` is the
mode of the calling thread; outside every block it is :data:`DEFAULT_MODE`.

Safe against Ctrl-C at any point.  A ``with`` statement calls ``__enter__`` and ``__exit__``
itself; when those are Python functions, a KeyboardInterrupt raised as ``__exit__`` starts
(CPython looks for pending signals when a Python function begins) skips the restore, and
recording stays off for good.  So a switch's ``__enter__`` and ``__exit__`` are single calls of
C functions, which no signal can cut in two:

- each ``with`` block has its own :class:`Mode`, holding a lock (``threading.Lock``) that is
  locked while the block may run;
- entering is ``SWITCHES.append(mode)`` (a list shared by all threads, innermost block last),
  leaving is the lock's own ``__exit__``, which releases it: from then on the mode is *closed*;
- :func:`current_mode` returns the calling thread's innermost open mode, and drops closed ones
  from the list as it goes.

Python code runs only while the ``with`` statement looks the two up (it builds the block's mode
from the mode in force, then hands the C calls over), before anything has changed.  Reading the
mode never sees a block half entered or half left, and no count shared by threads can drift:
there is none, only the list of blocks, each one open or closed.  ``if SWITCHES:`` is how node
creation skips the look-up while no thread is in any block.

The same switch objects work with ``contextlib.ExitStack`` and with explicit
``switch.__enter__()`` / ``switch.__exit__(None, None, None)`` calls.

Example:
    >>> with no_grad():
    ...     current_mode().grad_enabled
    False
    >>> with name_scope("net"), name_scope("layer1"):
    ...     current_mode().scope
    'net/layer1'
    >>> current_mode() is DEFAULT_MODE
    True
"""

from __future__ import annotations

import _thread
import unicodedata
from functools import partial
from typing import Any

__all__ = [
    "DEFAULT_MODE",
    "SWITCHES",
    "Mode",
    "Switch",
    "check_name",
    "current_mode",
    "detect_anomaly",
    "enable_grad",
    "is_grad_enabled",
    "name_scope",
    "no_grad",
]

_get_ident = _thread.get_ident
_allocate_lock = _thread.allocate_lock


class Mode:
    """The recording switches in force: ``grad_enabled``, ``anomaly`` and ``scope``, for one
    ``with`` block of one thread (``thread``) while the block runs (``is_open()``)."""

    __slots__ = ("grad_enabled", "anomaly", "scope", "thread", "_open")

    def __init__(self, grad_enabled: bool = True, anomaly: bool = False, scope: str | None = None) -> None:
        self.grad_enabled = grad_enabled
        self.anomaly = anomaly
        self.scope = scope
        self.thread: int | None = None
        self._open = _allocate_lock()

    def is_open(self) -> bool:
        """True from the moment the block's lock is taken until the block has been left."""
        return self._open.locked()

    def __repr__(self) -> str:
        return f"Mode(grad_enabled={self.grad_enabled}, anomaly={self.anomaly}, scope={self.scope!r})"


#: The mode outside every block: recording on, no anomaly checks, no scope.
DEFAULT_MODE = Mode()

#: The modes of the ``with`` blocks entered in any thread, innermost last; a block's mode is
#: closed when the block is left and is dropped from here when next read.
SWITCHES: list[Mode] = []


def current_mode() -> Mode:
    """The calling thread's mode: that of its innermost open block, or :data:`DEFAULT_MODE`."""
    switches = SWITCHES
    if not switches:
        return DEFAULT_MODE
    ident = _get_ident()
    while True:
        try:
            top = switches[-1]
        except IndexError:  # another thread dropped the last one meanwhile
            return DEFAULT_MODE
        if top._open.locked():
            if top.thread == ident:
                return top
            break
        try:
            switches.remove(top)  # closed for good: any thread may drop it
        except ValueError:
            pass
    for mode in reversed(switches):  # other threads' blocks are on top: find this thread's
        if mode.thread == ident and mode._open.locked():
            return mode
    return DEFAULT_MODE


def is_grad_enabled() -> bool:
    """True when operations are being recorded."""
    return current_mode().grad_enabled


class _Entering:
    """``Switch.__enter__``: on a switch, the C call that enters the block; on the class, a plain
    function (what ``ExitStack`` and ``type(switch).__enter__(switch)`` call)."""

    def __get__(self, switch: Switch | None, owner: type | None = None) -> Any:
        if switch is None:
            return _enter
        return partial(SWITCHES.append, switch._prepared())


class _Leaving:
    """``Switch.__exit__``: on a switch, the block's lock's own ``__exit__`` (a C call that
    releases it); on the class, a plain function."""

    def __get__(self, switch: Switch | None, owner: type | None = None) -> Any:
        if switch is None:
            return _exit
        mode = switch._mode
        if mode is None or not mode._open.locked():  # looked up before __enter__ (as Python 3.14 does)
            mode = switch._prepared()
        return mode._open.__exit__


def _enter(switch: Switch) -> None:
    SWITCHES.append(switch._prepared())


def _exit(switch: Switch, *exc_info: object) -> None:
    mode = switch._mode
    if mode is None or not mode._open.locked():
        raise RuntimeError("leaving a switch that was not entered")
    mode._open.release()


class Switch:
    """A change of the recording switches for the ``with`` block it is used in (see the module's
    docstring for how it enters and leaves).  Made by :func:`no_grad`, :func:`enable_grad`,
    :func:`detect_anomaly` and :func:`name_scope`; one object may serve several blocks, one
    after another or nested.

    ``grad_enabled``: the recording switch inside the block (None: as outside); ``anomaly``:
    True turns the checks on; ``scope``: a name scope nested in the current one.
    """

    __slots__ = ("_grad_enabled", "_anomaly", "_scope", "_mode")

    def __init__(self, grad_enabled: bool | None = None, anomaly: bool = False, scope: str | None = None) -> None:
        self._grad_enabled = grad_enabled
        self._anomaly = anomaly
        self._scope = scope
        self._mode: Mode | None = None

    __enter__ = _Entering()
    __exit__ = _Leaving()

    def _prepared(self) -> Mode:
        """The mode of the block being entered: made when the ``with`` statement looks up
        ``__enter__`` or ``__exit__`` (whichever it looks up first), from the mode in force at that
        moment, and locked; not yet in :data:`SWITCHES` (entering appends it).  A block already
        entered keeps its mode: a new ``with`` gets a new one."""
        mode = self._mode
        outer = current_mode()
        if mode is None or not mode._open.locked() or mode in SWITCHES:
            mode = Mode()
            mode._open.acquire()
            self._mode = mode
        mode.thread = _get_ident()
        grad_enabled = self._grad_enabled
        mode.grad_enabled = outer.grad_enabled if grad_enabled is None else grad_enabled
        mode.anomaly = outer.anomaly or self._anomaly
        scope = self._scope
        mode.scope = outer.scope if scope is None else scope if outer.scope is None else f"{outer.scope}/{scope}"
        return mode


def no_grad() -> Switch:
    """Record nothing inside the block: results are leaves without parents.

    >>> from autograd_core import Value
    >>> with no_grad():
    ...     y = Value(2.0) * 3
    >>> y.parents
    ()
    """
    return Switch(grad_enabled=False)


def enable_grad() -> Switch:
    """Record operations again inside the block (undoes an enclosing ``no_grad``)."""
    return Switch(grad_enabled=True)


def detect_anomaly() -> Switch:
    """Make ``backward()`` check every gradient it computes and name the first node whose
    gradient is NaN or infinite.

    >>> from autograd_core import Value
    >>> x = Value(0.0, name="x")
    >>> y = x ** 0.5
    >>> with detect_anomaly():  # doctest: +ELLIPSIS
    ...     y.backward()
    Traceback (most recent call last):
    ...
    FloatingPointError: backward: non-finite gradient inf flowing from node pow (x**0.5) into input 0 'x'; ...
    """
    return Switch(anomaly=True)


def name_scope(name: str) -> Switch:
    """Tag every node created inside the block with a scope, e.g. ``"layer1"``.

    Scopes nest with ``/`` (``"net/layer1"``); diagrams group a scope's nodes into a labelled box.

    >>> from autograd_core import Value
    >>> with name_scope("layer1"):
    ...     h = Value(1.0) * 2
    >>> h.scope
    'layer1'
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name_scope: expected a non-empty string, got {name!r}")
    check_name(name, "name_scope")
    return Switch(scope=name)


def check_name(name: str, where: str) -> str:
    """Return ``name`` if every character is printable text; refuse control characters (NUL,
    newline, escape, ...) and lone surrogates at once, saying which and where, rather than as a
    cryptic error from a diagram or an encoder later.

    >>> check_name("layer 1", "name_scope")
    'layer 1'
    >>> check_name("a\\x00b", "Value")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Value: the name 'a\\x00b' contains the control character U+0000 at position 1; ...
    """
    if name.isprintable():
        return name
    for position, character in enumerate(name):
        category = unicodedata.category(character)
        if category in ("Cc", "Cs"):
            kind = "control character" if category == "Cc" else "lone surrogate"
            raise ValueError(
                f"{where}: the name {name!r} contains the {kind} U+{ord(character):04X} at position {position}; "
                "a name must be printable text"
            )
    return name
