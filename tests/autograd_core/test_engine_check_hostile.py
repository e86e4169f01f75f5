"""check_engine against engines that raise, hang, print, return junk or spell things their own
way: every problem is reported as the failure of an op or a property, in words, with the line of
the learner's file, never as a traceback from inside chainrule; a class that is not Value-like is
refused with what it lacks."""

from __future__ import annotations

import itertools
import sys

import pytest
from micrograd.engine import Value as MicrogradValue

from autograd_core.testing import EngineCheckError, EngineInputError, check_engine


def report_of(value_class: type, **options):
    options.setdefault("max_examples", 10)
    return check_engine(value_class, raise_exception=False, **options)


def test_an_exception_in_a_backward_is_that_ops_failure_with_the_line(engine_class):
    cls = engine_class(replacements=[(
        "            self.grad += (1 - t**2) * out.grad\n",
        "            self.grad += (1 - t**2) * out.grad / 0\n",
    )], name="raising")
    report = report_of(cls)
    first = report.first_failure
    assert (first.group, first.op) == ("op", "tanh")
    assert "raised ZeroDivisionError: float division by zero" in first.sentence
    assert "raising_engine.py, line" in first.hint and "/ 0" in first.hint
    assert "Traceback" not in str(report)
    assert first.example.splitlines()[-1].endswith("# raises ZeroDivisionError: float division by zero")


def test_an_endless_backward_is_stopped_and_ends_the_check(engine_class):
    cls = engine_class(replacements=[(
        "        visit(self)\n        self.grad = 1.0\n",
        "        visit(self)\n        self.grad = 1.0\n        while True:\n            order.append(None)\n"
        "            order.pop()\n",
    )], name="hanging")
    report = report_of(cls, timeout=0.3)
    first = report.first_failure
    assert first.stopped and "did not finish within 0.3 s" in first.sentence
    assert len(report.findings) == 1  # stopped at the first probe: every later one would hang too
    assert "endless loop" in first.hint


def test_an_op_returning_a_number_instead_of_a_node_is_named(engine_class):
    cls = engine_class(replacements=[(
        '        out = Value(self.data * other.data, (self, other), "*")\n',
        '        return self.data * other.data\n',
    )], name="junk")
    first = report_of(cls).first_failure
    assert first.op == "mul" and "returned a float" in first.sentence and "not a Value" in first.sentence


def test_a_gradient_that_is_not_a_number_is_named():
    class NoGrad:  # backward never touches the inputs: their grad stays None
        def __init__(self, data, parents=()):
            self.data, self.grad, self.parents = data, None, parents

        def __add__(self, other):
            other = other if isinstance(other, NoGrad) else NoGrad(other)
            return NoGrad(self.data + other.data, (self, other))

        def __mul__(self, other):
            other = other if isinstance(other, NoGrad) else NoGrad(other)
            return NoGrad(self.data * other.data, (self, other))

        def backward(self):
            self.grad = 1.0

    first = report_of(NoGrad).first_failure
    assert first.op == "add" and ".grad is None after backward()" in first.sentence


def test_the_engines_prints_are_hidden_and_counted(engine_class, capsys):
    cls = engine_class(replacements=[(
        "            self.grad += out.data * out.grad\n",
        "            print('exp backward', out.data)\n            self.grad += out.data * out.grad\n",
    )], name="printing")
    report = report_of(cls)
    assert report.passed and report.printed_lines > 0
    assert f"your engine printed {report.printed_lines} line(s)" in str(report)
    assert "exp backward" not in capsys.readouterr().out


def test_a_wrong_forward_is_reported_before_any_gradient(engine_class):
    cls = engine_class(replacements=[(
        "    def __rsub__(self, other):\n        return other + (-self)\n",
        "    def __rsub__(self, other):\n        return self - other\n",
    )], name="rsub")
    first = report_of(cls).first_failure
    assert first.op == "sub" and " - x at " in first.sentence and "gives" in first.sentence
    assert first.example.splitlines()[-1].startswith("print(out.data)")


def test_the_adapter_maps_other_spellings(engine_class):
    renamed = engine_class(replacements=[("    def tanh(self):\n", "    def th(self):\n")], name="renamed")
    report = report_of(renamed)
    assert "tanh" not in report.engine.ops
    report = report_of(renamed, adapter={"tanh": "th"})
    assert "tanh" in report.engine.ops and report.passed
    assert any(f.title == "a.th()" for f in report.findings)
    by_function = report_of(renamed, adapter=lambda name: (lambda v: v.th()) if name == "tanh" else None)
    assert "tanh" in by_function.engine.ops and by_function.passed


