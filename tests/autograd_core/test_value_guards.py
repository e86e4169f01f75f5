"""Careless or hostile input to Value: refused at once with a message naming what is wrong,
never a silently lost gradient, a raw OverflowError or a cryptic error from a later tool."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from autograd_core import DomainError, Tensor, Value, name_scope


@pytest.mark.parametrize(
    "combine",
    [
        lambda v, t: v * t,
        lambda v, t: v + t,
        lambda v, t: v - t,
        lambda v, t: v / t,
        lambda v, t: v.max(t),
    ],
)
def test_value_refuses_a_tensor_operand_instead_of_dropping_its_gradient(combine):
    t = Tensor(np.array(3.0), requires_grad=True, name="t")
    with pytest.raises(TypeError) as caught:
        combine(Value(2.0, name="v"), t)
    message = str(caught.value)
    assert "Tensor" in message and ".item()" in message and "Tensor(value.data)" in message
    assert t.grad is None


def test_value_of_a_tensor_is_refused():
    with pytest.raises(TypeError, match=r"got a Tensor .*\.item\(\)"):
        Value(Tensor(np.array(3.0), requires_grad=True))


def test_numpy_scalars_still_become_numbers():
    y = Value(2.0) * np.float32(3.0) + np.array(1.0)
    assert y.data == 7.0


def test_create_graph_gives_the_infinite_slope_of_sqrt_at_zero_like_first_order():
    x = Value(0.0)
    (x**0.5).backward()
    first = x.grad
    x = Value(0.0)
    (x**0.5).backward(create_graph=True)
    assert first == math.inf
    second = x.grad.data if isinstance(x.grad, Value) else x.grad
    assert second == math.inf


def test_overflow_in_a_value_power_names_the_op():
    with pytest.raises(DomainError, match=r"powv: .*too large for a float.*2\.0, 10000\.0"):
        Value(2.0) ** Value(1e4)


def test_an_integer_too_large_for_a_float_names_value():
    with pytest.raises(ValueError, match=r"^Value: the number 1000+\.\.\. \(401 digits\) is too large for a float"):
        Value(10**400)


BAD_NAMES = [
    ("a\x00b", "U+0000"),
    ("line\nbreak", "U+000A"),
    ("\x1b[31mred", "U+001B"),
    ("tab\there", "U+0009"),
    ("del\x7f", "U+007F"),
    ("c1\x85", "U+0085"),
    ("half\ud800", "U+D800"),
]


@pytest.mark.parametrize("name, code", BAD_NAMES)
def test_unprintable_names_are_refused_at_once(name, code):
    code = re.escape(code)
    with pytest.raises(ValueError, match=rf"^Value: .*{code}"):
        Value(1.0, name=name)
    with pytest.raises(ValueError, match=rf"^Tensor: .*{code}"):
        Tensor(np.zeros(2), name=name)
    with pytest.raises(ValueError, match=rf"^name_scope: .*{code}"), name_scope(name):
        pass


@pytest.mark.parametrize("name", ["apple", "layer 1", "λ₁", "W¹ (input)", "日本", "😀"])
def test_printable_names_of_any_script_are_kept(name):
    assert Value(1.0, name=name).name == name
    assert Tensor(np.zeros(1), name=name).name == name
    with name_scope(name):
        assert (Value(1.0) * 2).scope == name
