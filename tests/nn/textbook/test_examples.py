"""The seeds' scripts, run as a reader runs them (a subprocess), print the seeds' numbers.

The expected numbers are derived by hand: price = 100 x 2 x 1.1; d price/d apple = count x tax;
d price/d count = apple x tax; d price/d tax = apple x count; likewise with the oranges added."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
# One BLAS thread: these matrices are small, and other processes may hold the cores.
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _run(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True, env=ENV, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _numbers(line: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", line)]


def test_apple():
    lines = _run("textbook_apple.py").splitlines()
    apple, count, tax = 100, 2, 1.1
    assert [line.split("=")[0] for line in lines] == ["price", "dapple", "dapple_num", "dtax"]
    (price,), (dapple,), (dapple_num,), (dtax,) = (_numbers(line) for line in lines)
    assert price == pytest.approx(apple * count * tax)  # 220
    assert dapple == pytest.approx(count * tax)  # 2.2
    assert dapple_num == apple * tax // 1  # 110 (the script prints int())
    assert dtax == apple * count  # 200


def test_apple_orange():
    lines = _run("textbook_apple_orange.py").splitlines()
    apple, apple_num, orange, orange_num, tax = 100, 2, 150, 3, 1.1
    total = apple * apple_num + orange * orange_num
    assert _numbers(lines[0]) == [pytest.approx(total * tax)]  # 715
    assert _numbers(lines[1]) == [pytest.approx(apple_num * tax), round(apple * tax)]  # 2.2, 110
    assert _numbers(lines[2]) == [pytest.approx(orange_num * tax), round(orange * tax)]  # 3.3, 165
    assert _numbers(lines[3]) == [total, pytest.approx(tax)]  # dtax 650, dapple_price 1.1


def _differences(out: str) -> dict[str, float]:
    found = dict(re.findall(r"^(W1|b1|W2|b2):(\S+)$", out, flags=re.M))
    assert list(found) == ["W1", "b1", "W2", "b2"], out
    return {k: float(v) for k, v in found.items()}


def test_gradient_check_on_the_books_network_is_tiny():
    diffs = _differences(_run("textbook_gradient_check.py", "--seed", "0", "--hidden", "8"))
    # Backprop is exact; central differences (h = 1e-4) and the loss's 1e-7 inside log(y + 1e-7)
    # (about 1e-7 / y ~ 1e-6 of the gradient) leave differences far below the seed's 1e-3..0.4.
    assert all(d < 1e-6 for d in diffs.values()), diffs


def test_gradient_check_with_the_seeds_bug_and_check_layers_naming_it():
    out = _run("textbook_gradient_check.py", "--seed", "0", "--hidden", "8", "--seed-bug")
    diffs = _differences(out)
    # Every parameter looks wrong, as in the seed (W1 0.0398, b1 0.0009, W2 0.393, b2 0.0412).
    assert all(d > 1e-4 for d in diffs.values()), diffs
    headline = next(line for line in out.splitlines() if line.startswith("check_layers"))
    assert "the first wrong layer is layer 4 'lastLayer' (SeedSoftmaxWithLoss): dx is wrong" in headline
    # Divided by N + 1 = 4 instead of N = 3: relative error (1/3 - 1/4) / (1/3 + 1/4) = 1/7.
    assert re.search(r"relative error 0\.14\b", headline)
    assert sum(line.rstrip().endswith(" FAIL") for line in out.splitlines()) == 1


def test_two_layer_net_training_loop_learns():
    out = _run("textbook_two_layer_net.py", "--iters", "200", "--train-size", "2000", "--seed", "0")
    accuracies = [_numbers(line.split("|")[1]) for line in out.splitlines() if line.startswith("train_acc,test_acc|")]
    assert len(accuracies) == 10  # one line per epoch of 2000 / 100 = 20 iterations
    assert accuracies[0][1] < 0.2  # untrained (weights 0.01 x randn): about chance, 0.1
    assert accuracies[-1][1] > 0.6  # 200 SGD steps of lr 0.5 on Fashion-MNIST
    assert "Running time:" in out


def test_train_convnet_runs_the_books_trainer_and_saves_what_it_trained(tmp_path):
    import numpy as np

    from nn import load_mnist
    from nn.textbook import SimpleConvNet

    out = _run("textbook_train_convnet.py", "--epochs", "2", "--train-size", "300", "--seed", "0",
               "--out", str(tmp_path / "params.pkl"))
    lines = out.splitlines()
    losses = [float(line.split(":")[1]) for line in lines if line.startswith("train loss:")]
    assert len(losses) == 2 * 300 // 100  # epochs x (train size / batch size) steps
    assert sum(line.startswith("=== epoch:") for line in lines) == 2
    assert losses[-1] < losses[0]  # Adam steps on the same small set lower the loss
    # The saved parameters are the trained ones: reloaded, they give the printed final accuracy.
    printed = float(next(line for line in lines if line.startswith("test acc:")).split(":")[1])
    network = SimpleConvNet()
    network.load_params(str(tmp_path / "params.pkl"))
    _, (x_test, t_test) = load_mnist(flatten=False)
    assert network.accuracy(x_test[:300], t_test[:300]) == printed
    assert np.isfinite(losses).all()
