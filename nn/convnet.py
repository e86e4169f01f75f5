"""``convnet``: the textbook's SimpleConvNet (chapter 7) as a ``Sequential`` of nn modules.

conv (``filters`` x ``kernel_size`` x ``kernel_size``) - ReLU - max-pool 2x2 - affine ``hidden`` -
ReLU - affine ``classes``; with ``batchnorm=True`` a ``BatchNorm`` follows the convolution and the
hidden affine layer (before their ReLU), with ``"conv"`` or ``"hidden"`` only the one named.
The textbook's own class, with its ``params`` dict, is ``nn.textbook.SimpleConvNet``; this one is
built from the same modules as any other network, so ``fit``, ``save_weights`` and
``chainrule train --model cnn`` work on it unchanged.

Example:
    >>> import numpy as np
    >>> net = convnet(seed=0)
    >>> net(np.zeros((2, 1, 28, 28), dtype=np.float32)).shape
    (2, 10)
    >>> [name for name, _ in net.named_parameters()]
    ['0.W', '0.b', '4.W', '4.b', '6.W', '6.b']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core.tensor.conv import output_size, pair

from .activations import ReLU
from .batchnorm import BatchNorm
from .conv import Conv2d
from .flatten import Flatten
from .linear import Linear
from .module import Module
from .pool import MaxPool2d
from .sequential import Sequential


def convnet(
    input_dim: tuple[int, int, int] = (1, 28, 28),
    filters: int = 30,
    kernel_size: int = 5,
    padding: int = 0,
    stride: int = 1,
    hidden: int = 100,
    classes: int = 10,
    batchnorm: bool | str = False,
    init: str | float = "he",
    dtype: Any = np.float32,
    seed: int | None = None,
) -> Sequential:
    """The SimpleConvNet layers for ``input_dim`` (C, H, W) images, weights drawn from one seeded generator.

    ``init`` is ``"he"`` (default) or a standard deviation (the textbook's ``weight_init_std=0.01``).
    ``batchnorm``: ``False``, ``True`` (after the convolution and the hidden layer), ``"conv"`` or ``"hidden"``.

    >>> convnet(batchnorm=True, seed=0)[1]
    BatchNorm(30, eps=1e-05, momentum=0.1, dtype=float32)
    """
    if batchnorm not in (False, True, "conv", "hidden"):
        raise ValueError(f"convnet: batchnorm must be False, True, 'conv' or 'hidden', got {batchnorm!r}")
    conv_bn, hidden_bn = batchnorm in (True, "conv"), batchnorm in (True, "hidden")
    if len(input_dim) != 3:
        raise ValueError(f"convnet: input_dim must be (channels, height, width), got {input_dim!r}")
    channels, height, width = input_dim
    kh, kw = pair(kernel_size, "kernel_size", "convnet", 1)
    conv_h, conv_w = output_size(height, kh, stride, padding), output_size(width, kw, stride, padding)
    if conv_h < 2 or conv_w < 2:
        raise ValueError(
            f"convnet: a {kh}x{kw} kernel (stride {stride}, padding {padding}) leaves {conv_h}x{conv_w} positions "
            f"on {height}x{width} images; the 2x2 pooling needs at least 2x2"
        )
    rng = np.random.default_rng(seed)
    flat = filters * (conv_h // 2) * (conv_w // 2)
    layers: list[Module] = [Conv2d(channels, filters, kernel_size, stride, padding, init=init, rng=rng, dtype=dtype)]
    if conv_bn:
        layers.append(BatchNorm(filters, dtype=dtype))
    layers += [ReLU(), MaxPool2d(2), Flatten(), Linear(flat, hidden, init=init, rng=rng, dtype=dtype)]
    if hidden_bn:
        layers.append(BatchNorm(hidden, dtype=dtype))
    layers += [ReLU(), Linear(hidden, classes, init=init, rng=rng, dtype=dtype)]
    return Sequential(*layers)
