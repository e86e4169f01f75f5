"""Neural networks on chainrule's Tensor: modules, losses, optimizers, data and training.

Example:
    >>> import numpy as np
    >>> from nn import Sequential, Linear, ReLU, SGD, softmax_cross_entropy
    >>> net = Sequential(Linear(4, 8, seed=0), ReLU(), Linear(8, 3, seed=1))
    >>> opt = SGD(net.parameters(), lr=0.1)
    >>> x, t = np.ones((2, 4)), np.array([0, 2])
    >>> loss = softmax_cross_entropy(net(x), t)
    >>> loss.backward(); opt.step(); net.zero_grad()
"""

from .activations import ReLU, Sigmoid, Tanh
from .batches import Minibatches
from .dropout import Dropout
from .linear import Affine, Linear
from .losses import mse, softmax_cross_entropy
from .mnist import load_mnist
from .module import Module
from .optimizers import SGD, AdaGrad, Adam, Momentum, Optimizer
from .sequential import Sequential

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "Affine",
    "Dropout",
    "Linear",
    "Minibatches",
    "Module",
    "Momentum",
    "Optimizer",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "load_mnist",
    "mse",
    "softmax_cross_entropy",
]
