"""viz.draw: what the DOT source of a diagram says, node by node and edge by edge.

Expected numbers come from the textbook's figures (apple 100 x 2 x 1.1 = 220; backward 2.2,
110, 200) and from hand derivations, never from the drawing code itself.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from autograd_core import Value, name_scope
from autograd_core.tensor import Tensor
from viz import GraphTooLargeError, draw
from viz.draw import LARGE_GRAPH

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))
import apple  # noqa: E402
import apple_orange  # noqa: E402

_NODE = re.compile(r"^\t(?P<id>[vo]\d+) \[label=<(?P<label>.*)> (?P<attrs>[^<>]*)\]$")
_EDGE = re.compile(r"^\t(?P<src>[vo]\d+) -> (?P<dst>[vo]\d+)(?: \[(?P<rest>.*)\])?$")


def text_of(label: str) -> list[str]:
    """The lines a label shows, without markup."""
    return [html.unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in re.split(r"<br/>", label)]


class Diagram:
    """The nodes and edges of a DOT source, read back with the label text only."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.nodes: dict[str, list[str]] = {}
        self.attributes: dict[str, str] = {}
        self.edges: list[tuple[str, str, list[str], str]] = []
        for line in source.splitlines():
            edge = _EDGE.match(line)
            if edge:
                rest = edge["rest"] or ""
                label = re.search(r"label=<(.*)>", rest)
                self.edges.append((edge["src"], edge["dst"], text_of(label[1]) if label else [], rest))
                continue
            node = _NODE.match(line)
            if node:
                self.nodes[node["id"]] = text_of(node["label"])
                self.attributes[node["id"]] = node["attrs"]

    def find(self, title: str) -> str:
        """The id of the value node whose first line is ``title``."""
        found = [i for i, lines in self.nodes.items() if i.startswith("v") and lines[0] == title]
        assert len(found) == 1, (title, self.nodes)
        return found[0]

    def lines(self, title: str) -> list[str]:
        return self.nodes[self.find(title)]

    def op_of(self, title: str) -> str:
        """The op circle feeding the value node ``title``."""
        target = self.find(title)
        (op,) = [src for src, dst, _, _ in self.edges if dst == target]
        return op

    def input_edges(self, title: str) -> list[tuple[str, list[str], str]]:
        """(input title, label lines, attributes) of each edge into the op of ``title``."""
        op = self.op_of(title)
        return [(self.nodes[src][0], label, rest) for src, dst, label, rest in self.edges if dst == op]


def apple_graph() -> Value:
    price = apple.build()
    price.backward()
    return price


# -- the textbook's figures ----------------------------------------------------------------------
def test_apple_nodes_show_value_and_gradient() -> None:
    d = Diagram(draw(apple_graph()).source)
    expected = {  # name: (forward value, gradient) from the textbook's figure
        "apple": ("100", "2.2"),
        "apple_num": ("2", "110"),
        "tax": ("1.1", "200"),
        "apple_price": ("200", "1.1"),
        "price": ("220", "1"),
    }
    for name, (value, grad) in expected.items():
        assert d.lines(name) == [name, value, f"grad {grad}"], name


def test_apple_edges_show_local_derivatives_and_backward_values() -> None:
    d = Diagram(draw(apple_graph()).source)
    # price = apple_price * tax: d/d(apple_price) = tax = 1.1, d/dtax = apple_price = 200;
    # upstream 1, so 1.1 and 200 flow back.
    assert sorted(d.input_edges("price")) == [
        ("apple_price", ["local 1.1", "← 1.1"], d.input_edges("price")[0][2]),
        ("tax", ["local 200", "← 200"], d.input_edges("price")[1][2]),
    ]
    # apple_price = apple * apple_num: locals 2 and 100, upstream 1.1 -> 2.2 and 110.
    edges = {src: label for src, label, _ in d.input_edges("apple_price")}
    assert edges == {"apple": ["local 2", "← 2.2"], "apple_num": ["local 100", "← 110"]}
    # Every op is its own circle showing its symbol.
    assert d.nodes[d.op_of("price")] == ["×"] and d.nodes[d.op_of("apple_price")] == ["×"]
    assert "shape=circle" in d.attributes[d.op_of("price")]


