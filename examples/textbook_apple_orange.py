"""The book's apple-and-orange example (chapter 5) with its own MulLayer and AddLayer, as the
seed writes it: only the import line is new.

Two apples at 100, three oranges at 150, 10% tax: price 715; backward gives dapple 2.2,
dapple_num 110, dorange 3.3, dorange_num 165, dtax 650.

Run: ``python examples/textbook_apple_orange.py``
"""

from nn.textbook import AddLayer, MulLayer

apple = 100
orange = 150
apple_num = 2
orange_num = 3
tax = 1.1

# layers
mul_apple_layer = MulLayer()
mul_orange_layer = MulLayer()
mul_tax_layer = MulLayer()
add_orange_apple_layer = AddLayer()

# forward
apple_price = mul_apple_layer.forward(apple, apple_num)
orange_price = mul_orange_layer.forward(orange, orange_num)
sum_price = add_orange_apple_layer.forward(apple_price, orange_price)
price = mul_tax_layer.forward(sum_price, tax)
print("sumprice=", "%.1f" % price)  # noqa: UP031 - the book's own line

# backward
dprice = 1
dsum_price, dtax = mul_tax_layer.backward(dprice)
dapple_price, dorange_price = add_orange_apple_layer.backward(dsum_price)
dorange, dorange_num = mul_orange_layer.backward(dorange_price)
dapple, dapple_num = mul_apple_layer.backward(dapple_price)

print("dapple=", "%.1f" % dapple, "dapple_num=", int(dapple_num))  # noqa: UP031 - the book's own line
print("dorange=", "%.1f" % dorange, "dorange_num=", int(dorange_num))  # noqa: UP031 - the book's own line
print("dtax=", dtax, "dapple_price=", dapple_price)
