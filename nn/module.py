"""``Module``: the base class of layers and networks, finding their parameters by itself.

A parameter is any ``Tensor`` attribute with ``requires_grad=True``; a sub-module is any
``Module`` attribute, or a ``Module`` inside a list or tuple attribute.  Names follow the
attribute path (``"0.W"``, ``"encoder.b"``), in the order the attributes were set.  A *buffer*
is state that is not trained but belongs to the weights (BatchNorm's running statistics): a
``Tensor`` attribute named in the class's ``buffer_names``; ``state_dict`` includes it.

Example:
    >>> import numpy as np
    >>> from autograd_core import Tensor, name_scope
    >>> class Scale(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = Tensor(np.ones(3), requires_grad=True)
    ...     def forward(self, x):
    ...         return x * self.w
    >>> [name for name, _ in Scale().named_parameters()]
    ['w']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from autograd_core import Tensor, name_scope

from .loading import copy_all_or_nothing, nonnegative_names_of

#: What the input batch of a network is called in every view of its graph, unless it has a name.
INPUT_NAME = "x"


def as_input(x: Any, dtype: Any = None) -> Any:
    """The batch a network is called with, as a leaf named ``x`` in the dtype of its weights
    (``dtype``; a float64 batch for a float32 network is converted once, here); a Tensor, or
    anything that is not an array of numbers, passes as it is (the layer says what is wrong).

    >>> as_input(np.zeros((2, 3)), np.float32)
    Tensor(shape=(2, 3), dtype=float32, name='x', grad=None, data=[[0., 0., 0.],
     [0., 0., 0.]])
    """
    if isinstance(x, Tensor) or not isinstance(x, (np.ndarray, list, tuple)):
        return x
    try:
        array = np.asarray(x)
    except ValueError:
        return x
    if array.dtype.kind not in "biuf":
        return x
    return Tensor(array, name=INPUT_NAME, dtype=dtype)


class Module:
    """Base class: ``forward`` is what calling the module does; parameters are found automatically.

    >>> from nn import Linear
    >>> layer = Linear(3, 2, seed=0)
    >>> [(name, p.shape) for name, p in layer.named_parameters()]
    [('W', (3, 2)), ('b', (2,))]
    """

    training: bool = True
    # Attributes holding Tensors saved and loaded with the parameters but not trained.
    buffer_names: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.training = True

    def forward(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - defined by subclasses
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        scope = self.__dict__.get("_scope_name")
        if scope is None:  # called by the user, not by a parent: name the tree below first
            if not self.__dict__.get("_named", False):
                self.name_scopes()
            if args:  # the batch of data, called x in every view of the graph
                first = next(self._walk_parameters(""), None)
                args = (as_input(args[0], first[1].dtype if first else None), *args[1:])
            return self.forward(*args, **kwargs)
        with name_scope(scope):
            return self.forward(*args, **kwargs)

    def name_scopes(self) -> None:
        """Name every sub-module's scope and every parameter after its path, as
        :meth:`named_parameters` does: a ``Sequential``'s first ``Linear`` computes in the scope
        ``0.Linear`` and its weight is called ``0.W``, so a diagram draws each layer in its own
        box with distinct names.  Done by the first call; call it again after adding modules.

        >>> import numpy as np
        >>> from nn import Sequential, Linear, ReLU
        >>> net = Sequential(Linear(2, 3, seed=0), ReLU(), Linear(3, 1, seed=1))
        >>> out = net(np.ones((1, 2)))
        >>> net[2].W.name, net[2].W.scope, out.scope
        ('2.W', '2.Linear', '2.Linear')
        """
        stack: list[tuple[Module, str, str]] = [(self, "", "")]
        while stack:
            module, prefix, path = stack.pop()
            module.__dict__["_named"] = True
            for attr, value in vars(module).items():
                if path and isinstance(value, Tensor) and value.requires_grad:
                    value.name = prefix + attr  # the root's own parameters keep their names
                    value.scope = path
            for name, child in module.named_children():
                local = f"{name}.{type(child).__name__}"
                child.__dict__["_scope_name"] = local
                stack.append((child, f"{prefix}{name}.", f"{path}/{local}" if path else local))

    # -- structure ------------------------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their attribute names (``"layers.0"`` for list items)."""
        for attr, value in vars(self).items():
            if isinstance(value, Module):
                yield attr, value
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{attr}.{i}", item

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """Every parameter (each once, even if shared) with its dotted name."""
        seen: set[int] = set()
        for name, p in self._walk_parameters(prefix):
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def _walk_parameters(self, prefix: str) -> Iterator[tuple[str, Tensor]]:
        for attr, value in vars(self).items():
            if isinstance(value, Tensor) and value.requires_grad:
                yield prefix + attr, value
        for name, child in self.named_children():
            yield from child._walk_parameters(f"{prefix}{name}.")

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """Every buffer (see ``buffer_names``) with its dotted name, sub-modules' included."""
        for attr in self.buffer_names:
            yield prefix + attr, getattr(self, attr)
        for name, child in self.named_children():
            yield from child.named_buffers(f"{prefix}{name}.")

    def parameters(self) -> list[Tensor]:
        """Every parameter, in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, depth first."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    # -- gradients and modes --------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Forget every parameter's gradient (``grad`` back to ``None``) before the next backward."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, BatchNorm on batch statistics) for this module and its children."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off, BatchNorm on its running statistics); returns self."""
        return self.train(False)

    # -- weights --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's and buffer's array, by name (what :func:`nn.save` writes)."""
        named = [*self.named_parameters(), *self.named_buffers()]
        return {name: p.data.copy() for name, p in named}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> None:
        """Copy arrays (or Tensors) into the parameters and buffers, in place (dtype kept): all or
        nothing, even under Ctrl-C (see :mod:`nn.loading`).

        Missing names, unexpected names (when ``strict``), other shapes, numbers that do not fit
        the model's dtype, nan or inf and negative variances raise a ``ValueError`` naming every
        offending array; nothing is changed in that case.

        >>> from nn import Linear
        >>> layer = Linear(2, 2, seed=0)
        >>> layer.load_state_dict({"W": np.zeros((2, 3)), "b": np.zeros(2)})
        Traceback (most recent call last):
        ...
        ValueError: load_state_dict (Linear): array 'W' has shape (2, 3), the model expects (2, 2)
        """
        targets = {name: p.data for name, p in [*self.named_parameters(), *self.named_buffers()]}
        arrays = {name: value.data if isinstance(value, Tensor) else value for name, value in state.items()}
        try:
            copy_all_or_nothing(arrays, targets, nonnegative=nonnegative_names_of(self), strict=strict)
        except ValueError as exc:
            raise ValueError(f"load_state_dict ({type(self).__name__}): {exc}") from None

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, child in children:
            first, *rest = repr(child).split("\n")
            lines.append(f"  ({name}): {first}")
            lines.extend("  " + line for line in rest)
        lines.append(")")
        return "\n".join(lines)

    def extra_repr(self) -> str:
        """What ``repr`` shows inside the parentheses of a module without sub-modules."""
        return ""
