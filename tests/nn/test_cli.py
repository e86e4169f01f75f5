"""``chainrule train`` end to end on a slice of Fashion-MNIST, and its Ctrl-C path."""

from __future__ import annotations

import numpy as np
import pytest

import nn.multilayer
from autograd_core.cli import main
from nn import Module
from nn.multilayer import mlp
from nn.weights import load_weights


def test_train_writes_weights_and_curves(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["train", "--hidden", "32", "--epochs", "2", "--limit", "2000", "--batch-size", "50",
                   "--no-progress", "--out", str(out)])
    text = capsys.readouterr().out
    assert status == 0
    assert "training 784-32-10 relu MLP (float32) on 2000 images" in text
    assert "epoch  2/2" in text and "test accuracy" in text
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = (out / "history.csv").read_text().splitlines()
    assert rows[0] == "epoch,train_loss,train_acc,test_loss,test_acc,seconds,lr" and len(rows) == 3
    assert f"{float(rows[2].split(',')[4]) * 100:.2f}%" in text  # the last epoch's test accuracy, as printed
    model = mlp([784, 32, 10], dtype=np.float32)
    load_weights(model, out / "weights.npz")
    accuracy = float(text.split("test accuracy ")[1].split("%")[0])
    assert accuracy > 50  # 80 steps on 2,000 images; chance is 10%


def test_bad_options_are_reported(capsys):
    assert main(["train", "--hidden", "12,x"]) == 2
    assert "--hidden: expected sizes like 256 or 512,256, got '12,x'" in capsys.readouterr().err
    assert main(["train", "--epochs", "0"]) == 2
    assert main(["train", "--data", "/nonexistent"]) == 2
    assert "/nonexistent" in capsys.readouterr().err
    assert main(["train", "--dropout", "1.5", "--limit", "10"]) == 2
    assert "--dropout must be a finite number with 0 <= dropout < 1, got 1.5" in capsys.readouterr().err
    assert main(["train", "--lr", "-1", "--limit", "10"]) == 2
    assert "--lr must be a finite number with 0 < lr < inf, got -1" in capsys.readouterr().err


def test_ctrl_c_saves_the_last_finished_epoch(tmp_path, capsys, monkeypatch):
    class Interrupting(Module):
        def __init__(self, inner):
            super().__init__()
            self.inner, self.calls = inner, 0

        def forward(self, x):
            if self.training:
                self.calls += 1
                if self.calls == 25:  # 20 batches per epoch: Ctrl-C during epoch 2
                    raise KeyboardInterrupt
            return self.inner(x)

    monkeypatch.setattr(nn.multilayer, "mlp", lambda *a, **k: Interrupting(mlp(*a, **k)))
    out = tmp_path / "stopped"
    status = main(["train", "--hidden", "8", "--epochs", "5", "--limit", "2000", "--no-progress", "--out", str(out)])
    text = capsys.readouterr().out
    assert status == 130
    assert "interrupted: keeping the weights of epoch 1" in text
    assert (out / "weights.npz").exists() and (out / "curves.png").exists()


def test_a_real_sigint_stops_cleanly(tmp_path):
    """Ctrl-C as the terminal sends it: SIGINT to the running command, mid-training."""
    import re
    import signal
    import subprocess
    import sys

    out = tmp_path / "sigint"
    command = [sys.executable, "-m", "autograd_core.cli", "train", "--hidden", "16", "--epochs", "100000",
               "--limit", "1000", "--no-progress", "--out", str(out)]
    # SIGINT back to its default action in the child: a shell running us in the background ignores it.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("epoch  3/"):
            process.send_signal(signal.SIGINT)
            break
    rest, errors = process.communicate(timeout=60)
    text = "".join(lines) + rest
    assert process.returncode == 130, errors
    kept = int(re.search(r"interrupted: keeping the weights of epoch (\d+)", text).group(1))
    assert kept >= 3
    last_line = [line for line in text.splitlines() if line.startswith(f"epoch {kept:>2}/")][0]
    assert re.search(r"test loss [\d.]+ acc ([\d.]+)%", last_line).group(1) in text.split("test accuracy ")[1]
    model = mlp([784, 16, 10], dtype=np.float32)
    load_weights(model, out / "weights.npz")


