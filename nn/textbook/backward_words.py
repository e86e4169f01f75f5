"""What each of the book's layers sends back, in words: the hand-written ``backward`` of
``Affine``, ``Relu``, ``SoftmaxWithLoss``, ... said as the engine's op records say a
vector-Jacobian product (``dout`` is the upstream gradient the layer receives).

A layer of another class (a reader's own) reads ``backward(dout)``; a subclass of a book layer
reads as its book class does (``check_layers`` says whether it really computes that).

>>> from nn.textbook import Affine
>>> import numpy as np
>>> backward_words(Affine(np.zeros((3, 2)), np.zeros(2)))
{'dx': 'dout @ Wᵀ', 'dW': 'xᵀ @ dout', 'db': 'dout summed over the batch, axis 0'}
"""

from __future__ import annotations

from typing import Any

__all__ = ["BACKWARD_WORDS", "LAYER_SYMBOLS", "backward_words", "layer_symbol"]

#: The book's layers by class name: each output of ``backward`` (``dx``, and the parameter
#: gradients it leaves on the layer) and what it is.
BACKWARD_WORDS: dict[str, dict[str, str]] = {
    "MulLayer": {"dx": "dout × y", "dy": "dout × x"},
    "AddLayer": {"dx": "dout", "dy": "dout"},
    "Relu": {"dx": "dout where x > 0, else 0"},
    "Sigmoid": {"dx": "dout ⊙ out ⊙ (1 − out)"},
    "Affine": {"dx": "dout @ Wᵀ", "dW": "xᵀ @ dout", "db": "dout summed over the batch, axis 0"},
    "SoftmaxWithLoss": {"dx": "dout (y − t) / N, with y = softmax(x)"},
    "Dropout": {"dx": "dout ⊙ mask"},
    "BatchNormalization": {"dx": "γ/σ ⊙ (dout − mean dout − x̂ ⊙ mean(dout ⊙ x̂))",
                           "dgamma": "(dout ⊙ x̂) summed over the batch", "dbeta": "dout summed over the batch"},
    "Convolution": {"dx": "col2im(dout @ Wᵀ)", "dW": "im2col(x)ᵀ @ dout",
                    "db": "dout summed over the batch and positions"},
    "Pooling": {"dx": "dout to the position of each window's max"},
}


def backward_words(layer: Any) -> dict[str, str]:
    """What ``layer.backward`` sends back, output by output (``{"dx": ...}``), from its class or
    the nearest book class it derives from; ``{"dx": "backward(dout)"}`` for any other layer."""
    for cls in type(layer).__mro__:
        words = BACKWARD_WORDS.get(cls.__name__)
        if words is not None:
            return dict(words)
    return {"dx": "backward(dout)"}


#: How a diagram draws each book layer's computation, in its op's small box.
LAYER_SYMBOLS: dict[str, str] = {
    "MulLayer": "×", "AddLayer": "+", "Relu": "relu", "Sigmoid": "σ", "Affine": "x@W+b",
    "SoftmaxWithLoss": "softmax CE", "Dropout": "dropout", "BatchNormalization": "BN", "Convolution": "conv",
    "Pooling": "pool",
}


def layer_symbol(layer: Any) -> str:
    """The symbol of ``layer``'s computation (its book class's; another class: its name).

    >>> from nn.textbook import SoftmaxWithLoss
    >>> layer_symbol(SoftmaxWithLoss())
    'softmax CE'
    """
    for cls in type(layer).__mro__:
        if cls.__name__ in LAYER_SYMBOLS:
            return LAYER_SYMBOLS[cls.__name__]
    return type(layer).__name__
