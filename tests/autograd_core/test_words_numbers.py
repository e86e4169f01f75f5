"""Numbers in every view: significant digits without float noise, as Python reads them back."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_core import Value
from autograd_core.words import format_number, shape_text, summarize_array


@pytest.mark.parametrize(
    ("number", "digits", "text"),
    [
        (220.00000000000003, 4, "220"),
        (110.00000000000001, 4, "110"),
        (2.2, 4, "2.2"),
        (1 / 3, 4, "0.3333"),
        (1 / 3, 2, "0.33"),
        (-0.5, 4, "-0.5"),
        (-0.0, 4, "0"),
        (123456.0, 4, "1.235e5"),
        (0.000012345, 3, "1.23e-5"),
        (float("inf"), 4, "inf"),
        (float("-inf"), 4, "-inf"),
        (-1e-5, 4, "-1e-5"),
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
    assert summarize_array(np.array([1.0, -2.0])) == ["[1 -2]"]
    assert summarize_array(np.zeros((0, 3))) == ["(empty)"]
    big = np.arange(100.0)  # mean 49.5, min 0, max 99
    assert summarize_array(big) == ["mean 49.5", "min 0  max 99"]
    with_inf = np.array([1.0, np.inf] * 10)
    assert summarize_array(with_inf) == ["mean inf", "min 1  max inf"]


def test_every_number_reads_back_as_the_same_float_to_its_digits() -> None:
    """The one rule writes numbers as Python reads them: float(text) is the number rounded to
    its significant digits (the oracle: Python's own rounding by the %g format)."""
    for number in (123456.0, -1e-5, 2.5e-300, -7.25e12, 0.1 + 0.2, 1 / 3):
        for digits in (1, 4, 6):
            assert float(format_number(number, digits)) == float(f"{number:.{digits}g}")


def test_the_draw_and_steps_commands_print_the_same_number_text(capsys) -> None:
    from autograd_core.cli import main

    for value, text in ((123456.0, "1.235e5"), (-1e-5, "-1e-5")):
        assert main(["steps", "y = x * 1", f"x={value!r}"]) == 0
        steps = capsys.readouterr().out
        assert main(["draw", "y = x * 1", f"x={value!r}", "-o", "-", "--format", "dot"]) == 0
        drawn = capsys.readouterr()
        assert f"y = {text}" in drawn.err and f"mul({text}, 1) = {text}" in steps
        assert f"<br/>{text}" in drawn.out  # the diagram's node shows the same text
