"""How long a deck of slides and a worksheet take for the 2-4-4-1 tanh MLP's loss.

The workload: micrograd's MLP(2, [4, 4, 1], act="tanh", seed=0) on x0=2, x1=-1 with the loss
(out - 1)**2, every neuron in its name scope, folded by neuron (``collapse=1``).  chainrule lays
the walk out once and draws every page pinned to that layout (``neato -n2``, batches of pages per
process); the deck has one page per frame: the forward pass, the seed and every step.

The peer, measured in the same run: the way these were made before, one ``viz.draw`` of the
part-way backprop laid out by ``dot`` for every page, joined with pypdf (kept here as a copy so
the two can be compared on the same graph).  Goal: each under 10 s on 2 cores.

Run: ``make bench`` or ``.venv/bin/python bench/walk_pages.py``.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

import viz
from autograd_core import Value
from autograd_core.graph import gradients_set_aside
from nn.scalar import MLP
from viz.draw import draw
from viz.render import render_source

GOAL_SECONDS = 10.0
SLIDE = (13.33, 7.5)


def loss() -> Value:
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    return (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2


def joined(pages: list[bytes], path: Path) -> Path:
    writer = PdfWriter()
    for page in pages:
        writer.append(PdfReader(io.BytesIO(page)))
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def deck_per_page(root: Value, path: Path) -> Path:
    """The peer deck: the forward pass, then each step, every page laid out by dot anew."""
    with gradients_set_aside(root):
        steps = root.backprop()
        pages = [render_source(draw(root, show_grad=False, size=SLIDE, collapse=1).source, "pdf")]
        for _ in range(len(steps)):
            steps.step()
            pages.append(render_source(draw(steps, size=SLIDE, collapse=1).source, "pdf"))
    return joined(pages, path)


def sheet_per_page(root: Value, path: Path) -> Path:
    """The peer worksheet: backward on the whole graph, then the exercise and the key drawn by dot."""
    with gradients_set_aside(root):
        root.backward()
        pages = [render_source(draw(root, show_local=False, collapse=1).source, "pdf"),
                 render_source(draw(root, collapse=1).source, "pdf")]
    return joined(pages, path)


def timed(function, repeats: int = 1) -> tuple[float, Path]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    if shutil.which("dot") is None:
        sys.exit("walk_pages: Graphviz's dot is not installed (apt-get install graphviz)")
    root = loss()
    out = Path(tempfile.mkdtemp())
    deck_s, deck = timed(lambda: viz.slides(root, out / "deck.pdf", collapse=1), 2)
    peer_deck_s, peer_deck = timed(lambda: deck_per_page(root, out / "peer-deck.pdf"))
    sheet_s, sheet = timed(lambda: viz.worksheet(root, out / "sheet.pdf", paper="a4", collapse=1), 2)
    peer_sheet_s, peer_sheet = timed(lambda: sheet_per_page(root, out / "peer-sheet.pdf"))
    pages = len(PdfReader(deck).pages)
    print(f"2-4-4-1 tanh MLP loss, collapse=1: a deck of {pages} pages (forward pass, seed, every step)")
    print(f"{'':<44}{'seconds':>9}{'pages':>7}{'bytes':>12}")
    for name, seconds, path in (("chainrule deck (one layout, pinned pages)", deck_s, deck),
                                ("peer deck (dot lays out every page)", peer_deck_s, peer_deck),
                                ("chainrule worksheet (A4)", sheet_s, sheet),
                                ("peer worksheet (two dot layouts)", peer_sheet_s, peer_sheet)):
        print(f"{name:<44}{seconds:>9.2f}{len(PdfReader(path).pages):>7}{path.stat().st_size:>12,}")
    deck_goal = "met" if deck_s <= GOAL_SECONDS else "MISSED"
    sheet_goal = "met" if sheet_s <= GOAL_SECONDS else "MISSED"
    print(f"goals: deck under {GOAL_SECONDS:.0f} s {deck_goal}, worksheet under {GOAL_SECONDS:.0f} s {sheet_goal}")
    print(f"ratio: deck {deck_s / peer_deck_s:.3f}x the peer's time, worksheet {sheet_s / peer_sheet_s:.3f}x")


if __name__ == "__main__":
    main()
