"""Models across: ``to_torch(model)`` hands a chainrule network to PyTorch, ``from_torch(module)``
brings one back, with the same structure and the same weights, bit for bit.

Layers map one to one: ``Linear`` <-> ``torch.nn.Linear`` (chainrule's ``W`` is (in, out), for
``x @ W``; PyTorch's ``weight`` is (out, in): it is transposed on the way), ``Conv2d`` <->
``torch.nn.Conv2d`` (the same (out, in, KH, KW) kernels), ``MaxPool2d``, ``AvgPool2d``,
``BatchNorm`` <-> ``torch.nn.BatchNorm1d``/``BatchNorm2d`` (rows or images: chosen from the layers
around it; the same momentum convention, eps and running statistics), ``Flatten``, ``Dropout``,
``ReLU``, ``Sigmoid``, ``Tanh`` and ``Sequential``, whose positions name the parameters on both
sides (``0.W`` is ``0.weight``).  A layer with no counterpart is refused by name.  The training
mode (``train()``/``eval()``) and the dtype (float32 or float64) come along.  Dropout's random
masks do not: each library draws its own.

PyTorch is imported when one of these is called, never when ``nn`` is.

Example:
    >>> import numpy as np
    >>> from nn import Sequential, Linear, ReLU
    >>> model = Sequential(Linear(4, 3, seed=0), ReLU(), Linear(3, 2, seed=1))
    >>> net = to_torch(model)
    >>> net
    Sequential(
      (0): Linear(in_features=4, out_features=3, bias=True)
      (1): ReLU()
      (2): Linear(in_features=3, out_features=2, bias=True)
    )
    >>> back = from_torch(net)
    >>> bool((back[0].W.data == model[0].W.data).all()), back[0].W.dtype
    (True, dtype('float64'))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Tensor
from autograd_core.extras import require

from .activations import ReLU, Sigmoid, Tanh
from .batchnorm import BatchNorm
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .linear import Linear
from .module import Module
from .pool import AvgPool2d, MaxPool2d
from .sequential import Sequential

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_IMAGE_LAYERS = (Conv2d, MaxPool2d, AvgPool2d)  # they take and give (N, C, H, W) batches


# -- chainrule -> PyTorch ------------------------------------------------------------------------
def to_torch(model: Module) -> Any:
    """A ``torch.nn.Module`` with ``model``'s structure and weights (copied, not shared).

    >>> from nn import Conv2d
    >>> to_torch(Conv2d(1, 4, 3, padding=1, seed=0))
    Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    """
    torch = require("torch", "torch", "nn.to_torch")
    if not isinstance(model, Module):
        raise TypeError(f"nn.to_torch: expected a chainrule nn Module, got {type(model).__name__}")
    return _export(torch, model, "model", images=None, following=None)


def _export(torch: Any, layer: Module, path: str, images: bool | None, following: Module | None) -> Any:
    """One layer as PyTorch's; ``images``: whether its input is (N, C, H, W) (None: not known)."""
    tnn = torch.nn
    if isinstance(layer, Sequential):
        out = tnn.Sequential()
        layers = list(layer.layers)
        for i, child in enumerate(layers):
            nxt = layers[i + 1] if i + 1 < len(layers) else following
            out.add_module(str(i), _export(torch, child, f"{path}[{i}]", images, nxt))
            images = _gives_images(child, images)
        return out.train(layer.training)
    if isinstance(layer, Linear):
        if images:
            raise ValueError(
                f"nn.to_torch: {path} (Linear) reads image batches (N, C, H, W) and flattens them itself; "
                "torch.nn.Linear does not: put nn.Flatten() before it"
            )
        out = tnn.Linear(layer.in_features, layer.out_features, bias=layer.b is not None, dtype=_dtype(torch, layer.W))
        _copy(torch, out.weight, layer.W.data.T)
        if layer.b is not None:
            _copy(torch, out.bias, layer.b.data)
    elif isinstance(layer, Conv2d):
        out = tnn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding,
                         bias=layer.b is not None, dtype=_dtype(torch, layer.W))
        _copy(torch, out.weight, layer.W.data)
        if layer.b is not None:
            _copy(torch, out.bias, layer.b.data)
    elif isinstance(layer, MaxPool2d):
        out = tnn.MaxPool2d(layer.kernel_size, layer.stride)
    elif isinstance(layer, AvgPool2d):
        out = tnn.AvgPool2d(layer.kernel_size, layer.stride)
    elif isinstance(layer, BatchNorm):
        spatial = images if images is not None else _expects_images(following)
        kind = tnn.BatchNorm2d if spatial else tnn.BatchNorm1d
        out = kind(layer.num_features, eps=layer.eps, momentum=layer.momentum, dtype=_dtype(torch, layer.gamma))
        for target, source in ((out.weight, layer.gamma), (out.bias, layer.beta),
                               (out.running_mean, layer.running_mean), (out.running_var, layer.running_var)):
            _copy(torch, target, source.data)
    elif isinstance(layer, Flatten):
        out = tnn.Flatten()
    elif isinstance(layer, Dropout):
        out = tnn.Dropout(layer.p)
    elif isinstance(layer, (ReLU, Sigmoid, Tanh)):
        out = {ReLU: tnn.ReLU, Sigmoid: tnn.Sigmoid, Tanh: tnn.Tanh}[type(layer)]()
    else:
        raise TypeError(
            f"nn.to_torch: {path} is a {type(layer).__name__}, which has no PyTorch counterpart here; it takes "
            f"{_SUPPORTED}"
        )
    return out.train(layer.training)


