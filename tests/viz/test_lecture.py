"""The lecture page's content: one diagram laid out once, a small state record per step, the
texts of every frame, self-contained, and no side effects."""

from __future__ import annotations

import html
import json
import os
import re

import numpy as np
import pytest

import viz
from autograd_core import Tensor, Value, topological_order
from autograd_core.cli import main
from nn.scalar import MLP
from viz.lecture import Lecture, frames


def apple_graph():
    apple, count, tax = Value(100, name="apple"), Value(2, name="count"), Value(1.1, name="tax")
    price = apple * count * tax
    price.name = "price"
    return price, apple, count, tax


def mlp_graph(seed: int = 0) -> Value:
    """micrograd's 2-4-4-1 MLP with tanh hidden layers (``nn.scalar``) on one input: every neuron in
    its scope (layer1/neuron0, ...), the network lectures use."""
    model = MLP(2, [4, 4, 1], act="tanh", seed=seed)
    return model([Value(2.0, name="x0"), Value(-1.0, name="x1")])


def page_data(page: str) -> dict:
    """The page's data, with every frame's states spelled out: ``states``, one letter per node
    (a frame after the first lists only the changes, ``"c12 g7"``)."""
    match = re.search(r'<script type="application/json" id="lecture-data">(.*?)</script>', page, re.S)
    assert match is not None
    data = json.loads(match.group(1))
    letters: list[str] = []
    for frame in data["frames"]:
        if "s" in frame:
            letters = list(frame["s"])
        for change in frame.get("d", "").split():
            letters[int(change[1:])] = change[0]
        frame["states"] = "".join(letters)
    return data


