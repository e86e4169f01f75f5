"""The training page's HTML: everything a recorder kept, as one self-contained file.

The page holds the data as JSON (every watched graph's walk drawn compactly, :mod:`viz.training.drawing`;
the numbers of every step as one float32 table, :mod:`viz.training.table`; the model's output over
the plane as one byte per grid point and step), and a script (``assets/training.js``) with a
style sheet (``assets/training.css``) that draw it: the plane with the points and the decision
boundary, the loss and accuracy curves, the watched point's graph and the table of weights, all
at the step the reader chose.  No library, no network, no server: it opens from ``file://`` and
inside a notebook's sandboxed frame.

>>> "function formatNumber" in asset("training.js")
True
"""

from __future__ import annotations

import html
import json
from importlib import resources
from string import Template
from typing import Any

import numpy as np

from ..palette import (
    BACKWARD,
    CLASSES,
    CURRENT,
    CURRENT_FILL,
    FOLD_FILL,
    FOLD_LINE,
    LOCAL,
    MUTED,
    MUTED_TEXT,
    NEGATIVE,
    PANEL_FILL,
    POSITIVE,
    SOFT_TEXT,
)
from ..walk.styles import css as look_css
from .drawing import drawing, training_walk
from .table import encode, pack

__all__ = ["asset", "page_data", "page_html", "read_data"]

#: Markers of the classes on the plane, in label order (the colour is not the only difference).
MARKERS = ("circle", "triangle", "square", "diamond", "star", "cross")

_TEMPLATE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
:root { --backward: $backward; --local: $local; --muted: $muted; --muted-text: $muted_text; --panel: $panel;
  --current: $current; --current-fill: $current_fill; --positive: $positive; --negative: $negative;
  --fold-fill: $fold_fill; --fold-line: $fold_line; --soft: $soft; }
$css
</style>
</head>
<body>
<header>
  <h1>$title</h1>
  <div id="summary">$summary</div>
  <div id="counter" aria-live="polite">$counter</div>
</header>
<nav>
  <button id="first" type="button" title="First step (Home)">&#8676;</button>
  <button id="prev" type="button" title="Previous step (left arrow)">&#9664;</button>
  <button id="play" type="button" title="Play or pause (space)" aria-pressed="false">&#9654; Play</button>
  <button id="next" type="button" title="Next step (right arrow)">&#9654;</button>
  <button id="last" type="button" title="Last step (End)">&#8677;</button>
  <input id="scrub" type="range" min="0" max="$last" value="0" step="1" aria-label="step">
  <span class="hint">&larr; / &rarr; step &middot; space play &middot; drag the slider or the curves</span>
</nav>
<main>
<section id="left">
  <div id="plane" role="img" aria-label="the data and the model's decision boundary">
    <canvas id="surface"></canvas>
    <svg id="marks"></svg>
  </div>
  <div id="classes"></div>
  <svg id="curves" role="img" aria-label="loss and accuracy by step"></svg>
  <div id="watched"><span class="label">Graph of point</span></div>
</section>
<section id="right">
  <div class="tools">
    <span id="about"></span>
    <button id="fit" type="button" title="the whole graph">Fit</button>
    <button id="fold-neurons" type="button" title="fold every neuron into one box">Fold neurons</button>
    <button id="fold-layers" type="button" title="fold every layer into one box">Fold layers</button>
    <button id="open-all" type="button" title="open every fold">Open all</button>
  </div>
  <div class="diagram" id="diagram"></div>
  <div id="table" role="table" aria-label="the weights at this step">
    <div class="head" role="row">
      <span role="columnheader" data-key="name" aria-sort="none">weight</span>
      <span role="columnheader" data-key="value" aria-sort="none">value</span>
      <span role="columnheader" data-key="grad" aria-sort="descending">gradient</span>
      <span role="columnheader" data-key="update" aria-sort="none">update applied</span>
    </div>
    <div class="rows" role="rowgroup"></div>
  </div>
