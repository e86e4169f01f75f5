"""viz.slides: one PDF page (or GIF frame) for the forward pass and one per backprop step,
read back with pypdf and Pillow; the same graph gives the same bytes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from autograd_core import Value
from nn.scalar import MLP
from viz.slides import slides


def apple() -> Value:
    a, c, t = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = a * c * t
    price.name = "price"
    return price


def test_pdf_has_the_forward_pass_then_one_page_per_step(tmp_path: Path) -> None:
    price = apple()
    reader = PdfReader(slides(price, tmp_path / "apple.pdf", title="Apples"))
    # price = (apple * count) * tax: two mul nodes, so two backprop steps.
    assert len(reader.pages) == 1 + 2
    pages = [page.extract_text() for page in reader.pages]
    assert "forward pass" in pages[0] and "grad" not in pages[0]
    assert "step 1 of 2" in pages[1] and "step 2 of 2" in pages[2]
    assert "1.1 × 100 = 110" in pages[2]  # the textbook's numbers, on the last step
    assert price.grad == 0  # the pass was stepped and rewound: no grad left behind


def test_steps_object_is_left_where_it_was(tmp_path: Path) -> None:
    model = MLP(2, [2, 1], act="tanh", seed=1)
    out = model([Value(0.5), Value(-1.5)])
    steps = out.backprop()
    steps.step()
    reader = PdfReader(slides(steps, tmp_path / "mlp.pdf", collapse=1))
    assert len(reader.pages) == 1 + len(steps)
    assert steps.position == 1


def test_gif_has_the_same_frames(tmp_path: Path) -> None:
    path = slides(apple(), tmp_path / "apple.gif", frame_seconds=0.5)
    image = Image.open(path)
    assert image.format == "GIF" and image.n_frames == 3 and image.info["duration"] == 500


def test_bytes_repeat(tmp_path: Path) -> None:
    first = slides(apple(), tmp_path / "a.pdf").read_bytes()
    gif = slides(apple(), tmp_path / "a.gif").read_bytes()
    time.sleep(1.1)  # a page stamped with the time of writing would differ now
    assert slides(apple(), tmp_path / "b.pdf").read_bytes() == first
    assert slides(apple(), tmp_path / "b.gif").read_bytes() == gif


def test_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"must end in \.pdf \(pages\) or \.gif"):
        slides(apple(), tmp_path / "a.png")
    with pytest.raises(TypeError, match="expected a graph node"):
        slides(3.0, tmp_path / "a.pdf")
    with pytest.raises(ValueError, match="frame_seconds"):
        slides(apple(), tmp_path / "a.gif", frame_seconds=0)


def test_a_graph_that_already_holds_gradients_gets_a_fresh_pass(tmp_path: Path) -> None:
    # The README's order: backward() first, slides after. The slides must show the textbook's
    # 2.2 / 110 / 200 (not twice that) and leave the user's gradients as they were.
    price = apple()
    price.backward()
    price.backward()  # the user's own accumulated gradients: 2x
    held = [n.grad for n in (price, *price.parents)]
    pages = [p.extract_text() for p in PdfReader(slides(price, tmp_path / "again.pdf")).pages]
    assert "1.1 × 100 = 110" in pages[2]
    assert "grad 2.2" in pages[2] and "grad 200" in pages[2] and "grad 400" not in pages[2]
    assert [n.grad for n in (price, *price.parents)] == held and price.grad == 2.0
    assert (tmp_path / "again.pdf").read_bytes() == slides(apple(), tmp_path / "fresh.pdf").read_bytes()
