"""Is backward slowed by Python's cyclic garbage collector?

A long chain of Value nodes keeps hundreds of thousands of GC-tracked objects alive, and a graph
walk allocates as it goes: with the GC on, each collection of the older generations re-scans
every live node.  The engine pauses the GC during its own walks (and restores the caller's
setting afterwards), so backward as users run it (GC on) should cost about what it costs when
the caller pauses the GC himself, the peer measured here in the same run.

Prints, for a 200,000-node and a 1,000,000-node chain, the best time of ``backward()`` and of
``topological_order()`` with the GC on (as users run it) and with the GC paused by the caller,
then the ratios (goal for the 200,000-node backward: <= 1.25x).  Best of several runs, as
``timeit`` advises: on a shared machine the other runs measure the neighbours' load.

Run: ``make bench`` or ``.venv/bin/python bench/chain_gc.py``.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable

from autograd_core import Value, topological_order, zero_grad


def chain(n: int) -> Value:
    """x -> tanh -> tanh -> ... (n ops): n + 1 nodes, all requiring a gradient."""
    y = Value(0.5, name="x")
    for _ in range(n):
        y = y.tanh()
    return y


def timed(work: Callable[[], object], gc_paused: bool) -> float:
    """Seconds taken by ``work()``, with the GC on, or paused around it as a careful caller would."""
    if gc_paused:
        gc.disable()
    try:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start
    finally:
        gc.enable()


def measure(n: int, repeats: int) -> dict[str, tuple[float, float]]:
    """Best seconds (GC on, GC paused by the caller) of backward and of the topological sort,
    the two settings measured alternately so that a change in machine load hits both alike."""
    root = chain(n)
    results: dict[str, tuple[list[float], list[float]]] = {"backward": ([], []), "topological sort": ([], [])}
    for _ in range(repeats):
        for paused in (False, True):
            zero_grad(root)  # a fresh backward each time, not an accumulation
            results["backward"][paused].append(timed(root.backward, paused))
            results["topological sort"][paused].append(timed(lambda: topological_order(root), paused))
    assert gc.isenabled(), "the engine left the GC disabled"
    return {what: (min(on), min(off)) for what, (on, off) in results.items()}


def main() -> None:
    sizes = [(200_000, 9), (1_000_000, 3)]
    if "--quick" in sys.argv:
        sizes = [(200_000, 3)]
    table = []
    for n, repeats in sizes:
        for what, (on, off) in measure(n, repeats).items():
            table.append((n, what, on, off))
    print(f"{'nodes':>9} {'walk':<17} {'GC on (s)':>10} {'GC paused by caller (s)':>24} {'ratio':>6}")
    for n, what, on, off in table:
        print(f"{n:>9,} {what:<17} {on:>10.3f} {off:>24.3f} {on / off:>5.2f}x")
    on, off = next((on, off) for n, what, on, off in table if n == 200_000 and what == "backward")
    print(f"200,000-node backward, GC on / GC paused by the caller (goal <= 1.25x): {on / off:.2f}x")


if __name__ == "__main__":
    main()
