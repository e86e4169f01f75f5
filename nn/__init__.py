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

from . import datasets, scalar, textbook  # textbook: check_model learns the book's models (TwoLayerNet's too)
from .activations import ReLU, Sigmoid, Tanh
from .batches import Minibatches
from .batchnorm import BatchNorm
from .conv import Conv2d
from .convnet import convnet
from .dropout import Dropout
from .flatten import Flatten
from .linear import Affine, Linear
from .losses import mse, softmax_cross_entropy
from .mnist import load_mnist
from .module import Module
from .multilayer import mlp
from .optimizers import SGD, AdaGrad, Adam, Momentum, Optimizer
from .pool import AvgPool2d, MaxPool2d
from .sequential import Sequential
from .torch_bridge import from_torch, to_torch
from .training import EpochStats, History, evaluate, fit
from .two_layer_net import TwoLayerNet
from .weights import load_weights, save_weights

__all__ = [
    "SGD",
    "EpochStats",
    "History",
    "TwoLayerNet",
    "AdaGrad",
    "Adam",
    "Affine",
    "AvgPool2d",
    "BatchNorm",
    "Conv2d",
    "Dropout",
    "Flatten",
    "Linear",
    "MaxPool2d",
    "Minibatches",
    "Module",
    "Momentum",
    "Optimizer",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "convnet",
    "datasets",
    "evaluate",
    "fit",
    "from_torch",
    "load_mnist",
    "load_weights",
    "mlp",
    "mse",
    "scalar",
    "textbook",
    "save_weights",
    "softmax_cross_entropy",
    "to_torch",
]
