"""``chainrule playground`` end to end (the installed command, in a fresh process), its refusals at
the door, its Ctrl-C path, and the training loop it shares with the example."""

from __future__ import annotations

import numpy as np
import pytest
from mlp_oracle import mlp_point_oracle

import nn.playground
from autograd_core.cli import main
from nn.datasets import moons, yin_yang
from nn.playground import train
from nn.scalar import MLP
from viz.training.page import read_data
from viz.training.table import decode


def test_the_command_writes_a_page_from_the_installed_script(tmp_path, chainrule) -> None:
    result = chainrule("playground", "--data", "moons", "--points", "24", "--hidden", "3,3", "--steps", "4",
                       "--grid", "8", "-o", "pages/train.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "training moons: a 2-3-3-1 MLP on 24 points for 4 steps" in result.stdout
    assert "step 4/4" in result.stdout and "wrote pages/train.html" in result.stdout
    data = read_data((tmp_path / "pages" / "train.html").read_text(encoding="utf-8"))
    assert data["steps"] == 4 and data["title"] == "moons: a 2-3-3-1 MLP"
    # the watched points: the first of each class, on both sides of the boundary
    X, y = moons(24, noise=0.1, seed=0)
    assert [p["index"] for p in data["points"]] == sorted(int(np.flatnonzero(y == c)[0]) for c in (0, 1))


def test_several_classes_train_with_softmax(tmp_path, capsys) -> None:
    out = tmp_path / "yy.html"
    assert main(["playground", "--data", "yin_yang", "--points", "30", "--hidden", "4", "--steps", "3",
                 "--grid", "6", "--watch", "2", "-o", str(out)]) == 0
    data = read_data(out.read_text(encoding="utf-8"))
    assert data["loss_name"] == "softmax" and data["plane"]["classes"] == [0, 1, 2]
    assert [p["index"] for p in data["points"]] == [2]


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--hidden", "4,x"], "--hidden: expected sizes like 8 or 16,16, got '4,x'"),
        (["--hidden", "0"], "--hidden: one to four layers of 1 to 64 neurons"),
        (["--hidden", "100"], "--hidden: one to four layers of 1 to 64 neurons"),
        (["--points", "1"], "--points must be between 2 and 2000, got 1"),
        (["--data", "yin_yang", "--points", "2"], "--points must be between 3 and 2000, got 2"),
        (["--steps", "0"], "--steps must be between 1 and 1000, got 0"),
        (["--noise", "-1"], "--noise must be a finite number >= 0, got -1"),
        (["--lr", "nan"], "--lr must be a finite number > 0, got nan"),
        (["--alpha", "-0.5"], "--alpha must be a finite number >= 0"),
        (["--seed", "-2"], "--seed must be 0 or more, got -2"),
        (["--grid", "1"], "--grid must be between 2 and 200, got 1"),
        (["--watch", "5,x"], "--watch: expected point indices like 0,17, got '5,x'"),
        (["--watch", "100"], "--watch 100: not the index of one of the 100 points (0 to 99)"),
        (["--data", "squares"], "argument --data: invalid choice: 'squares'"),
        (["-o", "train.png"], "-o train.png: the page is HTML; give a name ending in .html"),
        (["-o", "/proc/train.html"], "-o /proc/train.html: cannot write in /proc"),
        (["--hidden", "40,40"], "the graph of one point has"),
    ],
)
def test_bad_flags_exit_2_with_one_line_before_any_work(flags, words, capsys) -> None:
    assert main(["playground", *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("chainrule playground: error: "), err
    assert words in err[0], err[0]


def test_ctrl_c_writes_the_steps_so_far_and_exits_130(tmp_path, capsys, monkeypatch) -> None:
    real = nn.playground.margin_loss
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(nn.playground, "margin_loss", interrupted)
    out = tmp_path / "stopped.html"
    flags = ["--points", "12", "--hidden", "2", "--steps", "10", "--grid", "4", "-o", str(out)]
    assert main(["playground", *flags]) == 130
    assert "interrupted after 3 steps" in capsys.readouterr().out
    assert read_data(out.read_text(encoding="utf-8"))["steps"] == 3


def test_the_loop_is_micrograds_demo_loop() -> None:
    """Each step: the mean max-margin loss plus alpha * sum(w^2), full batch, w -= rate * grad with
    the rate falling from lr to lr/10; checked against the loss and update written out by hand."""
    X, y = moons(10, noise=0.1, seed=3)
    t = 2.0 * y - 1.0
    model = MLP(2, [3, 1], seed=4)
    before = np.array([p.data for p in model.parameters()])
    history = train(model, X, t, steps=2, lr=0.5, alpha=0.01)
    scores = [mlp_point_oracle(before, [2, 3, 1], x, 1.0)[("layer2/neuron0", "sum2")][0] for x in X]
    expected = np.mean(np.maximum(0.0, 1.0 - t * np.array(scores))) + 0.01 * np.sum(before ** 2)
    assert history[0][0] == pytest.approx(expected, rel=1e-12)
    assert history[0][1] == pytest.approx(np.mean((np.array(scores) > 0) == (t > 0)))


def test_the_page_of_the_command_carries_what_the_loop_printed(tmp_path, capsys) -> None:
    out = tmp_path / "printed.html"
    assert main(["playground", "--points", "16", "--hidden", "2", "--steps", "5", "--grid", "4", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    data = read_data(out.read_text(encoding="utf-8"))
    last = printed.split("step 5/5  loss ")[1].split()[0]
    assert f"{data['loss'][-1]:.4f}" == last
    assert np.isfinite(decode(data["numbers"])["weights"]).all()


def test_yin_yang_is_learnable_by_the_default_recipe() -> None:
    X, y = yin_yang(60, seed=0)
    model = MLP(2, [8, 3], seed=0)
    history = train(model, X, y, steps=30)
    assert history[-1][0] < history[0][0]
