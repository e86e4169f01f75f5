"""A failing check reads as a plain assertion under pytest: the verdict with the test function's
own parameter names, not chainrule's source code.  Checked on pytest's real output, in a
subprocess, for chainrule's Value and Tensor and for an engine under test."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

TESTS = textwrap.dedent(
    """
    import numpy as np
    from tanh_engine import Value as MyValue

    from autograd_core import Tensor, Value, define_op, define_tensor_op
    from autograd_core.ops import exp, log
    from autograd_core.testing import assert_grad_close, check_engine

    # Wrong on purpose: the sigmoid's slope instead of the sigmoid; a square's VJP without its 2.
    bad_softplus = define_op("softplus_slope", lambda x: log(1 + exp(x)), lambda x, out: (exp(x) / (1 + exp(x)) ** 2,))
    bad_square = define_tensor_op("square_half", lambda x: x**2, lambda g, inputs, out: (g * inputs[0],))


    def test_value():
        assert_grad_close(lambda x: bad_softplus(x) * x, Value(0.7))


    def test_tensor():
        assert_grad_close(lambda w: bad_square(w).sum(), Tensor(np.array([0.5, -1.0]), requires_grad=True))


    def test_engine():
        assert_grad_close(lambda x: x.tanh() * x, MyValue(0.5))


    def test_check_engine():
        check_engine(MyValue, max_examples=10)
    """
)


def failure_sections(output: str) -> dict[str, list[str]]:
    """pytest's failure report, split by test: ``{"test_value": [lines...]}``."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        header = re.fullmatch(r"_+ (test_\w+) _+", line)
        if header:
            current = header.group(1)
            sections[current] = []
        elif line.startswith("=") and current is not None:
            current = None  # the short summary follows
        elif current is not None:
            sections[current].append(line)
    return sections


def test_failures_show_the_verdict_with_the_functions_parameter_names(tmp_path, engine_file):
    engine_file("tanh")  # tanh_engine.py beside the test file: the learner's engine with tanh's slip
    (tmp_path / "test_learner.py").write_text(TESTS)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_learner.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    sections = failure_sections(result.stdout)
    assert set(sections) == {"test_value", "test_tensor", "test_engine", "test_check_engine"}, result.stdout
    for name, lines in sections.items():
        text = "\n".join(lines)
        # No frame of chainrule's checking code: its source was about 60 lines of every failure.
        for source in ("def gradcheck(", "def assert_grad_close(", "def check_engine(", "def gradcheck_engine_values(",
                       "__tracebackhide__", "autograd_core/gradcheck.py", "autograd_core/testing.py"):
            assert source not in text, f"{name} shows {source!r}:\n{text}"
        assert "input0" not in text and "'leaf'" not in text, text
    for name, parameter in (("test_value", "x"), ("test_tensor", "w"), ("test_engine", "x")):
        lines = sections[name]
        assert len(lines) <= 16, "\n".join(lines)
        error = next(line for line in lines if line.startswith("E   "))
        assert "GradcheckError" in error and f"'{parameter}'" in error, error
    assert "softplus_slope node input 0 ('x')" in "\n".join(sections["test_value"])
    engine = "\n".join(sections["test_check_engine"])
    assert "EngineCheckError: check_engine FAILED: Value from tanh_engine.py: your tanh: d/dx at" in engine
