"""The NumPy ``Tensor`` and its op families: elementwise, reductions, shapes, softmax, NumPy protocol."""

from .core import Tensor, as_tensor, new_node

__all__ = ["Tensor", "as_tensor", "new_node"]