def texts(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<pre class="text"[^>]*>(.*?)</pre>', page, re.S)]


def test_page_has_the_forward_pass_the_seed_and_every_step(tmp_path):
    price, *_ = apple_graph()
    page = viz.lecture(price, tmp_path / "apple.html").read_text()
    counters = re.findall(r'data-counter="([^"]*)"', page)
    assert counters == ["forward pass", "step 0 / 2", "step 1 / 2", "step 2 / 2"]
    assert page.count("<svg") == 1  # laid out once, whatever the number of steps
    shown = texts(page)
    assert "mul(100, 2) = 200" in shown[0] and "mul(200, 1.1) = 220" in shown[0]
    assert "dprice = 1" in shown[1]
    assert "d(tax)         += 1 x 200" in shown[2]
    assert "-> 2.2" in shown[3] and "-> 110" in shown[3] and "dtax = 200" in shown[3]


def test_each_step_records_the_states_the_backprop_goes_through(tmp_path):
    price, apple, count, tax = apple_graph()
    order = topological_order(price)
    product = price.parents[0]
    data = page_data(viz.lecture(price, tmp_path / "apple.html").read_text())

    def states(frame):
        return {node.name or "apple*count": frame["states"][order.index(node)] for node in order}

    forward, seed, first, second = data["frames"]
    assert forward["f"] == 1 and set(forward["states"]) == {"d"}
    # the seed: only the output has its gradient, nothing has flowed yet
    assert states(seed) == {"price": "s", "apple*count": "p", "tax": "p", "apple": "p", "count": "p"}
    # step 1 at price: tax is finished (its only use), apple*count has a contribution waiting
    assert states(first) == {"price": "c", "apple*count": "g", "tax": "d", "apple": "p", "count": "p"}
    assert states(second) == {"price": "d", "apple*count": "c", "tax": "d", "apple": "d", "count": "d"}
    assert [f["c"] for f in data["frames"]] == [-1, order.index(price), order.index(price), order.index(product)]
    # what flows back along the current node's edges: the textbook's numbers (dtax = 200, ...)
    p, a = order.index(price), order.index(product)
    assert first["e"] == {f"g-e{p}.0": ["← 1 × 1.1 = 1.1"], f"g-e{p}.1": ["← 1 × 200 = 200"]}
    assert second["e"] == {f"g-e{a}.0": ["← 1.1 × 2 = 2.2"], f"g-e{a}.1": ["← 1.1 × 100 = 110"]}
    # the gathering node's running sum, said to be one
    assert first["r"] == {str(order.index(product)): ["so far 1.1"]}
    # and what every finished edge shows afterwards
    finished = {edge_id: text for edge_id, _, text in data["edges"]}
    assert finished == {f"g-e{a}.0": ["← 2.2"], f"g-e{a}.1": ["← 110"], f"g-e{p}.0": ["← 1.1"], f"g-e{p}.1": ["← 200"]}


def test_the_diagram_has_an_id_for_every_box_circle_and_edge(tmp_path):
    price, *_ = apple_graph()
    page = viz.lecture(price, tmp_path / "apple.html").read_text()
    order = topological_order(price)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for i, node in enumerate(order):
        assert f"g-v{i}" in ids
        if node.parents:
            assert f"g-o{i}" in ids and f"g-r{i}" in ids
            assert all(f"g-e{i}.{k}" in ids for k in range(len(node.parents)))
    # the layout left room on each edge for the longer of its two texts
    assert "1 × 200 = 200" in page and "1.1 × 100 = 110" in page
    assert "<title>v" not in page  # no tooltips naming internal ids


def test_page_is_self_contained(tmp_path):
    price, *_ = apple_graph()
    page = viz.lecture(price, tmp_path / "apple.html").read_text()
    # nothing fetched: no external scripts, styles, fonts or images (SVG namespaces are not requests)
    assert not re.search(r"<(script|img|link|iframe)[^>]*\s(src|href)=", page)
    assert "@import" not in page and "@font-face" not in page
    assert not re.search(r"url\((?!#)", page)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "function show" in page and "#diagram .node.s-current" in page  # script and style inlined


def test_the_page_grows_with_nodes_plus_steps_not_their_product(tmp_path):
    def chain(n):
        x = Value(0.5, name="x")
        y = x
        for _ in range(n):
            y = (y * 0.9).tanh()
        return y

    sizes = {n: len(viz.lecture(chain(n), tmp_path / f"chain{n}.html").read_text()) for n in (10, 20, 40)}
    # each added op adds a node and a step: linear growth doubles the increment when the added
    # part doubles; a diagram per step (nodes x steps) would quadruple it
    ratio = (sizes[40] - sizes[20]) / (sizes[20] - sizes[10])
    assert 1.6 < ratio < 2.6


def test_mlp_page_is_small_and_every_step_is_recorded(tmp_path):
    loss = mlp_graph()
    order = topological_order(loss)
    operations = [n for n in order if n.parents]
    page = viz.lecture(loss, tmp_path / "mlp.html").read_text()
    assert len(page.encode("utf-8")) <= 1_000_000
    data = page_data(page)
    assert len(data["frames"]) == len(operations) + 2 == len(texts(page))
    assert all(len(f["states"]) == len(order) for f in data["frames"])
    # after the seed, a step changes the state of a few nodes only: its own, its inputs', the next
    assert max(len(f["d"].split()) for f in data["frames"][2:]) <= 6
    # every step: exactly one current node, the one its text talks about
    for frame, node in zip(data["frames"][2:], reversed(operations)):
        assert frame["states"].count("c") == 1 and frame["c"] == order.index(node)
    # scopes travel with the nodes, so the page can dim the neurons far from the current one
    assert "layer2/neuron3" in data["scopes"]
    assert data["scopes"][data["nodes"][order.index(loss)][0]] == "layer3/neuron0"


def test_the_final_summary_wraps_and_names_every_input(tmp_path):
    loss = mlp_graph()
    summary = texts(viz.lecture(loss, tmp_path / "mlp.html").read_text())[-1].split("\n\n")[-1]
    lines = summary.splitlines()
    assert lines[0].startswith("done") and all(len(line) <= 100 for line in lines)
    leaves = [n for n in topological_order(loss) if not n.parents]
    assert sum(line.count(" = ") for line in lines) == len(leaves)  # x0, x1, 12 + 20 + 5 weights and biases
    assert any(line.startswith("  layer1/neuron0: ") for line in lines)


def test_lecture_of_a_root_leaves_its_gradients_alone(tmp_path):
    price, apple, count, tax = apple_graph()
    price.backward()
    before = [n.grad for n in (price, apple, count, tax)]
    page = viz.lecture(price, tmp_path / "twice.html").read_text()
    assert [n.grad for n in (price, apple, count, tax)] == before
    # the page shows a fresh pass, not gradients accumulated on top of the earlier backward()
    assert "dprice = 1" in page and "dapple = 2.2" in page


def test_lecture_of_steps_walks_from_the_start_and_puts_them_back(tmp_path):
    price, apple, count, tax = apple_graph()
    steps = price.backprop()
    steps.step()
    grads = [n.grad for n in (price, apple, count, tax)]
    slides = frames(steps)
    assert [f.counter for f in slides] == ["forward pass", "step 0 / 2", "step 1 / 2", "step 2 / 2"]
    assert steps.position == 1 and [n.grad for n in (price, apple, count, tax)] == grads
    viz.lecture(steps, tmp_path / "steps.html")
    assert steps.position == 1 and [n.grad for n in (price, apple, count, tax)] == grads
    assert steps.step().number == 2 and apple.grad == pytest.approx(2.2)


def test_an_upstream_gradient_seeds_the_walk(tmp_path):
    # the textbook's mul node: 10 x 5 with upstream 1.3 sends 1.3 x 5 = 6.5 and 1.3 x 10 = 13
    x, y = Value(10.0, name="x"), Value(5.0, name="y")
    z = x * y
    z.name = "z"
    data = page_data(viz.lecture(z, tmp_path / "mul.html", grad=1.3).read_text())
    assert sorted(data["frames"][-1]["e"].values()) == [["← 1.3 × 10 = 13"], ["← 1.3 × 5 = 6.5"]]
    assert x.grad == 0 and y.grad == 0


def test_fan_out_page_shows_both_contributions(tmp_path):
    a = Value(2.0, name="a")
    out = a * a + a
    page = viz.lecture(out, tmp_path / "fan_out.html").read_text()
    assert "1 + 2 = 3" in page and "3 + 2 = 5" in page
    square = topological_order(out).index(out.parents[0])
    # a*a: two edges between the same two nodes, each with its own id and its own text
    edges = {edge_id: text for edge_id, _, text in page_data(page)["edges"]}
    assert edges[f"g-e{square}.0"] == edges[f"g-e{square}.1"] == ["← 2"]


def test_the_result_is_the_path_and_shows_itself_in_a_notebook(tmp_path):
    price, *_ = apple_graph()
    shown = viz.lecture(price, tmp_path / "apple.html")
    assert isinstance(shown, Lecture)
    assert os.fspath(shown) == str(shown) == str(tmp_path / "apple.html") and shown == tmp_path / "apple.html"
    assert shown.path.read_text() == shown.html and shown.stat().st_size == len(shown.html.encode("utf-8"))
    with open(shown, encoding="utf-8") as handle:
        assert handle.read() == shown.html
    inline = shown._repr_html_()
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^>]*></iframe>', inline)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == shown.html
    assert shown.steps == 2 and "steps=2" in repr(shown)


