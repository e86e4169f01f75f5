"""A PyTorch graph mirrored as a chainrule graph: see inside PyTorch's own backward pass.

``from_torch(loss)`` reads the graph PyTorch recorded for ``loss`` and builds the same
computation from chainrule ops, so ``viz.draw``, ``viz.lecture``, ``backprop()`` (the stepper and
the quiz) and ``gradcheck`` work on it as on any chainrule graph; ``compare_with_torch(loss)``
checks that its gradients are PyTorch's, node by node, and names the first node where they are not.

PyTorch is imported only when one of these is called (``pip install 'chainrule[torch]'``).  The
modules that build a mirror use the engine's public names (``autograd_core.Tensor``, its ops,
``define_tensor_op``), so they are loaded on first use, once the engine is; so are
:class:`TorchMirror` (the mirror with its mapping onto PyTorch's nodes, its leaves and a
``rebuild`` function for ``gradcheck``) and :class:`TorchComparison`, read as attributes of this
package.
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


def __getattr__(name: str) -> Any:
    if name in ("TorchMirror", "ValueGap"):
        from . import mirror

        return getattr(mirror, name)
    if name in ("TorchComparison", "GradientRow"):
        from . import compare

        return getattr(compare, name)
    if name == "TorchMirrorWarning":
        from . import opaque

        return opaque.TorchMirrorWarning
    raise AttributeError(f"module 'autograd_core.torch_mirror' has no attribute {name!r}")


__all__ = ["GradientRow", "TorchComparison", "TorchMirror", "TorchMirrorWarning", "ValueGap", "compare_with_torch",
           "from_torch"]
