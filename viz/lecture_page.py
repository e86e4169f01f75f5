"""The lecture page's HTML: the one diagram, every frame's text, the frames as JSON, and the
script (``lecture_assets/lecture.js``) and style sheet (``lecture.css``) that play them.

Everything is inlined, so the page needs nothing but itself.  The frames are the walk's own
(:mod:`viz.walk.frames`), written compactly: each node's look as one letter, and after the first
frame only the letters that changed.

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

from autograd_core.steps.exercises import ABS_TOL, DIGITS, MAX_ANSWER, REL_TOL
from autograd_core.steps.quiz import TRIES

from .lecture_svg import ID_PREFIX
from .palette import BACKWARD, CURRENT, CURRENT_FILL, LOCAL, MUTED, MUTED_TEXT, PANEL_FILL, PATH
from .walk.frames import look
from .walk.framing import focus
from .walk.picture import BLANK
from .walk.pinned import PAD
from .walk.styles import css as look_css

__all__ = ["LETTERS", "asset", "page"]

#: How a frame records a node's look, one letter per node in topological order.
LETTERS = {"done": "d", "current": "c", "seeded": "s", "gathering": "g", "pending": "p", "forward": "d",
           "no grad": "n", "constant": "k", "asked": "d"}

_TEMPLATE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
:root { --current-fill: $current_fill; --current: $current; --backward: $backward; --local: $local; --muted: $muted;
  --muted-text: $muted_text; --panel: $panel; --path: $path; }
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
$forward
</div>
<div class="texts">
$quiz
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


def _records(walk: Any, prefix: str) -> list[dict[str, Any]]:
    """Every frame as a small record: ``c`` the current node (-1: none), ``s`` every node's look
    (first frame) or ``d`` the looks that changed (``"c12 g7"``), ``e`` what flows back along
    the current node's edges, ``r`` the running sums of gathering nodes, ``x`` the folds shut,
    ``f`` 1 on the forward pass, ``v`` what the view follows (see :func:`_focus`)."""
    kinds = [node.kind for node in walk.picture.nodes]
    records = []
    previous = None
    layout = walk.layout()
    for frame in walk.frames:
        # a quiz's asked node keeps its state's look: the page blanks its gradient itself
        letters = "".join(LETTERS[_look(frame, i, kind)] for i, kind in enumerate(kinds))
        record: dict[str, Any] = {
            "c": -1 if frame.current is None else frame.current,
            "e": {f"{prefix}e{edge}": list(lines) for edge, lines in frame.flows.items()},
            "f": int(frame.kind == "forward"),
        }
        if frame.running and frame.kind != "forward":
            record["r"] = {str(i): list(lines) for i, lines in frame.running.items()}
        if frame.shut:
            record["x"] = list(frame.shut)
        if frame.paths:
            record["p"] = [f"{prefix}e{edge}" for edge in frame.paths]
        if frame.questions:
            record["q"] = [_question(q, prefix) for q in frame.questions]
            record["h"] = list(frame.hides)
        found = focus(walk, frame, layout)
        if found is not None:
            record["v"] = _focus(found)
        if previous is None:
            record["s"] = letters
        else:
            # only what changed since the previous frame (a step touches a node and its inputs),
            # so the states of all frames take space in proportion to nodes + steps
            record["d"] = " ".join(f"{new}{i}" for i, (old, new) in enumerate(zip(previous, letters)) if old != new)
        previous = letters
        records.append(record)
    return records


def _look(frame: Any, i: int, kind: str) -> str:
    looked = look(frame, i, kind)
    return frame.states[i] if looked == "asked" else looked


def _question(q: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A quiz question as the page's script reads it: ``k`` kind, ``p`` prompt, ``c`` caption,
    ``n`` note, ``a`` the number, ``s`` the number as written, ``h`` the hints by try, ``e`` the
    edge of a local derivative."""
    record = {"k": q["kind"], "p": q["prompt"], "c": q["caption"], "a": q["expected"], "s": q["answer"],
              "h": q["hints"]}
    if q["note"]:
        record["n"] = q["note"]
    if q["edge"] is not None:
        record["e"] = f"{prefix}e{q['edge']}"
    return record


