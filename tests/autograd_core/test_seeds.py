"""The numbers the textbook's figures give (DESIGN.md, "Numbers the seeds give")."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from autograd_core import Value

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_apple_forward_and_gradients():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.backward()
    assert price.data == pytest.approx(220)
    assert apple.grad == pytest.approx(2.2)
    assert count.grad == pytest.approx(110)
    assert tax.grad == pytest.approx(200)
    # the intermediate node keeps its gradient too (d price / d apple_price = tax)
    apple_price = price.parents[0]
    assert apple_price.grad == pytest.approx(1.1)


def test_apple_and_orange():
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.backward()
    assert price.data == pytest.approx(715)
    assert apple.grad == pytest.approx(2.2)
    assert apple_num.grad == pytest.approx(110)
    assert orange.grad == pytest.approx(3.3)
    assert orange_num.grad == pytest.approx(165)
    assert tax.grad == pytest.approx(650)


def test_mul_node_with_upstream_1_3():
    x, y = Value(10.0), Value(5.0)
    z = x * y
    z.backward(1.3)
    assert x.grad == pytest.approx(6.5)
    assert y.grad == pytest.approx(13)


def test_add_node_with_upstream_1_3():
    x, y = Value(10.0), Value(5.0)
    z = x + y
    z.backward(1.3)
    assert (x.grad, y.grad) == (1.3, 1.3)


def test_repr_reads_like_the_textbook():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    price.backward()
    assert repr(price) == f"Value({price.data!r}, name='price', op='mul', grad=1.0)"
    assert repr(Value(2.0)) == "Value(2.0, grad=0.0)"


@pytest.mark.parametrize(
    "script, expected",
    [
        ("apple.py", ["price: 220.0", "dapple: 2.2", "dapple_num: 110", "dtax: 200"]),
        (
            "apple_orange.py",
            ["price: 715.0", "dapple: 2.2, dapple_num: 110", "dorange: 3.3, dorange_num: 165", "dtax: 650"],
        ),
    ],
)
def test_examples_print_the_seed_numbers(script, expected, capsys):
    runpy.run_path(str(EXAMPLES / script), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    for line in expected:
        assert line in lines
