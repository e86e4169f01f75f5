"""``chainrule train`` end to end on a slice of Fashion-MNIST, and its Ctrl-C path."""

from __future__ import annotations

import numpy as np

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