def test_apple_and_orange_figure() -> None:
    v = apple_orange.build()
    v["price"].backward()
    d = Diagram(draw(v["price"]).source)
    grads = {"apple": "2.2", "apple_num": "110", "orange": "3.3", "orange_num": "165", "tax": "650"}
    for name, grad in grads.items():
        assert d.lines(name)[2] == f"grad {grad}"
    assert d.lines("price")[1] == "715" and d.lines("all_price")[1] == "650"
    assert d.nodes[d.op_of("all_price")] == ["+"]
    # An add node passes its upstream (1.1) unchanged to both inputs: local derivative 1.
    assert {tuple(label) for _, label, _ in d.input_edges("all_price")} == {("local 1", "← 1.1")}


def test_gradients_are_red_and_locals_blue() -> None:
    source = draw(apple_graph()).source
    assert '<font color="#c62828">grad 2.2</font>' in source
    assert re.search(r'<font color="#1f5fa8"[^>]*>local 2</font>', source)


# -- graph shapes --------------------------------------------------------------------------------
def test_repeated_input_gets_one_edge_per_use() -> None:
    a = Value(3.0, name="a")
    square = a * a
    square.name = "square"
    out = square + a
    out.name = "out"
    out.backward()
    d = Diagram(draw(out).source)
    # d(a*a)/da = a = 3 on each of the two edges; 1 x 3 flows back along each.
    assert [(src, label) for src, label, _ in d.input_edges("square")] == [
        ("a", ["local 3", "← 3"]),
        ("a", ["local 3", "← 3"]),
    ]
    assert d.lines("a")[2] == "grad 7"  # 2a + 1


def test_constants_are_small_labelled_nodes() -> None:
    x = Value(5.0, name="x")
    y = 2 * x
    y.name = "y"
    y.backward()
    d = Diagram(draw(y).source)
    edges = d.input_edges("y")
    constant_edge = [e for e in edges if e[0] == "2"]
    assert len(constant_edge) == 1
    assert constant_edge[0][1] == []  # no local derivative, no gradient: nothing flows to a constant
    assert [label for src, label, _ in edges if src == "x"] == [["local 2", "← 2"]]
    const_id = [i for i, lines in d.nodes.items() if lines == ["2"]][0]
    assert 'fontsize="10"' in d.attributes[const_id]


def test_unnamed_nodes_show_their_op_and_ops_their_symbols() -> None:
    x = Value(0.5, name="x")
    y = ((x**3).exp() - x / 4).tanh() + x.sigmoid() * (-x).relu()
    y.backward()
    d = Diagram(draw(y).source)
    symbols = sorted(lines[0] for i, lines in d.nodes.items() if i.startswith("o"))
    assert symbols == sorted(["**3", "exp", "÷", "−", "tanh", "σ", "−", "relu", "×", "+"])
    titles = sorted(lines[0] for i, lines in d.nodes.items() if i.startswith("v") and len(lines) > 1)
    # unnamed nodes are captioned as every view calls them: their expression while short, else their role
    assert titles == sorted(["x", "x**3", "exp(x**3)", "x/4", "exp(x**3) - x/4", "tanh(exp(x**3) - x/4)",
                             "sigmoid(x)", "-x", "relu(-x)", "sigmoid(x)*relu(-x)", "out"])


def test_tanh_neuron_numbers() -> None:
    x, w, b = Value(1.0, name="x"), Value(2.0, name="w"), Value(-1.0, name="b")
    n = x * w + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    o.backward()
    d = Diagram(draw(o).source)
    local = 1 - np.tanh(1.0) ** 2  # tanh'(n) at n = 1
    assert d.input_edges("o")[0][1] == [f"local {local:.4g}", f"← {local:.4g}"]
    assert d.lines("w")[2] == f"grad {local * 1.0:.4g}"


