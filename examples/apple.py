"""The textbook's first computational graph: two apples at 100 each, 10% consumption tax.

Forward: apple 100 x count 2 = 200, x tax 1.1 = 220.
Backward: d price / d apple = 2.2, d price / d count = 110, d price / d tax = 200.

Run: ``python examples/apple.py`` (add ``-o out/apple.svg`` to also draw the graph: SVG, PNG,
PDF or DOT from the suffix).
"""

from __future__ import annotations

import argparse

from autograd_core import Value


def build() -> Value:
    """The price graph, with every node named as in the textbook."""
    apple = Value(100, name="apple")
    apple_num = Value(2, name="apple_num")
    tax = Value(1.1, name="tax")
    apple_price = apple * apple_num
    apple_price.name = "apple_price"
    price = apple_price * tax
    price.name = "price"
    return price


def main(output: str | None = None) -> Value:
    """Print the textbook's numbers; with ``output``, also write the diagram there."""
    price = build()
    price.backward()
    apple_price, tax = price.parents
    apple, apple_num = apple_price.parents
    print(f"price: {price.data:.1f}")
    print(f"dapple: {apple.grad:.1f}")
    print(f"dapple_num: {apple_num.grad:.0f}")
    print(f"dtax: {tax.grad:.0f}")
    if output is not None:
        from viz import render

        print(f"diagram: {render(price, output, title='Buying apples: 100 × 2 × 1.1 = 220')}")
    return price


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The textbook's apple graph: forward, backward, and a diagram.")
    parser.add_argument("-o", "--output", help="also write the diagram (.svg, .png, .pdf or .dot)")
    # A test runner may run this file with its own command line: anything unknown means the
    # arguments are not ours, and the example just prints its numbers.
    args, unknown = parser.parse_known_args()
    main(None if unknown else args.output)
