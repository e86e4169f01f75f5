"""The book's apple example (chapter 5) with its own MulLayer, as the seed writes it: only the
import line is new.

Two apples at 100 with 10% tax: price 220; backward gives dapple 2.2, dapple_num 110, dtax 200.

Run: ``python examples/textbook_apple.py``
"""

from nn.textbook import MulLayer

apple = 100
apple_num = 2
tax = 1.1

# layers
mul_apple_layer = MulLayer()
mul_tax_layer = MulLayer()

# forward
apple_price = mul_apple_layer.forward(apple, apple_num)
price = mul_tax_layer.forward(apple_price, tax)
print("price=", "%.1f" % price)  # noqa: UP031 - the book's own line

# backward
dprice = 1
dapple_price, dtax = mul_tax_layer.backward(dprice)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)

print("dapple=", dapple)
print("dapple_num=", int(dapple_num))
print("dtax=", dtax)
