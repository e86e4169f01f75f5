"""The training page's data, read back from the HTML file: every watched node's value and gradient
at every step equals a forward and backward pass written out by hand from the weights the page
itself carries; the walk it draws is the graph's; the page needs nothing outside itself."""

from __future__ import annotations

import re

import numpy as np
import pytest
from mlp_oracle import mlp_point_oracle

import viz
from nn.datasets import moons
from nn.playground import train
from nn.scalar import MLP
from viz.training.page import read_data
from viz.training.table import decode, encode, pack, unpack

SIZES = [2, 4, 4, 1]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = moons(30, noise=0.1, seed=4)
    y = 2 * y - 1
    model = MLP(2, SIZES[1:], seed=5)
    page = viz.TrainingPage(model, X, y, watch=[0, 7], grid=12)
    train(model, X, y, 5, page=page)
    path = page.save(tmp_path_factory.mktemp("page") / "train.html")
    text = path.read_text(encoding="utf-8")
    return page, X, y, text, read_data(text)


def _key(node: list, scopes: list[str]) -> tuple[str, str] | None:
    """How the hand-written pass names a drawn node: (scope, name), or (scope, "relu") for a hidden
    neuron's activation; None for the loss's own arithmetic."""
    kind, title, named, symbol, scope = node[:5]
    if named:
        return (scopes[scope], title)
    if symbol == "relu":
        return (scopes[scope], "relu")
    return None


def test_every_watched_node_on_the_page_equals_a_pass_recomputed_from_the_pages_own_weights(saved) -> None:
    _, X, y, _, data = saved
    numbers = decode(data["numbers"])
    weights = numbers["weights"]  # the weights as the page carries them, float32
    assert len(weights) == data["steps"] == 5  # each step shows the weights it started from
    for k, point in enumerate(data["points"]):
        graph = data["graphs"][point["graph"]]
        values, grads = numbers[f"p{k}v"], numbers[f"p{k}g"]
        keys = [_key(node, graph["scopes"]) for node in graph["nodes"]]
        assert point["x"] == list(X[point["index"]])
        checked = 0
        for step in range(len(weights)):
            # recomputed in float64 from the page's float32 weights: equal to float32 precision
            expected = mlp_point_oracle(weights[step], SIZES, point["x"], float(y[point["index"]]))
            for i, key in enumerate(keys):
                if key is None:
                    continue
                value, grad = expected[key]
                assert values[step, i] == pytest.approx(value, rel=1e-5, abs=1e-6), (k, step, key)
                assert grads[step, i] == pytest.approx(grad, rel=1e-5, abs=1e-6), (k, step, key)
                checked += 1
        assert checked == len(weights) * 104  # every weight, product, sum, activation, input and the loss


def test_the_pages_numbers_are_the_recorders_to_float32(saved) -> None:
    page, _, _, _, data = saved
    numbers = decode(data["numbers"])
    assert np.array_equal(numbers["weights"], np.array(page.weights[:-1], dtype=np.float32))
    assert np.array_equal(numbers["gradients"], np.array(page.gradients, dtype=np.float32))
    assert np.array_equal(numbers["updates"], page.updates().astype(np.float32))
    for k, rows in enumerate(page.point_numbers):
        n = len(page.watched[k].order)
        assert np.array_equal(numbers[f"p{k}v"], np.array(rows[:-1], dtype=np.float32)[:, :n])
        assert np.array_equal(numbers[f"p{k}l"], np.array(rows[:-1], dtype=np.float32)[:, 2 * n:])
    assert data["loss"] == page.losses and data["accuracy"] == page.accuracy[:-1]
    assert data["loss"][-1] < data["loss"][0]


def test_local_derivatives_on_the_page_are_the_other_factor_one_or_the_relus_slope(saved) -> None:
    _, _, _, _, data = saved
    numbers = decode(data["numbers"])
    point = data["points"][1]
    graph = data["graphs"][point["graph"]]
    values, local = numbers["p1v"], numbers["p1l"]
    symbols = {"×": "mul", "+": "add", "relu": "relu"}
    seen = set()
    for e, (i, k) in enumerate(point["edges"]):
        op = symbols.get(graph["nodes"][i][3])
        inputs = [source for target, index, source, *_ in sorted(graph["edges"]) if target == i]
        if op == "mul":
            assert np.array_equal(local[:, e], values[:, inputs[1 - k]])
        elif op == "add":
            assert (local[:, e] == 1).all()
        elif op == "relu":
            assert np.array_equal(local[:, e], (values[:, inputs[0]] > 0).astype(float))
        seen.add(op)
    assert seen >= {"mul", "add", "relu"}


