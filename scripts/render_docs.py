"""Render the diagrams the README shows into docs/ (run by ``make docs``).

The graphs come from the runnable examples (``examples/apple.py``, ``examples/apple_orange.py``),
so the pictures always show what the code computes.  Each diagram is written as SVG (for the
web) and PNG (for slides).  The output is deterministic: re-running changes no byte unless the
graph or the drawing code changed.

Run: ``make docs`` or ``.venv/bin/python scripts/render_docs.py [output folder]``.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import viz

ROOT = Path(__file__).resolve().parents[1]


def example(name: str) -> dict:
    """The functions an example script defines (without running its ``__main__`` block)."""
    return runpy.run_path(str(ROOT / "examples" / f"{name}.py"), run_name=f"examples.{name}")


def diagrams() -> dict[str, tuple]:
    """File stem -> (what to draw, options)."""
    price = example("apple")["build"]()
    before = example("apple")["build"]()  # a fresh graph: backward never ran
    price.backward()
    nodes = example("apple_orange")["build"]()
    nodes["price"].backward()
    stepped = example("apple")["build"]()
    steps = stepped.backprop()
    steps.step()
    steps.step()
    return {
        "apple": (price, {"title": "Buying apples: 100 × 2 × 1.1 = 220"}),
        "apple-before-backward": (before, {"title": "Forward only: no gradients yet", "show_grad": False}),
        "apple-orange": (nodes["price"], {"title": "Apples and oranges: (100 × 2 + 150 × 3) × 1.1 = 715"}),
        "apple-step-2": (steps, {"title": "Backprop, step 2 of 2: the chain rule at apple × apple_num"}),
    }


def mlp_loss() -> Any:
    """The lecture workload: a 2-4-4-1 tanh MLP (micrograd's API) on one sample, after backward."""
    from autograd_core import Value
    from nn.scalar import MLP

    model = MLP(2, [4, 4, 1], act="tanh", seed=0)
    loss = (model([Value(2.0, name="x0"), Value(-1.0, name="x1")]) - 1.0) ** 2
    loss.name = "loss"
    loss.backward()
    return loss


def scale_diagrams() -> dict[str, tuple]:
    """File stem -> (what to draw, options): the MLP folded into one box per layer, as a slide."""
    return {
        "mlp-collapsed": (
            mlp_loss(),
            {"title": "A 2-4-4-1 tanh MLP, one box per layer", "collapse": True, "rankdir": "TB", "legend": True},
        ),
    }


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for stem, (graph, options) in {**diagrams(), **scale_diagrams()}.items():
        for suffix in (".svg", ".png"):
            path = viz.render(graph, out / f"{stem}{suffix}", **options)
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs")
