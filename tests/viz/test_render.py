"""viz.render: real Graphviz output, byte-for-byte determinism, and a missing ``dot``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


def test_render_writes_as_every_view_writes(tmp_path: Path) -> None:
    """The one writer: the folder is made, the bytes replace the file whole (a link at the path is
    followed: the file it points to is replaced and the link stays), a failure is one line naming the path."""
    x = Value(2.0, name="x")
    y = x * x
    path = render(y, tmp_path / "new" / "deeper" / "square.svg")
    assert path.read_bytes().startswith(b"<?xml") and path.parent.name == "deeper"
    kept = tmp_path / "kept.svg"
    kept.write_text("someone else's file")
    link = tmp_path / "link.svg"
    link.symlink_to(kept)
    render(y, link)
    assert link.is_symlink() and link.resolve() == kept.resolve() and b"<svg" in kept.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(OSError, match=r"^render: cannot write '.*a-file/square.svg': ") as error:
        render(y, tmp_path / "a-file" / "square.svg")
    assert "\n" not in str(error.value)


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot tell the format of .*apple\.jpg.* use one of \.svg, \.png"):
        render(apple_graph(), tmp_path / "apple.jpg")


def test_render_refuses_huge_graphs_by_default(tmp_path: Path) -> None:
    x = Value(0.5, name="x")
    y = x
    for _ in range(5000):
        y = y.tanh()
    from viz.render import RENDER_MAX_NODES as budget

    with pytest.raises(viz.GraphTooLargeError, match=f"5001 nodes, more than max_nodes={budget}"):
        render(y, tmp_path / "chain.svg")
    assert not (tmp_path / "chain.svg").exists()


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
    stems = ("apple", "apple-before-backward", "apple-orange", "apple-step-2", "mlp-collapsed")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{s}{x}" for s in stems for x in (".png", ".svg"))
    texts = [text for text, _ in svg_texts(tmp_path / "apple-orange.svg")]
    assert {"grad 3.3", "grad 165", "grad 650", "715"} <= set(texts)
    mlp = [text for text, _ in svg_texts(tmp_path / "mlp-collapsed.svg")]
    assert {"layer1", "layer2", "layer3", "32 nodes, 12 inputs/weights"} <= set(mlp)
    step = [text for text, _ in svg_texts(tmp_path / "apple-step-2.svg")]
    assert "← 1.1 × 2 = 2.2" in step and "← 1.1 × 100 = 110" in step


def test_jupyter_display(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import graphviz

    small = viz.draw(apple_graph())
    assert isinstance(small, graphviz.Digraph)
    bundle = small._repr_mimebundle_()
    root = ET.fromstring(bundle["image/svg+xml"].encode())
    assert root.tag == f"{SVG}svg"
    assert root.get("width").endswith("pt")
    # In the notebook's HTML it fits the cell's width as far as its text stays readable, and the
    # cell scrolls sideways past that (see tests/viz/test_notebook.py for a wide one in a browser)
    html = bundle["text/html"]
    assert html.startswith('<div class="chainrule-diagram" style="overflow-x: auto')
    assert "max-width:100%" in html and "min-width:" in html and list(bundle)[0] == "text/html"
    assert small.copy().node_count == small.node_count == 5  # apple, apple_num, tax, apple_price, price
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "apt-get install graphviz" in small._repr_mimebundle_()["text/plain"]


def fake_dot(folder: Path, body: str) -> None:
    """A ``dot`` on PATH that runs ``body`` (a shell script) instead of Graphviz."""
    folder.mkdir(exist_ok=True)
    script = folder / "dot"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)


def test_dot_that_hangs_is_stopped_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path / "bin", "exec sleep 30")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(viz.RenderError, match=r"did not finish writing SVG within 0.5 s and was stopped"):
        render(apple_graph(), tmp_path / "apple.svg", timeout=0.5)
    assert not (tmp_path / "apple.svg").exists()
    monkeypatch.setattr(sys.modules["viz.draw"], "DISPLAY_TIMEOUT", 0.5)
    assert "did not finish" in viz.draw(apple_graph())._repr_mimebundle_()["text/plain"]


def test_dot_crash_names_the_signal_and_dot_errors_carry_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path / "bin", "kill -SEGV $$")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    crash = r"dot failed to write PNG: it was killed by SIGSEGV \(it printed nothing\)"
    with pytest.raises(viz.RenderError, match=crash):
        render(apple_graph(), tmp_path / "apple.png")
    fake_dot(tmp_path / "bin", "echo 'Error: syntax error in line 3' >&2; exit 1")
    with pytest.raises(viz.RenderError, match="failed to write PDF: Error: syntax error in line 3"):
        render(apple_graph(), tmp_path / "apple.pdf")


def test_pdf_bytes_are_the_same_across_seconds(tmp_path: Path) -> None:
    first = render(apple_graph(), tmp_path / "a.pdf").read_bytes()
    time.sleep(1.1)  # cairo stamps the time of writing, to the second
    second = render(apple_graph(), tmp_path / "b.pdf").read_bytes()
    assert first == second and b"/CreationDate (D:2000" in first


def test_png_resolution_and_size_limit(tmp_path: Path) -> None:
    from PIL import Image

    price = apple_graph()
    low = Image.open(render(price, tmp_path / "low.png", dpi=72)).size
    high = Image.open(render(price, tmp_path / "high.png", dpi=288)).size
    # 4x the dots per inch: 4x the pixels each way (within a pixel of rounding and margin).
    assert abs(high[0] - 4 * low[0]) <= 8 and abs(high[1] - 4 * low[1]) <= 8
    capped = Image.open(render(price, tmp_path / "capped.png", dpi=288, max_px=300)).size
    assert max(capped) <= 300 and max(capped) >= 290
    with pytest.raises(ValueError, match="dpi must be a positive number"):
        render(price, tmp_path / "x.png", dpi=0)
    with pytest.raises(ValueError, match="dpi and max_px apply to PNG only"):
        render(price, tmp_path / "x.svg", dpi=300)


def test_command_line_legend_dpi_and_timeout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    from autograd_core.cli import main

    low, high = tmp_path / "low.png", tmp_path / "high.png"
    assert main(["draw", "y = x * w", "x=2", "w=0.5", "-o", str(low), "--dpi", "72"]) == 0
    assert main(["draw", "y = x * w", "x=2", "w=0.5", "-o", str(high), "--dpi", "144", "--legend"]) == 0
    # Twice the resolution and a colour key above: more than twice as wide, and taller.
    assert Image.open(high).size[0] > 2 * Image.open(low).size[0] - 8
    svg = tmp_path / "key.svg"
    assert main(["draw", "y = x * w", "x=2", "w=0.5", "-o", str(svg), "--legend", "--timeout", "30"]) == 0
    assert any(text.strip() == "local derivative" for text, _ in svg_texts(svg))
    capsys.readouterr()
    assert main(["draw", "y = x * w", "x=2", "w=0.5", "-o", str(svg), "--dpi", "300"]) == 2
    assert "dpi and max_px apply to PNG only" in capsys.readouterr().err


def test_size_fits_the_drawing_into_a_box_of_inches(tmp_path: Path) -> None:
    from PIL import Image

    width, height = Image.open(render(apple_graph(), tmp_path / "slide.png", size=(2, 1), dpi=100)).size
    # 2 x 1 inches at 100 dpi: at most 200 x 100 pixels (Graphviz keeps the aspect ratio).
    assert width <= 201 and height <= 101 and max(width / 200, height / 100) > 0.95
    with pytest.raises(ValueError, match=r"size must be \(width, height\) in inches"):
        viz.draw(apple_graph(), size="big")