#: The quiz's panel: the question, the answer box, and what the page says back.
_QUIZ_PANEL = """<div class="quiz" id="quiz" hidden>
  <p class="quiz-note" id="quiz-note"></p>
  <div class="quiz-ask" id="quiz-form">
    <label for="quiz-answer" id="quiz-prompt"></label>
    <input id="quiz-answer" type="text" inputmode="decimal" spellcheck="false" autocomplete="off" size="16"
      aria-describedby="quiz-feedback" placeholder="a number, or 1.1*2">
    <button type="button" id="quiz-check" title="Check (Enter)">Check</button>
    <button type="button" id="quiz-show" title="Show the answer (s, or an empty answer)">Show</button>
    <span class="quiz-score" id="quiz-score"></span>
  </div>
  <pre class="quiz-feedback" id="quiz-feedback" aria-live="polite"></pre>
</div>"""


def _focus(found: Any) -> dict[str, Any]:
    """A step's focus (:mod:`viz.walk.framing`) in whole layout points: ``k`` the node and its op;
    ``n`` each neighbour as ``[node, "i" or "o", box, toward, drawn, stub lines, wire]`` (the
    wire's points flattened: x0, y0, x1, y1, ...)."""
    def whole(values: Any) -> list[int]:
        return [round(v) for v in values]

    return {"k": whole(found.core),
            "n": [[n.node, n.role[0], whole(n.box), whole(n.toward), int(n.drawn), list(n.lines),
                   whole(v for point in n.wire for v in point)] for n in found.neighbours]}


def page(walk: Any, diagram: Any) -> str:
    """The HTML of the lecture page of ``walk`` (a :class:`viz.walk.model.Walk`) drawn as
    ``diagram`` (:class:`viz.lecture_svg.LaidOut`).

    >>> from autograd_core import Value
    >>> from viz.walk.model import walk
    >>> from viz.lecture_svg import LaidOut
    >>> text = page(walk(Value(2.0, name="y"), title="A <small> page"), LaidOut("<svg></svg>", {}, frozenset()))
    >>> "<title>A &lt;small&gt; page</title>" in text, text.count('class="frame"')
    (True, 2)
    """
    picture = walk.picture
    scopes: dict[str, int] = {"": 0}
    table = [[scopes.setdefault(node.scope, len(scopes)), list(node.parents)] for node in picture.nodes]
    edges = [[f"{ID_PREFIX}e{edge.id}", edge.target, list(edge.back) or None]
             for edge in picture.edges if not edge.constant]
    data: dict[str, Any] = {"scopes": list(scopes), "nodes": table, "edges": edges, "pad": PAD,
                            "frames": _records(walk, ID_PREFIX)}
    quiz = any(frame.questions for frame in walk.frames)
    if quiz:  # the answer rule's constants, from the engine's one statement of it
        data["quiz"] = {"digits": DIGITS, "rel": REL_TOL, "abs": ABS_TOL, "tries": TRIES, "max": MAX_ANSWER,
                        "blank": BLANK}
    css = asset("lecture.css") + "\n" + look_css("#diagram")
    if picture.overlays:
        data["folds"] = [fold.scope for fold in picture.overlays]
        # a folded scope (the svg has the class shut-n): its parts hidden, its box shown
        css += "\n" + "\n".join(
            f"#diagram svg.shut-{n} .in-f{n} {{ visibility: hidden; }} "
            f"#diagram svg.shut-{n} #{ID_PREFIX}f{n} {{ visibility: visible; }}"
            for n in range(len(picture.overlays))
        )
    # "<" never reaches the HTML parser inside the script element (no "</script>" surprises).
    data_text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    sections = []
    for k, frame in enumerate(walk.frames):
        hidden = "" if k == 0 else " hidden"
        sections.append(
            f'<section class="frame" data-counter="{html.escape(frame.counter)}"{hidden}>'
            f"<h2>{html.escape(frame.heading)}</h2>"
            f'<pre class="text" tabindex="0">{html.escape(frame.text)}</pre></section>'
        )
    first = walk.frames[0].counter if walk.frames else ""
    return _TEMPLATE.substitute(
        title=html.escape(walk.title),
        counter=html.escape(first),
        current_fill=CURRENT_FILL,
        current=CURRENT,
        backward=BACKWARD,
        local=LOCAL,
        muted=MUTED,
        muted_text=MUTED_TEXT,
        panel=PANEL_FILL,
        path=PATH,
        css=css,
        svg=diagram.svg,
        forward=getattr(diagram, "forward", None) or "",
        sections="\n".join(sections),
        data=data_text,
        quiz=_QUIZ_PANEL if quiz else "",
        script=(asset("lecture_quiz.js") + "\n" if quiz else "") + asset("lecture.js"),
    )