# -- bad flags, files and runs: one line on stderr, exit 2 (1 for a diverged run), no traceback -----
BAD_FLAGS = [
    (["--dropout", "-0.5"], "--dropout must be a finite number with 0 <= dropout < 1, got -0.5"),
    (["--dropout", "nan"], "--dropout must be a finite number"),
    (["--dropout", "1"], "--dropout must be a finite number"),
    (["--lr", "inf"], "--lr must be a finite number with 0 < lr < inf, got inf"),
    (["--lr", "nan"], "--lr must be a finite number"),
    (["--lr", "0"], "--lr must be a finite number"),
    (["--epochs", "0"], "--epochs must be at least 1"),
    (["--batch-size", "-3"], "--batch-size must be at least 1"),
    (["--limit", "0"], "--limit must be at least 1"),
    (["--seed", "-1"], "--seed must be at least 0"),
    (["--hidden", "0"], "--hidden: sizes must be positive"),
    # 784*100000 + 100000*100000 + 100000*10 weights and the biases: counted by hand.
    (["--hidden", "100000,100000"], f"{784 * 100000 + 100000 * 100000 + 100000 * 10 + 200010:,} parameters"),
    (["--hidden", "100", "--max-params", "1000"], "more than --max-params 1,000"),
]


@pytest.mark.parametrize(("flags", "message"), BAD_FLAGS)
def test_every_flag_is_checked_before_the_data_is_read(flags, message, tmp_path, monkeypatch, capsys):
    import nn.mnist

    def no_loading(*args, **kwargs):
        raise AssertionError("the data was read before the flags were checked")

    monkeypatch.setattr(nn.mnist, "load_mnist", no_loading)
    status = main(["train", *flags, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("chainrule train: error: ") and message in err, err
    assert not (tmp_path / "out").exists()


def test_the_output_folder_is_checked_before_training(tmp_path, tiny_dataset, chainrule, one_line_error):
    data = tiny_dataset(tmp_path / "data")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    one_line_error(chainrule("train", "--data", str(data), "--out", str(a_file)), 2, "is a file, not a folder")
    under = a_file / "run"
    one_line_error(chainrule("train", "--data", str(data), "--out", str(under)), 2, f"{a_file} is a file")
    assert a_file.read_text() == "not a folder"


def test_an_unreadable_data_folder_is_one_line(tmp_path, tiny_dataset, chainrule, one_line_error):
    data = tiny_dataset(tmp_path / "data")
    (data / "train-images-idx3-ubyte").write_bytes(b"PK\x03\x04 a zip, not images")
    out = tmp_path / "out"
    result = chainrule("train", "--data", str(data), "--out", str(out))
    one_line_error(result, 2, "--data: ", "train-images-idx3-ubyte: bad magic number")
    one_line_error(chainrule("train", "--data", str(tmp_path / "none"), "--out", str(out)), 2, "does not exist")
    assert not out.exists()


def test_a_run_that_diverges_stops_and_saves_nothing(tmp_path, tiny_dataset, chainrule, one_line_error):
    data = tiny_dataset(tmp_path / "data")
    out = tmp_path / "out"
    # A learning rate of 1e30: the first step makes the weights about 1e30, the next scores overflow float32.
    result = chainrule("train", "--data", str(data), "--lr", "1e30", "--optimizer", "sgd", "--hidden", "8",
                       "--epochs", "3", "--no-progress", "--out", str(out))
    one_line_error(result, 1, "the loss became nan at epoch 1", "nothing saved")
    assert not (out / "weights.npz").exists()
    assert "epoch  1/3" not in result.stdout  # it stopped inside the first epoch


def test_ctrl_c_before_training_is_one_line(tmp_path, monkeypatch, capsys, tiny_dataset):
    import nn.mnist

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(nn.mnist, "load_mnist", interrupted)
    assert main(["train", "--data", str(tiny_dataset(tmp_path / "data")), "--out", str(tmp_path / "o")]) == 130
    assert capsys.readouterr().err == "chainrule train: interrupted\n"


def test_a_bug_keeps_its_traceback(tmp_path, monkeypatch, tiny_dataset):
    """Only validation's UsageError becomes one line: an error from the code itself must stay visible."""
    import nn.training

    def broken(*args, **kwargs):
        raise ValueError("a bug inside fit")

    monkeypatch.setattr(nn.training, "fit", broken)
    with pytest.raises(ValueError, match="a bug inside fit"):
        main(["train", "--data", str(tiny_dataset(tmp_path / "data")), "--no-progress", "--out", str(tmp_path / "o")])


@pytest.mark.parametrize("hidden", ["100,,50", "100,", ",100", ""])
def test_hidden_sizes_with_an_empty_part_are_refused(hidden, capsys):
    from autograd_core.cli import main

    assert main(["train", "--hidden", hidden, "--limit", "10"]) == 2
    assert "--hidden: expected sizes like 256 or 512,256" in capsys.readouterr().err
