"""The book's ``Trainer`` (chapters 6–7): mini-batch training of a network with the ``params``
/ ``gradient`` / ``loss`` / ``accuracy`` interface, printing as the book does.

``Trainer(network, x_train, t_train, x_test, t_test, epochs=20, mini_batch_size=100,
optimizer='SGD', optimizer_param={'lr': 0.01}, evaluate_sample_num_per_epoch=None,
verbose=True)``; ``train()`` runs ``epochs * (train_size / mini_batch_size)`` steps, each on a
batch drawn with ``np.random.choice``, and at the start of every epoch records the accuracy on
the training set (its first ``evaluate_sample_num_per_epoch`` rows, if given) and the test set
in ``train_acc_list`` / ``test_acc_list``; every step's loss goes to ``train_loss_list``.

Example:
    >>> import numpy as np
    >>> from nn.textbook import TwoLayerNet
    >>> np.random.seed(0)
    >>> x, t = np.random.rand(40, 4), np.random.randint(0, 3, 40)
    >>> trainer = Trainer(TwoLayerNet(4, 6, 3), x, t, x, t, epochs=2, mini_batch_size=10,
    ...                   optimizer="Adam", optimizer_param={"lr": 0.01}, verbose=False)
    >>> trainer.train()
    >>> len(trainer.train_loss_list), len(trainer.test_acc_list)
    (8, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

__all__ = ["Trainer"]

_OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSprop,
    "rmsprpo": RMSprop,  # the book's spelling
    "adam": Adam,
}


class Trainer:
    """Train ``network`` for ``epochs`` (see the module for the arguments)."""

    def __init__(
        self,
        network: Any,
        x_train: np.ndarray,
        t_train: np.ndarray,
        x_test: np.ndarray,
        t_test: np.ndarray,
        epochs: int = 20,
        mini_batch_size: int = 100,
        optimizer: str = "SGD",
        optimizer_param: dict[str, Any] | None = None,
        evaluate_sample_num_per_epoch: int | None = None,
        verbose: bool = True,
    ) -> None:
        name = optimizer.lower()
        if name not in _OPTIMIZERS:
            known = ", ".join(sorted(set(_OPTIMIZERS) - {"rmsprpo"}))
            raise ValueError(f"Trainer: unknown optimizer {optimizer!r}; one of {known}")
        self.network = network
        self.verbose = verbose
        self.x_train, self.t_train = x_train, t_train
        self.x_test, self.t_test = x_test, t_test
        self.epochs = epochs
        self.batch_size = mini_batch_size
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        self.optimizer = _OPTIMIZERS[name](**(optimizer_param if optimizer_param is not None else {"lr": 0.01}))
        self.train_size = np.shape(x_train)[0]
        self.iter_per_epoch = max(self.train_size / mini_batch_size, 1)
        self.max_iter = int(epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list: list[float] = []
        self.train_acc_list: list[float] = []
        self.test_acc_list: list[float] = []

    def train_step(self) -> None:
        """One mini-batch update; at an epoch's start, the accuracies."""
        batch_mask = np.random.choice(self.train_size, self.batch_size)
        x_batch, t_batch = self.x_train[batch_mask], self.t_train[batch_mask]
        grads = self.network.gradient(x_batch, t_batch)
        self.optimizer.update(self.network.params, grads)
        loss = self.network.loss(x_batch, t_batch)
        self.train_loss_list.append(loss)
        if self.verbose:
            print("train loss:" + str(loss))
        if self.current_iter % self.iter_per_epoch == 0:
            self.current_epoch += 1
            x_sample, t_sample = self.x_train, self.t_train
            if self.evaluate_sample_num_per_epoch is not None:
                n = self.evaluate_sample_num_per_epoch
                x_sample, t_sample = self.x_train[:n], self.t_train[:n]
            train_acc = self.network.accuracy(x_sample, t_sample)
            test_acc = self.network.accuracy(self.x_test, self.t_test)
            self.train_acc_list.append(train_acc)
            self.test_acc_list.append(test_acc)
            if self.verbose:
                print(f"=== epoch:{self.current_epoch}, train acc:{train_acc}, test acc:{test_acc} ===")
        self.current_iter += 1

    def train(self) -> None:
        """Every step, then the final test accuracy."""
        for _ in range(self.max_iter):
            self.train_step()
        test_acc = self.network.accuracy(self.x_test, self.t_test)
        if self.verbose:
            print("=============== Final Test Accuracy ===============")
            print("test acc:" + str(test_acc))
