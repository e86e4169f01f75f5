"""The book's Trainer: as many steps and epoch evaluations as its arithmetic says, each step an
optimizer update of the network's params, and the evaluation sample limited as asked."""

from __future__ import annotations

import numpy as np
import pytest

from nn.textbook import SGD, Trainer, TwoLayerNet


def _setup(n=50):
    np.random.seed(0)
    x, t = np.random.rand(n, 4), np.random.randint(0, 3, n)
    return TwoLayerNet(4, 6, 3, weight_init_std=0.5), x, t


def test_steps_epochs_and_printing(capsys):
    net, x, t = _setup()
    trainer = Trainer(net, x, t, x[:10], t[:10], epochs=3, mini_batch_size=20, optimizer="sgd",
                      optimizer_param={"lr": 0.1}, evaluate_sample_num_per_epoch=5)
    trainer.train()
    # 50 / 20 = 2.5 iterations per epoch: int(3 * 2.5) = 7 steps; epochs start at steps 0 and 5
    # (the book counts an epoch when current_iter % 2.5 == 0).
    assert trainer.max_iter == 7 and len(trainer.train_loss_list) == 7
    assert len(trainer.train_acc_list) == 2
    assert all(acc in {0.0, 0.2, 0.4, 0.6, 0.8, 1.0} for acc in trainer.train_acc_list)  # 5 samples
    out = capsys.readouterr().out
    assert out.count("train loss:") == 7 and "=== epoch:1, train acc:" in out
    assert out.rstrip().split("\n")[-1].startswith("test acc:")


def test_each_step_is_one_optimizer_update():
    net, x, t = _setup()
    trainer = Trainer(net, x, t, x, t, epochs=1, mini_batch_size=50, optimizer="SGD", optimizer_param={"lr": 0.3},
                      verbose=False)
    np.random.seed(5)
    mask = np.random.choice(50, 50)
    expected = {k: v.copy() for k, v in net.params.items()}
    SGD(lr=0.3).update(expected, _setup()[0].gradient(x[mask], t[mask]))
    np.random.seed(5)
    trainer.train_step()
    for key in expected:
        np.testing.assert_allclose(net.params[key], expected[key], rtol=1e-12)


def test_unknown_optimizer_is_named():
    net, x, t = _setup()
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'"):
        Trainer(net, x, t, x, t, optimizer="adamw")