def test_refuses_what_it_cannot_write(tmp_path):
    price, *_ = apple_graph()
    with pytest.raises(ValueError, match=r"ending in \.html"):
        viz.lecture(price, tmp_path / "apple.svg")
    with pytest.raises(TypeError, match="expected a graph node"):
        viz.lecture(3.0, tmp_path / "x.html")
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(OSError, match="cannot write"):
        viz.lecture(price, tmp_path / "a-file" / "apple.html")
    with pytest.raises(ValueError, match="takes 2 steps, more than max_steps=1"):
        viz.lecture(price, tmp_path / "apple.html", max_steps=1)
    with pytest.raises(ValueError, match="rankdir must be one of"):
        viz.lecture(price, tmp_path / "apple.html", rankdir="XY")
    with pytest.raises(ValueError, match="grad= is for an output node"):
        viz.lecture(price.backprop(), tmp_path / "apple.html", grad=2.0)
    assert not (tmp_path / "apple.html").exists()


def test_command_without_graphviz_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on it
    status = main(["lecture", "price = apple * count", "apple=100", "count=2", "-o", str(tmp_path / "a.html")])
    err = capsys.readouterr().err
    assert status == 1  # what the machine lacks, as for every command; bad input is 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "chainrule lecture: error:" in err and "apt-get install graphviz" in err
    assert not (tmp_path / "a.html").exists()


def test_command_takes_an_upstream_gradient(tmp_path, capsys):
    out = tmp_path / "mul.html"
    assert main(["lecture", "z = x * y", "x=10", "y=5", "--grad", "1.3", "-o", str(out)]) == 0
    assert "1 step)" in capsys.readouterr().out
    assert sorted(page_data(out.read_text())["frames"][-1]["e"].values()) == [["← 1.3 × 10 = 13"], ["← 1.3 × 5 = 6.5"]]


