"""A lecture page: one self-contained HTML file that walks through backprop step by step.

The page shows the forward pass, then the backward pass one node at a time, each frame an SVG
diagram drawn by :func:`viz.draw` (so it looks exactly like the static diagrams) with the
chain-rule text of that step under it.  Previous/Next buttons and the arrow keys move between
frames; a counter says where you are.  Everything is inline: no network, no external scripts
or fonts, so the file works from a USB stick in a lecture hall.

Example:
    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> import viz
    >>> apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    >>> price = apple * count * tax
    >>> price.name = "price"
    >>> path = viz.lecture(price, pathlib.Path(tempfile.mkdtemp()) / "apple.html")
    >>> "step 2 / 2" in path.read_text()
    True
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd_core import Node, topological_order
from autograd_core.steps import Backprop, format_number

from .draw import draw, is_steps
from .labels import CURRENT_FILL
from .render import render_source

__all__ = ["MAX_STEPS", "Frame", "frames", "lecture", "page"]

#: The most steps a page gets unless told otherwise: each one is a Graphviz layout of the whole
#: graph, and a lecture of more steps than this is hard to follow anyway.
MAX_STEPS = 200


@dataclass(frozen=True)
class Frame:
    """One slide: what the counter says, a heading, the SVG diagram and the text under it."""

    counter: str
    heading: str
    svg: str
    text: str


def lecture(
    root_or_steps: Any,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    rankdir: str = "LR",
    max_steps: int | None = MAX_STEPS,
) -> Path:
    """Write the lecture page of a graph's backprop to ``path`` (one HTML file); returns the path.

    ``root_or_steps`` is an output node (its graph's gradients are left as they were: the page
    shows a fresh backward pass) or a step-by-step backprop (``root.backprop()``; it is walked
    from its start and put back where it was).  ``title`` heads the page (default: the output's
    name); ``rankdir`` is the diagrams' direction ("LR": inputs on the left); ``max_steps``
    refuses bigger graphs (every step is one Graphviz layout; None: no limit).

    >>> import tempfile, pathlib
    >>> from autograd_core import Value
    >>> a = Value(2.0, name="a")
    >>> out = a * a + a
    >>> page = lecture(out, pathlib.Path(tempfile.mkdtemp()) / "fan_out.html").read_text()
    >>> page.count('class="frame"')     # forward pass, the seed, then two steps
    4
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"lecture: the page is HTML; give a path ending in .html, got {str(path)!r}")
    slides = frames(root_or_steps, rankdir=rankdir, max_steps=max_steps)
    text = page(slides, title=title or _default_title(root_or_steps))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise OSError(f"lecture: cannot write {str(path)!r}: {error.strerror or error}") from None
    return path


def frames(root_or_steps: Any, *, rankdir: str = "LR", max_steps: int | None = MAX_STEPS) -> list[Frame]:
    """Every slide of the lecture: the forward pass, the seeded output, then one per step."""
    if is_steps(root_or_steps):
        if not isinstance(root_or_steps, Backprop):
            raise TypeError(f"lecture: expected a node or root.backprop(), got {type(root_or_steps).__name__}")
        steps = root_or_steps
        position = steps.position
        try:
            steps.rewind()
            return _walk(steps, rankdir, max_steps)
        finally:
            steps.rewind()
            for _ in range(position):
                steps.step()
    if not isinstance(root_or_steps, Node):
        raise TypeError(
            f"lecture: expected a graph node (Value or Tensor) or root.backprop(), got {type(root_or_steps).__name__}"
        )
    # A fresh pass on a clean graph; every gradient is put back afterwards.
    nodes = topological_order(root_or_steps)
    saved = [(node, node.grad) for node in nodes]
    try:
        for node in nodes:
            node.grad = node._empty_grad
        return _walk(Backprop(root_or_steps), rankdir, max_steps)
    finally:
        for node, grad in saved:
            node.grad = grad


