"""The sum over paths in words: each path from an input to the output, the local derivatives
along it (as formulas, then as numbers) and their product, then the sum.

>>> from autograd_core import Value
>>> from autograd_core.steps.sum_over_paths import paths
>>> a, b = Value(0.2, name="a"), Value(0.5, name="b")
>>> y = (a * b).tanh()
>>> y.name = "y"
>>> print("\\n".join(path_lines(paths(y, a), Captions(y))))
1 path leads from a to y; dy/da is the product along it:
  a → a*b → y   b × (1 - y²) = 0.5 × 0.9901 = 0.495
  sum over the paths: 0.495 = da
"""

from __future__ import annotations

from typing import Any

from .captions import Captions
from .formulas import local_parts
from .lines import WIDTH
from .numbers import format_number

__all__ = ["path_lines", "path_product", "path_route", "signed_sum"]


def path_route(path: Any, captions: Captions) -> str:
    """``x → x*y → f``: the nodes a path goes through, the input first."""
    return " → ".join(captions.label(node) for node in path.nodes)


def path_product(path: Any, captions: Captions) -> str:
    """``y × 1 = 3 × 1 = 3``: the local derivatives along a path as formulas, as numbers, and
    their product (a path of no edge, from the output to itself: ``1``)."""
    if not path.edges:
        return "1"
    symbols, numbers = [], []
    for node, k in path.edges:
        _, formula, _, value = local_parts(node, k, captions)
        symbols.append(formula if " " not in formula or formula.startswith("(") else f"({formula})")
        numbers.append(value if not value.startswith("-") or len(path.edges) == 1 else f"({value})")
    shown = [" × ".join(symbols), " × ".join(numbers), format_number(path.product)]
    return " = ".join(dict.fromkeys(shown))  # "3 = 3" once only


def signed_sum(values: list[Any]) -> str:
    """``3 - 5 + 2``: numbers added, a negative one written with its minus as the operator."""
    text = ""
    for k, value in enumerate(values):
        number = format_number(value)
        if k == 0:
            text = number
        elif number.startswith("-"):
            text += f" - {number[1:]}"
        else:
            text += f" + {number}"
    return text


def path_lines(found: Any, captions: Captions) -> list[str]:
    """Every path of ``found`` (a :class:`~autograd_core.steps.sum_over_paths.Paths`) on its own line, its
    route then its product, and the sum over them, within :data:`WIDTH` columns where the
    captions allow (a product too long for its route's line goes on the next one)."""
    root, source = found.root, found.source
    derivative = f"{captions.grad_name(root)}/{captions.grad_name(source)}"
    count = len(found.paths)
    between = f"from {captions.label(source)} to {captions.label(root)}"
    if count == 1:
        head = f"1 path leads {between}; {derivative} is the product along it:"
    else:
        head = f"{count} paths lead {between}; {derivative} is the sum of their products:"
    lines = [head]
    routes = [path_route(path, captions) for path in found.paths]
    width = max((len(route) for route in routes), default=0)
    for route, path in zip(routes, found.paths):
        product = path_product(path, captions)
        line = f"  {route:<{width}}   {product}"
        if len(line) <= WIDTH:
            lines.append(line)
        else:
            lines.extend([f"  {route}", f"      {product}"])
    total = format_number(found.total)
    products = signed_sum([path.product for path in found.paths])
    sums = products if count == 1 else f"{products} = {total}"
    lines.append(f"  sum over the paths: {sums} = {captions.grad_name(source)}")
    return lines
