"""viz.worksheet: a two-page PDF, the gradients blank for students, then the answer key."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

import viz
from autograd_core import Value
from viz.worksheet import BLANK


def orange():
    """The textbook's figure-14 exercise: apples 100 x 2, oranges 150 x 3, tax 1.1."""
    apple, apple_num = Value(100, name="apple"), Value(2, name="apple_num")
    orange, orange_num = Value(150, name="orange"), Value(3, name="orange_num")
    tax = Value(1.1, name="tax")
    price = (apple * apple_num + orange * orange_num) * tax
    price.name = "price"
    return price, (apple, apple_num, orange, orange_num, tax)


def grads_on(text):
    return re.findall(r"grad (\S+)", text)


def test_figure_14_worksheet_has_blanks_then_the_key(tmp_path):
    price, leaves = orange()
    path = viz.worksheet(price, tmp_path / "sheet.pdf")
    pages = [page.extract_text() for page in PdfReader(path).pages]
    assert len(pages) == 2
    exercise, key = pages
    # page 1: forward values and the seed only; 8 gradients to fill in
    assert "715" in exercise and "fill in every gradient" in exercise
    assert grads_on(exercise).count(BLANK) == 8 and "1" in grads_on(exercise)
    assert not {"2.2", "110", "3.3", "165", "650"} & set(grads_on(exercise))
    # page 2: the textbook's answers, worked out by hand (d/dapple = 2 x 1.1, d/dtax = 200 + 450, ...)
    assert {"2.2", "110", "3.3", "165", "650", "1.1", "1"} <= set(grads_on(key)) and "answer key" in key
    # the graph's own gradients are untouched
    assert price.grad == 0.0 and all(leaf.grad == 0.0 for leaf in leaves)


def test_worksheet_refuses_other_files_and_leaves_nothing_half_written(tmp_path):
    price, _ = orange()
    with pytest.raises(ValueError, match="ending in .pdf"):
        viz.worksheet(price, tmp_path / "sheet.png")
    with pytest.raises(OSError, match="cannot write"):
        viz.worksheet(price, tmp_path / "missing" / "sheet.pdf")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TypeError, match="graph node"):
        viz.worksheet(3.0, tmp_path / "sheet.pdf")
