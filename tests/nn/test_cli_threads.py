"""`chainrule train --threads` refuses nonsense in one line instead of silently using 1."""

from __future__ import annotations

import pytest

from autograd_core.cli import main


@pytest.mark.parametrize("threads", ["0", "-2"])
def test_threads_must_be_at_least_one(threads, capsys, tmp_path):
    status = main(["train", "--threads", threads, "--epochs", "1", "--out", str(tmp_path)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"--threads must be at least 1, got {threads}" in err
    assert not any(tmp_path.iterdir())  # nothing trained, nothing written