def test_a_wrongly_spelled_tanh_through_the_adapter_is_still_named_tanh(engine_class):
    cls = engine_class("tanh", replacements=[("    def tanh(self):\n", "    def th(self):\n")])
    first = report_of(cls, adapter={"tanh": "th"}).first_failure
    assert first.op == "tanh" and "out = x.th()" in first.example


class _Minimal:
    def __init__(self, data):
        self.data, self.grad = data, 0.0

    def __add__(self, other):
        return self

    def __mul__(self, other):
        return self

    def backward(self):
        pass


@pytest.mark.parametrize(
    ("value_class", "adapter", "message"),
    [
        (_Minimal(1.0), None, "give the class itself"),
        (int, None, "has no backward() method"),
        (type("NoMul", (), {"__init__": _Minimal.__init__, "__add__": _Minimal.__add__,
                            "backward": _Minimal.backward}), None, "has no * (define __mul__)"),
        (type("NoGrad", (), {"__init__": lambda self, d: setattr(self, "data", d), "__add__": _Minimal.__add__,
                             "__mul__": _Minimal.__mul__, "backward": _Minimal.backward}), None, "has no .grad"),
        (type("Refuses", (_Minimal,), {"__init__": lambda self, d: 1 / 0}), None, "Refuses(2.0) raised ZeroDivision"),
        (_Minimal, {"tahn": "th"}, "adapter names 'tahn'"),
        (_Minimal, {"tanh": "th"}, "has no method th"),
        (_Minimal, {"grad": 3}, "must be an attribute name"),
        (_Minimal, 7, "adapter must be a dict"),
    ],
)
def test_what_cannot_be_checked_is_refused_with_what_it_lacks(value_class, adapter, message):
    with pytest.raises(EngineInputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        check_engine(value_class, adapter=adapter)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="max_examples"):
        check_engine(MicrogradValue, max_examples=0)
    with pytest.raises(ValueError, match="no hypothesis profile"):
        check_engine(MicrogradValue, profile="nope")
    with pytest.raises(EngineInputError, match="timeout"):
        check_engine(MicrogradValue, timeout=0)


def test_a_profile_gives_the_number_of_examples():
    report = check_engine(MicrogradValue, profile="dev")
    assert report.max_examples == 20
    assert {f.summary for f in report.findings if f.group == "op"} == {"20 examples"}


def test_depth_under_a_raised_recursion_limit_runs_on_a_big_stack_without_crashing():
    # An engine file that raises the limit (common advice for micrograd's recursive sort) must not
    # overflow the C stack: the depth probe runs in a thread with a stack of its own.
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(50_000)
    try:
        report = report_of(MicrogradValue, max_examples=3)
    finally:
        sys.setrecursionlimit(previous)
    depth = next(f for f in report.findings if f.group == "depth")
    assert depth.status == "ok"


def test_the_html_table_has_a_row_per_property_and_the_example(engine_class):
    report = report_of(engine_class("tanh"))
    html = report._repr_html_()
    assert html.count("<tr") == len(report.findings) + 1  # the header and one row per property
    assert "<pre>x = Value(" in html and "FAIL" in html
    assert "<script" not in html


def test_the_error_is_an_assertion_error_carrying_the_report(engine_class):
    with pytest.raises(AssertionError) as caught:
        check_engine(engine_class("tanh"), max_examples=10)
    assert isinstance(caught.value, EngineCheckError)
    assert caught.value.report.first_failure.op == "tanh"


def test_a_failure_that_does_not_repeat_is_reported_as_such():
    calls = itertools.count()

    class Moody:  # every third product gets a wrong derivative: not a function of the numbers
        def __init__(self, data, parents=()):
            self.data, self.grad, self.parents, self._backward = data, 0.0, parents, lambda: None

        def __add__(self, other):
            other = other if isinstance(other, Moody) else Moody(other)
            out = Moody(self.data + other.data, (self, other))

            def backward():
                self.grad += out.grad
                other.grad += out.grad

            out._backward = backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, Moody) else Moody(other)
            out = Moody(self.data * other.data, (self, other))
            slip = 1.0 if next(calls) % 3 == 0 else 0.0

            def backward():
                self.grad += (other.data + slip) * out.grad
                other.grad += self.data * out.grad

            out._backward = backward
            return out

        def backward(self):
            order, seen = [], set()

            def visit(node):
                if id(node) not in seen:
                    seen.add(id(node))
                    for parent in node.parents:
                        visit(parent)
                    order.append(node)

            visit(self)
            self.grad = 1.0
            for node in reversed(order):
                node._backward()

    report = report_of(Moody, max_examples=30)
    first = report.first_failure
    assert first.op == "mul" and first.flaky
    assert "does not happen every time" in str(report)
