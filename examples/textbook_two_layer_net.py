"""The seed's training loop for the book's layered TwoLayerNet (chapter 5): mini-batch SGD with
the gradient by backprop through the layers, accuracy on the training and test sets once per
epoch.  Only the import lines are new (and ``time.perf_counter``, as ``time.clock`` is gone).

Run: ``python examples/textbook_two_layer_net.py`` (the seed's 10,000 iterations; ``--iters`` and
``--train-size`` for a shorter run, ``-o curves.png`` to plot the accuracies).
"""

import argparse
import time

import numpy as np

from nn import load_mnist
from nn.textbook import TwoLayerNet


def main(iters_num: int = 10000, train_limit: int | None = None, output: str | None = None) -> list:
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=True, normalize=True, one_hot_label=True)
    if train_limit is not None:
        x_train, t_train = x_train[:train_limit], t_train[:train_limit]

    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.5

    network = TwoLayerNet(input_size=784, hidden_size=100, output_size=10)

    train_loss_list = []
    train_acc_list = []
    test_acc_list = []
    iter_per_epoch = max(train_size / batch_size, 1)

    start = time.perf_counter()
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]

        grad = network.gradient(x_batch, t_batch)

        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]

        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)

        if i % iter_per_epoch == 0:
            train_acc = network.accuracy(x_train, t_train)
            test_acc = network.accuracy(x_test, t_test)
            train_acc_list.append(train_acc)
            test_acc_list.append(test_acc)
            print("train_acc,test_acc|", train_acc, ",", test_acc)
    end = time.perf_counter()
    print("Running time:", str(end - start))

    if output is not None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5, 4))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        x = np.arange(len(train_acc_list))
        ax.plot(x, train_acc_list, label="train acc", marker="o")
        ax.plot(x, test_acc_list, label="test acc", marker="x", linestyle="--")
        ax.set(xlabel="epochs", ylabel="accuracy", ylim=(0, 1.0))
        ax.legend(loc="lower right")
        fig.savefig(output)
        print("wrote", output)
    return test_acc_list


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iters", type=int, default=10000, help="number of updates (the seed's 10000)")
    parser.add_argument("--train-size", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--seed", type=int, default=None, help="np.random.seed for weights and batches")
    parser.add_argument("-o", "--output", default=None, help="plot the accuracies to this PNG")
    args = parser.parse_args()
    if args.seed is not None:
        np.random.seed(args.seed)
    main(args.iters, args.train_size, args.output)