def test_tensor_graph_page(tmp_path):
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True, name="x")
    loss = (x * x).sum()
    loss.name = "loss"
    page = viz.lecture(loss, tmp_path / "tensor.html").read_text()
    assert re.findall(r'data-counter="([^"]*)"', page) == ["forward pass", "step 0 / 2", "step 1 / 2", "step 2 / 2"]
    # x*x: each edge sends upstream * x = [1 -2]; the two add up to d(sum x^2)/dx = 2x
    assert "= [1 -2]" in page and "[1 -2] + [1 -2] = [2 -4]" in page
    # an array's edge says what it sends (the rows of the array, a line each)
    last = page_data(page)["frames"][-1]["e"]
    assert sorted(last.values()) == [["sends [1 -2]"], ["sends [1 -2]"]]


def test_top_to_bottom_pages_point_what_flows_back_upwards(tmp_path):
    price, *_ = apple_graph()
    data = page_data(viz.lecture(price, tmp_path / "apple.htm", rankdir="TB").read_text())
    assert sorted(text for _, _, text in data["edges"]) == [["↑ 1.1"], ["↑ 110"], ["↑ 2.2"], ["↑ 200"]]


def test_the_one_layout_carries_no_highlight_of_its_own(tmp_path):
    # The page marks the current node per frame; a colour baked into the SVG (the finished pass's
    # last node) would show a pending op as current on every frame.
    from viz.palette import CURRENT, CURRENT_FILL

    price, *_ = apple_graph()
    page = viz.lecture(price, tmp_path / "apple.html").read_text()
    svg = page[page.index("<svg"): page.index("</svg>")]
    assert CURRENT_FILL.lower() not in svg.lower() and CURRENT.lower() not in svg.lower()


def test_collapsed_page_marks_the_scopes_that_fold(tmp_path):
    loss = mlp_graph()
    order = topological_order(loss)
    plain = viz.lecture(loss, tmp_path / "plain.html").read_text()
    page = viz.lecture(loss, tmp_path / "folded.html", collapse=True).read_text()
    data = page_data(page)
    assert data["folds"] == ["layer1", "layer2", "layer3"]
    # still one drawing of the whole graph: every box keeps its id, and one box per fold (its
    # name, its node count, the values entering and leaving it) is drawn over its layer; the
    # forward pass of this big network has a drawing of its own: the layers folded, laid out apart
    assert page.count("<svg") == 2 and page.count('class="walk"') == 1 and page.count('class="forward-only"') == 1
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and all(f"g-v{i}" in ids for i in range(len(order)))
    layer_of = {i: (node.scope or "").split("/")[0] for i, node in enumerate(order)}
    for n, name in enumerate(data["folds"]):
        count = sum(1 for layer in layer_of.values() if layer == name)
        box = re.search(rf'<g id="g-f{n}" class="node fold">.*?</g>', page, re.S)
        assert box is not None, name
        words = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", box.group(0))]
        leaves = sum(1 for i, layer in layer_of.items() if layer == name and not order[i].parents)
        assert words[:2] == [name, f"{count} nodes, {leaves} inputs/weights"]
        assert words[2].startswith("in ") and any(w.startswith("out ") for w in words[3:])
        # the parts inside the layer are marked, and the page has the rule that hides them
        assert page.count(f"in-f{n}") >= count
        assert f"#diagram svg.shut-{n} .in-f{n} {{ visibility: hidden; }}" in page
    # the forward pass shows every layer folded; a step opens the layer it is in, and its inputs'
    position = {node: i for i, node in enumerate(order)}
    frames = data["frames"]
    assert frames[0]["x"] == [0, 1, 2]
    for frame in frames[2:]:
        near = {layer_of[frame["c"]], *(layer_of[position[p]] for p in order[frame["c"]].parents)}
        assert sorted(frame.get("x", [])) == [n for n, name in enumerate(data["folds"]) if name not in near]
    # the looks are the same records as without collapse
    assert [f["states"] for f in frames] == [f["states"] for f in page_data(plain)["frames"]]
    # a few KB more than the plain page, not a list of hidden nodes per frame
    assert len(page) - len(plain) < 40 * len(order) + 4_000


