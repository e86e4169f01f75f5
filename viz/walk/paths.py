"""The sum over paths in a picture: which edges each path from a chosen input to the output goes
along (a frame's ``paths``), and the paths' listing with their products, in the words module's
words (:func:`autograd_core.words.path_lines` and its pieces).

>>> from autograd_core import Value, topological_order
>>> x, y, z = Value(2.0, name="x"), Value(3.0, name="y"), Value(-5.0, name="z")
>>> f = x * y + x * z
>>> order = topological_order(f)
>>> path_edges(found_paths(f, x, view="draw"), order)
{'2.0': (1,), '5.0': (1,), '4.0': (2,), '5.1': (2,)}
"""

from __future__ import annotations

from typing import Any

from autograd_core import Node, paths
from autograd_core.steps import Paths, TooManyPathsError
from autograd_core.words import Captions

from .frames import Frame

__all__ = ["MAX_DRAWN_PATHS", "found_paths", "path_edges", "paths_frame"]

#: The most paths a picture lists and colours (more are refused, counted first).
MAX_DRAWN_PATHS = 24


def found_paths(root: Node, x: Any, *, view: str, max_paths: int = MAX_DRAWN_PATHS) -> Paths:
    """Every path from ``x`` to ``root`` (:func:`autograd_core.paths`), for a picture: more than
    ``max_paths`` is refused with the count, before any path is listed; errors name ``view``."""
    try:
        return paths(root, x, max_paths=max_paths)
    except TooManyPathsError as error:
        raise ValueError(
            f"{view}: {error.count:,} paths lead from {getattr(x, 'label', x)!r} to the output, too many to draw "
            f"(at most {max_paths}); autograd_core.count_paths counts them, and their sum is the gradient, "
            f"{error.total:.6g}"
        ) from None
    except (TypeError, ValueError) as error:
        raise type(error)(str(error).replace("paths:", f"{view}: paths:", 1)) from None


def path_edges(found: Paths, order: list[Node]) -> dict[str, tuple[int, ...]]:
    """Edge id (``"3.0"``: input 0 of node 3 of ``order``) -> the numbers (from 1) of the paths
    that go along it."""
    index = {node: i for i, node in enumerate(order)}
    along: dict[str, list[int]] = {}
    for number, path in enumerate(found, start=1):
        for node, k in path.edges:
            along.setdefault(f"{index[node]}.{k}", []).append(number)
    return {edge: tuple(numbers) for edge, numbers in along.items()}


def paths_frame(root: Node, x: Any, order: list[Node], view: str, *, steps_states: tuple[str, ...]) -> Frame:
    """A frame after the walk: every node as the finished pass leaves it (``steps_states``), the
    paths from ``x`` to ``root`` marked on their edges, and their listing as the text."""
    found = found_paths(root, x, view=view)
    captions = Captions(root, nodes=order)
    source = captions.label(found.source)
    return Frame("still", steps_states, counter=f"paths from {source}",
                 heading=f"The multivariable chain rule: every path from {source} to {captions.label(root)}",
                 text="\n".join(found.lines()), paths=path_edges(found, order))
