"""An op of your own: softplus, log(1 + e^x), whose derivative is the sigmoid.

``define_op`` takes the forward computation and the local derivative (written with the helpers
of ``autograd_core.ops`` so it runs on numbers and on Values), and returns the function to call.
The new op is drawn, stepped and gradchecked like the built-in ones.  The graph here also uses
the two-argument ``max``: y = max(softplus(x * w), floor).

Run: ``python examples/custom_op.py`` (add ``-o out/custom-op.svg`` to also draw the graph).
"""

from __future__ import annotations

import argparse

from autograd_core import Value, define_op
from autograd_core.ops import exp, log, sigmoid

# replace=True: running this file again in the same process (a notebook, the docs script) is fine.
softplus = define_op(
    "softplus", lambda x: log(1 + exp(x)), lambda x, out: (sigmoid(x),), formula=("σ({x})",), replace=True
)


def build() -> Value:
    """y = max(softplus(x * w), floor) at x = 0.7, w = -1.5, floor = 0.2."""
    x, w, floor = Value(0.7, name="x"), Value(-1.5, name="w"), Value(0.2, name="floor")
    h = softplus(x * w)
    h.name = "h"
    y = h.max(floor)
    y.name = "y"
    return y


def main(output: str | None = None) -> Value:
    """Print the gradients; with ``output``, also write the diagram there."""
    y = build()
    y.backward()
    h, floor = y.parents
    x, w = h.parents[0].parents
    print(f"y = {y.data:.4f}")
    print(f"dx = {x.grad:.4f}  dw = {w.grad:.4f}  dfloor = {floor.grad:.0f}")
    if output is not None:
        from viz import render

        print(f"wrote {render(y, output)}")
    return y


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", help="also draw the graph (.svg, .png, .pdf or .dot)")
    main(parser.parse_args().output)
