"""The seed examples run as scripts do and give the seeds' numbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gradient_check_example_prints_tiny_differences(capsys):
    np.random.seed(1)
    diffs = _load("gradient_check").main()
    printed = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in printed] == ["W1", "b1", "W2", "b2"]
    # The seed's "correct backprop" level is about 1e-10; a wrong gradient gives 1e-3 or more.
    assert all(diff < 1e-8 for diff in diffs.values()), diffs


def test_two_layer_net_example_learns(tmp_path, capsys):
    np.random.seed(2)
    accuracy = _load("two_layer_net").main(iters_num=600, output=str(tmp_path / "curves.png"))
    assert accuracy > 0.6  # 600 SGD steps of the book's loop; chance is 0.1
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert "iteration     0" in capsys.readouterr().out