</section>
</main>
<noscript><p class="noscript">This page needs JavaScript to draw the training run.</p></noscript>
<script type="application/json" id="training-data">$data</script>
<script>
$script
</script>
</body>
</html>
""")


def asset(name: str) -> str:
    """The text of a file shipped in ``viz/training/assets``."""
    return resources.files("viz.training").joinpath("assets", name).read_text(encoding="utf-8")


def _surface(surfaces: Any) -> tuple[str, list[float]]:
    """The model's output over the grid at every moment, one signed byte per grid point and
    output (scaled by that moment's largest size, -128 where the output is not a number),
    packed as :func:`~viz.training.table.pack` does."""
    surfaces = np.array(surfaces, dtype=np.float64)  # steps x outputs x rows x columns
    finite = np.where(np.isfinite(surfaces), np.abs(surfaces), 0.0)
    scale = finite.reshape(len(surfaces), -1).max(axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    with np.errstate(invalid="ignore"):
        levels = np.rint(127 * surfaces / safe[:, None, None, None])
    levels = np.where(np.isfinite(surfaces), levels, -128).astype(np.int8)
    return pack(levels.tobytes()), [float(s) for s in scale]


def _json_numbers(values: Any) -> list[float | None]:
    """Numbers for JSON: None where not finite (a loss that diverged)."""
    return [float(v) if np.isfinite(v) else None for v in values]


def page_data(recorder: Any) -> dict[str, Any]:
    """Everything the page draws, as plain data (JSON).

    One frame per recorded step ``k``: the model as the step found it (the weights before its
    update: its boundary, its accuracy, the watched graphs), the loss the step computed, the
    gradient of it and the update the step applied."""
    steps = recorder.steps
    if not steps:
        raise ValueError("TrainingPage.save: no step recorded yet; call page.record(loss) after each update")
    count = len(recorder.params)
    blocks: dict[str, np.ndarray] = {"weights": np.array(recorder.weights[:steps]),
                                     "gradients": np.array(recorder.gradients).reshape(steps, count),
                                     "updates": recorder.updates().reshape(steps, count)}
    graphs: list[dict[str, Any]] = []
    shapes: dict[tuple, int] = {}
    points = []
    frames: list[list[str]] = []
    for k, (point, numbers) in enumerate(zip(recorder.watched, recorder.point_numbers)):
        numbers = np.array(numbers[:steps])
        n = len(point.order)
        blocks[f"p{k}v"], blocks[f"p{k}g"], blocks[f"p{k}l"] = numbers[:, :n], numbers[:, n:2 * n], numbers[:, 2 * n:]
        if point.shape not in shapes:
            walked = training_walk(point, numbers, recorder.title)
            shapes[point.shape] = len(graphs)
            graphs.append(drawing(walked))
            frames = frames or [[frame.counter, frame.heading] for frame in walked.frames]
        label = recorder.labels[point.index]
        points.append({"index": point.index, "label": int(label), "x": list(point.x), "graph": shapes[point.shape],
                       "params": point.params, "edges": [[i, k] for i, k in point.edges]})
    surface, scale = _surface(recorder.surfaces[:steps])
    classes = sorted(set(recorder.labels.tolist())) if recorder.outputs == 1 else list(range(recorder.outputs))
    return {
        "title": recorder.title, "summary": recorder.summary(), "loss_name": recorder.loss_name,
        "steps": steps, "frames": frames,
        "loss": _json_numbers(recorder.losses), "accuracy": _json_numbers(recorder.accuracy[:steps]),
        "plane": {"bounds": list(recorder.bounds), "grid": recorder.grid, "outputs": recorder.outputs,
                  "classes": classes, "colours": list(CLASSES), "markers": list(MARKERS),
                  "points": np.round(recorder.X, 5).tolist(), "labels": recorder.labels.tolist(),
                  "surface": surface, "scale": _json_numbers(scale)},
        "params": recorder.names, "points": points, "graphs": graphs,
        "numbers": encode(blocks),
    }


def page_html(data: dict[str, Any]) -> str:
    """The page itself, from :func:`page_data`'s data.

    >>> text = page_html({"title": "A <b> run", "summary": "", "frames": [["step 1 / 1", ""]], "steps": 1})
    >>> "<title>A &lt;b&gt; run</title>" in text and 'id="training-data"' in text
    True
    """
    # "<" never reaches the HTML parser inside the script element (no "</script>" surprises)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    return _TEMPLATE.substitute(
        title=html.escape(data["title"]), summary=html.escape(data["summary"]),
        counter=html.escape(data["frames"][0][0]), last=data["steps"] - 1,
        backward=BACKWARD, local=LOCAL, muted=MUTED, muted_text=MUTED_TEXT, panel=PANEL_FILL, current=CURRENT,
        current_fill=CURRENT_FILL, positive=POSITIVE, negative=NEGATIVE, fold_fill=FOLD_FILL, fold_line=FOLD_LINE,
        soft=SOFT_TEXT, css=asset("training.css") + "\n" + look_css("#diagram"), data=text,
        script=asset("training.js"),
    )


def read_data(text: str) -> dict[str, Any]:
    """The data a training page carries (its JSON), read back from the page's HTML.

    >>> read_data(page_html({"title": "t", "summary": "", "frames": [["step 1 / 1", ""]], "steps": 1}))["title"]
    't'
    """
    start = text.index('<script type="application/json" id="training-data">')
    start = text.index(">", start) + 1
    end = text.index("</script>", start)
    return json.loads(text[start:end])

