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


def test_micrograd_demo_writes_its_training_page_with_two_added_lines(tmp_path, capsys):
    from viz.training.page import read_data

    source = (EXAMPLES / "micrograd_demo_page.py").read_text(encoding="utf-8")
    added = [line for line in source.splitlines() if "# added" in line and "``" not in line]
    assert len(added) == 2 and "viz.TrainingPage(" in added[0] and "page.record(total_loss)" in added[1]
    path = _load("micrograd_demo_page").main(str(tmp_path / "demo.html"), steps=4, hidden=(4, 4), points=30,
                                             watch=(0, 17))
    data = read_data(path.read_text(encoding="utf-8"))
    assert data["steps"] == 4 and [p["index"] for p in data["points"]] == [0, 17]
    printed = capsys.readouterr().out
    assert "number of parameters 37" in printed and "step 3 loss" in printed
    assert f"step 0 loss {data['loss'][0]}" in printed  # the loop's own loss, recorded as it printed it
