"""check_engine on real engines: micrograd 0.1.0 and a correct lecture-style engine pass; each
copy of the lecture engine carrying one classic bug fails, naming the right op or property,
with a minimal example that really shows the bug.

The oracle for each minimal example is independent of the check: the example's code is run
with the buggy class (it must print the engine's wrong gradient) and with chainrule's own
``Value`` (it must print the right one, which the report gives as "finite differences").
"""

from __future__ import annotations

import contextlib
import io
import math
import re

import pytest
from micrograd.engine import Value as MicrogradValue

from autograd_core import Value
from autograd_core.testing import EngineCheckError, check_engine

# Fewer examples than the default keeps the suite fast; the default run is the README's and the bench's.
EXAMPLES = 25


def run_example(code: str, value_class: type) -> float:
    """Run a report's example with ``value_class`` as ``Value``; the number it prints."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {"Value": value_class})  # noqa: S102 - the report's own example, on purpose
    return float(printed.getvalue().split()[-1])


def failing_report(value_class: type, examples: int = EXAMPLES, **options) -> object:
    with pytest.raises(EngineCheckError) as caught:
        check_engine(value_class, max_examples=examples, **options)
    report = caught.value.report
    assert str(caught.value) == str(report)  # the assertion's message is the whole report
    assert not report.passed
    return report


@pytest.fixture(scope="module")
def buggy(lecture_copy):
    """``buggy(bug)``: (the class, its failing report), each copy checked once for this module."""
    done: dict[str, tuple[type, object]] = {}

    def get(bug: str) -> tuple[type, object]:
        if bug not in done:
            value_class = lecture_copy(bug)
            done[bug] = (value_class, failing_report(value_class))
        return done[bug]

    return get


# -- engines that pass ----------------------------------------------------------------------------
def test_micrograd_passes_and_its_notes_say_what_it_does():
    report = check_engine(MicrogradValue, max_examples=EXAMPLES)
    assert report.passed
    assert report.engine.ops == ["add", "mul", "pow", "neg", "sub", "div", "relu"]
    assert {"exp", "tanh", "log", "sigmoid", "powv"} <= set(report.engine.missing)
    twice = next(f for f in report.findings if f.group == "twice")
    # micrograd 0.1.0: y = 2x² at 3 gives 12, then 36 (the intermediate x*x sends its old gradient again)
    assert twice.status == "note" and twice.engine_value == 36.0 and "36" in twice.sentence
    depth = next(f for f in report.findings if f.group == "depth")
    assert depth.status == "limit" and "RecursionError" in depth.sentence  # its build_topo recurses
    assert {f.status for f in report.findings if f.group in ("op", "reuse", "order", "expressions")} == {"ok"}


def test_the_correct_lecture_engine_passes(engine_class):
    report = check_engine(engine_class(), max_examples=EXAMPLES)
    assert report.passed, report
    assert {"tanh", "exp", "add", "mul", "pow", "sub", "div", "neg"} == set(report.engine.ops)


def test_chainrules_own_value_passes_and_accumulates_like_pytorch():
    report = check_engine(Value, max_examples=10)
    assert report.passed
    findings = {f.group: f for f in report.findings if f.group in ("twice", "zero_grad", "depth")}
    assert findings["twice"].engine_value == 24.0 and "PyTorch" in findings["twice"].sentence
    assert findings["zero_grad"].status == "ok"
    assert findings["depth"].status == "ok"  # its walk is iterative


# -- each classic bug is found and named ----------------------------------------------------------
@pytest.mark.parametrize(
    ("bug", "group", "op"),
    [("assign", "reuse", "mul"), ("tanh", "op", "tanh"), ("order", "order", None)],
)
def test_each_bug_is_named_with_a_minimal_example_that_shows_it(buggy, bug, group, op):
    value_class, report = buggy(bug)
    first = report.first_failure
    assert (first.group, first.op) == (group, op), first.sentence
    lines = first.example.splitlines()
    assert len(lines) <= 8, first.example  # shrunk to a few lines
    assert lines[-1].startswith("print(") and ".backward()" in lines[-2]
    right = run_example(first.example, Value)  # chainrule's Value: the independent oracle
    wrong = run_example(first.example, value_class)
    assert right == pytest.approx(first.expected, rel=1e-5, abs=1e-6)
    assert wrong != pytest.approx(right, rel=1e-3)
    if bug != "order":  # the order bug's number depends on the order of a set: wrong, but not always the same
        assert wrong == pytest.approx(first.engine_value, rel=1e-9)
    assert str(report).startswith(f"check_engine FAILED: Value from {bug}_engine.py: {first.sentence}")


def test_the_tanh_report_says_the_derivative_in_the_stepper_words(buggy):
    first = buggy("tanh")[1].first_failure
    match = re.fullmatch(r"your tanh: d/dx at (\S+) is (\S+), should be (\S+)", first.sentence)
    assert match, first.sentence
    x = float(match.group(1))
    assert first.engine_value == pytest.approx(1 - math.tanh(x), rel=1e-9)  # the slip: 1 - t
    assert first.expected == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-5)
    assert "upstream x local" in first.hint and "1 - out²" in first.hint
    assert "1 - out, without the square" in first.hint


def test_the_assign_report_points_at_the_missing_plus_equals(buggy):
    first = buggy("assign")[1].first_failure
    assert "kept only one" in first.hint and "self.grad +=" in first.hint and "gathers" in first.hint
    # x is used twice; the engine's gradient is one of the two contributions, the right one their sum
    assert first.expected == pytest.approx(2 * first.engine_value, rel=1e-5)


def test_the_order_report_explains_the_topological_sort(buggy):
    report = buggy("order")[1]
    first = report.first_failure
    assert "topologically" in first.hint and "gather" in first.hint
    # each op alone and every node used twice still pass: the report does not blame an op
    assert all(f.status == "ok" for f in report.findings if f.group in ("op", "reuse"))


def test_a_bug_in_one_op_leaves_the_other_ops_passing(buggy):
    report = buggy("tanh")[1]
    by_op = {f.op: f.status for f in report.findings if f.group == "op"}
    assert by_op.pop("tanh") == "FAIL"
    assert set(by_op.values()) == {"ok"}


# -- strict and the notes -------------------------------------------------------------------------
def test_strict_makes_micrograds_second_backward_a_failure():
    report = failing_report(MicrogradValue, examples=5, strict=True)
    assert [f.group for f in report.failures] == ["twice"]
    assert "36" in report.first_failure.sentence and "24" in report.first_failure.sentence


def test_a_zero_grad_that_clears_only_the_leaves_is_a_note(engine_class):
    leaves_only = (
        "    def __neg__(self):\n",
        "    def zero_grad(self):\n"
        "        stack, seen = [self], set()\n"
        "        while stack:\n"
        "            node = stack.pop()\n"
        "            if node not in seen:\n"
        "                seen.add(node)\n"
        "                stack.extend(node._prev)\n"
        "                if not node._prev:\n"
        "                    node.grad = 0.0\n\n"
        "    def __neg__(self):\n",
    )
    cls = engine_class(replacements=[leaves_only], name="leaves")
    report = check_engine(cls, max_examples=5)
    note = next(f for f in report.findings if f.group == "zero_grad")
    assert note.status == "note"
    # By hand: x is cleared, x*x keeps 2 and y keeps 1; backward sets y.grad = 1, so x*x gathers
    # 2 + 2 = 4 and x gets 4 * 2x = 24 instead of 12.
    assert "x * x still holds 2" in note.sentence and note.engine_value == 24.0
    strict = failing_report(cls, examples=5, strict=True)
    assert {f.group for f in strict.failures} == {"twice", "zero_grad"}


def test_the_order_bug_is_found_when_inputs_are_kept_in_a_set(engine_class):
    # As in the lecture: _prev = set(children), so the walk's order changes with the nodes' ids
    # from run to run; the symmetric diamond fails in every order.
    in_a_set = ("        self._prev = tuple(_children)", "        self._prev = set(_children)")
    report = failing_report(engine_class("order", replacements=[in_a_set]))
    assert report.first_failure.group == "order"
