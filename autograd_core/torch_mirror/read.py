"""Reading a PyTorch backward graph: its nodes parents first, its leaves, what each node saved.

PyTorch records a result's history as ``grad_fn`` nodes (``torch.autograd.graph.Node``): each has a
``name()`` (``MulBackward0``), ``next_functions`` (one edge per differentiable input: the node
that produced it and which of its outputs, or ``None`` for an input that needs no gradient) and
the tensors and numbers its backward needs as ``_saved_<argument>`` attributes (``_saved_self``,
``_saved_other``, ``_saved_dim``).  A leaf that requires a gradient is reached through an
``AccumulateGrad`` node whose ``variable`` is the leaf itself.

Nothing here imports PyTorch at module level: :func:`import_torch` does, when a graph is read.

Example:
    >>> import torch
    >>> W = torch.ones(2, 2, requires_grad=True)
    >>> graph = read_graph((W * 3).sum())
    >>> [node.name for node in graph.nodes]
    ['torch::autograd::AccumulateGrad', 'MulBackward0', 'SumBackward0']
    >>> graph.nodes[1].saved("other")
    tensor(3)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import numpy as np

from ..extras import require

#: What :meth:`TorchNode.saved` returns for an attribute the node did not save, when asked for it as the default.
MISSING: Any = object()
_REQUIRED: Any = object()

_FREED = (
    "from_torch: PyTorch has already freed what node {name} saved for its backward pass (backward() or "
    "autograd.grad() was called on this graph): call from_torch before backward, or call "
    "backward(retain_graph=True)"
)


def import_torch(feature: str = "from_torch") -> ModuleType:
    """The ``torch`` module, or :class:`~autograd_core.extras.MissingExtraError` saying in one line
    that ``feature`` needs it and which extra installs it (``chainrule[torch]``)."""
    return require("torch", "torch", feature)


class Unsupported(Exception):
    """A node chainrule cannot rebuild with its own ops (the reason says why): it is mirrored opaque."""


def to_array(tensor: Any) -> np.ndarray:
    """A PyTorch tensor's values as a NumPy array of their own (float64 or float32 kept; integers kept)."""
    return tensor.detach().cpu().resolve_conj().resolve_neg().numpy().copy()


class TorchNode:
    """One ``grad_fn`` node of a PyTorch graph, as the mirror reads it.

    ``name`` (``MulBackward0``), ``edges`` (its ``next_functions``: ``(node or None, output_nr)``
    per differentiable input), ``saved(attr)`` (``_saved_<attr>``, refused clearly when PyTorch has
    freed it), ``output_shape(nr)`` and ``output_dtype(nr)`` (from PyTorch's metadata).
    """

    __slots__ = ("fn", "name", "edges")

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.name = str(fn.name())
        self.edges = tuple(fn.next_functions)

    def __repr__(self) -> str:
        return self.name

    @property
    def is_leaf(self) -> bool:
        return hasattr(self.fn, "variable")

    @property
    def is_python_function(self) -> bool:
        """A node of a ``torch.autograd.Function`` written in Python: its forward is its author's,
        whatever its name says (a class ``Gelu`` need not compute GELU)."""
        return isinstance(self.fn, import_torch().autograd.function.BackwardCFunction)

    def saved(self, attr: str, default: Any = _REQUIRED) -> Any:
        """What the node saved as ``_saved_<attr>``; ``default`` (or :class:`Unsupported`) if it saved none."""
        try:
            return getattr(self.fn, "_saved_" + attr)
        except AttributeError:
            if default is _REQUIRED:
                raise Unsupported(f"{self.name} keeps no {attr!r}") from None
            return default
        except RuntimeError as error:
            if "freed" in str(error) or "second time" in str(error):
                raise RuntimeError(_FREED.format(name=self.name)) from None
            raise

    def saved_names(self) -> list[str]:
        """The names of everything the node saved (``self``, ``other``, ``dim``, ...)."""
        return [attr[len("_saved_"):] for attr in dir(self.fn) if attr.startswith("_saved_")]

    def _metadata(self, nr: int) -> Any:
        try:
            return self.fn._input_metadata[nr]
        except (AttributeError, IndexError, RuntimeError):
            raise Unsupported(f"{self.name} gives no shape for its output {nr}") from None

    def output_shape(self, nr: int = 0) -> tuple[int, ...]:
        """The shape of the node's forward output ``nr``."""
        return tuple(int(n) for n in self._metadata(nr).shape)

    def output_dtype(self, nr: int = 0) -> np.dtype:
        """The NumPy dtype of the node's forward output ``nr``."""
        torch = import_torch()
        return np.dtype(torch.empty((), dtype=self._metadata(nr).dtype).numpy().dtype)

    @property
    def output_count(self) -> int:
        try:
            return len(self.fn._input_metadata)
        except (AttributeError, RuntimeError):
            return 1


