"""The book's gradient check (chapter 5) on its layered TwoLayerNet: backprop against numerical
differentiation, the mean absolute difference per parameter.  Only the import lines are new.

A correct network prints differences around 1e-10 (W1, b1, W2) and 1e-7 (b2: the loss's
``log(y + 1e-7)``, which backprop does not differentiate).

``--seed-bug`` runs the check as the seed did and gets its figures' size (W1 0.04, b1 0.0009,
W2 0.39, b2 0.04): raw 0-255 pixels and a ``SoftmaxWithLoss`` whose backward divides by
``batch_size + 1``.  The differences say something is wrong, not where; the last lines show
``check_layers`` naming the layer.

Run: ``python examples/textbook_gradient_check.py [--seed-bug] [--hidden 50] [--seed 0]`` (a few
seconds: 40,000 weights, two loss evaluations each).
"""

import argparse

import numpy as np

from nn import load_mnist
from nn.textbook import SoftmaxWithLoss, TwoLayerNet, check_layers


class SeedSoftmaxWithLoss(SoftmaxWithLoss):
    """The seed's slip: the gradient is divided by one row too many."""

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        return (self.y - self.t) / (batch_size + 1)


def main(seed_bug: bool = False, hidden_size: int = 50) -> dict:
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=not seed_bug, one_hot_label=True)

    network = TwoLayerNet(input_size=784, hidden_size=hidden_size, output_size=10)
    if seed_bug:
        network.lastLayer = SeedSoftmaxWithLoss()

    x_batch = x_train[:3]
    t_batch = t_train[:3]

    grad_numerical = network.numerical_gradient(x_batch, t_batch)
    grad_backprop = network.gradient(x_batch, t_batch)

    diffs = {}
    for key in grad_numerical.keys():
        diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
        diffs[key] = float(diff)
        print(key + ":" + str(diff))

    if seed_bug:
        print()
        print(check_layers(network, x_batch, t_batch))
    return diffs


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed-bug", action="store_true", help="raw pixels and the seed's wrong SoftmaxWithLoss")
    parser.add_argument("--seed", type=int, default=None, help="np.random.seed for the initial weights")
    parser.add_argument("--hidden", type=int, default=50, help="hidden units (the book's 50; fewer is faster)")
    args = parser.parse_args()
    if args.seed is not None:
        np.random.seed(args.seed)
    main(args.seed_bug, args.hidden)
