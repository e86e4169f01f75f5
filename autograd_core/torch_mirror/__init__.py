"""A PyTorch graph mirrored as a chainrule graph: see inside PyTorch's own backward pass.

``from_torch(loss)`` reads the graph PyTorch recorded for ``loss`` and builds the same
computation from chainrule ops, so ``viz.draw``, ``viz.lecture``, ``backprop()`` (the stepper and
the quiz) and ``gradcheck`` work on it as on any chainrule graph; ``compare_with_torch(loss)``
checks that its gradients are PyTorch's, node by node, and names the first node where they are not.

PyTorch is imported only when one of these is called (``pip install 'chainrule[torch]'``).
"""

from __future__ import annotations

from typing import Any


def from_torch(output: Any, *, named: Any = None, names: Any = None) -> Any:
    """The chainrule graph of a PyTorch result (see :func:`autograd_core.torch_mirror.mirror.from_torch`).

    >>> import torch
    >>> w = torch.tensor([2.0, 3.0], requires_grad=True)
    >>> y = from_torch((w * w).sum(), names={w: "w"})
    >>> y.backward(); y.parents[0].parents[0].grad
    array([4., 6.], dtype=float32)
    """
    from .mirror import from_torch as build

    return build(output, named=named, names=names)


def compare_with_torch(output: Any, *, named: Any = None, names: Any = None, **tolerances: Any) -> Any:
    """Mirror ``output``, backpropagate on both sides and compare every gradient (see
    :func:`autograd_core.torch_mirror.compare.compare_with_torch`)."""
    from .compare import compare_with_torch as compare

    return compare(output, named=named, names=names, **tolerances)


__all__ = ["compare_with_torch", "from_torch"]
