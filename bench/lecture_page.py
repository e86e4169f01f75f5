"""How big a lecture page is and how long it takes to write, on the 2-4-4-1 tanh MLP.

The workload: a micrograd-style MLP (2 inputs, two hidden layers of 4 tanh neurons, one tanh
output), every neuron in its name scope (``layer1/neuron0``), on one input: about 100 nodes and
65 backprop steps.  The page shows the forward pass, the seed and every step.

The peer, measured in the same run: the way lecture pages were made before, one complete SVG
diagram per step (``viz.draw`` of the part-way backprop, laid out by ``dot`` every time), kept
here as a copy so the two can be compared on the same graph.  Goals: the page at most 1 MB,
written in at most 3 s.

Run: ``make bench`` or ``.venv/bin/python bench/lecture_page.py``.
"""

from __future__ import annotations

import html
import shutil
import sys
import tempfile
import time
from pathlib import Path

import viz
from autograd_core import Backprop, Value, topological_order
from nn.scalar import MLP
from viz.draw import draw
from viz.render import render_source

GOAL_BYTES = 1_000_000
GOAL_SECONDS = 3.0


def mlp(seed: int = 0) -> Value:
    """micrograd's 2-4-4-1 MLP with tanh hidden layers (``nn.scalar``) on one input: every neuron in
    its scope (layer1/neuron0, ...), the network lectures use."""
    model = MLP(2, [4, 4, 1], act="tanh", seed=seed)
    return model([Value(2.0, name="x0"), Value(-1.0, name="x1")])


def page_per_step(root: Value, path: Path) -> Path:
    """The peer: one full SVG diagram per frame (forward pass, seed, every step) in one page."""
    steps = Backprop(root)
    svgs = [render_source(draw(root, show_grad=False).source, "svg"), render_source(draw(steps).source, "svg")]
    texts = ["\n".join(steps.forward_lines()), f"{steps.grad_name(root)} = 1"]
    for step in steps:
        svgs.append(render_source(draw(steps).source, "svg"))
        texts.append(step.text)
    sections = [
        f'<section class="frame"><div class="diagram">{svg.decode("utf-8")}</div>'
        f'<pre class="text">{html.escape(text)}</pre></section>'
        for svg, text in zip(svgs, texts)
    ]
    path.write_text("<!DOCTYPE html><html><body>" + "\n".join(sections) + "</body></html>", encoding="utf-8")
    return path


def timed(function, repeats: int) -> tuple[float, Path]:
    """The fastest of ``repeats`` runs (seconds), and what the last one returned."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    if shutil.which("dot") is None:
        sys.exit("lecture_page: Graphviz's dot is not installed (apt-get install graphviz)")
    root = mlp()
    nodes = len(topological_order(root))
    steps = len(Backprop(root))
    out = Path(tempfile.mkdtemp())
    ours_seconds, ours = timed(lambda: viz.lecture(root, out / "ours.html"), 3)
    peer_seconds, peer = timed(lambda: page_per_step(root, out / "peer.html"), 1)
    ours_bytes, peer_bytes = ours.path.stat().st_size, peer.stat().st_size
    print(f"2-4-4-1 tanh MLP: {nodes} nodes, {steps} steps")
    print(f"{'page':<34}{'bytes':>12}{'write':>10}")
    print(f"{'chainrule (laid out once)':<34}{ours_bytes:>12,}{ours_seconds:>9.2f}s")
    print(f"{'one SVG per step (peer)':<34}{peer_bytes:>12,}{peer_seconds:>9.2f}s")
    size_goal = "met" if ours_bytes <= GOAL_BYTES else "MISSED"
    time_goal = "met" if ours_seconds <= GOAL_SECONDS else "MISSED"
    print(f"goals: at most {GOAL_BYTES:,} bytes {size_goal}, written in at most {GOAL_SECONDS:.0f} s {time_goal}")
    print(f"ratio: {ours_bytes / peer_bytes:.3f}x the peer's size, {ours_seconds / peer_seconds:.3f}x its time")


if __name__ == "__main__":
    main()