def _walk(steps: Backprop, rankdir: str, max_steps: int | None) -> list[Frame]:
    total = len(steps)
    if max_steps is not None and total > max_steps:
        raise ValueError(
            f"lecture: backprop through {steps.label(steps.root)!r} takes {total} steps, more than "
            f"max_steps={max_steps} (one diagram each); make a page of a smaller part (one neuron, "
            "one sample) or raise max_steps (None: no limit)"
        )
    root = steps.root
    name = steps.label(root)
    forward = "\n".join(steps.forward_lines()) or f"{name} = {format_number(root.data)}"
    out = [
        Frame(
            "forward pass",
            "Forward pass: compute from left to right",
            _svg(draw(root, rankdir=rankdir, show_grad=False)),
            forward,
        )
    ]
    seed = format_number(steps.gradient(root))
    first = f"Next: {steps.label(steps.next_node)}, the last operation." if total else "Nothing to propagate."
    out.append(
        Frame(
            f"step 0 / {total}",
            "Backward pass: start from the output",
            _svg(draw(steps, rankdir=rankdir)),
            f"{steps.grad_name(root)} = {seed}: the output's gradient with respect to "
            f"itself.\nFrom right to left, each node multiplies the gradient it receives (upstream)\nby its "
            f"local derivatives and passes the products to its inputs.\n{first}",
        )
    )
    for step in steps:
        text = step.text
        if steps.done:
            text += "\n\n" + _summary(steps)
        out.append(
            Frame(
                f"step {step.number} / {total}",
                f"Step {step.number}: the chain rule at {steps.label(step.node)}",
                _svg(draw(steps, rankdir=rankdir)),
                text,
            )
        )
    return out


def _summary(steps: Backprop) -> str:
    """The inputs' final gradients, one line: ``done: dapple = 2.2   dcount = 110``."""
    leaves = [n for n in topological_order(steps.root, requiring_grad=True) if not n.parents]
    parts = []
    for leaf in leaves:
        parts.append(f"{steps.grad_name(leaf)} = {format_number(leaf.grad)}")
    return "done, every input's gradient is final:\n  " + "   ".join(parts)


def _default_title(root_or_steps: Any) -> str:
    root = root_or_steps.root if is_steps(root_or_steps) else root_or_steps
    name = getattr(root, "name", None)
    return f"Backpropagation through {name}" if name else "Backpropagation, step by step"


_XML_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>.*?</title>\s*", re.S)
_SIZE = re.compile(r'<svg width="[^"]*" height="[^"]*"')


def _svg(graph: Any) -> str:
    """The diagram as inline SVG, sized by the page (its viewBox kept)."""
    svg = render_source(graph.source, "svg").decode("utf-8")
    svg = _XML_PROLOG.sub("", svg)
    svg = _TITLE.sub("", svg)  # tooltips with internal node ids
    svg = _SIZE.sub('<svg role="img"', svg, count=1)
    return svg.strip()


_VIEWBOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"')


def _natural_width(svg: str) -> float:
    """The diagram's width in points, as Graphviz laid it out (for the zoomed view)."""
    match = _VIEWBOX.search(svg)
    return float(match.group(1)) if match else 800.0


def _prefix_ids(svg: str, prefix: str) -> str:
    """Make ids unique on the page (several diagrams share one document)."""
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = re.sub(r'url\(#', f"url(#{prefix}", svg)
    return re.sub(r'href="#', f'href="#{prefix}', svg)


def page(slides: list[Frame], *, title: str) -> str:
    """The HTML of a lecture page made of ``slides`` (inline CSS, SVG and script only)."""
    sections = []
    for k, frame in enumerate(slides):
        hidden = "" if k == 0 else " hidden"
        sections.append(
            f'<section class="frame" data-counter="{html.escape(frame.counter)}"{hidden}>\n'
            f"<h2>{html.escape(frame.heading)}</h2>\n"
            f'<div class="diagram" style="--w: {_natural_width(frame.svg):.0f}" title="click or press z to zoom">'
            f'{_prefix_ids(frame.svg, f"f{k}-")}</div>\n'
            f'<pre class="text">{html.escape(frame.text)}</pre>\n'
            "</section>"
        )
    first = slides[0].counter if slides else ""
    return _TEMPLATE.format(
        title=html.escape(title),
        counter=html.escape(first),
        frames="\n".join(sections),
        total_json=json.dumps(len(slides)),
        highlight=_HIGHLIGHT,
    )


