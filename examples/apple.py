"""The textbook's first computational graph: two apples at 100 each, 10% consumption tax.

Forward: apple 100 x count 2 = 200, x tax 1.1 = 220.
Backward: d price / d apple = 2.2, d price / d count = 110, d price / d tax = 200.

Run: ``python examples/apple.py``.
"""

from __future__ import annotations

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


def main() -> Value:
    price = build()
    price.backward()
    apple_price, tax = price.parents
    apple, apple_num = apple_price.parents
    print(f"price: {price.data:.1f}")
    print(f"dapple: {apple.grad:.1f}")
    print(f"dapple_num: {apple_num.grad:.0f}")
    print(f"dtax: {tax.grad:.0f}")
    return price


if __name__ == "__main__":
    main()
