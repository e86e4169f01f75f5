"""The textbook's two-layer network and training loop, on Fashion-MNIST, with chainrule's backprop.

The loop below is the book's (chapter 4, with chapter 5's backprop gradient), unchanged except
for the import lines: ``TwoLayerNet`` and ``load_mnist`` come from ``nn``.  The book shows the
curves with ``plt.show()``; here they are written to a PNG.

Run: ``python examples/two_layer_net.py`` (about 20 s; ``--iters 2000`` for a shorter run,
``-o curves.png`` to choose where the plot goes).
"""

from __future__ import annotations

import argparse

import numpy as np
from threadpoolctl import threadpool_limits

from nn import TwoLayerNet, load_mnist


def main(iters_num: int = 10000, output: str = "two_layer_net.png") -> float:
    """Train as the book does; returns the final test accuracy."""
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)

    batch_size = 100
    learning_rate = 0.1
    train_loss_list = []
    train_acc_list = []
    test_acc_list = []
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)

    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)

    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grad = network.gradient(x_batch, t_batch)  # backprop (network.numerical_gradient is far slower)

        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)
            print(f"iteration {i:>5}  loss {loss:.4f}  train acc {train_acc:.4f}  test acc {test_acc:.4f}")

    test_acc = network.accuracy(x_test, t_test)
    print(f"after {iters_num} iterations: test accuracy {test_acc:.4f}")
    _plot(train_loss_list, train_acc_list, test_acc_list, output)
    print(f"wrote {output}")
    return test_acc


def _plot(train_loss_list: list, train_acc_list: list, test_acc_list: list, output: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4))
    FigureCanvasAgg(fig)
    loss_ax, acc_ax = fig.subplots(1, 2)
    loss_ax.plot(np.arange(len(train_loss_list)), train_loss_list, linewidth=0.5)
    loss_ax.set(xlabel="iteration", ylabel="loss", ylim=(0, None))
    epochs = np.arange(len(train_acc_list))
    acc_ax.plot(epochs, train_acc_list, marker="o", label="train acc")
    acc_ax.plot(epochs, test_acc_list, marker="s", linestyle="--", label="test acc")
    acc_ax.set(xlabel="epochs", ylabel="accuracy", ylim=(0, 1.0))
    acc_ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(output)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iters", type=int, default=10000, help="number of updates (the book's 10000)")
    parser.add_argument("-o", "--output", default="two_layer_net.png", help="where to write the curves (PNG)")
    args = parser.parse_args()
    # One BLAS thread: as fast for these small matrices, and steady when other programs are running.
    with threadpool_limits(limits=1, user_api="blas"):
        main(args.iters, args.output)
