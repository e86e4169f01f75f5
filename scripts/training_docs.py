"""The training page's screenshot for the README: ``docs/training-page.png``, micrograd's demo
(``chainrule playground``'s default run: a 2-16-16-1 MLP on 100 moons points, 100 steps) at step
30, its second layer opened and its busiest neuron read close up, at 1280x720 in headless Chromium.

Run: ``.venv/bin/python scripts/training_docs.py [output folder]`` (about a minute: the run is
trained for real; needs Graphviz and the ``chromium`` package, as the browser tests do).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from autograd_core.cli import main as chainrule
from viz.training.page import read_data
from viz.training.table import decode

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
STEP = 30


def _busiest_neuron(path: Path) -> str:
    """The second layer's neuron whose output carries the most gradient for the first watched point at
    the step shown: the neuron most worth reading."""
    data = read_data(path.read_text(encoding="utf-8"))
    numbers = decode(data["numbers"])
    graph = data["graphs"][data["points"][0]["graph"]]
    values, grads = numbers["p0v"][STEP - 1], numbers["p0g"][STEP - 1]
    best, chosen = -1.0, "layer2/neuron0"
    for fold in graph["folds"]:
        scope, leaving = graph["scopes"][fold[0]], fold[3]
        if scope.startswith("layer2/") and len(leaving) == 1:
            weight = abs(values[leaving[0]] * grads[leaving[0]])
            if weight > best:
                best, chosen = weight, scope
    return chosen


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_path = Path(folder) / "train.html"
        if chainrule(["playground", "-o", str(page_path)]) != 0:
            raise SystemExit("training_docs: chainrule playground failed")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            tab.goto(f"{page_path.as_uri()}#{STEP}")
            tab.wait_for_function("document.body.dataset.step !== undefined")
            for scope in ("layer2", _busiest_neuron(page_path)):  # the second layer, then one of its neurons
                box = tab.locator(f'[data-scope="{scope}"] > path').bounding_box()
                tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                tab.wait_for_timeout(200)
            tab.mouse.move(0, 0)
            tab.screenshot(path=str(out / "training-page.png"))
            print(f"wrote {out / 'training-page.png'}")
        finally:
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs")
