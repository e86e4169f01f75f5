"""The training loop on a slice of real Fashion-MNIST, schedules, evaluation and Ctrl-C."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn import SGD, Adam, Linear, Module, load_mnist
from nn.multilayer import mlp
from nn.training import evaluate, fit, learning_rate


@pytest.fixture(scope="module")
def fashion_slice():
    (x_train, t_train), (x_test, t_test) = load_mnist()
    return (x_train[:2000], t_train[:2000]), (x_test[:1000], t_test[:1000])


def test_fit_on_a_slice_loss_falls_and_accuracy_beats_chance(fashion_slice):
    train, test = fashion_slice
    model = mlp([784, 64, 10], dtype=np.float32, seed=0)
    lines = []
    history = fit(model, Adam(model.parameters(), lr=2e-3), train, test, epochs=5, batch_size=50, seed=1,
                  on_epoch=lambda e: lines.append(e.line(5)))
    first, last = history.epochs[0], history.epochs[-1]
    assert len(history.epochs) == 5 and not history.interrupted
    assert last.train_loss < 0.6 * first.train_loss  # 200 steps
    assert last.test_acc > 0.7  # chance is 0.1
    assert all(p.dtype == np.float32 for p in model.parameters())
    assert lines[-1].startswith("epoch  5/5  train loss") and "test loss" in lines[-1]
    # The test figures are those evaluate() gives on the final weights.
    loss, acc = evaluate(model, *test)
    assert (loss, acc) == pytest.approx((last.test_loss, last.test_acc), rel=1e-6)


def test_same_seed_same_run(fashion_slice):
    train, _ = fashion_slice
    runs = []
    for _ in range(2):
        model = mlp([784, 16, 10], seed=3)
        fit(model, SGD(model.parameters(), lr=0.1), train, epochs=1, batch_size=100, seed=4)
        runs.append(model.state_dict())
    for key in runs[0]:
        np.testing.assert_array_equal(runs[0][key], runs[1][key])


def test_evaluate_against_numpy():
    layer = Linear(5, 3, seed=0)
    rng = np.random.default_rng(1)
    x, t = rng.random((25, 5)), rng.integers(0, 3, 25)
    scores = x @ layer.W.data + layer.b.data
    log_p = scores - scores.max(1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
    loss, acc = evaluate(layer, x, t, batch_size=7)
    assert loss == pytest.approx(-log_p[np.arange(25), t].mean(), rel=1e-12)
    assert acc == np.mean(scores.argmax(1) == t)
    assert layer.training  # evaluate() puts the mode back


def test_cosine_schedule():
    assert learning_rate(0.2, "constant", 70, 100) == 0.2
    assert learning_rate(0.2, "cosine", 0, 100) == 0.2
    assert learning_rate(0.2, "cosine", 25, 100) == pytest.approx(0.1 * (1 + math.cos(math.pi / 4)))
    assert learning_rate(0.2, "cosine", 100, 100) == pytest.approx(0.0, abs=1e-17)
    with pytest.raises(ValueError, match="unknown schedule 'linear'"):
        fit(Linear(2, 2), SGD([], lr=0.1), (np.ones((2, 2)), np.zeros(2)), schedule="linear")


class _StopsAt(Module):
    """A linear model that raises KeyboardInterrupt (as Ctrl-C does) on its n-th training call."""

    def __init__(self, n):
        super().__init__()
        self.layer = Linear(784, 10, seed=0)
        self.calls, self.n = 0, n

    def forward(self, x):
        if self.training:
            self.calls += 1
            if self.calls == self.n:
                raise KeyboardInterrupt
        return self.layer(x)


def test_ctrl_c_keeps_the_weights_of_the_last_finished_epoch(fashion_slice):
    train, test = fashion_slice
    reference = _StopsAt(n=0)
    fit(reference, SGD(reference.parameters(), lr=0.1), train, epochs=1, batch_size=100, seed=5)
    stopped = _StopsAt(n=20 + 7)  # 20 batches per epoch: interrupted during the second epoch
    history = fit(stopped, SGD(stopped.parameters(), lr=0.1), train, test, epochs=3, batch_size=100, seed=5)
    assert history.interrupted and len(history.epochs) == 1
    for key, value in reference.state_dict().items():
        np.testing.assert_array_equal(stopped.state_dict()[key], value)


def test_fit_with_batchnorm_when_the_last_batch_would_hold_one_example():
    """201 examples in batches of 100: the last one joins the batch before instead of reaching
    BatchNorm alone (which cannot normalise one example in train mode)."""
    from nn import Adam, BatchNorm, Linear, ReLU, Sequential

    rng = np.random.default_rng(0)
    x = rng.standard_normal((201, 4)).astype(np.float32)
    t = (x[:, 0] > 0).astype(int)
    model = Sequential(Linear(4, 8, seed=0, dtype=np.float32), BatchNorm(8), ReLU(),
                       Linear(8, 2, seed=1, dtype=np.float32))
    history = fit(model, Adam(model.parameters(), lr=0.01), (x, t), epochs=2, batch_size=100, seed=0)
    assert len(history.epochs) == 2 and not history.diverged


def test_weights_gone_nan_in_an_epochs_last_step_end_the_run():
    """The loss is computed before each step: a last step that breaks the weights shows only in them."""

    class Poisoning(SGD):
        def step(self):
            super().step()
            self.params[0].data[0, 0] = np.nan

    x, t = np.ones((4, 2)), np.array([0, 1, 0, 1])
    layer = Linear(2, 2, seed=0)
    history = fit(layer, Poisoning(layer.parameters(), lr=0.1), (x, t), epochs=3, batch_size=4)
    assert history.diverged == "the weights became nan or inf during epoch 1" and not history.epochs