def test_the_drawing_is_the_walks_graph_laid_out_once(saved) -> None:
    page, _, _, _, data = saved
    order = page.watched[0].order
    graph = data["graphs"][0]
    assert len(graph["nodes"]) == len(order)
    assert all(node[6] is not None for node in graph["nodes"])  # every node has its box from the layout
    ops = [i for i, node in enumerate(order) if node.parents]
    assert all(graph["nodes"][i][7] is not None for i in ops)  # and every op its circle
    assert len(graph["edges"]) == sum(len(node.parents) for node in order)
    assert {graph["scopes"][fold[0]] for fold in graph["folds"]} == {
        "layer1", "layer2", "layer3", *(f"layer{k}/neuron{j}" for k in (1, 2) for j in range(4)), "layer3/neuron0"}
    # a graph of more than 60 nodes opens folded; each fold says what leaves it
    assert len(order) > 60 and graph["shut"] == list(range(len(graph["folds"])))
    assert all(fold[3] for fold in graph["folds"])
    # the two points share one graph shape: one drawing
    assert [p["graph"] for p in data["points"]] == [0, 0] and len(data["graphs"]) == 1
    assert [frame[0] for frame in data["frames"]] == [f"step {k} / 5" for k in range(1, 6)]


def test_a_small_graph_opens_unfolded(tmp_path) -> None:
    X, y = moons(8, seed=0)
    model = MLP(2, [2, 1], seed=0)
    page = viz.TrainingPage(model, X, y, grid=4)
    train(model, X, 2 * y - 1, 1, page=page)
    data = read_data(page.save(tmp_path / "small.html").read_text())
    assert data["graphs"][0]["shut"] == []


def test_the_page_loads_nothing_from_outside(saved) -> None:
    *_, text, _ = saved
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text, re.I)
    assert "@import" not in text and "url(" not in text and "fetch(" not in text
    # its only URL is the SVG namespace, a name rather than an address
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) <= {"http://www.w3.org/2000/svg"}


def test_save_refuses_a_name_that_is_not_html_and_writes_nothing_on_failure(saved, tmp_path) -> None:
    page, *_ = saved
    with pytest.raises(ValueError, match="ending in .html"):
        page.save(tmp_path / "train.png")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError, match="cannot write"):
        page.save(blocker / "train.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_the_saved_page_shows_inline_in_a_notebook(saved, tmp_path) -> None:
    page, *_ = saved
    shown = page.save(tmp_path / "inline.html")
    frame = shown._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in frame
    assert repr(shown) == f"TrainingPageFile({str(tmp_path / 'inline.html')!r}, steps=5)"


def test_packing_round_trips_and_is_smaller_for_slowly_changing_numbers() -> None:
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(0, 1e-3, (101, 400)), axis=0) + rng.normal(0, 1, 400)
    table = encode({"a": series, "b": series[:, :3], "c": np.ones((101, 2))})
    back = decode(table)
    assert np.array_equal(back["a"], series.astype(np.float32)) and np.array_equal(back["c"], np.ones((101, 2)))
    assert table["refs"]["b"] == table["refs"]["a"][:3]  # the same series is stored once
    raw = series.astype("<f4").tobytes()
    assert unpack(pack(raw, 4), 4) == raw
    assert len(pack(raw, 4)) < 0.8 * len(raw) * 4 / 3  # smaller than plain base64


def test_a_page_of_no_step_is_refused(tmp_path) -> None:
    X, y = moons(8, seed=0)
    page = viz.TrainingPage(MLP(2, [2, 1], seed=0), X, y, grid=4)
    with pytest.raises(ValueError, match="no step recorded yet"):
        page.save(tmp_path / "empty.html")
    assert not (tmp_path / "empty.html").exists()


def test_a_nan_loss_does_not_break_the_page(tmp_path) -> None:
    X, y = moons(8, seed=0)
    model = MLP(2, [2, 1], seed=0)
    page = viz.TrainingPage(model, X, y, grid=4)
    page.record(float("nan"))
    data = read_data(page.save(tmp_path / "nan.html").read_text())
    assert data["loss"] == [None]


def test_the_last_steps_record_writes_the_page_when_told_where(tmp_path) -> None:
    X, y = moons(10, seed=0)
    model = MLP(2, [2, 1], seed=0)
    out = tmp_path / "auto" / "page.html"
    page = viz.TrainingPage(model, X, y, grid=4, steps=3, save=out)
    results = []

    def record(loss):
        results.append(page.record(loss))

    train(model, X, 2 * y - 1, 3, page=type("Recorder", (), {"record": staticmethod(record)})())
    assert results[:2] == [None, None] and results[2] == out and out.exists()
    assert read_data(out.read_text(encoding="utf-8"))["steps"] == 3
    with pytest.raises(ValueError, match="max_steps=3"):
        page.record(0.1)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (dict(save="page.html"), "give steps= too"),
        (dict(steps=3, save="page.png"), "ending in .html"),
        (dict(steps=3, save="/proc/page.html"), "save= /proc/page.html: cannot write in /proc"),
        (dict(steps=0), "steps must be a whole number >= 1"),
    ],
)
def test_steps_and_save_are_checked_before_the_loop(arguments, words) -> None:
    X, y = moons(10, seed=0)
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        viz.TrainingPage(MLP(2, [2, 1], seed=0), X, y, **arguments)
