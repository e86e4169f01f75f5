"""Fixtures shared by the nn tests: small IDX datasets, and the ``chainrule`` command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from nn.idx import write_idx

#: The venv's own ``chainrule`` script, beside its Python.
CHAINRULE = Path(sys.executable).with_name("chainrule")


def write_tiny_dataset(folder: Path, n_train: int = 200, n_test: int = 50) -> Path:
    """Four IDX files of random 28x28 images and labels 0..9, Fashion-MNIST's names and layout."""
    rng = np.random.default_rng(0)
    folder.mkdir(exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte", rng.integers(0, 10, n, dtype=np.uint8))
    return folder


@pytest.fixture
def tiny_dataset() -> Callable[..., Path]:
    """``tiny_dataset(folder, n_train=200, n_test=50)``: writes the four files, returns the folder."""
    return write_tiny_dataset


@pytest.fixture
def chainrule() -> Callable[..., subprocess.CompletedProcess]:
    """``chainrule(*args)``: the installed command in a fresh process, its output captured."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(CHAINRULE), *args], capture_output=True, text=True, cwd=cwd, timeout=300)

    return run


def one_line_error(result: subprocess.CompletedProcess, status: int, *fragments: str) -> str:
    """Check a failed run: ``status``, no traceback, one line ``chainrule train: error: ...`` holding
    every fragment; returns that line."""
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule train: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture(name="one_line_error")
def one_line_error_fixture() -> Callable[..., str]:
    """:func:`one_line_error` for tests (``one_line_error(result, 2, "fragment", ...)``)."""
    return one_line_error
