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
    # a static diagram keeps the op as the caption of an unnamed node
    assert "<i>apple*count</i>" not in viz.draw(price).source
    assert "<i>mul</i>" in viz.draw(price).source
