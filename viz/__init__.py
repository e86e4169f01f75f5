"""Diagrams of computational graphs, for lectures and for looking inside backprop.

>>> from autograd_core import Value
>>> import viz
>>> x = Value(3.0, name="x")
>>> y = (2 * x).tanh()
>>> y.backward()
>>> dot = viz.draw(y, rankdir="TB", title="a tiny neuron")   # a graphviz.Digraph
>>> "tanh" in dot.source
True

``viz.render(y, "neuron.svg")`` writes SVG, PNG, PDF or DOT, chosen from the suffix.
"""

# Every submodule is imported here, once, so the functions ``draw``, ``lecture`` and ``render``
# shadow their modules of the same names for good: ``viz.draw`` is always the function.
from .draw import CollapsedWarning, GraphTooLargeError, draw, is_steps
from .lecture import lecture
from .render import GraphvizNotFoundError, RenderError, render
from .slides import slides
from .training import TrainingPage
from .worksheet import worksheet

__all__ = [
    "CollapsedWarning",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "RenderError",
    "TrainingPage",
    "draw",
    "is_steps",
    "lecture",
    "render",
    "slides",
    "worksheet",
]
