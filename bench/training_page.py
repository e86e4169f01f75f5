"""What watching a network learn costs: recording, writing the page, stepping through it in Chromium.

The workload: micrograd's demo (``nn.playground.train``: a 2-16-16-1 ReLU MLP from ``nn.scalar``,
100 ``moons`` points, the max-margin loss plus L2, 100 full-batch steps), two watched points.

Peers, measured in the same run:

- recording: the same loop on the same start without a recorder, a step of each in turn; goal
  at most 1.5x its time;
- the page: its size and the time ``save`` takes (goals: at most 2 MB, under 30 s), beside the
  lecture page of one point's graph (``viz.lecture``: one Graphviz drawing, one backward pass);
- stepping: each step drawn in Chromium (the page's own ``show``, then a forced layout, timed
  with ``performance.now()``), with the graph folded as it opens and with a neuron opened and
  read close up; goal: every step under 50 ms.

Run: ``make bench`` or ``.venv/bin/python bench/training_page.py`` (``--steps 20`` for a quick look).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import viz
from autograd_core import Value
from nn.datasets import moons
from nn.playground import margin_loss
from nn.scalar import MLP

GOAL_RATIO = 1.5
GOAL_BYTES = 2_000_000
GOAL_SAVE = 30.0
GOAL_STEP_MS = 50.0

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

STEP_TIMES = """() => {
  const page = window.trainingPage, times = [];
  for (let k = 0; k < 2; k++) {
    for (let j = 0; j < document.getElementById('scrub').max * 1 + 1; j++) {
      const start = performance.now();
      page.show(j);
      document.body.getBoundingClientRect();  // style and layout done inside the measure
      times.push(performance.now() - start);
    }
  }
  return times;
}"""


def step(model, X, y, k: int, steps: int) -> Value:
    """One step of micrograd's demo loop (``nn.playground.train``'s body)."""
    total, _ = margin_loss(model, X, y, 1e-4)
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= (1.0 - 0.9 * k / steps) * p.grad
    return total


def run(steps: int) -> tuple[float, float, object]:
    """The bare loop and the recorded one on the same start, a step of each in turn (a machine
    whose load changes during the run slows both alike): their times, and the recorder."""
    X, y = moons(100, noise=0.1, seed=0)
    y = 2 * y - 1
    bare_model, model = MLP(2, [16, 16, 1], seed=1), MLP(2, [16, 16, 1], seed=1)
    bare = recorded = 0.0
    start = time.perf_counter()
    page = viz.TrainingPage(model, X, y, watch=[0, 17])
    recorded += time.perf_counter() - start
    for k in range(steps):
        start = time.perf_counter()
        step(bare_model, X, y, k, steps)
        middle = time.perf_counter()
        page.record(step(model, X, y, k, steps))
        end = time.perf_counter()
        bare += middle - start
        recorded += end - middle
    return bare, recorded, page


def chromium_steps(path: Path) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 720})
        tab.goto(path.as_uri())
        tab.wait_for_function("document.body.dataset.step !== undefined")
        found["folded (as it opens)"] = tab.evaluate(STEP_TIMES)
        for scope in ("layer2", "layer2/neuron3"):  # open a layer, then one of its neurons, close up
            box = tab.locator(f'[data-scope="{scope}"] > path').bounding_box()
            tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            tab.wait_for_timeout(100)
        found["a neuron open, close up"] = tab.evaluate(STEP_TIMES)
        tab.click("#open-all")
        found["every fold open, whole graph"] = tab.evaluate(STEP_TIMES)
        browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    steps = parser.parse_args().steps
    if shutil.which("dot") is None:
        sys.exit("training_page: Graphviz's dot is not installed (apt-get install graphviz)")
    out = Path(tempfile.mkdtemp())
    bare, recorded, page = run(steps)
    start = time.perf_counter()
    written = page.save(out / "train.html")
    save = time.perf_counter() - start
    size = written.stat().st_size
    X, y = moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=1)
    point = (1 + -float(2 * y[0] - 1) * model([Value(float(a)) for a in X[0]])).relu()
    start = time.perf_counter()
    lecture = viz.lecture(point, out / "lecture.html", max_steps=None)
    lecture_seconds = time.perf_counter() - start
    lecture_size = lecture.stat().st_size

    print(f"micrograd's demo: 2-16-16-1 MLP, 100 moons points, {steps} steps, 2 watched points "
          f"({len(page.watched[0].order)} nodes each)")
    print(f"{'':<44}{'chainrule':>14}{'peer':>14}{'ratio':>8}   goal")
    print(f"{'training loop (s), recorded / bare':<44}{recorded:>14.2f}{bare:>14.2f}{recorded / bare:>8.2f}   "
          f"<= {GOAL_RATIO}x")
    print(f"{'page bytes / lecture page of one point':<44}{size:>14,}{lecture_size:>14,}"
          f"{size / lecture_size:>8.2f}   <= {GOAL_BYTES:,}")
    print(f"{'page written (s) / lecture page written':<44}{save:>14.2f}{lecture_seconds:>14.2f}"
          f"{save / lecture_seconds:>8.2f}   < {GOAL_SAVE:g} s")
    for view, times in chromium_steps(written.path).items():
        times = sorted(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{'step drawn (ms), ' + view:<44}  median {statistics.median(times):5.1f}  p95 {p95:5.1f}  "
              f"max {times[-1]:5.1f}   < {GOAL_STEP_MS:g} ms")
    print(f"ratio (recorded / bare loop): {recorded / bare:.2f}")


if __name__ == "__main__":
    main()
