"""examples/outgrow_pytorch.py: a chainrule model trained by PyTorch (DistributedDataParallel on two
CPU processes), brought back and evaluated by chainrule to the accuracy PyTorch reports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPT = EXAMPLES / "outgrow_pytorch.py"


def test_the_round_trip_on_two_processes_reaches_the_same_accuracy_in_both_libraries(tmp_path):
    out = tmp_path / "batch.svg"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--limit", "500", "--epochs", "1", "--batch-size", "50", "--processes", "2",
         "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "(2 process(es))" in result.stdout
    found = re.search(r"test accuracy: PyTorch ([\d.]+)%, chainrule with the weights brought back ([\d.]+)% "
                      r"\((\d+) of 500 predictions differ\)", result.stdout)
    assert found, result.stdout
    torch_acc, chainrule_acc, differing = float(found[1]), float(found[2]), int(found[3])
    assert torch_acc == chainrule_acc and differing == 0
    assert torch_acc > 30.0  # one epoch on 500 images learns something; chance is 10%
    svg = out.read_text()
    for text in ("0.weight", "2.bias", "images", "log softmax", "grad"):
        assert text in svg, text


def _main():
    sys.path.insert(0, str(EXAMPLES))
    try:
        import outgrow_pytorch
    finally:
        sys.path.remove(str(EXAMPLES))
    return outgrow_pytorch.main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epochs", "0"], "argument --epochs: expected a positive int, got '0'"),
        (["--lr", "fast"], "argument --lr: expected a positive float, got 'fast'"),
        (["--processes", "2", "--batch-size", "101"], "--batch-size 101 does not split evenly over --processes 2"),
        (["--processes", "2", "--device", "cuda"], "--processes runs CPU processes (gloo)"),
        (["-o", "batch.txt"], "--out 'batch.txt' must end in .svg, .png or .pdf"),
        (["--model", "rnn"], "argument --model: invalid choice: 'rnn'"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        _main()(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("outgrow_pytorch.py: error: ") and message in err


def test_a_missing_data_folder_is_one_line_and_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        _main()(["--data", str(tmp_path / "nowhere")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nowhere" in err