def test_collapse_by_depth_or_by_name(tmp_path):
    loss = mlp_graph()
    data = page_data(viz.lecture(loss, tmp_path / "neurons.html", collapse=1).read_text())
    # the nine neurons fold (by depth), and for the forward pass the three layers
    assert data["folds"][:2] == ["layer1/neuron0", "layer1/neuron1"] and len(data["folds"]) == 9 + 3
    assert data["folds"][9:] == ["layer1", "layer2", "layer3"] and data["frames"][0]["x"] == [9, 10, 11]
    data = page_data(viz.lecture(loss, tmp_path / "layer2.html", collapse=["layer2"]).read_text())
    assert data["folds"] == ["layer1", "layer2", "layer3"]
    order = topological_order(loss)
    position = {node: i for i, node in enumerate(order)}
    for frame in data["frames"][2:]:
        near = {order[frame["c"]], *order[frame["c"]].parents}
        in_layer2 = any((node.scope or "").startswith("layer2") for node in near)
        assert frame.get("x", []) == ([] if in_layer2 else [1]), (frame["c"], position)
    # False folds nothing but the forward pass of a graph this big
    data = page_data(viz.lecture(loss, tmp_path / "open.html", collapse=False).read_text())
    assert data["folds"] == ["layer1", "layer2", "layer3"] and all("x" not in f for f in data["frames"][1:])


@pytest.mark.parametrize("collapse", [-1, 1.5, [1], ["layer1", ""], {"layer1": 1}])
def test_invalid_collapse_is_refused_as_draw_refuses_it(tmp_path, collapse):
    loss = mlp_graph()
    with pytest.raises(ValueError) as drawn:
        viz.draw(loss, collapse=collapse)
    with pytest.raises(ValueError, match="^lecture: collapse") as refused:
        viz.lecture(loss, tmp_path / "mlp.html", collapse=collapse)
    assert str(refused.value) == str(drawn.value).replace("draw:", "lecture:", 1)
    assert not (tmp_path / "mlp.html").exists()


def test_the_forward_listing_goes_left_to_right_scope_by_scope(tmp_path):
    loss = mlp_graph()
    forward = texts(viz.lecture(loss, tmp_path / "mlp.html").read_text())[0].splitlines()
    scopes = [line.split(".")[0] + "." + line.split(".")[1] for line in forward if line.startswith("layer")]
    # each neuron's lines together, the neurons of layer 1 before those of layer 2, each in index order
    runs = [scope for k, scope in enumerate(scopes) if k == 0 or scopes[k - 1] != scope]
    neurons = [f"layer{layer}.neuron{n}" for layer, count in ((1, 4), (2, 4), (3, 1)) for n in range(count)]
    assert runs == neurons
    # and every value is computed before it is used: a caption appears left of "=" before its use
    defined: set[str] = {"x0", "x1"}
    for line in forward:
        name, _, rest = line.partition(" = ")
        used = re.findall(r"layer\d\.neuron\d\.[a-z0-9*+]+", rest.split(" = ")[0])
        assert all(u in defined or u.split(".")[-1][0] in "wb" for u in used), (line, used)
        defined.add(name.strip())


def test_lecture_makes_the_folder_it_is_asked_to_write_in(tmp_path, capsys):
    out = tmp_path / "new" / "folder" / "apple.html"
    assert main(["lecture", "price = apple * count", "apple=100", "count=2", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote" in capsys.readouterr().out


def test_a_big_graph_is_refused_before_any_walk(tmp_path, monkeypatch):
    import viz.walk.model as model

    def must_not_run(*args, **kwargs):
        raise AssertionError("walked the graph before refusing it")

    monkeypatch.setattr(model, "Backprop", must_not_run)
    monkeypatch.setattr(model, "gradients_set_aside", must_not_run)
    x = Value(0.5, name="x")
    y = x
    for _ in range(5_000):
        y = y * 1.0000001
    with pytest.raises(ValueError, match="lecture: the graph of .* has more than max_nodes=1200 nodes"):
        viz.lecture(y, tmp_path / "chain.html")
    assert not (tmp_path / "chain.html").exists()


def test_the_lines_a_frame_writes_into_are_already_red(tmp_path):
    """The page writes each frame's gradients and what flows back into lines the drawing keeps for
    them; a line kept empty in the drawing (an array edge sends nothing once the pass is over) is
    red too, so what a step writes there is red, not black."""
    from viz.palette import BACKWARD

    x = Tensor(np.arange(8.0).reshape(4, 2) / 8, name="x")
    W = Tensor(np.ones((2, 3)), requires_grad=True, name="W")
    loss = (x @ W).sum()
    page = viz.lecture(loss, tmp_path / "linear.html").read_text(encoding="utf-8")
    written = re.findall(r'<text [^>]*class="(?:bk|gr)"[^>]*>', page)
    assert len(written) >= 8  # the edges' flows of a 4×3 array, and the gradients
    assert all(f'fill="{BACKWARD}"' in text for text in written)
