"""Do gradcheck's defaults hold up?  (eps=1e-6, pass when |a - n| <= 1e-7 + 1e-5 |n|, float64)

Measured on random scalar graphs from ``autograd_core.testing.expressions()`` (all twelve ops,
1-3 inputs, up to 8 ops, reuse and fan-out), drawn reproducibly:

1. False failures: gradcheck on N correct graphs (10,000 by default).  Prints how many failed and
   the headroom: the largest error seen in units of the tolerance (1.0 would be a failure).
2. Detection: on other graphs, one node's recorded local derivative (one of at least 0.01 in
   size, into an input that has a gradient) is made wrong by a factor (1 + err) after the
   forward pass, for err = 2% (the goal), 0.1% and 0.01%.  Prints the
   fraction caught, and the fraction caught by the end gradients alone (the rest are caught by
   the per-op check, e.g. when the wrong node's gradient barely reaches an input).
3. Tensor ops: for each op, a small graph on random float64 inputs, checked correct (false
   failures) and with the op's VJP scaled by 1.02 (caught), on fresh draws each time.

Run: ``make bench`` or ``.venv/bin/python bench/gradcheck_defaults.py [N]``.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings

from autograd_core import GradcheckWarning, gradcheck, topological_order
from autograd_core.testing import expressions

CHECKS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
DETECTION_CHECKS = max(CHECKS // 5, 200)


def draw(count: int, seed_offset: int, body) -> None:
    """Run ``body(expression)`` on ``count`` reproducibly drawn expressions."""
    runner = settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=["generate"],
    )(given(expressions(max_steps=8 + seed_offset))(body))
    runner()


def false_failures() -> None:
    results = {"checked": 0, "failed": 0, "warned": 0, "headroom": []}

    def body(expression):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GradcheckWarning)
            report = gradcheck(expression, *expression.values(), raise_exception=False)
        results["checked"] += 1
        results["warned"] += bool(caught)
        if not report.passed:
            results["failed"] += 1
            print("  FALSE FAILURE:", expression, "\n", report)
        for row in report.rows:
            a, n = row.backprop_gradient, row.numerical_gradient
            results["headroom"].append(float(np.max(np.abs(a - n) / (report.atol + report.rtol * np.abs(n)))))

    start = time.perf_counter()
    draw(CHECKS, 0, body)
    seconds = time.perf_counter() - start
    headroom = results["headroom"]
    print(f"correct graphs checked:        {results['checked']}")
    print(f"false failures:                {results['failed']}")
    print(f"checks with a warning:         {results['warned']}")
    print(
        f"error / tolerance, per input:  median {statistics.median(headroom):.2e}, "
        f"99.9th percentile {np.percentile(headroom, 99.9):.2e}, max {max(headroom):.2e}  (fails at 1)"
    )
    print(f"time:                          {seconds:.1f} s ({1000 * seconds / results['checked']:.2f} ms a check)")


def detection(error: float) -> None:
    results = {"corrupted": 0, "caught": 0, "by_end_gradient": 0}

    def body(expression):
        nodes = [n for n in topological_order(expression(*expression.values())) if n.parents]
        # Edges into an input that has a gradient (not a constant), with a derivative of at least
        # 0.01: an error of err * d must exceed atol = 1e-7 to mean anything (hypothesis draws
        # inputs such as 1e-173, whose x**2 has a derivative of 2e-173).
        candidates = [
            (k, i)
            for k, n in enumerate(nodes)
            for i, p in enumerate(n.parents)
            if p.requires_grad and abs(n.local[i]) >= 0.01
        ]
        if not candidates:
            return
        target, slot = candidates[len(expression.steps) % len(candidates)]

        def corrupted(*leaves):
            out = expression(*leaves)
            recorded = [n for n in topological_order(out) if n.parents]
            if recorded:  # empty under no_grad (the numerical evaluations): nothing to corrupt
                node = recorded[target]
                if slot == 0:
                    node._d0 *= 1 + error
                else:
                    node._d1 *= 1 + error
            return out

        report = gradcheck(corrupted, *expression.values(), raise_exception=False, extra_checks=False)
        results["corrupted"] += 1
        results["caught"] += not report.passed
        results["by_end_gradient"] += any(not r.passed for r in report.rows)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradcheckWarning)
        draw(DETECTION_CHECKS, 1, body)
    n = results["corrupted"]
    print(
        f"local derivative off by {error:>6.2%}: caught {results['caught']}/{n} "
        f"({results['caught'] / n:.1%}); by the end gradients alone {results['by_end_gradient']}/{n} "
        f"({results['by_end_gradient'] / n:.1%})"
    )


def tensor_ops(draws: int = 50) -> None:
    from autograd_core import TENSOR_OPS, Tensor, avg_pool2d, batch_norm, conv2d, max_pool2d, softmax_cross_entropy

    labels = np.array([0, 2, 1])
    cases = {  # op: a function of two (3, 4) leaves and a (4,) leaf
        "add": lambda a, b, c: (a + c).tanh(),
        "sub": lambda a, b, c: (a - c).tanh(),
        "mul": lambda a, b, c: a * c,
        "div": lambda a, b, c: a / (1 + c * c),
        "neg": lambda a, b, c: -a * b,
        "pow": lambda a, b, c: a**3,
        "exp": lambda a, b, c: a.exp(),
        "log": lambda a, b, c: (1 + a * a).log(),
        "sqrt": lambda a, b, c: (1 + a * a).sqrt(),
        "tanh": lambda a, b, c: a.tanh(),
        "sigmoid": lambda a, b, c: a.sigmoid(),
        "relu": lambda a, b, c: a.relu() * b,
        "abs": lambda a, b, c: a.abs() * b,
        "matmul": lambda a, b, c: a @ b.T,
        "sum": lambda a, b, c: (a * b).sum(axis=0),
        "mean": lambda a, b, c: (a * b).mean(axis=1),
        "max": lambda a, b, c: a.max(axis=1),
        "reshape": lambda a, b, c: (a * b).reshape(4, 3),
        "transpose": lambda a, b, c: a.T @ b,
        "getitem": lambda a, b, c: a[np.array([0, 2, 2])] * c,
        "softmax": lambda a, b, c: a.softmax(axis=1) * b,
        "log_softmax": lambda a, b, c: a.log_softmax(axis=0) * b,
        "softmax_cross_entropy": lambda a, b, c: softmax_cross_entropy(a * c, labels),
        "std": lambda a, b, c: (a * b).std(axis=1),
        # the layers' ops, on the (3, 4) leaves seen as one-channel images
        "conv2d": lambda a, b, c: conv2d(a.reshape(1, 1, 3, 4), b[:2, :2].reshape(1, 1, 2, 2), c[:1]),
        "max_pool2d": lambda a, b, c: max_pool2d(a.reshape(1, 1, 3, 4), (1, 2)),
        "avg_pool2d": lambda a, b, c: avg_pool2d(a.reshape(1, 1, 3, 4), (1, 2)) * b[:, :2].reshape(1, 1, 3, 2),
        "batch_norm": lambda a, b, c: batch_norm(a, c, b[0], np.zeros(4), np.ones(4)) * b,
    }
    rng = np.random.default_rng(0)
    false_failures = caught = total = 0
    missed = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GradcheckWarning)
        for name, fn in cases.items():
            record = TENSOR_OPS[name]  # the op's one record: every node of it reads its VJP there
            good = record.vjp

            def bad(node, g, good=good):
                return tuple(None if c is None else c * 1.02 for c in good(node, g))

            for _ in range(draws):
                inputs = [
                    Tensor(rng.standard_normal(s) + 0.01 * np.sign(rng.standard_normal(s)), requires_grad=True)
                    for s in ((3, 4), (3, 4), (4,))
                ]
                total += 1
                false_failures += not gradcheck(fn, *inputs, raise_exception=False).passed
                record.vjp = bad
                try:
                    report = gradcheck(fn, *inputs, raise_exception=False)
                finally:
                    record.vjp = good
                named = any(m.op == name for m in report.local_mismatches)
                caught += (not report.passed) and named
                if report.passed or not named:
                    missed.append(name)
    print(
        f"Tensor ops ({len(cases)} ops x {draws} draws): false failures {false_failures}/{total}; "
        f"VJP off by 2% caught with the op named {caught}/{total}"
        + (f" (missed: {sorted(set(missed))})" if missed else "")
    )


if __name__ == "__main__":
    print(f"gradcheck defaults: eps=1e-6, |a - n| <= 1e-7 + 1e-5 |n|, float64; {CHECKS} random graphs")
    false_failures()
    for err in (0.02, 1e-3, 1e-4):
        detection(err)
    tensor_ops()
