"""What ``chainrule train --model NAME`` trains: the network for each model and its recipe's defaults.

- ``mlp``: a multi-layer perceptron on 784-value rows (``--hidden`` sizes, ``--activation``,
  ``--dropout``), 20 epochs of Adam at 1e-3 with cosine decay.
- ``cnn``: the textbook's SimpleConvNet on 1x28x28 images (conv 30x5x5 - ReLU - max-pool 2x2 -
  affine ``--hidden`` - BatchNorm - ReLU - affine 10), float32; see ``CNN_RECIPE`` for the epochs
  and learning rate.

A flag the user leaves out takes the model's value from :data:`RECIPES`; one given is used as is.

Example:
    >>> import argparse
    >>> args = argparse.Namespace(model="cnn", hidden=None, epochs=None, lr=None)
    >>> fill_defaults(args); args.hidden
    '100'
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

MODELS = ("mlp", "cnn")
# The cnn recipe: a few epochs, a higher learning rate (the hidden layer's BatchNorm keeps it stable),
# cosine decay to 0.  (A BatchNorm after the convolution too costs a quarter more time per step and
# gave no better accuracy: 91.99% against 92.28% after 4 epochs, seed 0.)
CNN_RECIPE = {"hidden": "100", "epochs": 4, "lr": 3e-3}
RECIPES: dict[str, dict[str, Any]] = {
    "mlp": {"hidden": "256", "epochs": 20, "lr": 1e-3},
    "cnn": CNN_RECIPE,
}

#: The fewest images a training batch (and so the training set) may hold, and why: the cnn's
#: BatchNorm normalises each feature of its hidden layer over the batch, which takes two images
#: at least (PyTorch: "Expected more than 1 value per channel when training").  Checked before any
#: data is read; a last batch of one never happens (it joins the batch before, see nn.batches).
MIN_BATCH: dict[str, tuple[int, str]] = {
    "mlp": (1, "each gradient step averages the loss over a batch of images"),
    "cnn": (2, "the cnn model's BatchNorm normalises each feature over the batch"),
}


def fill_defaults(args: argparse.Namespace) -> None:
    """Give every recipe flag left out (absent or ``None``) the value of ``args.model``'s recipe, and
    refuse the flags the model cannot use (a ValueError naming the flag)."""
    model = getattr(args, "model", "mlp")
    if model not in RECIPES:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, got {model!r}")
    args.model = model
    for flag, value in RECIPES[model].items():
        if getattr(args, flag, None) is None:
            setattr(args, flag, value)
    if model == "cnn":  # checked here, before any data is loaded
        sizes = [part for part in str(args.hidden).split(",") if part.strip()]
        if len(sizes) != 1:
            raise ValueError(f"--hidden: the cnn model has one hidden affine layer, one size (got {args.hidden!r})")
        if getattr(args, "activation", "relu") != "relu":
            raise ValueError(f"--activation: the cnn model uses relu, got {args.activation!r}")
        if getattr(args, "dropout", 0.0):
            raise ValueError(f"--dropout: the cnn model has no dropout, got {args.dropout!r}")


def cnn_parameter_count(hidden: int, side: int = 28) -> int:
    """Weights and biases of the cnn model on ``side``x``side`` images (checked before any data is read).

    >>> cnn_parameter_count(100)
    434090
    """
    filters, kernel, pool = 30, 5, 2
    pooled = (side - kernel + 1) // pool
    conv = filters * kernel * kernel + filters
    hidden_layer = filters * pooled * pooled * hidden + hidden + 2 * hidden  # affine + BatchNorm's gamma, beta
    return conv + hidden_layer + hidden * 10 + 10


def build_model(
    args: argparse.Namespace, x_train: np.ndarray, x_test: np.ndarray, hidden: list[int], dtype: np.dtype
) -> tuple[Any, np.ndarray, np.ndarray, str]:
    """The network ``args.model`` names, the images in the shape it reads, and its one-line description.
    A training set smaller than the model's :data:`MIN_BATCH` is a ``ValueError``.

    >>> args = argparse.Namespace(model="cnn", activation="relu", dropout=0.0, seed=0)
    >>> _, x, _, text = build_model(args, np.zeros((2, 784), np.float32), np.zeros((1, 784), np.float32), [100],
    ...                             np.dtype(np.float32))
    >>> x.shape, text
    ((2, 1, 28, 28), 'SimpleConvNet conv30x5x5-ReLU-pool2-100-BN-ReLU-10')
    >>> build_model(argparse.Namespace(model="mlp"), np.zeros((0, 784)), np.zeros((1, 784)), [4], np.dtype(float))
    Traceback (most recent call last):
    ...
    ValueError: --model mlp: the training set holds 0 image(s); each gradient step ... which takes at least 1
    """
    least, why = MIN_BATCH[args.model]
    if len(x_train) < least:
        raise ValueError(f"--model {args.model}: the training set holds {len(x_train)} image(s); {why}, "
                         f"which takes at least {least}")
    if args.model == "mlp":
        from .multilayer import mlp  # looked up at call time, so tests may replace it

        sizes = [x_train.shape[1], *hidden, 10]
        model = mlp(sizes, activation=args.activation, dropout=args.dropout, dtype=dtype, seed=args.seed)
        return model, x_train, x_test, f"{'-'.join(map(str, sizes))} {args.activation} MLP"
    from .convnet import convnet

    side = int(round(np.sqrt(x_train.shape[1])))
    if side * side != x_train.shape[1]:
        raise ValueError(f"--model cnn: images of {x_train.shape[1]} values are not square")
    model = convnet((1, side, side), hidden=hidden[0], batchnorm="hidden", dtype=dtype, seed=args.seed)
    images = (x_train.reshape(-1, 1, side, side), x_test.reshape(-1, 1, side, side))
    return model, *images, f"SimpleConvNet conv30x5x5-ReLU-pool2-{hidden[0]}-BN-ReLU-10"
