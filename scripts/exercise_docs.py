"""The README's pictures of the exercises: ``docs/paths.png`` (the sum over paths of
``f = x*y + x*z``), ``docs/layered-net.png`` (the book's layered ``TwoLayerNet`` after its
hand-written backward) and ``docs/lecture-quiz.png`` (the lecture page's quiz mode at step 3,
a wrong answer just given: the step's numbers still blank, the REPL's hint shown), at a
projector's 1280x720 in headless Chromium.

Run: ``.venv/bin/python scripts/exercise_docs.py [output folder]`` (``make docs`` runs it).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

import viz
from autograd_core import Value
from nn.textbook import TwoLayerNet

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def paths_picture(out: Path) -> Path:
    x, y, z = Value(2.0, name="x"), Value(3.0, name="y"), Value(-5.0, name="z")
    f = x * y + x * z
    f.name = "f"
    f.backward()
    return viz.render(f, out / "paths.png", paths=x, title="f = x*y + x*z: every path from x to f")


def layered_picture(out: Path) -> Path:
    np.random.seed(0)
    network = TwoLayerNet(input_size=4, hidden_size=3, output_size=2, weight_init_std=0.8)
    x = np.random.default_rng(1).random((2, 4)).round(2)
    t = np.eye(2)[[0, 1]]
    return viz.render(network, out / "layered-net.png", x, t, rankdir="TB",
                      title="TwoLayerNet(4, 3, 2): forward, then each layer's own backward")


def quiz_screenshot(out: Path) -> Path:
    w, x, b = Value(-2.0, name="w"), Value(0.5, name="x"), Value(0.3, name="b")
    y = (w * x + b).tanh()
    y.name = "y"
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_path = viz.lecture(y, Path(folder) / "quiz.html", quiz="both", title="y = tanh(w*x + b): your turn").path
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
            page.goto(page_path.as_uri())
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            for answer in ("1 - (-0.6044)**2", "0.6347", "", "1", "1", "0.6347", "0.6347"):
                page.fill("#quiz-answer", answer)
                page.keyboard.press("Enter")
                if not page.is_visible("#quiz-form"):
                    page.keyboard.press("ArrowRight")
            page.fill("#quiz-answer", "-2")  # step 3: local d/dw of w*x, wrong (that is d/dx): the hint shows
            page.keyboard.press("Enter")
            page.screenshot(path=str(out / "lecture-quiz.png"))
        finally:
            browser.close()
    return out / "lecture-quiz.png"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in (paths_picture(out), layered_picture(out), quiz_screenshot(out)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs")
