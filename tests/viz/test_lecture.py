"""The lecture page's content: one frame per step, self-contained, and no side effects."""

from __future__ import annotations

import re

import numpy as np
import pytest

import viz
from autograd_core import Tensor, Value
from viz.lecture import frames


def apple_graph():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    return price, apple, count, tax


def test_page_has_the_forward_pass_the_seed_and_every_step(tmp_path):
    price, *_ = apple_graph()
    page = viz.lecture(price, tmp_path / "apple.html").read_text()
    counters = re.findall(r'data-counter="([^"]*)"', page)
    assert counters == ["forward pass", "step 0 / 2", "step 1 / 2", "step 2 / 2"]
    assert page.count("<svg") == 4
    texts = re.findall(r'<pre class="text">(.*?)</pre>', page, re.S)
    assert "mul(100, 2) = 200" in texts[0] and "mul(200, 1.1) = 220" in texts[0]
    assert "dprice = 1" in texts[1]
    assert "d(tax)         += 1 x 200" in texts[2]
    assert "-&gt; 2.2" in texts[3] and "-&gt; 110" in texts[3] and "dtax = 200" in texts[3]


def test_page_is_self_contained(tmp_path):
    price, *_ = apple_graph()
    page = viz.lecture(price, tmp_path / "apple.html").read_text()
    # nothing fetched: no external scripts, styles, fonts or images (SVG namespaces are not requests)
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", page)
    assert "@import" not in page and "@font-face" not in page
    assert not re.search(r"url\((?!#)", page)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    # several diagrams on one page: their ids do not clash
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_lecture_of_a_root_leaves_its_gradients_alone(tmp_path):
    price, apple, count, tax = apple_graph()
    price.backward()
    before = [n.grad for n in (price, apple, count, tax)]
    page = viz.lecture(price, tmp_path / "twice.html").read_text()
    assert [n.grad for n in (price, apple, count, tax)] == before
    # the page shows a fresh pass, not gradients accumulated on top of the earlier backward()
    assert "dprice = 1" in page and "dapple = 2.2" in page


def test_lecture_of_steps_walks_from_the_start_and_puts_them_back(tmp_path):
    price, apple, count, tax = apple_graph()
    steps = price.backprop()
    steps.step()
    grads = [n.grad for n in (price, apple, count, tax)]
    slides = frames(steps)
    assert [f.counter for f in slides] == ["forward pass", "step 0 / 2", "step 1 / 2", "step 2 / 2"]
    assert steps.position == 1 and [n.grad for n in (price, apple, count, tax)] == grads
    assert steps.step().number == 2 and apple.grad == pytest.approx(2.2)


def test_fan_out_page_shows_both_contributions(tmp_path):
    a = Value(2.0, name="a")
    out = a * a + a
    page = viz.lecture(out, tmp_path / "fan_out.html").read_text()
    assert "1 + 2 = 3" in page and "3 + 2 = 5" in page


def test_refuses_what_it_cannot_write(tmp_path):
    price, *_ = apple_graph()
    with pytest.raises(ValueError, match=r"ending in \.html"):
        viz.lecture(price, tmp_path / "apple.svg")
    with pytest.raises(TypeError, match="expected a graph node"):
        viz.lecture(3.0, tmp_path / "x.html")
    with pytest.raises(OSError, match="cannot write"):
        viz.lecture(price, tmp_path / "missing" / "apple.html")
    with pytest.raises(ValueError, match="takes 2 steps, more than max_steps=1"):
        viz.lecture(price, tmp_path / "apple.html", max_steps=1)
    assert not (tmp_path / "apple.html").exists()


def test_tensor_graph_page(tmp_path):
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True, name="x")
    loss = (x * x).sum()
    loss.name = "loss"
    page = viz.lecture(loss, tmp_path / "tensor.html").read_text()
    assert re.findall(r'data-counter="([^"]*)"', page) == ["forward pass", "step 0 / 2", "step 1 / 2", "step 2 / 2"]
    # x*x: each edge sends upstream * x = [1 -2]; the two add up to d(sum x^2)/dx = 2x
    assert "g ⊙ x  (2) = [1 -2]" in page and "[1 -2] + [1 -2] = [2 -4]" in page
