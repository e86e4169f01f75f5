"""The textbook recipe on Fashion-MNIST: nn against a hand-written NumPy network, same weights, same shuffles.

Recipe: 784-100-10 ReLU network, initial weights 0.01 * N(0, 1), biases 0, SGD lr 0.1, batch 100,
5 epochs, float64.  Both loops start from the very same arrays and visit the very same batches
(one seeded permutation per epoch); both report each epoch's mean training loss and accuracy over
the batches trained on and the accuracy on the 10,000 test images.

- hand-written: the textbook's layers (Affine, Relu, SoftmaxWithLoss with their own backward
  methods) and its update ``params[key] -= lr * grads[key]``;
- nn: ``Sequential(Linear, ReLU, Linear)`` trained by ``nn.fit`` with ``SGD``, gradients by
  chainrule's backprop.

Prints both test accuracies (they must agree to 0.1 points), both wall times and the ratio
(target: nn at most 0.85x the hand-written time).  Both run with one BLAS thread (see the end).
Run: ``.venv/bin/python bench/train_fashion.py``.
"""

from __future__ import annotations

import time
from collections import OrderedDict

import numpy as np
from threadpoolctl import threadpool_limits

from nn import SGD, Linear, Minibatches, ReLU, Sequential, load_mnist
from nn.training import fit

HIDDEN, LR, EPOCHS, BATCH, SEED = 100, 0.1, 5, 100, 0
REPEATS = 3


# -- the hand-written network, as the textbook writes it ----------------------------------------
class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class SoftmaxWithLoss:
    def forward(self, x, t):
        self.t = t
        shifted = x - x.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        self.y = e / e.sum(axis=1, keepdims=True)
        batch = len(t)
        self.loss = -np.sum(np.log(self.y[np.arange(batch), t] + 1e-7)) / batch
        return self.loss

    def backward(self, dout=1):
        batch = len(self.t)
        dx = self.y.copy()
        dx[np.arange(batch), self.t] -= 1
        return dx / batch


class HandWrittenTwoLayerNet:
    def __init__(self, params):
        self.params = params
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(params["W1"], params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(params["W2"], params["b2"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def gradient(self, x, t):
        self.scores = self.predict(x)
        self.last_layer.forward(self.scores, t)
        dout = self.last_layer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        a1, a2 = self.layers["Affine1"], self.layers["Affine2"]
        return {"W1": a1.dW, "b1": a1.db, "W2": a2.dW, "b2": a2.db}


def train_hand_written(params, train, test, batches, report):
    net = HandWrittenTwoLayerNet(params)
    x_test, t_test = test
    accuracy = 0.0
    for epoch in range(1, EPOCHS + 1):
        loss_sum = correct = 0.0
        for x_batch, t_batch in batches:
            grads = net.gradient(x_batch, t_batch)
            for key in ("W1", "b1", "W2", "b2"):
                net.params[key] -= LR * grads[key]
            loss_sum += net.last_layer.loss * len(t_batch)
            correct += np.sum(net.scores.argmax(axis=1) == t_batch)
        accuracy = float(np.mean(net.predict(x_test).argmax(axis=1) == t_test))
        if report:
            n = len(train[0])
            print(f"  epoch {epoch}: train loss {loss_sum / n:.4f} acc {100 * correct / n:.2f}%, "
                  f"test acc {100 * accuracy:.2f}%")
    return accuracy


def train_nn(params, train, test, batches, report):
    model = Sequential(Linear(784, HIDDEN), ReLU(), Linear(HIDDEN, 10))
    model.load_state_dict({"0.W": params["W1"], "0.b": params["b1"], "2.W": params["W2"], "2.b": params["b2"]})
    history = fit(
        model, SGD(model.parameters(), lr=LR), train, test, epochs=EPOCHS, batches=batches,
        on_epoch=lambda e: report and print(f"  epoch {e.epoch}: train loss {e.train_loss:.4f} acc "
                                            f"{100 * e.train_acc:.2f}%, test acc {100 * e.test_acc:.2f}%"),
    )
    return history.epochs[-1].test_acc


def main() -> None:
    (x_train, t_train), (x_test, t_test) = load_mnist()
    # float64 throughout, as the recipe says (and so neither side pays for mixed-dtype products).
    train, test = (x_train.astype(np.float64), t_train), (x_test.astype(np.float64), t_test)
    rng = np.random.default_rng(SEED)
    initial = {
        "W1": 0.01 * rng.standard_normal((784, HIDDEN)),
        "b1": np.zeros(HIDDEN),
        "W2": 0.01 * rng.standard_normal((HIDDEN, 10)),
        "b2": np.zeros(10),
    }
    sides = {"hand-written NumPy": train_hand_written, "chainrule nn": train_nn}
    accuracies: dict[str, set[float]] = {label: set() for label in sides}
    times: dict[str, list[float]] = {label: [] for label in sides}
    # Alternate the two loops and keep each one's best time: other processes on the machine slow
    # down whichever run they overlap, and the minimum is the least disturbed measurement.
    for repeat in range(REPEATS):
        for label, trainer in sides.items():
            params = {k: v.copy() for k, v in initial.items()}
            batches = Minibatches(*train, batch_size=BATCH, seed=SEED + 1)  # the same shuffles for both
            if repeat == 0:
                print(f"{label}:")
            started = time.perf_counter()
            accuracies[label].add(trainer(params, train, test, batches, report=repeat == 0))
            times[label].append(time.perf_counter() - started)
    print()
    print(f"784-{HIDDEN}-10 ReLU, SGD lr {LR}, batch {BATCH}, {EPOCHS} epochs, float64, same weights and shuffles; "
          f"best of {REPEATS} alternating runs each")
    for label in sides:
        (acc,) = accuracies[label]  # every repeat gives the same accuracy (same weights, same batches)
        best = min(times[label])
        runs = ", ".join(f"{t:.2f}" for t in times[label])
        print(f"{label:<19} test accuracy {100 * acc:.2f}%  {best:.2f} s ({best / EPOCHS:.2f} s/epoch; runs {runs} s)")
    (hand_acc,), (nn_acc,) = accuracies.values()
    ratio = min(times["chainrule nn"]) / min(times["hand-written NumPy"])
    print(f"accuracy gap {100 * abs(hand_acc - nn_acc):.2f} points (target <= 0.1); "
          f"time ratio nn / hand-written {ratio:.2f}x (target <= 0.85x)")


if __name__ == "__main__":
    # One BLAS thread for both loops: with two, a busy machine makes timings swing tenfold.
    with threadpool_limits(limits=1, user_api="blas"):
        main()