# -- options -------------------------------------------------------------------------------------
def test_before_backward_slide_has_no_gradients() -> None:
    price = apple.build()  # backward never ran
    d = Diagram(draw(price).source)
    assert d.lines("apple") == ["apple", "100"]
    assert all(not any("←" in line for line in label) for _, _, label, _ in d.edges)
    assert "local 2" in draw(price).source


def test_hide_gradients_and_local_derivatives() -> None:
    price = apple_graph()
    no_grad = Diagram(draw(price, show_grad=False).source)
    assert no_grad.lines("apple") == ["apple", "100"]
    assert not any("grad" in line or "←" in line for lines in no_grad.nodes.values() for line in lines)
    assert {tuple(label) for _, label, _ in no_grad.input_edges("price")} == {("local 1.1",), ("local 200",)}
    no_local = Diagram(draw(price, show_local=False).source)
    assert "local" not in no_local.source
    assert {tuple(label) for _, label, _ in no_local.input_edges("price")} == {("← 1.1",), ("← 200",)}


def test_digits_rankdir_and_title() -> None:
    x = Value(2.0, name="x")
    y = x * 3.14159265
    y.name = "y"
    y.backward()
    assert Diagram(draw(y, digits=3).source).lines("y")[1] == "6.28"
    assert Diagram(draw(y, digits=6).source).lines("y")[1] == "6.28319"
    tb = draw(y, rankdir="TB", title="Pi & <friends>").source
    assert "rankdir=TB" in tb
    assert "<b>Pi &amp; &lt;friends&gt;</b>" in tb
    assert "↑ 3.142" in tb  # backward values point up when inputs are on top


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rankdir": "XY"}, "rankdir must be one of LR, TB, RL, BT"),
        ({"digits": 0}, "digits must be an integer from 1 to 17"),
        ({"digits": 2.5}, "digits must be an integer"),
        ({"max_nodes": 0}, "max_nodes must be a positive integer or None"),
    ],
)
def test_bad_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draw(apple_graph(), **options)


def test_not_a_graph() -> None:
    with pytest.raises(TypeError, match="expected a graph node .* got float"):
        draw(3.0)


def test_max_nodes_refuses_with_advice() -> None:
    x = Value(1.0, name="x")
    y = x
    for _ in range(50):
        y = y.tanh()
    with pytest.raises(GraphTooLargeError) as info:
        draw(y, max_nodes=20)
    message = str(info.value)
    assert "51 nodes, more than max_nodes=20" in message and "name_scope" in message
    assert draw(y, max_nodes=51).source


def test_long_chain_builds_without_recursion() -> None:
    x = Value(0.1, name="x")
    y = x
    for _ in range(100_000):
        y = y.tanh()
    source = draw(y, max_nodes=None).source  # no budget: the whole chain
    assert source.count(" -> ") == 2 * 100_000  # input -> op and op -> output for each tanh
    assert "v100000 [label=" in source


# -- clusters ------------------------------------------------------------------------------------
def test_name_scopes_become_nested_clusters() -> None:
    x = Value(1.5, name="x")
    with name_scope("net"):
        with name_scope("layer1"):
            h = (x * Value(0.5, name="w1")).tanh()
            h.name = "h"
        with name_scope("layer2"):
            z = h * Value(2.0, name="w2")
            z.name = "z"
    z.backward()
    source = draw(z).source
    lines = source.splitlines()

    def block(title: str) -> list[str]:
        """The lines of the cluster labelled ``title``, up to its closing brace (nesting respected)."""
        start = next(i for i, line in enumerate(lines) if f"label=<<b>{title}</b>>" in line)
        depth = 0
        for end in range(start, len(lines)):
            depth += lines[end].count("subgraph cluster_") - (lines[end].strip() == "}")
            if depth == 0:
                return lines[start : end + 1]
        raise AssertionError("unclosed cluster")

    net, layer1, layer2 = block("net"), block("layer1"), block("layer2")
    assert set(layer1) < set(net) and set(layer2) < set(net)
    assert any("<b>w1</b>" in line for line in layer1) and any("<b>h</b>" in line for line in layer1)
    assert any("<b>z</b>" in line for line in layer2) and not any("<b>z</b>" in line for line in layer1)
    assert not any("<b>x</b>" in line for line in net)  # x was made outside every scope
    assert "subgraph" not in draw(z, clusters=False).source


