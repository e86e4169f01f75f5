"""One model of a backprop walk, drawn by every view.

A **walk** is the forward pass, then every step of the backward pass, of one graph.  It is
described once, as plain data, and laid out once by Graphviz; the lecture page, the slides (PDF
and GIF), the worksheets, a part-way ``viz.draw(steps)`` and the notebook display all render it
and add nothing of their own about what a step means.

The model, in the order a view uses it:

- :func:`walk` (``viz.walk.model``): ``walk(root_or_steps, *, view, grad, collapse, rankdir,
  digits, max_nodes, max_steps, title) -> Walk``.  Checks the graph's size first (at most
  ``max_nodes`` nodes, ``max_steps`` steps, counted by a walk that stops there: nothing is
  stepped or backpropagated before the graph is known to fit), then replays the backprop from its
  start (the graph's own gradients, or a given ``root.backprop()``'s position, are put back).
- :class:`Walk`: ``picture`` (what is drawn), ``frames`` (one per moment), ``title``,
  ``rankdir``, ``room`` (the lines each gradient and flowing text takes at most, so one layout
  serves every frame); ``layout()`` lays the picture out once (``dot -Tjson``) and keeps it;
  ``to_dict()`` is JSON.
- :class:`Picture` (``viz.walk.picture``): ``nodes`` (:class:`NodePiece`: index in
  topological order, title, kind ``op``/``input``/``const``, op symbol, scope, parents, value
  lines, the gradient lines of the finished pass), ``edges`` (:class:`EdgePiece`: id
  ``"{node}.{input}"``, local derivative text, what the finished pass sends back), ``boxes``
  (scopes drawn folded into one box), ``overlays`` (:class:`FoldPiece`: scopes a frame may draw
  folded over their laid-out nodes, with the values entering and leaving them).
  ``picture.scene(frame)`` says what every part shows in a frame (:class:`Scene`).
- :class:`Frame` (``viz.walk.frames``): ``kind`` (``forward``, ``seed``, ``step``, ``still``,
  ``sheet``), ``states`` (one word per node, read from ``Backprop.state``: pending, seeded,
  gathering, current, done; const and no grad), ``current`` (the node the step processed),
  ``flows`` (edge id -> the lines flowing back in this step, ``← upstream × local =
  contribution``), ``running`` (a gathering node's running sum, ``so far ...``), ``finished``
  (nodes whose ``.grad`` became final in this step), ``asked`` (gradients left to the learner),
  ``shut`` (overlays drawn folded), ``counter``, ``heading`` and ``text`` (the step in the REPL's
  own words, :mod:`autograd_core.words`).  ``look(frame, i, kind)`` is how node ``i`` is drawn;
  :mod:`viz.walk.styles` draws each look (and writes the legend and the lecture page's rules).
- :class:`Layout` (``viz.walk.layout``): where Graphviz put every named part (``v3`` a node's
  box, ``o3`` its op, ``e3.1`` an input edge, ``r3`` op -> box, ``s0`` a cluster), read from its
  JSON; ``place(kind, name)`` pins a part of any frame there; :func:`pinned_body` writes a
  frame pinned to the layout, and :class:`Page` cuts a page of a fixed size out of it.

- :mod:`viz.walk.framing`: what a view that follows the walk must show at a step
  (:func:`focus`: the node, its inputs and outputs with the words on their edges, nearest first)
  and the rule that frames it (:func:`frame_view`; a neighbour that does not fit stands as a stub
  at the view's edge, :func:`stub_places`), one rule for the slides and the lecture page.

Next views build on the same pieces: a **training page** is a walk whose frames are training
steps (the same state vocabulary, the same layout; ``Frame`` is plain data); a **quiz** mode
hides what a step produces until the learner answers: a frame's ``flows`` and ``finished`` name
exactly that, and ``asked`` draws those gradients as blanks.

>>> from autograd_core import Value
>>> import json
>>> a = Value(2.0, name="a")
>>> w = walk(a * a + a)
>>> [(f.kind, f.counter) for f in w.frames]
[('forward', 'forward pass'), ('seed', 'step 0 / 2'), ('step', 'step 1 / 2'), ('step', 'step 2 / 2')]
>>> w.frames[2].states, w.frames[2].running
(('gathering', 'gathering', 'current'), {0: ('so far 1',), 1: ('so far 1',)})
>>> len(json.dumps(w.to_dict())) > 0
True
"""

from .frames import Frame, look
from .framing import Focus, Neighbour, focus, frame_view, stub_places
from .layout import Layout, lay_out
from .model import MAX_STEPS, Walk, walk
from .page import Page
from .picture import Picture, Scene
from .pieces import EdgePiece, FoldPiece, NodePiece
from .pinned import pinned_body

__all__ = [
    "MAX_STEPS",
    "EdgePiece",
    "Focus",
    "FoldPiece",
    "Frame",
    "Layout",
    "Neighbour",
    "NodePiece",
    "Page",
    "Picture",
    "Scene",
    "Walk",
    "focus",
    "frame_view",
    "lay_out",
    "look",
    "pinned_body",
    "stub_places",
    "walk",
]
