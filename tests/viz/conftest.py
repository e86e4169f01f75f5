"""Fixtures shared by the viz tests: running cells in a real notebook on a real kernel."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

KERNEL = "chainrule-test"


def _kernelspec(folder: Path) -> Path:
    """A kernelspec running this very interpreter (the project's venv), under folder/kernels."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "chainrule", "language": "python"}))
    return folder


@pytest.fixture
def run_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable:
    """``run_notebook(cells)``: a new notebook of those code cells, executed in ``tmp_path`` on a
    kernel of this interpreter; returns the executed notebook (outputs in each cell)."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PATH", str(_kernelspec(tmp_path / "jupyter")))
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")  # the kernel's own start-up chatter

    def run(cells: list[str]) -> nbformat.NotebookNode:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
        where = {"metadata": {"path": str(tmp_path)}}
        NotebookClient(notebook, kernel_name=KERNEL, timeout=120, resources=where).execute()
        return notebook

    return run