# -- tensors -------------------------------------------------------------------------------------
def test_small_tensor_shows_its_numbers() -> None:
    x = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), name="x")
    w = Tensor(np.array([[1.0, 0.0], [0.0, -1.0]]), requires_grad=True, name="W")
    y = x @ w
    y.name = "y"
    loss = y.sum()
    loss.name = "loss"
    loss.backward()
    d = Diagram(draw(loss).source)
    assert d.lines("x") == ["x", "2×2  float64", "[1 2]", "[3 4]"]
    # dloss/dW = x^T @ ones: [[1+3, 1+3], [2+4, 2+4]]
    assert d.lines("W")[-2:] == ["grad [4 4]", "[6 6]"]
    assert d.lines("loss")[:3] == ["loss", "scalar  float64", "-2"]  # x @ W = [[1, -2], [3, -4]]
    assert d.nodes[d.op_of("y")] == ["@"] and d.nodes[d.op_of("loss")] == ["Σ"]
    # No scalar local derivative on tensor edges: the VJP in words, with the inputs' names, and
    # nothing for x, which needs no gradient (no VJP is computed for it).
    assert {src: label for src, label, _ in d.input_edges("y")} == {"x": [], "W": ["xᵀ @ g"]}


def test_large_tensor_shows_shape_and_summary() -> None:
    data = np.full((100, 784), 0.5, dtype=np.float32)
    data[0, 0], data[99, 783] = -1.0, 3.0
    x = Tensor(data, name="images")
    d = Diagram(draw(x).source)
    # mean = (0.5 * 78398 - 1 + 3) / 78400 = 0.500013 -> 0.5 with 4 digits
    assert d.lines("images") == ["images", "100×784  float32", "mean 0.5", "min -1  max 3"]


# -- part-way through a backprop -----------------------------------------------------------------
class FakeSteps:
    """The stepper protocol, by hand: the apple graph after its first step (price processed)."""

    def __init__(self) -> None:
        self.root = apple.build()
        self.apple_price, self.tax = self.root.parents
        self.root.grad = 1.0
        self.tax.grad = 200.0
        contributions = [
            SimpleNamespace(index=0, parent=self.apple_price, local=1.1, contribution=1.1, grad_after=1.1),
            SimpleNamespace(index=1, parent=self.tax, local=200.0, contribution=200.0, grad_after=200.0),
        ]
        self.current_step = SimpleNamespace(node=self.root, upstream=1.0, contributions=contributions)

    def state(self, node: Value) -> str:
        if node is self.root:
            return "current"
        return "done" if node is self.tax else "pending"


def test_steps_diagram_highlights_the_current_node() -> None:
    steps = FakeSteps()
    d = Diagram(draw(steps).source)
    assert "fillcolor=\"#fff3b0\"" in d.attributes[d.find("price")]
    assert "fillcolor=\"#fff3b0\"" in d.attributes[d.op_of("price")]
    edges = {src: (label, rest) for src, label, rest in d.input_edges("price")}
    assert edges["apple_price"][0] == ["local 1.1", "← 1 × 1.1 = 1.1"]
    assert edges["tax"][0] == ["local 200", "← 1 × 200 = 200"]
    assert 'color="#c62828"' in edges["tax"][1]
    assert d.lines("tax") == ["tax", "1.1", "grad 200"]
    # Pending nodes are grey and show no gradient, even where one is stored.
    steps.apple_price.grad = 1.1
    d = Diagram(draw(steps).source)
    assert d.lines("apple_price") == ["apple_price", "200"]
    assert 'color="#a0a0a0"' in d.attributes[d.find("apple")]
    assert {tuple(label) for _, label, _ in d.input_edges("apple_price")} == {("local 2",), ("local 100",)}


