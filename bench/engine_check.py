"""How long does check_engine take on a learner's engine, at the default number of examples?

The goal: the whole check of a correct ~100-line lecture-style engine in under 20 s on 2 cores.
Measured in the same run on three engines: the lecture-style engine the tests use (tanh and exp,
about 110 lines), micrograd 0.1.0 (its own 94-line engine: fewer ops) and, as the peer, chainrule's own
``Value`` checked by the same function (every op, an iterative backward).  Also one engine with a
bug (``=`` for ``+=`` in mul), where hypothesis shrinks the failures.  Best of a few runs: on a
shared machine the others measure the neighbours' load.

Run: ``make bench`` or ``.venv/bin/python bench/engine_check.py``.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

from micrograd.engine import Value as MicrogradValue

from autograd_core import Value
from autograd_core.check.engine.properties import DEFAULT_EXAMPLES, check_engine

ROOT = Path(__file__).resolve().parents[1]
GOAL = 20.0
REPEATS = 3


def load(path: Path, name: str) -> type:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.Value


def best_seconds(value_class: type) -> tuple[float, bool, int]:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        report = check_engine(value_class, raise_exception=False)
        times.append(time.perf_counter() - start)
    checked = sum(1 for f in report.findings if f.status in ("ok", "FAIL"))
    return min(times), report.passed, checked


def main() -> None:
    engines = {
        "lecture-style engine (tests/.../lecture_engine.py)": load(
            ROOT / "tests" / "autograd_core" / "engines" / "lecture_engine.py", "bench_lecture_engine"
        ),
        "micrograd 0.1.0": MicrogradValue,
        "the same with a bug (examples/broken_engine.py)": load(ROOT / "examples" / "broken_engine.py", "bench_broken"),
        "chainrule's own Value (peer)": Value,
    }
    print(f"check_engine at the default {DEFAULT_EXAMPLES} examples per property, best of {REPEATS}")
    results = {}
    for label, cls in engines.items():
        seconds, passed, checked = best_seconds(cls)
        results[label] = seconds
        print(f"  {label:<52} {seconds:6.2f} s  {checked:2d} properties  {'passed' if passed else 'FAILED'}")
    lecture = results["lecture-style engine (tests/.../lecture_engine.py)"]
    peer = results["chainrule's own Value (peer)"]
    print(f"lecture engine: {lecture:.2f} s (goal < {GOAL:.0f} s); "
          f"ratio to chainrule's own Value: {lecture / peer:.2f}x")


if __name__ == "__main__":
    main()
