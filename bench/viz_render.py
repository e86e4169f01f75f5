"""How long a diagram of a real graph takes: building the DOT source in Python, and ``dot -Tsvg``.

The graph: a 2-16-16-1 MLP of scalar Values (tanh hidden layers, linear output) on a few
samples with a squared-error loss, after backward, so every node has a value and a gradient and
every edge a local derivative and a backward value to print.  Measured with and without
``name_scope`` clusters (one per layer), against a peer measured in the same run: the plain
style of the classic micrograd notebooks (a record per value, a circle per op, no edge labels)
built node by node with the graphviz package's own ``node()``/``edge()`` calls.

Goal: the Python side under 30 ms with every label and local derivative; the whole render
(Python + ``dot -Tsvg``) under 1 s for about 1,000 nodes.

Run: ``make bench`` or ``.venv/bin/python bench/viz_render.py [samples]``.
"""

from __future__ import annotations

import random
import shutil
import sys
import time
from collections.abc import Callable

import graphviz

from autograd_core import Value, name_scope, topological_order
from viz import draw
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
            dot_seconds, _ = best_of(3, lambda source=source: render_source(source, "svg"))
            figures[name] = (build_seconds, dot_seconds)
            label = f"{name} ({samples} sample{'s' if samples > 1 else ''})"
            print(
                f"{label:<28}{nodes:>7}{build_seconds * 1e3:>9.1f} ms{dot_seconds:>10.2f} s"
                f"{build_seconds + dot_seconds:>7.2f} s"
            )
        ours, peer = figures["chainrule, clusters"], figures["plain style (peer)"]
        summary = f"  build {ours[0] / peer[0]:.2f}x the peer's time; dot {ours[1] / peer[1]:.2f}x the peer's"
        if nodes <= GOAL_NODES:
            summary += (
                f"; goals for ~1,000 nodes: build under 30 ms {'met' if ours[0] < 0.030 else 'MISSED'}, "
                f"whole render under 1 s {'met' if sum(ours) < 1.0 else 'MISSED'}"
            )
        print(summary)

if __name__ == "__main__":
    main()
