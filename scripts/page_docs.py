"""The slide and worksheet pictures the README shows (run by ``make docs``).

``docs/slide-step.png``: a page of ``viz.slides`` for the 2-4-4-1 tanh MLP's loss (``collapse=1``)
half-way through the backward pass; ``docs/worksheet.png``: the first page of ``viz.worksheet``
for the textbook's apples-and-oranges exercise; ``docs/worksheet-mlp.png``: the first page of the
MLP's worksheet on A4.  Each is a page of the PDF as written, turned into a PNG by poppler's
``pdftoppm`` (what a reader's PDF viewer shows).

Run: ``.venv/bin/python scripts/page_docs.py [output folder]`` (needs Graphviz and poppler-utils).
"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import viz
from autograd_core import Value
from nn.scalar import MLP

ROOT = Path(__file__).resolve().parents[1]


def mlp_loss() -> Value:
    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    loss = (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2
    loss.name = "loss"
    return loss


def page_png(pdf: Path, page: int, out: Path, dpi: int) -> Path:
    """Page ``page`` (from 1) of ``pdf`` as a PNG at ``dpi``, by pdftoppm."""
    stem = out.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    return out


def main(out: Path) -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("page_docs: poppler's pdftoppm is not installed (apt-get install poppler-utils)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        deck = viz.slides(mlp_loss(), Path(folder) / "deck.pdf", collapse=1)
        print(f"wrote {page_png(deck, 34, out / 'slide-step.png', 96)}")
        price = runpy.run_path(str(ROOT / "examples" / "apple_orange.py"), run_name="examples.apple_orange")["build"]()
        sheet = viz.worksheet(price["price"], Path(folder) / "sheet.pdf")
        print(f"wrote {page_png(sheet, 1, out / 'worksheet.png', 80)}")
        network = viz.worksheet(mlp_loss(), Path(folder) / "mlp-sheet.pdf", paper="a4", collapse=1)
        print(f"wrote {page_png(network, 1, out / 'worksheet-mlp.png', 80)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs")
