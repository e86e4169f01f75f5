"""The textbook's second graph: two apples at 100, three oranges at 150, 10% tax.

Forward: 100 x 2 + 150 x 3 = 650, x 1.1 = 715.
Backward: d/dapple 2.2, d/dapple_num 110, d/dorange 3.3, d/dorange_num 165, d/dtax 650.

Run: ``python examples/apple_orange.py``
"""

from __future__ import annotations

from autograd_core import Value


def build() -> dict[str, Value]:
    """Every node of the graph by its textbook name."""
    v = {
        "apple": Value(100, name="apple"),
        "apple_num": Value(2, name="apple_num"),
        "orange": Value(150, name="orange"),
        "orange_num": Value(3, name="orange_num"),
        "tax": Value(1.1, name="tax"),
    }
    v["apple_price"] = v["apple"] * v["apple_num"]
    v["orange_price"] = v["orange"] * v["orange_num"]
    v["all_price"] = v["apple_price"] + v["orange_price"]
    v["price"] = v["all_price"] * v["tax"]
    for name in ("apple_price", "orange_price", "all_price", "price"):
        v[name].name = name
    return v


def main() -> dict[str, Value]:
    v = build()
    v["price"].backward()
    print(f"price: {v['price'].data:.1f}")
    print(f"dapple: {v['apple'].grad:.1f}, dapple_num: {v['apple_num'].grad:.0f}")
    print(f"dorange: {v['orange'].grad:.1f}, dorange_num: {v['orange_num'].grad:.0f}")
    print(f"dtax: {v['tax'].grad:.0f}")
    return v


if __name__ == "__main__":
    main()
