"""check_model on a graph model of Values names the op whose local derivative is wrong."""

from __future__ import annotations

import pytest

from autograd_core import Value
from autograd_core.check import GradcheckError, check_model


class ScalarModel:
    """A graph model on Value: loss = sum((tanh(w x + b) - t)^2)."""

    def __init__(self):
        self.w, self.b = Value(0.7, name="w"), Value(-0.2, name="b")

    def named_parameters(self):
        return [("w", self.w), ("b", self.b)]

    def loss(self, x, t):
        total = Value(0.0)
        for xi, ti in zip(x, t):
            total = total + ((self.w * xi + self.b).tanh() - ti) ** 2
        return total


def test_a_graph_model_with_a_wrong_op_names_the_op(wrong_scalar_op):
    x, t = [0.5, -1.0, 2.0], [0.1, -0.3, 0.8]
    assert check_model(ScalarModel(), x, t).passed
    wrong_scalar_op("tanh", 1.03)  # tanh's local derivative 3% off
    with pytest.raises(GradcheckError) as caught:
        check_model(ScalarModel(), x, t)
    report = caught.value.report
    assert {r.name for r in report.rows if not r.passed} == {"w", "b"}
    assert {m.op for m in report.local_mismatches} == {"tanh"}
    assert str(caught.value).startswith("check_model failed: tanh node")
