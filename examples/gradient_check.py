"""The textbook's gradient check: backprop against numerical differentiation, per parameter.

As in the book: a ``TwoLayerNet`` (784-50-10), the first three training images, the gradient by
backprop (``network.gradient``, here chainrule's backward pass) and by central differences
(``network.numerical_gradient``), then the mean absolute difference for W1, b1, W2 and b2.
When backprop is right these are about 1e-10 (float64); a wrong gradient shows 1e-3 or more.

Run: ``python examples/gradient_check.py`` (a few seconds: 40,000 weights, two loss evaluations each).
"""

from __future__ import annotations

import numpy as np

from nn import TwoLayerNet, load_mnist


def main() -> dict[str, float]:
    """Print and return the mean absolute difference per parameter."""
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)

    x_batch = x_train[:3]
    t_batch = t_train[:3]

    grad_numerical = network.numerical_gradient(x_batch, t_batch)
    grad_backprop = network.gradient(x_batch, t_batch)

    diffs = {}
    for key in grad_numerical.keys():
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        diffs[key] = float(diff)
        print(key + ":" + str(diff))
    return diffs


if __name__ == "__main__":
    main()
