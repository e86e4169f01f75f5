"""Bad input gets an error naming what was wrong, raised at the forward step."""

from __future__ import annotations

import math

import pytest

from autograd_core import DomainError, Value, detect_anomaly


@pytest.mark.parametrize("bad, type_name", [("abc", "str"), (None, "NoneType"), ([1, 2], "list"), (1j, "complex")])
def test_value_of_a_non_number(bad, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(bad)


def test_mixing_with_an_unsupported_type_names_op_and_types():
    x = Value(2.0, name="x")
    with pytest.raises(TypeError, match=r"mul: unsupported operand types Value and str .*'x'"):
        x * "3"
    with pytest.raises(TypeError, match=r"add: unsupported operand types list and Value"):
        [1] + x
    with pytest.raises(TypeError, match=r"sub: unsupported operand types str and Value .*'x'"):
        "a" - x


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda x: (x - 2).log(), r"log: log of a non-positive number \(inputs: 0.0\)"),
        (lambda x: x.log() if x.data > 0 else None, None),
        (lambda x: (x - 2) ** -1, r"pow: 0 raised to a negative power \(inputs: 0.0, exponent -1.0\)"),
        (lambda x: (x - 3) ** 0.5, r"pow: negative base with a non-integer exponent"),
        (lambda x: x / (x - 2), r"div: division by zero \(inputs: x=2.0, 0.0\)"),
        (lambda x: (x - 3) ** Value(2.0), r"powv: a Value exponent needs a positive base"),
    ],
)
def test_domain_errors_at_the_forward_step(build, message):
    x = Value(2.0, name="x")
    if message is None:
        assert build(x) is not None
        return
    with pytest.raises(DomainError, match=message):
        build(x)


def test_domain_error_is_a_value_error():
    with pytest.raises(ValueError):
        Value(-1.0).log()


def test_nan_data_is_allowed_and_anomaly_mode_names_the_node():
    x = Value(float("nan"), name="x")
    y = x * 2
    y.backward()  # without anomaly detection, NaN just flows
    assert math.isnan(y.data)
    a = Value(0.0, name="a")
    b = a**0.5
    b.name = "root"
    c = b * 3
    with detect_anomaly():
        with pytest.raises(FloatingPointError, match=r"from node pow 'root' .*input 0 'a'"):
            c.backward()


def test_backward_grad_must_be_a_number():
    with pytest.raises(TypeError, match="backward"):
        (Value(1.0) * 2).backward(grad="one")


@pytest.mark.parametrize("exponent", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_exponent_is_refused_by_name(exponent):
    message = r"pow: the exponent must be a finite number, got (inf|-inf|nan) \(node leaf 'x'\)"
    with pytest.raises(DomainError, match=message):
        Value(2.0, name="x") ** exponent
