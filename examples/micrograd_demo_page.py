"""micrograd's demo, watched: its 2-16-16-1 MLP learning the two moons, written as a training page.

This is the training loop of micrograd's demo notebook (an SVM-style max-margin loss over the
whole set, a little L2 on the weights, plain gradient descent with the rate falling from 1.0 to
0.1), with its model taken from ``nn.scalar`` (micrograd's ``MLP`` on chainrule's ``Value``) and
its data from ``nn.datasets``.  Two lines are added to it, marked ``# added``: one makes the page
before the loop, one records each step after its update; the last step's record writes the page.

Open the page in any browser (no server, no network): the data and the decision boundary at each
step, the loss and the accuracy, the graph of points 0 and 17 with every value and gradient, the
weights with their gradients and updates.

Run: ``python examples/micrograd_demo_page.py`` (``-o out/train.html`` to choose the file,
``--steps 20`` for a shorter run).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

import viz
from autograd_core import Value
from nn.datasets import moons
from nn.scalar import MLP


def main(output: str = "train.html", steps: int = 100, hidden: tuple[int, ...] = (16, 16), points: int = 100,
         watch: tuple[int, ...] = (0, 17)) -> Path:
    """Train as micrograd's demo does and write the page to ``output``; returns its path."""
    np.random.seed(1337)
    random.seed(1337)

    X, y = moons(points, noise=0.1, seed=1337)
    y = y * 2 - 1  # labels -1 and +1, as the max-margin loss wants them

    model = MLP(2, [*hidden, 1])  # micrograd's MLP: ReLU hidden layers, a linear output
    print(model)
    print("number of parameters", len(model.parameters()))

    def loss(batch_size=None):
        # the whole set, or a random batch of it
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model on every point
        scores = list(map(model, inputs))

        # max-margin loss, averaged, plus L2 regularisation
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss

        # how many points are on the right side
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    page = viz.TrainingPage(model, X, y, watch=list(watch), steps=steps, save=output)  # added
    for k in range(steps):
        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (gradient descent)
        learning_rate = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        page.record(total_loss)  # added: the last step's record writes the page

        if k % 10 == 0 or k == steps - 1:
            print(f"step {k} loss {total_loss.data}, accuracy {acc * 100}%")
    print(f"wrote {output}")
    return Path(output)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="train.html", help="the page to write (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=100, help="training steps (default: %(default)s)")
    arguments = parser.parse_args()
    main(arguments.output, arguments.steps)
