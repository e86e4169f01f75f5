"""Screenshots of the lecture page for the README: ``docs/lecture-apple.png`` (the apple graph,
step 1 of 2) and ``docs/lecture-mlp.png`` (a 2-4-4-1 tanh MLP half-way through, the view
following the node being processed), at a projector's 1280x720 in headless Chromium.

Run: ``.venv/bin/python scripts/lecture_docs.py [output folder]`` (needs Graphviz and the
``chromium`` package, as the browser tests do).
"""

from __future__ import annotations

import runpy
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import viz

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def pages(folder: Path) -> dict[str, tuple[Path, int]]:
    """Screenshot name -> (lecture page, frame to show)."""
    price = runpy.run_path(str(ROOT / "examples" / "apple.py"), run_name="examples.apple")["build"]()
    bench = runpy.run_path(str(ROOT / "bench" / "lecture_page.py"), run_name="bench.lecture_page")
    loss = bench["mlp"]()
    apple = viz.lecture(price, folder / "apple.html", title="Buying apples: price = apple × count × tax")
    network = viz.lecture(loss, folder / "mlp.html", title="A 2-4-4-1 tanh MLP, one input")
    return {"lecture-apple": (apple.path, 2), "lecture-mlp": (network.path, 2 + network.steps // 2)}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
            for name, (path, frame) in pages(Path(folder)).items():
                page.goto(f"{path.as_uri()}#{frame}")
                page.wait_for_selector(f"body[data-frame='{frame}']")
                page.screenshot(path=str(out / f"{name}.png"))
                print(f"wrote {out / name}.png")
        finally:
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs")
