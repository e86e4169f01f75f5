"""Numbers on diagrams: significant digits without float noise."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value
from viz.format import format_number, shape_text, summarize_array


@pytest.mark.parametrize(
    ("number", "digits", "text"),
    [
        (220.00000000000003, 4, "220"),
        (110.00000000000001, 4, "110"),
        (2.2, 4, "2.2"),
        (1 / 3, 4, "0.3333"),
        (1 / 3, 2, "0.33"),
        (-0.5, 4, "−0.5"),
        (-0.0, 4, "0"),
        (123456.0, 4, "1.235e5"),
        (0.000012345, 3, "1.23e-5"),
        (float("inf"), 4, "∞"),
        (float("-inf"), 4, "−∞"),
        (float("nan"), 4, "nan"),
        (3, 4, "3"),
        (np.float32(0.25), 4, "0.25"),
        (np.float64(2.5), 4, "2.5"),
    ],
)
def test_format_number(number: float, digits: int, text: str) -> None:
    assert format_number(number, digits) == text


def test_a_value_gradient_shows_its_number() -> None:
    assert format_number(Value(1.5)) == "1.5"


def test_arrays() -> None:
    assert shape_text((100, 784)) == "100×784" and shape_text(()) == "scalar"
    assert summarize_array(np.array([1.0, -2.0])) == ["[1  −2]"]
    assert summarize_array(np.zeros((0, 3))) == ["(empty)"]
    big = np.arange(100.0)  # mean 49.5, min 0, max 99
    assert summarize_array(big) == ["mean 49.5", "min 0  max 99"]
    with_inf = np.array([1.0, np.inf] * 10)
    assert summarize_array(with_inf) == ["mean ∞", "min 1  max ∞"]
