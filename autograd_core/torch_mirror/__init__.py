"""A PyTorch graph mirrored as a chainrule graph: see inside PyTorch's own backward pass.

``from_torch(loss)`` reads the graph PyTorch recorded for ``loss`` and builds the same
computation from chainrule ops, so ``viz.draw``, ``viz.lecture``, ``backprop()`` (the stepper and
the quiz) and ``gradcheck`` work on it as on any chainrule graph; ``compare_with_torch(loss)``
checks that its gradients are PyTorch's, node by node, and names the first node where they are not.
:class:`TorchMirror` is the mirror with its mapping onto PyTorch's nodes, its leaves and a
``rebuild`` function for ``gradcheck``.

The room reads PyTorch's graph (:mod:`.read`), maps each node type onto chainrule's ops
(:mod:`.rules`), mirrors the node types it has no op for as opaque ops (:mod:`.opaque`), builds
the mirror (:mod:`.mirror`) and compares gradients (:mod:`.compare`).  PyTorch itself is an
optional extra (``pip install 'chainrule[torch]'``), imported only when one of these is called.

>>> import torch
>>> w = torch.tensor([2.0, 3.0], requires_grad=True)
>>> y = from_torch((w * w).sum(), names={w: "w"})
>>> y.backward(); y.parents[0].parents[0].grad
array([4., 6.], dtype=float32)
"""

from .compare import GradientRow, TorchComparison, compare_with_torch
from .mirror import TorchMirror, ValueGap, from_torch
from .opaque import TorchMirrorWarning

__all__ = [
    "GradientRow",
    "TorchComparison",
    "TorchMirror",
    "TorchMirrorWarning",
    "ValueGap",
    "compare_with_torch",
    "from_torch",
]