_SUPPORTED = "Linear, Conv2d, MaxPool2d, AvgPool2d, BatchNorm, Flatten, Dropout, ReLU, Sigmoid, Tanh and Sequential"


def _gives_images(layer: Module, images: bool | None) -> bool | None:
    if isinstance(layer, _IMAGE_LAYERS):
        return True
    if isinstance(layer, (Flatten, Linear)):
        return False
    if isinstance(layer, Sequential):
        for child in layer.layers:
            images = _gives_images(child, images)
    return images


def _expects_images(layer: Module | None) -> bool:
    """A BatchNorm at the start of a network normalises images if the next layer reads images."""
    while isinstance(layer, Sequential) and layer.layers:
        layer = layer.layers[0]
    return isinstance(layer, _IMAGE_LAYERS)


def _dtype(torch: Any, parameter: Tensor) -> Any:
    return torch.float64 if parameter.dtype == np.float64 else torch.float32


def _copy(torch: Any, target: Any, array: np.ndarray) -> None:
    with torch.no_grad():
        target.copy_(torch.from_numpy(np.ascontiguousarray(array)))


# -- PyTorch -> chainrule ------------------------------------------------------------------------
def from_torch(module: Any) -> Module:
    """A chainrule nn model with ``module``'s structure and weights (copied, bit for bit).

    >>> import torch
    >>> layer = from_torch(torch.nn.Linear(3, 2, dtype=torch.float64))
    >>> layer.W.shape, layer.W.dtype
    ((3, 2), dtype('float64'))
    """
    torch = require("torch", "torch", "nn.from_torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"nn.from_torch: expected a torch.nn.Module, got {type(module).__name__}")
    return _import(torch, module, "model")


def _import(torch: Any, layer: Any, path: str) -> Module:
    tnn = torch.nn
    kind = type(layer)
    if kind is tnn.Sequential:
        out: Module = Sequential(*(_import(torch, child, f"{path}[{name}]") for name, child in layer.named_children()))
    elif kind is tnn.Linear:
        dtype = _numpy_dtype(layer.weight, path)
        out = Linear(layer.in_features, layer.out_features, bias=layer.bias is not None, seed=0, dtype=dtype)
        out.W.data[...] = _array(layer.weight).T
        if layer.bias is not None:
            out.b.data[...] = _array(layer.bias)
    elif kind is tnn.Conv2d:
        _refuse_unless(path, "Conv2d", groups=(layer.groups, 1), dilation=(tuple(layer.dilation), (1, 1)),
                       padding_mode=(layer.padding_mode, "zeros"), padding=(isinstance(layer.padding, str), False))
        dtype = _numpy_dtype(layer.weight, path)
        out = Conv2d(layer.in_channels, layer.out_channels, tuple(layer.kernel_size), tuple(layer.stride),
                     tuple(layer.padding), bias=layer.bias is not None, seed=0, dtype=dtype)
        out.W.data[...] = _array(layer.weight)
        if layer.bias is not None:
            out.b.data[...] = _array(layer.bias)
    elif kind in (tnn.MaxPool2d, tnn.AvgPool2d):
        name = kind.__name__
        pool = MaxPool2d if kind is tnn.MaxPool2d else AvgPool2d
        _refuse_unless(path, name, padding=(_pair(layer.padding), (0, 0)), ceil_mode=(layer.ceil_mode, False),
                       **({"dilation": (_pair(layer.dilation), (1, 1)), "return_indices": (layer.return_indices, False)}
                          if kind is tnn.MaxPool2d else {"divisor_override": (layer.divisor_override, None)}))
        out = pool(_pair(layer.kernel_size), _pair(layer.stride))
    elif kind in (tnn.BatchNorm1d, tnn.BatchNorm2d):
        _refuse_unless(path, kind.__name__, affine=(layer.affine, True),
                       track_running_stats=(layer.track_running_stats, True), momentum=(layer.momentum is None, False))
        dtype = _numpy_dtype(layer.weight, path)
        out = BatchNorm(layer.num_features, eps=layer.eps, momentum=layer.momentum, dtype=dtype)
        for target, source in ((out.gamma, layer.weight), (out.beta, layer.bias),
                               (out.running_mean, layer.running_mean), (out.running_var, layer.running_var)):
            target.data[...] = _array(source)
    elif kind is tnn.Flatten:
        _refuse_unless(path, "Flatten", start_dim=(layer.start_dim, 1), end_dim=(layer.end_dim, -1))
        out = Flatten()
    elif kind is tnn.Dropout:
        out = Dropout(layer.p)
    elif kind in (tnn.ReLU, tnn.Sigmoid, tnn.Tanh):
        out = {tnn.ReLU: ReLU, tnn.Sigmoid: Sigmoid, tnn.Tanh: Tanh}[kind]()
    else:
        known = f"torch.nn.{kind.__name__}" if kind.__module__.startswith("torch.nn.") else kind.__qualname__
        raise TypeError(
            f"nn.from_torch: {path} is a {known}, which chainrule's nn has no counterpart for; it takes torch.nn's "
            f"{_SUPPORTED}"
        )
    return out.train(layer.training)


def _refuse_unless(path: str, name: str, **settings: tuple[Any, Any]) -> None:
    for setting, (value, wanted) in settings.items():
        if value != wanted:
            raise ValueError(
                f"nn.from_torch: {path} is a torch.nn.{name} with {setting}={value!r}; chainrule's {name} has only "
                f"{setting}={wanted!r}"
            )


def _pair(value: Any) -> tuple[int, int]:
    return tuple(value) if isinstance(value, (tuple, list)) else (int(value), int(value))


def _array(parameter: Any) -> np.ndarray:
    return parameter.detach().cpu().numpy()


def _numpy_dtype(parameter: Any, path: str) -> np.dtype:
    dtype = _array(parameter).dtype
    if dtype not in _FLOATS:
        raise TypeError(f"nn.from_torch: {path} holds {dtype} weights; chainrule's nn takes float32 or float64")
    return dtype