# The fill viz.draw gives the node being processed; the zoomed view scrolls to it.
_HIGHLIGHT = CURRENT_FILL

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  :root {{ --ink: #1d1d1f; --muted: #6b6b70; --accent: #c62828; --paper: #ffffff; --band: #f4f4f6; }}
  * {{ box-sizing: border-box; }}
  html, body {{ margin: 0; height: 100%; background: var(--paper); color: var(--ink);
    font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; }}
  body {{ display: flex; flex-direction: column; }}
  header {{ display: flex; align-items: baseline; justify-content: space-between; gap: 1rem;
    padding: 0.8rem 2rem; background: var(--band); border-bottom: 1px solid #ddd; }}
  header h1 {{ margin: 0; font-size: 1.5rem; font-weight: 600; }}
  #counter {{ font-size: 1.6rem; font-weight: 700; color: var(--accent); white-space: nowrap;
    font-variant-numeric: tabular-nums; }}
  main {{ flex: 1; display: flex; flex-direction: column; min-height: 0; padding: 0.5rem 2rem 0; }}
  .frame {{ flex: 1; display: flex; flex-direction: column; min-height: 0; }}
  .frame[hidden] {{ display: none; }}
  .frame h2 {{ margin: 0.4rem 0; font-size: 1.25rem; font-weight: 500; color: var(--muted); }}
  .diagram {{ flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center;
    cursor: zoom-in; }}
  .diagram svg {{ width: 100%; height: 100%; max-height: 62vh; }}
  /* zoomed: the diagram at twice its laid-out size, scrolled around (for graphs too big to fit) */
  main.zoomed .diagram {{ display: block; overflow: auto; cursor: zoom-out; }}
  main.zoomed .diagram svg {{ width: calc(var(--w) * 2px); height: auto; max-height: none; }}
  pre.text {{ margin: 0.6rem 0 0; padding: 0.8rem 1.2rem; background: var(--band); border-radius: 8px;
    font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
    font-size: clamp(15px, 1.45vw, 24px); line-height: 1.4; overflow-x: auto; white-space: pre;
    min-height: calc(5 * 1.4em + 1.6rem); }}
  nav {{ display: flex; align-items: center; justify-content: center; gap: 1.5rem; padding: 0.8rem; }}
  nav button {{ font: inherit; font-size: 1.15rem; padding: 0.5rem 1.6rem; border-radius: 8px;
    border: 1px solid #bbb; background: #fff; cursor: pointer; }}
  nav button:hover:not(:disabled) {{ background: var(--band); }}
  nav button:disabled {{ opacity: 0.35; cursor: default; }}
  nav .hint {{ color: var(--muted); font-size: 0.95rem; }}
</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <div id="counter" aria-live="polite">{counter}</div>
</header>
<main>
{frames}
</main>
<nav>
  <button id="prev" type="button" title="Previous (left arrow)">&#9664; Previous</button>
  <span class="hint">&larr; / &rarr; keys &middot; z: zoom</span>
  <button id="next" type="button" title="Next (right arrow)">Next &#9654;</button>
</nav>
<script>
(function () {{
  "use strict";
  var frames = document.querySelectorAll("section.frame");
  var counter = document.getElementById("counter");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var total = {total_json};
  var current = 0;
  function show(k) {{
    current = Math.max(0, Math.min(total - 1, k));
    for (var i = 0; i < frames.length; i++) {{ frames[i].hidden = i !== current; }}
    counter.textContent = frames[current].getAttribute("data-counter");
    prev.disabled = current === 0;
    next.disabled = current === total - 1;
    if (history.replaceState) {{ history.replaceState(null, "", "#" + current); }}
    if (typeof focus === "function") {{ focus(); }}
  }}
  var main = document.querySelector("main");
  function focus() {{
    // zoomed in: bring the node being processed (drawn with the highlight fill) into view
    if (!main.classList.contains("zoomed")) {{ return; }}
    var mark = frames[current].querySelector('[fill="{highlight}"]');
    if (mark && mark.scrollIntoView) {{ mark.scrollIntoView({{block: "center", inline: "center"}}); }}
  }}
  function zoom() {{ main.classList.toggle("zoomed"); focus(); }}
  for (var d = 0; d < frames.length; d++) {{
    frames[d].querySelector(".diagram").addEventListener("click", zoom);
  }}
  prev.addEventListener("click", function () {{ show(current - 1); }});
  next.addEventListener("click", function () {{ show(current + 1); }});
  document.addEventListener("keydown", function (event) {{
    if (event.altKey || event.ctrlKey || event.metaKey) {{ return; }}
    var key = event.key;
    if (key === "ArrowRight" || key === "PageDown" || key === " ") {{ show(current + 1); }}
    else if (key === "ArrowLeft" || key === "PageUp") {{ show(current - 1); }}
    else if (key === "Home") {{ show(0); }}
    else if (key === "End") {{ show(total - 1); }}
    else if (key === "z" || key === "Z") {{ zoom(); }}
    else {{ return; }}
    event.preventDefault();
  }});
  var start = parseInt((location.hash || "#0").slice(1), 10);
  show(isNaN(start) ? 0 : start);
}})();
</script>
</body>
</html>
"""
