"""``chainrule train`` with odd batches, odd flags and odd files: trains, or refuses in one line.

The reported cases run the installed command in a fresh process; the other hostile flags go
through ``main`` in this process (the same code path, faster)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from autograd_core.cli import main
from nn.cli import usable_cpus
from nn.idx import write_idx

CNN = ["train", "--model", "cnn", "--hidden", "8", "--epochs", "1", "--no-progress"]


# -- a batch of one image with BatchNorm in train mode ---------------------------------------------
@pytest.mark.parametrize(
    ("flags", "images"),
    [
        (["--limit", "201"], 201),  # 100 + 101: the last image joins the batch before
        (["--limit", "300", "--batch-size", "299"], 300),  # one batch of 300
    ],
)
def test_cnn_trains_when_the_last_batch_would_hold_one_image(flags, images, tmp_path, tiny_dataset, chainrule):
    data = tiny_dataset(tmp_path / "data", n_train=301)
    out = tmp_path / "out"
    result = chainrule(*CNN, "--data", str(data), "--out", str(out), *flags)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"on {images} images" in result.stdout and "epoch  1/1" in result.stdout
    assert (out / "weights.npz").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--batch-size", "1"], "--batch-size 1: the cnn model's BatchNorm normalises each feature over the batch, "
                                "which takes at least 2 images per batch"),
        (["--limit", "1"], "--limit 1: the cnn model's BatchNorm normalises each feature over the batch, "
                           "which takes a training set of at least 2 images"),
    ],
)
def test_cnn_refuses_batches_of_one_before_reading_the_data(flags, message, tmp_path, chainrule, one_line_error):
    # --data names no folder: the refusal comes before the data is looked for.
    result = chainrule(*CNN, "--data", str(tmp_path / "no-data"), "--out", str(tmp_path / "out"), *flags)
    one_line_error(result, 2, message)
    assert not (tmp_path / "out").exists()


def test_cnn_refuses_a_training_set_of_one_image(tmp_path, tiny_dataset, chainrule, one_line_error):
    data = tiny_dataset(tmp_path / "data", n_train=1)
    result = chainrule(*CNN, "--data", str(data), "--out", str(tmp_path / "out"))
    one_line_error(result, 2, "--model cnn: the training set holds 1 image(s); the cnn model's BatchNorm")


def test_the_mlp_still_trains_on_batches_of_one(tmp_path, tiny_dataset, capsys):
    data = tiny_dataset(tmp_path / "data", n_train=3, n_test=2)
    status = main(["train", "--hidden", "4", "--epochs", "1", "--batch-size", "1", "--no-progress",
                   "--data", str(data), "--out", str(tmp_path / "out")])
    assert status == 0 and "on 3 images" in capsys.readouterr().out


# -- flags checked at the door ---------------------------------------------------------------------
def test_threads_beyond_the_cpus_are_refused(tmp_path, chainrule, one_line_error):
    result = chainrule("train", "--threads", "1000000", "--out", str(tmp_path / "out"))
    one_line_error(result, 2, f"--threads 1000000: more than the {usable_cpus()} CPU(s) this process may use")


def test_an_empty_out_is_refused_before_training(tmp_path, tiny_dataset, chainrule, one_line_error):
    data = tiny_dataset(tmp_path / "data")
    result = chainrule("train", "--data", str(data), "--out", "", cwd=tmp_path)
    one_line_error(result, 2, "--out '': empty; give a folder name")
    assert result.stdout == ""  # no "training ..." line: refused before


def in_process_error(capsys, *args: str) -> str:
    """``chainrule train ARGS`` through ``main``: must exit 2 with one line; returns the line."""
    status = main(["train", *args])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and err.startswith("chainrule train: error: "), err
    return err.strip()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--lr", "1e-320"],
         "--lr 1e-320 is too small to compute with in float32 (it must lie between 1.175e-38 and 3.403e38)"),
        (["--lr", "1e-320", "--dtype", "float64"], "--lr 1e-320 is too small to compute with in float64"),
        (["--lr", "1e39"], "--lr 1e+39 is too large to compute with in float32"),
        (["--out", "   "], "--out '   ': empty; give a folder name"),
        (["--out", "a\0b"], "--out 'a\\x00b': a NUL character in it"),
        (["--out", "x" * 300], f"--out: the name '{'x' * 37}...' is 300 bytes long, more than"),
        (["--out", "/".join(["d" * 200] * 25)], "bytes is too long for the files written in it"),
        (["--threads", str(10**30)], f"--threads {10**30}: more than the"),
    ],
)
def test_hostile_flags_are_refused_in_one_line(flags, message, capsys, monkeypatch):
    import nn.mnist

    monkeypatch.setattr(nn.mnist, "load_mnist", lambda *a, **k: pytest.fail("the data was read"))
    assert message in in_process_error(capsys, *flags)


def test_an_out_through_a_dangling_symlink_is_refused(tmp_path, capsys):
    link = tmp_path / "link"
    os.symlink(tmp_path / "gone", link)
    for out in (link, link / "run"):
        assert f"{link} is a symbolic link to nothing" in in_process_error(capsys, "--out", str(out))
    assert not (tmp_path / "gone").exists()


# -- data files checked when read ------------------------------------------------------------------
def test_a_zero_image_idx_file_is_named(tmp_path, tiny_dataset, chainrule, one_line_error):
    data = tiny_dataset(tmp_path / "data")
    write_idx(data / "train-images-idx3-ubyte", np.zeros((0, 28, 28), np.uint8))
    write_idx(data / "train-labels-idx1-ubyte", np.zeros(0, np.uint8))
    result = chainrule("train", "--data", str(data), "--out", str(tmp_path / "out"))
    images = data / "train-images-idx3-ubyte"
    one_line_error(result, 2, f"--data: load_mnist: {images} holds no images (shape (0, 28, 28))")


@pytest.mark.parametrize(
    ("file", "array", "message"),
    [
        ("t10k-images-idx3-ubyte", np.zeros((50, 0, 28), np.uint8), "holds images of 0x28 pixels: no pixels"),
        ("t10k-images-idx3-ubyte", np.full((50, 28, 28), np.nan, np.float32), "holds pixel values that are nan or inf"),
        ("t10k-images-idx3-ubyte", np.zeros((50, 14, 14), np.uint8), "(784 pixels) and of"),
        ("t10k-labels-idx1-ubyte", np.full(50, -1, np.int8), "has label -1, expected integers 0..9"),
        ("t10k-labels-idx1-ubyte", np.full(50, 1.5, np.float32), "holds labels of type float32, expected integers"),
    ],
)
def test_odd_data_files_are_refused_naming_them(file, array, message, tmp_path, tiny_dataset, capsys):
    data = tiny_dataset(tmp_path / "data")
    write_idx(data / file, array)
    line = in_process_error(capsys, "--data", str(data), "--out", str(tmp_path / "out"))
    assert message in line and str(data) in line


def test_a_last_step_that_overflows_the_scores_is_a_diverged_run(tmp_path, tiny_dataset, capsys):
    """One step of SGD at 1e20: the training loss (computed before the step) is fine, the test loss
    after it is inf. The run is reported as diverged and nothing is saved, not a 6% run with exit 0."""
    data = tiny_dataset(tmp_path / "data")
    out = tmp_path / "out"
    status = main(["train", "--data", str(data), "--hidden", "8", "--optimizer", "sgd", "--lr", "1e20",
                   "--limit", "100", "--epochs", "1", "--no-progress", "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1 and err == "chainrule train: error: the test loss became inf after epoch 1; nothing saved " \
                                  "(try a smaller --lr)\n"
    assert not out.exists()
