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

from importlib.util import find_spec

from .draw import GraphTooLargeError, draw, is_steps
from .render import GraphvizNotFoundError, render

__all__ = ["GraphTooLargeError", "GraphvizNotFoundError", "draw", "is_steps", "render"]

# The lecture page (viz/lecture.py) has a function of the same name as its module: import it
# here, once, so ``viz.lecture`` is the function even after ``import viz.lecture`` elsewhere.
if find_spec(".lecture", __name__) is not None:
    from .lecture import lecture  # noqa: F401

    __all__.append("lecture")
