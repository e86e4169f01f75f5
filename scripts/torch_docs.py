"""Render the README's pictures of PyTorch graphs drawn by chainrule into docs/ (run by ``make docs``).

``torch.tanh(x @ W + b).sum()`` computed by PyTorch and mirrored with ``from_torch``, and the same
layer with GELU (an op chainrule has no counterpart for: an opaque PyTorch node).  Each as SVG and
PNG, deterministic: the values come from fixed numbers.

Run: ``make docs`` or ``.venv/bin/python scripts/torch_docs.py [output folder]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
import torch.nn.functional as F

import viz
from autograd_core import from_torch

ROOT = Path(__file__).resolve().parents[1]


def layer() -> tuple:
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=torch.float64)
    W = torch.tensor([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.1, -0.2], dtype=torch.float64, requires_grad=True)
    return x, W, b


def diagrams() -> dict:
    """File stem -> (mirror after backward, title)."""
    x, W, b = layer()
    names = {x: "x", W: "W", b: "b"}
    tanh = from_torch(torch.tanh(x @ W + b).sum(), names=names)
    tanh.backward()
    gelu = from_torch((F.gelu(x @ W + b) * 2).sum(), names=names)
    gelu.backward()
    return {
        "torch-tanh": (tanh, "PyTorch's graph of torch.tanh(x @ W + b).sum(), drawn by chainrule"),
        "torch-opaque": (gelu, "GELU has no chainrule op: an opaque node whose backward is PyTorch's own"),
    }


def main(folder: str | Path = ROOT / "docs") -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (root, title) in diagrams().items():
        for suffix in (".svg", ".png"):
            written.append(viz.render(root, folder / f"{stem}{suffix}", title=title))
    for path in written:
        print(f"wrote {path}")
    return written


if __name__ == "__main__":
    main(*sys.argv[1:])
