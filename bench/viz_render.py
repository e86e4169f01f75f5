"""How long a diagram of a real graph takes: building the DOT source in Python, and ``dot -Tsvg``.

The graph: a 2-16-16-1 MLP of scalar Values (tanh hidden layers, linear output) on a few
samples with a squared-error loss, after backward, so every node has a value and a gradient and
every edge a local derivative and a backward value to print.  Measured with and without
``name_scope`` clusters (one per layer), against a peer measured in the same run: the plain
style of the classic micrograd notebooks (a record per value, a circle per op, no edge labels)
built node by node with the graphviz package's own ``node()``/``edge()`` calls.

Goal: the Python side under 30 ms with every label and local derivative; the whole render
(Python + ``dot -Tsvg``) under 1 s for about 1,000 nodes.  Then graphs that used to hang
``dot``: one node used 60 times (goal: under 2 s; it took over 60 s) and the 3-sample graph
(2,274 nodes) drawn within the default budget, name scopes folded automatically (goal: under
2 s; 11 s drawn in full).

Run: ``make bench`` or ``.venv/bin/python bench/viz_render.py [samples]``.
"""

from __future__ import annotations

import random
import shutil
import sys
import time
import warnings
from collections.abc import Callable

import graphviz

from autograd_core import Value, name_scope, topological_order
from viz import CollapsedWarning, draw
from viz.render import render_source

#: The goals are stated for a graph of about this many nodes (one sample through the MLP).
GOAL_NODES = 1200


def mlp_graph(samples: int, seed: int = 0) -> Value:
    """The loss of a 2-16-16-1 tanh MLP on ``samples`` random points, after backward."""
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    layers = []
    for k, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        with name_scope(f"layer{k + 1}"):
            layers.append(
                [([Value(rng.uniform(-1, 1)) for _ in range(fan_in)], Value(0.0)) for _ in range(fan_out)]
            )
    loss = None
    for s in range(samples):
        x = [Value(rng.uniform(-1, 1), name=f"x{s}_{i}") for i in range(2)]
        for k, layer in enumerate(layers):
            with name_scope(f"layer{k + 1}"):
                last = k == len(layers) - 1
                x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
                x = x if last else [v.tanh() for v in x]
        error = (x[0] - rng.uniform(-1, 1)) ** 2
        loss = error if loss is None else loss + error
    loss.name = "loss"
    loss.backward()
    return loss


def plain_style(root: Value) -> graphviz.Digraph:
    """The peer: one record per value (data, grad), one op circle, unlabelled edges."""
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    order = topological_order(root)
    ids = {node: str(i) for i, node in enumerate(order)}
    for node in order:
        uid = ids[node]
        dot.node(name=uid, label=f"{{ data {node.data:.4f} | grad {node.grad:.4f} }}", shape="record")
        if node.parents:
            dot.node(name=uid + node.op, label=node.op)
            dot.edge(uid + node.op, uid)
            for parent in node.parents:
                dot.edge(ids[parent], uid + node.op)
    return dot


def best_of(repeats: int, function: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeats`` runs (seconds) and the last result."""
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    if shutil.which("dot") is None:
        sys.exit("viz_render: Graphviz's dot is not installed (apt-get install graphviz)")
    samples_list = [int(a) for a in sys.argv[1:]] or [1, 3]
    peer_seconds: dict[int, float] = {}
    print(f"{'graph':<28}{'nodes':>7}{'build DOT':>12}{'dot -Tsvg':>12}{'total':>9}   (best of runs)")
    for samples in samples_list:
        loss = mlp_graph(samples)
        nodes = len(topological_order(loss))
        cases = [
            ("chainrule, clusters", lambda loss=loss: draw(loss, max_nodes=None)),
            ("chainrule, no clusters", lambda loss=loss: draw(loss, clusters=False, max_nodes=None)),
            ("plain style (peer)", lambda loss=loss: plain_style(loss)),
        ]
        figures = {}
        for name, build in cases:
            build_seconds, graph = best_of(20, build)
            source = graph.source
            dot_seconds, _ = best_of(3, lambda source=source: render_source(source, "svg", timeout=None))
            figures[name] = (build_seconds, dot_seconds)
            label = f"{name} ({samples} sample{'s' if samples > 1 else ''})"
            print(
                f"{label:<28}{nodes:>7}{build_seconds * 1e3:>9.1f} ms{dot_seconds:>10.2f} s"
                f"{build_seconds + dot_seconds:>7.2f} s"
            )
        ours, peer = figures["chainrule, clusters"], figures["plain style (peer)"]
        peer_seconds[samples] = sum(peer)
        summary = f"  build {ours[0] / peer[0]:.2f}x the peer's time; dot {ours[1] / peer[1]:.2f}x the peer's"
        if nodes <= GOAL_NODES:
            summary += (
                f"; goals for ~1,000 nodes: build under 30 ms {'met' if ours[0] < 0.030 else 'MISSED'}, "
                f"whole render under 1 s {'met' if sum(ours) < 1.0 else 'MISSED'}"
            )
        print(summary)
    scale_rows(peer_seconds)


def fan_out_graph(uses: int) -> Value:
    """``y = x + x + ... + x``: one node used ``uses`` times."""
    x = Value(0.5, name="x")
    y = x
    for _ in range(uses - 1):
        y = y + x
    y.backward()
    return y


def render_seconds(build: Callable[[], graphviz.Digraph], repeats: int = 3) -> float:
    """Build the DOT source and lay it out with ``dot -Tsvg``: the best of ``repeats``."""
    return best_of(repeats, lambda: render_source(build().source, "svg", timeout=120))[0]


def scale_rows(peer_seconds: dict[int, float]) -> None:
    """Graphs that used to hang ``dot``: a node used 60 times, and a 2,274-node graph drawn
    within the default budget (scopes folded automatically)."""
    print(f"\n{'scale':<44}{'nodes':>7}{'chainrule':>11}{'peer':>9}{'ratio':>8}   (goal)")
    fan = fan_out_graph(60)
    ours = render_seconds(lambda: draw(fan))
    peer = render_seconds(lambda: plain_style(fan))
    nodes = len(topological_order(fan))
    print(f"{'x + x + ... + x, 60 uses, every label':<44}{nodes:>7}{ours:>9.2f} s{peer:>7.2f} s{ours / peer:>7.3g}x"
          f"   (<= 2 s: {'met' if ours <= 2 else 'MISSED'})")
    loss = mlp_graph(3)
    nodes = len(topological_order(loss))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapsedWarning)
        ours = render_seconds(lambda: draw(loss))
        boxes = draw(loss).node_count
    peer = peer_seconds.get(3) or render_seconds(lambda: plain_style(loss), 1)
    label = f"2-16-16-1 MLP, 3 samples, folded to {boxes} boxes"
    print(f"{label:<44}{nodes:>7}{ours:>9.2f} s{peer:>7.2f} s{ours / peer:>7.3g}x"
          f"   (<= 2 s: {'met' if ours <= 2 else 'MISSED'})")
    print(f"  automatic folding renders the {nodes}-node graph in {ours / peer:.3g}x the peer's time "
          "(the peer draws every node, without labels)")


if __name__ == "__main__":
    main()
