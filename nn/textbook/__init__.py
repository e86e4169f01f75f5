"""The textbook's own API (Deep Learning from Scratch, chapters 4–7), in plain NumPy.

The book's classes and functions under their own names and with their own behaviour, so a
reader's script runs with only the import changed (``from nn.textbook import ...``):
``MulLayer``, ``AddLayer``, ``Relu`` (and ``ReLU``), ``Sigmoid``, ``Affine``, ``SoftmaxWithLoss``, ``Dropout``,
``BatchNormalization``, ``Convolution``, ``Pooling``; the networks ``simpleNet``,
``TwoLayerNet`` (built from layers), ``MultiLayerNet`` (weight decay), ``MultiLayerNetExtend``
and ``SimpleConvNet``; the optimizers ``SGD``, ``Momentum``, ``Nesterov``, ``AdaGrad``,
``RMSprop``, ``Adam`` (``update(params, grads)``) and the ``Trainer``; the functions
``numerical_diff``, ``numerical_gradient``, ``gradient_descent``, ``softmax``,
``cross_entropy_error``, ``sigmoid``, ``sigmoid_grad``, ``im2col``, ``col2im``.
``layers_backprop`` steps through the layered network's backward one layer at a time, in the
engine's stepper's words and states (``viz.draw`` draws it); ``check_layers`` checks every
hand-written layer's ``backward`` against central differences of
its ``forward`` and names the first wrong one; ``check_model`` (the engine's, which learns the
book's models when this package is imported) checks a network's gradient per parameter and
explains the book's ``1e-7`` and a parameter the loss never reads.

Example:
    >>> from nn.textbook import MulLayer
    >>> mul = MulLayer()
    >>> mul.forward(100, 2), mul.backward(1)
    (200, (2, 100))
"""

from autograd_core import check_model

from .batch_norm import BatchNormalization
from .check import check_layer, check_layers
from .check_report import LayerReport, LayerRow
from .conv_layers import Convolution, Pooling
from .functions import (
    cross_entropy_error,
    identity_function,
    mean_squared_error,
    relu,
    sigmoid,
    sigmoid_grad,
    softmax,
    step_function,
)
from .gradient import gradient_descent, numerical_diff, numerical_gradient
from .im2col import col2im, im2col
from .layers import Affine, Dropout, ReLU, Relu, Sigmoid, SoftmaxWithLoss
from .layers_backprop import LayersBackprop, LayerStep, layers_backprop
from .model_check import read_textbook_model
from .multi_layer_net import MultiLayerNet, MultiLayerNetExtend
from .optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from .simple_conv_net import SimpleConvNet
from .simple_layers import AddLayer, MulLayer
from .simple_net import simpleNet
from .trainer import Trainer
from .two_layer_net import TwoLayerNet

__all__ = [
    "SGD",
    "AdaGrad",
    "Adam",
    "AddLayer",
    "Affine",
    "BatchNormalization",
    "Convolution",
    "Dropout",
    "LayerReport",
    "LayerStep",
    "LayersBackprop",
    "LayerRow",
    "Momentum",
    "MulLayer",
    "MultiLayerNet",
    "MultiLayerNetExtend",
    "Nesterov",
    "Pooling",
    "ReLU",
    "RMSprop",
    "Relu",
    "Sigmoid",
    "SimpleConvNet",
    "SoftmaxWithLoss",
    "Trainer",
    "TwoLayerNet",
    "check_layer",
    "check_layers",
    "check_model",
    "col2im",
    "cross_entropy_error",
    "gradient_descent",
    "identity_function",
    "im2col",
    "layers_backprop",
    "mean_squared_error",
    "numerical_diff",
    "numerical_gradient",
    "read_textbook_model",
    "relu",
    "sigmoid",
    "sigmoid_grad",
    "simpleNet",
    "softmax",
    "step_function",
]