class TorchGraph:
    """A PyTorch result's backward graph, read: ``nodes`` parents first (the result's own last),
    ``leaves`` (the tensors that require a gradient, in that order) and ``kept``: every forward
    value PyTorch still holds, by ``(grad_fn, output_nr)`` (the result itself and the tensors its
    nodes saved), used to check the mirror's values and to give opaque nodes theirs.
    """

    def __init__(self, output: Any, nodes: list[TorchNode], kept: dict) -> None:
        self.output = output
        self.nodes = nodes
        self.kept = kept
        self.leaves = [node.fn.variable for node in nodes if node.is_leaf]


def read_graph(output: Any) -> TorchGraph:
    """Read the backward graph of the PyTorch tensor ``output`` (see :class:`TorchGraph`)."""
    torch = import_torch()
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"from_torch: expected a PyTorch tensor (a result such as a loss), got {type(output).__name__}")
    if not output.requires_grad:
        raise ValueError(
            f"from_torch: the tensor of shape {tuple(output.shape)} does not require a gradient, so PyTorch "
            "recorded no graph for it: compute it from tensors with requires_grad=True, outside torch.no_grad()"
        )
    root = output.grad_fn
    if root is None:  # a leaf itself: its AccumulateGrad node is not reachable from it
        return TorchGraph(output, [], {})
    nodes = _order(root)
    kept: dict = {(root, output.output_nr): output.detach()}
    for node in nodes:
        if node.is_leaf:
            continue
        for attr in node.saved_names():
            value = node.saved(attr)
            if isinstance(value, torch.Tensor) and value.grad_fn is not None:
                kept.setdefault((value.grad_fn, value.output_nr), value.detach())
    return TorchGraph(output, nodes, kept)


def _order(root: Any) -> list[TorchNode]:
    """Every node ``root`` depends on, parents before children (iterative depth-first search)."""
    order: list[TorchNode] = []
    seen = {root}
    stack = [(root, iter(root.next_functions))]
    while stack:
        fn, remaining = stack[-1]
        for parent, _ in remaining:
            if parent is not None and parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.next_functions)))
                break
        else:
            stack.pop()
            order.append(TorchNode(fn))
    return order


def leaf_names(
    leaves: list[Any], named: Any = None, names: Mapping[Any, str] | None = None
) -> tuple[list[str], dict[int, str]]:
    """A name for each leaf: from ``names`` ({tensor: name}), else the module ``named``'s parameter
    paths (``0.weight``), else ``x0``, ``x1``, ... in order.  Also returns the names given to
    tensors that are not leaves (constants such as a data batch), by ``data_ptr``."""
    given: dict[int, str] = {}
    if named is not None:
        if not hasattr(named, "named_parameters"):
            raise TypeError(
                f"from_torch: named= must be a torch.nn.Module (its parameter paths name the leaves), "
                f"got {type(named).__name__}"
            )
        for path, parameter in named.named_parameters():
            given.setdefault(id(parameter), path)
    by_pointer: dict[tuple, str] = {}
    for tensor, name in (names or {}).items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"from_torch: names= maps tensors to non-empty strings, got {name!r}")
        given[id(tensor)] = name
        by_pointer[_pointer(tensor)] = name
    result, count = [], 0
    for leaf in leaves:
        name = given.get(id(leaf))
        if name is None:
            name, count = f"x{count}", count + 1
        result.append(name)
    return result, by_pointer


def _pointer(tensor: Any) -> tuple:
    """What identifies a tensor's values in memory, whichever Python object holds them."""
    return (tensor.data_ptr(), tuple(tensor.shape), tuple(tensor.stride()), str(tensor.dtype))


def constant_name(tensor: Any, by_pointer: Mapping[tuple, str]) -> str | None:
    """The name given in ``names=`` to the tensor holding these values, if any."""
    if not by_pointer:
        return None
    return by_pointer.get(_pointer(tensor))
