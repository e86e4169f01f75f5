"""viz.render: real Graphviz output, byte-for-byte determinism, and a missing ``dot``."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz
from autograd_core import Value
from viz import GraphvizNotFoundError, render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SVG = "{http://www.w3.org/2000/svg}"

# Builds the apple-and-orange graph in a fresh interpreter and writes its DOT and SVG.
SCRIPT = f"""
import sys
sys.path.insert(0, {str(EXAMPLES)!r})
import apple_orange
import viz
v = apple_orange.build()
v["price"].backward()
viz.render(v["price"], sys.argv[1] + ".svg", title="Apples and oranges")
viz.render(v["price"], sys.argv[1] + ".dot", title="Apples and oranges")
"""


def apple_graph() -> Value:
    sys.path.insert(0, str(EXAMPLES))
    import apple

    price = apple.build()
    price.backward()
    return price


def svg_texts(path: Path) -> list[tuple[str, str | None]]:
    """Every text element of an SVG (parsed as XML) with its fill colour."""
    tree = ET.parse(path)
    return [("".join(t.itertext()), t.get("fill")) for t in tree.iter(f"{SVG}text")]


def test_svg_from_real_dot_contains_the_figure(tmp_path: Path) -> None:
    path = render(apple_graph(), tmp_path / "apple.svg", title="Buying apples")
    assert path == tmp_path / "apple.svg"
    texts = svg_texts(path)
    words = [text for text, _ in texts]
    for expected in ("Buying apples", "apple", "100", "apple_num", "2", "tax", "1.1", "apple_price", "200",
                     "price", "220", "×", "local 2", "local 100", "local 1.1", "local 200"):
        assert expected in words, expected
    red = {text for text, fill in texts if fill == "#c62828"}
    assert {"grad 2.2", "grad 110", "grad 200", "grad 1.1", "grad 1", "← 2.2", "← 110", "← 1.1", "← 200"} <= red
    assert words.count("×") == 2


def test_png_and_pdf(tmp_path: Path) -> None:
    png = render(apple_graph(), tmp_path / "apple.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pdf = render(apple_graph(), tmp_path / "apple.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")


def test_dot_file_is_the_draw_source(tmp_path: Path) -> None:
    price = apple_graph()
    path = render(price, tmp_path / "sub" / "apple.dot", rankdir="TB")
    assert path.read_text(encoding="utf-8") == viz.draw(price, rankdir="TB").source


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot tell the format of .*apple\.jpg.* use one of \.svg, \.png"):
        render(apple_graph(), tmp_path / "apple.jpg")


def test_render_refuses_huge_graphs_by_default(tmp_path: Path) -> None:
    x = Value(0.5, name="x")
    y = x
    for _ in range(5000):
        y = y.tanh()
    with pytest.raises(viz.GraphTooLargeError, match="5001 nodes, more than max_nodes=3000"):
        render(y, tmp_path / "chain.svg")


def test_same_bytes_across_runs_and_processes(tmp_path: Path) -> None:
    outputs = []
    for run, seed in enumerate(("1", "2")):
        prefix = tmp_path / f"run{run}"
        # Different hash seeds: any iteration over a set or a dict keyed by strings would show.
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", SCRIPT, str(prefix)], check=True, env=env, cwd=ROOT)
        outputs.append((prefix.with_suffix(".svg").read_bytes(), prefix.with_suffix(".dot").read_bytes()))
    assert outputs[0] == outputs[1]
    # In this process, twice, from two separately built graphs.
    sys.path.insert(0, str(EXAMPLES))
    import apple_orange

    sources = []
    for _ in range(2):
        v = apple_orange.build()
        v["price"].backward()
        sources.append(viz.draw(v["price"], title="Apples and oranges").source.encode())
    assert sources[0] == sources[1] == outputs[0][1]


def test_missing_dot_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    price = apple_graph()
    assert "grad 2.2" in viz.draw(price).source
    assert render(price, tmp_path / "apple.dot").exists()
    with pytest.raises(GraphvizNotFoundError) as info:
        render(price, tmp_path / "apple.svg")
    assert "apt-get install graphviz" in str(info.value)
    assert not (tmp_path / "apple.svg").exists()


def test_missing_dot_in_a_fresh_process(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    script = f"""
import sys
sys.path.insert(0, {str(EXAMPLES)!r})
import apple, viz
price = apple.build(); price.backward()
import graphviz
print(isinstance(viz.draw(price), graphviz.Digraph))
viz.render(price, {str(tmp_path / 'apple.dot')!r})
try:
    viz.render(price, {str(tmp_path / 'apple.png')!r})
except viz.GraphvizNotFoundError as error:
    print("refused:", error)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={"PATH": str(empty)}, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "True"
    assert lines[1].startswith("refused: Graphviz's `dot` program is needed to write PNG files")
    assert "apt-get install graphviz" in lines[1]
    assert (tmp_path / "apple.dot").read_text().startswith("digraph chainrule {")


def test_apple_example_draws_its_diagram(tmp_path: Path) -> None:
    target = tmp_path / "apple.svg"
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "apple.py"), "-o", str(target)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "price: 220.0", "dapple: 2.2", "dapple_num: 110", "dtax: 200", f"diagram: {target}"
    ]
    assert "grad 2.2" in [text for text, _ in svg_texts(target)]


def test_docs_script_renders_every_diagram(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_docs.py"), str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    stems = ("apple", "apple-before-backward", "apple-orange", "apple-step-2")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{s}{x}" for s in stems for x in (".png", ".svg"))
    texts = [text for text, _ in svg_texts(tmp_path / "apple-orange.svg")]
    assert {"grad 3.3", "grad 165", "grad 650", "715"} <= set(texts)
    step = [text for text, _ in svg_texts(tmp_path / "apple-step-2.svg")]
    assert "1.1 × 2 = 2.2" in step and "1.1 × 100 = 110" in step


def test_jupyter_display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import graphviz

    small = viz.draw(apple_graph())
    assert isinstance(small, graphviz.Digraph)
    svg = small._repr_mimebundle_()["image/svg+xml"]
    assert ET.fromstring(svg.encode()).tag == f"{SVG}svg"
    x = Value(0.5, name="x")
    y = x
    for _ in range(3500):
        y = y.tanh()
    big = viz.draw(y)
    assert big.copy().node_count == 3501
    assert "3501 nodes: too big to lay out here" in big._repr_mimebundle_()["text/plain"]
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "apt-get install graphviz" in small._repr_mimebundle_()["text/plain"]
