"""The lecture page's HTML: the one diagram, every frame's text, the frames' states as JSON, and
the script (``lecture_assets/lecture.js``) and style sheet (``lecture.css``) that play them.

Everything is inlined, so the page needs nothing but itself.

Example:
    >>> from viz.lecture_page import asset
    >>> "function show" in asset("lecture.js")
    True
"""

from __future__ import annotations

import html
import json
from importlib import resources
from string import Template
from typing import Any

from .labels import BACKWARD, CURRENT, CURRENT_FILL, LOCAL, MUTED
from .lecture_svg import ID_PREFIX

__all__ = ["asset", "page"]

_TEMPLATE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
:root { --current-fill: $current_fill; --current: $current; --backward: $backward; --local: $local; --muted: $muted; }
$css
</style>
</head>
<body>
<header>
  <h1>$title</h1>
  <div id="counter" aria-live="polite">$counter</div>
</header>
<main>
<div class="diagram" id="diagram">
$svg
</div>
<div class="texts">
$sections
</div>
</main>
<nav>
  <button id="prev" type="button" title="Previous (left arrow)">&#9664; Previous</button>
  <button id="overview" type="button" aria-pressed="false"
    title="o: the whole graph, or follow the current node">Overview</button>
  <span class="hint">&larr; / &rarr; keys &middot; o: overview &middot; drag, +/&minus;: look around</span>
  <button id="next" type="button" title="Next (right arrow)">Next &#9654;</button>
</nav>
<noscript><p class="noscript">This page needs JavaScript to step through the frames.</p></noscript>
<script type="application/json" id="lecture-data">$data</script>
<script>
$script
</script>
</body>
</html>
""")


def asset(name: str) -> str:
    """The text of a file shipped in ``viz/lecture_assets``."""
    return resources.files("viz").joinpath("lecture_assets", name).read_text(encoding="utf-8")


def page(slides: list[Any], diagram: Any, nodes: tuple[list[str], list[list[Any]]], edges: list[list[Any]],
         *, title: str, folds: dict[str, Any] | None = None) -> str:
    """The HTML of a lecture page: ``slides`` (:class:`viz.lecture.Frame`) played on ``diagram``
    (:class:`viz.lecture_svg.LaidOut`); ``nodes`` are the scopes and each node's scope and inputs,
    ``edges`` each input edge's id, node and finished text; ``folds`` (optional) the folded
    scopes (``folds``) and each scope's fold index (``fold``, -1: none).

    >>> from viz.lecture import Frame
    >>> from viz.lecture_svg import LaidOut
    >>> text = page([Frame("forward pass", "Forward", "y = 2")], LaidOut("<svg></svg>", {}, frozenset()),
    ...             ([""], []), [], title="A <small> page")
    >>> "<title>A &lt;small&gt; page</title>" in text, text.count('class="frame"')
    (True, 1)
    """
    scopes, table = nodes
    records = []
    previous = None
    for f in slides:
        record: dict[str, Any] = {
            "c": -1 if f.current is None else f.current,
            "e": {f"{ID_PREFIX}e{i}.{k}": text for (i, k), text in f.edges.items()},
            "f": int(f.forward),
        }
        if previous is None or len(previous) != len(f.states):
            record["s"] = f.states
        else:
            # only what changed since the previous frame (a step touches a node and its inputs),
            # so the states of all frames take space in proportion to nodes + steps
            record["d"] = " ".join(f"{new}{i}" for i, (old, new) in enumerate(zip(previous, f.states)) if old != new)
        previous = f.states
        records.append(record)
    data: dict[str, Any] = {"scopes": scopes, "nodes": table, "edges": edges, "frames": records}
    css = asset("lecture.css")
    if folds:
        data.update(folds)
        # a folded scope (the svg has the class shut-n): its parts hidden, its summary box shown
        css += "\n" + "\n".join(
            f"#diagram svg.shut-{n} .in-f{n} {{ visibility: hidden; }} "
            f"#diagram svg.shut-{n} #{ID_PREFIX}f{n} {{ visibility: visible; }}"
            for n in range(len(folds["folds"]))
        )
    # "<" never reaches the HTML parser inside the script element (no "</script>" surprises).
    data_text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    sections = []
    for k, frame in enumerate(slides):
        hidden = "" if k == 0 else " hidden"
        sections.append(
            f'<section class="frame" data-counter="{html.escape(frame.counter)}"{hidden}>'
            f"<h2>{html.escape(frame.heading)}</h2>"
            f'<pre class="text">{html.escape(frame.text)}</pre></section>'
        )
    return _TEMPLATE.substitute(
        title=html.escape(title),
        counter=html.escape(slides[0].counter if slides else ""),
        current_fill=CURRENT_FILL,
        current=CURRENT,
        backward=BACKWARD,
        local=LOCAL,
        muted=MUTED,
        css=css,
        svg=diagram.svg,
        sections="\n".join(sections),
        data=data_text,
        script=asset("lecture.js"),
    )
