"""``uninterrupted()``: run a block whole, holding back Ctrl-C until it has finished.

What it is for: a change of state made of several steps that must happen all together or not at
all (a mode switch and the counter that goes with it, a step and its record, a model's weights
copied in one by one).  Put the steps inside the block, or enter the block before the first
change, and an interrupt can land only before the block or after it.  The module uses the
standard library alone, so the lowest room of the engine (``graph``) may use it too.

Python turns Ctrl-C (SIGINT) into a ``KeyboardInterrupt`` raised between any two bytecodes of
the main thread, so a loop that changes several arrays can be stopped half-way.  Inside
``with uninterrupted():`` SIGINT is caught by a handler that only remembers it; when the block
ends (normally or by an exception) the user's own handler is put back first and a SIGINT that
arrived meanwhile is raised again, so it reaches that handler exactly as it would have: a
``KeyboardInterrupt`` by default, nothing if the user ignores SIGINT, the user's function if they
installed one.  Two signals during the block are one interrupt after it, as two quick Ctrl-Cs
would be to Python anyway.

Why this is safe at every bytecode: the state the block protects is only changed inside it,
and the handler swap itself is one C call.  An interrupt before the swap stops the caller before
anything changed; from the swap on, the interrupt is held whatever bytecode it lands on (inside
the block, in this module's own lines); after the user's handler is back, the block's work is
done.  Whichever thread receives the OS signal, Python runs the handler in the main thread, so
the swap covers signals delivered to other threads (BLAS workers) too.  Only the main thread can
set handlers and only it gets ``KeyboardInterrupt``: in other threads the block runs as is.  If
SIGINT's handler was not set from Python (``signal.getsignal`` returns ``None``: embedded
interpreters), nothing is swapped.

Only SIGINT is held: it is the signal Python turns into an exception by default.

Cost: about 2 microseconds a block, so that a mode switch entered on every step may use it.
The handlers are read and set through ``_signal``, the C module the public ``signal`` module
wraps: the wrapper turns the handler it returns into an enum member when it can, and for a
Python function that attempt raises and catches a ``ValueError``, which made each call about 10
microseconds.  The calls and what they do are the same.

Example:
    >>> import numpy as np
    >>> a, b = np.zeros(3), np.zeros(3)
    >>> with uninterrupted():        # a Ctrl-C here would be raised after both lines, not between
    ...     a[...] = 1.0
    ...     b[...] = 1.0
    >>> float(a.sum() + b.sum())
    6.0
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

try:  # the C functions behind signal.signal and signal.getsignal, without the enum lookup
    import _signal as _handlers
except ImportError:  # an interpreter that does not split the module: the public one does the same
    _handlers = signal  # type: ignore[assignment]

_SIGINT = int(signal.SIGINT)


class uninterrupted:  # lower case: used like a function, ``with uninterrupted():``, as contextlib.suppress
    """Hold back SIGINT while the block runs; deliver it to the user's handler afterwards.

    Each ``uninterrupted()`` is one guard for one block; blocks may nest.

    >>> import signal
    >>> said = []
    >>> users_handler = lambda signum, frame: said.append("Ctrl-C")
    >>> before = signal.signal(signal.SIGINT, users_handler)
    >>> with uninterrupted():
    ...     signal.raise_signal(signal.SIGINT)   # held: the user's handler does not run yet
    ...     said.append("block done")
    >>> said, signal.getsignal(signal.SIGINT) is users_handler
    (['block done', 'Ctrl-C'], True)
    >>> _ = signal.signal(signal.SIGINT, before)
    """

    __slots__ = ("_held", "_previous")

    def __init__(self) -> None:
        self._previous: Any = None  # the handler to put back; None while no handler is swapped
        self._held = False

    def __enter__(self) -> None:
        if self._previous is not None:
            raise RuntimeError("uninterrupted: this guard is already holding a block; use a new one per block")
        if threading.current_thread() is not threading.main_thread():
            return
        previous = _handlers.getsignal(_SIGINT)
        if previous is None:
            return
        self._previous = previous
        _handlers.signal(_SIGINT, self._hold)  # from here on a SIGINT only sets _held

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        self._held = True

    def __exit__(self, *exc_info: object) -> None:
        previous, self._previous = self._previous, None
        if previous is None:
            return
        _handlers.signal(_SIGINT, previous)
        if self._held:
            self._held = False
            signal.raise_signal(_SIGINT)
