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
and the handler swap itself is one C call (``signal.signal``).  An interrupt before the swap
stops the caller before anything changed; from the swap on, the interrupt is held whatever
bytecode it lands on (inside the block, in this module's own lines, in ``contextlib``); after the
user's handler is back, the block's work is done.  Whichever thread receives the OS signal,
Python runs the handler in the main thread, so the swap covers signals delivered to other
threads (BLAS workers) too.  Only the main thread can set handlers and only it gets
``KeyboardInterrupt``: in other threads the block runs as is.  If SIGINT's handler was not set
from Python (``signal.getsignal`` returns ``None``: embedded interpreters), nothing is swapped.

Only SIGINT is held: it is the signal Python turns into an exception by default.

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
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold back SIGINT while the block runs; deliver it to the user's handler afterwards.

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
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is None:
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)