def test_real_stepper_end_to_end() -> None:
    price = apple.build()
    steps = price.backprop()
    before = Diagram(draw(steps).source)
    assert before.lines("price") == ["price", "220", "grad 1"]  # only the seed so far
    assert before.lines("apple") == ["apple", "100"]
    steps.step()
    steps.step()
    d = Diagram(draw(steps).source)
    edges = {src: label for src, label, _ in d.input_edges("apple_price")}
    assert edges == {"apple": ["local 2", "← 1.1 × 2 = 2.2"], "apple_num": ["local 100", "← 1.1 × 100 = 110"]}
    assert d.lines("apple")[2] == "grad 2.2" and d.lines("apple_num")[2] == "grad 110"
    assert {tuple(label) for _, label, _ in d.input_edges("price")} == {("local 1.1", "← 1.1"), ("local 200", "← 200")}


def test_large_graphs_place_edge_labels_after_layout() -> None:
    x = Value(0.3, name="x")
    y = x
    for _ in range(LARGE_GRAPH):  # LARGE_GRAPH + 1 nodes with x
        y = y.tanh()
    y.backward()
    assert " [xlabel=<" in draw(y).source and " [label=<" not in draw(y).source.split("->", 1)[1]
    small = draw(apple_graph()).source
    assert "xlabel" not in small and "-> o" in small and " [label=<" in small


def test_tensor_steps_show_what_is_sent_back() -> None:
    x = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), name="x")
    w = Tensor(np.array([[1.0, 0.0], [0.0, -1.0]]), requires_grad=True, name="W")
    y = x @ w
    y.name = "y"
    loss = y.sum()
    loss.name = "loss"
    steps = loss.backprop()
    steps.step()
    steps.step()  # the matmul: W receives x^T @ ones(2, 2) = [[4, 4], [6, 6]]
    d = Diagram(draw(steps).source)
    edges = {src: label for src, label, _ in d.input_edges("y")}
    assert edges["W"] == ["xᵀ @ g", "sends [4 4]", "[6 6]"]
    assert edges["x"] == []  # x needs no gradient: nothing is computed or sent for it


def test_gradients_built_as_graphs_show_their_numbers() -> None:
    x = Value(3.0, name="x")
    y = x * x * x
    y.name = "y"
    y.backward(create_graph=True)  # x.grad is a Value: 3x^2 = 27
    d = Diagram(draw(y).source)
    assert d.lines("x") == ["x", "3", "grad 27"]


def test_a_part_way_diagram_draws_each_state_as_the_stepper_names_it() -> None:
    # after one apple step, apple*count has a contribution waiting (1.1) but its .grad is not final:
    # the table says gathering, and the diagram must not show it a gradient as if it were done
    price = apple.build()
    steps = price.backprop()
    steps.step()
    product = price.parents[0]
    assert steps.state(product) == "gathering" and product.grad == 0
    d = Diagram(draw(steps).source)
    lines = d.lines("apple_price")
    assert "grad 1.1" not in lines and lines == ["apple_price", "200", "so far 1.1"]
    assert "dashed" in d.attributes[d.find("apple_price")]  # drawn as the lecture page draws it
    assert d.lines("tax") == ["tax", "1.1", "grad 200"]  # done: its final gradient
    assert d.lines("apple") == ["apple", "100"]  # pending: nothing yet
    # the legend lists every look and text this picture uses, and only those
    legend = draw(steps, legend=True).source.split("label=<<table", 1)[1].split("</table>>", 1)[0]
    for words in ("current node", "gathering, not final", "not reached yet", "running sum", "this step"):
        assert words in legend
    for words in ("folded scope", "constant", "yours to fill in", "output, seeded"):
        assert words not in legend
    seed = draw(apple.build().backprop(), legend=True).source
    assert "output, seeded" in seed and "current node" not in seed.split("label=<<table", 1)[1].split("</table>>")[0]
