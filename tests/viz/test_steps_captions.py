"""A diagram drawn part-way through a backprop calls unnamed nodes what the step text calls
them, so the picture and the text under it on the lecture page agree."""

from __future__ import annotations

import viz
from autograd_core import Value


def test_unnamed_node_is_captioned_like_the_step_text():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    steps = price.backprop()
    step = steps.step()
    assert "apple*count" in str(step)
    part_way = viz.draw(steps).source
    assert "<i>apple*count</i>" in part_way
    # a static diagram (the lecture's forward frame) calls it the same, never by its op
    static = viz.draw(price).source
    assert "<i>apple*count</i>" in static and "<i>mul</i>" not in static


def test_the_readme_sequence_gives_a_correct_slide():
    """The stepper section runs to the end, then the Diagrams section starts a fresh pass."""
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    price.backprop().run()
    price.zero_grad()
    steps = price.backprop()
    steps.step()
    source = viz.draw(steps).source
    # tax: 1 x 200 = 200 on its edge and grad 200 in its box (not 400, not price grad 2)
    assert "1 × 200 = 200" in source and "grad 200" in source
    assert "grad 400" not in source and "grad 2<" not in source
