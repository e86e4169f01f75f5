"""The book's first layers (chapter 5): ``MulLayer`` and ``AddLayer``, each a node of the
computational graph with ``forward(x, y)`` and ``backward(dout) -> (dx, dy)``.

Example: two apples at 100 with 10% tax (the book's first graph).
    >>> mul_apple_layer, mul_tax_layer = MulLayer(), MulLayer()
    >>> apple_price = mul_apple_layer.forward(100, 2)
    >>> price = mul_tax_layer.forward(apple_price, 1.1)
    >>> round(price, 6)
    220.0
    >>> dapple_price, dtax = mul_tax_layer.backward(1)
    >>> dapple, dapple_num = mul_apple_layer.backward(dapple_price)
    >>> round(dapple, 6), round(dapple_num, 6), round(dtax, 6)
    (2.2, 110.0, 200)
"""

from __future__ import annotations

from typing import Any

__all__ = ["AddLayer", "MulLayer"]


class MulLayer:
    """``out = x * y``; backward swaps the inputs: ``dx = dout * y``, ``dy = dout * x``.

    >>> layer = MulLayer()
    >>> layer.forward(10, 5)
    50
    >>> layer.backward(1.3)
    (6.5, 13.0)
    """

    def __init__(self) -> None:
        self.x: Any = None
        self.y: Any = None

    def forward(self, x: Any, y: Any) -> Any:
        """Remember both inputs (backward needs them) and return their product."""
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout: Any) -> tuple[Any, Any]:
        """The gradients of both inputs, given the gradient ``dout`` of the output."""
        if self.x is None:
            raise ValueError("MulLayer.backward: call forward(x, y) first (backward needs its inputs)")
        return dout * self.y, dout * self.x


class AddLayer:
    """``out = x + y``; backward passes ``dout`` on to both inputs unchanged.

    >>> layer = AddLayer()
    >>> layer.forward(10, 5)
    15
    >>> layer.backward(1.3)
    (1.3, 1.3)
    """

    def __init__(self) -> None:
        pass

    def forward(self, x: Any, y: Any) -> Any:
        """The sum of both inputs (nothing to remember)."""
        return x + y

    def backward(self, dout: Any) -> tuple[Any, Any]:
        """Both inputs' gradients: ``dout`` and ``dout``."""
        return dout * 1, dout * 1
