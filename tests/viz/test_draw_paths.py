"""The sum over paths drawn: viz.draw(root, paths=x) colours every path from x to the output,
names the paths along each edge and lists each path's product and their sum; the lecture page
ends with the same.  Oracle: the paths of f = x*y + x*z by hand (through x*y: y × 1; through
x*z: z × 1; the sum y + z)."""

from __future__ import annotations

import json
import re

import pytest

import viz
from autograd_core import Value
from viz.palette import PATH


def graph():
    x, y, z = Value(2.0, name="x"), Value(3.0, name="y"), Value(-5.0, name="z")
    f = x * y + x * z
    f.name = "f"
    return f, x


def test_each_path_is_coloured_named_on_its_edges_and_its_product_listed():
    f, x = graph()
    f.backward()
    source = viz.draw(f, paths=x).source
    # four edges on paths (x into each product, each product into the sum), and the two products'
    # and the sum's op-to-value edges: all in the paths' colour
    assert source.count(f'color="{PATH}" penwidth="2.5"') == 4 + 3
    assert source.count(">path 1<") == 2 + 1 and source.count(">path 2<") == 2 + 1  # 2 edges each, the list
    text = re.sub(r"<[^>]+>", " ", source)
    assert "x → x*y → f" in text and "y × 1 = 3 × 1 = 3" in text
    assert "x → x*z → f" in text and "z × 1 = (-5) × 1 = -5" in text
    assert re.search(r"sum over the paths: 3 - 5 = -2 =\s+dx", text)
    assert x.grad == -2.0  # what backprop gives: the sum


def test_an_input_shared_by_paths_names_them_all_on_its_edge():
    a = Value(1.5, name="a")
    b = a * 2
    b.name = "b"
    out = b * b + b  # three paths from a, all through the edge a -> b's op
    assert ">paths 1, 2, 3<" in viz.draw(out, paths=a).source


def test_too_many_paths_are_refused_with_the_count_before_drawing():
    x = Value(1.0, name="x")
    y = x
    for _ in range(30):
        y = y * 0.5 + y * 0.5
    with pytest.raises(ValueError, match=r"draw: 1,073,741,824 paths lead from 'x' to the output, too many to draw"):
        viz.draw(y, paths=x)
    with pytest.raises(ValueError, match=r"draw: paths: 'w' is not in the graph"):
        viz.draw(y, paths=Value(1.0, name="w"))


def test_the_lecture_page_ends_with_the_paths_of_an_input(tmp_path):
    f, x = graph()
    page = viz.lecture(f, tmp_path / "paths.html", paths=x)
    text = page.read_text()
    data = json.loads(re.search(r'id="lecture-data">(.*?)</script>', text, re.S).group(1))
    last = data["frames"][-1]
    assert sorted(last["p"]) == ["g-e2.0", "g-e4.0", "g-e5.0", "g-e5.1"] and page.steps == 3
    assert "x → x*z → f   z × 1 = (-5) × 1 = -5" in text and "sum over the paths: 3 - 5 = -2 = dx" in text
