"""Scalar engine against the micrograd package on micrograd's own demo workload.

A 2-16-16-1 MLP (ReLU hidden, linear out), SVM hinge loss plus L2 on 100 two-moons points:
about 65,000 nodes a step.  Both engines get the same weights and data in the same process and
run the same Python code shape (micrograd's ``nn`` module for micrograd, a line-for-line mirror
of it for chainrule).  Prints, for each engine, the time of one step (forward + backward) with
Python's garbage collector on (as users run it) and off, and the graph's memory per node
(tracemalloc), then the ratios the project's goals are stated in.

Run: ``make bench`` or ``.venv/bin/python bench/scalar_mlp.py``.
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
import tracemalloc

import micrograd.engine
import micrograd.nn

import autograd_core


def two_moons(n: int, seed: int = 1) -> tuple[list[list[float]], list[int]]:
    """The classic two half-circles with a little noise, labels -1 / +1."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * (i % (n // 2)) / (n // 2 - 1)
        if i < n // 2:
            x, y, label = math.cos(t), math.sin(t), -1
        else:
            x, y, label = 1 - math.cos(t), 0.5 - math.sin(t), 1
        xs.append([x + rng.gauss(0, 0.1), y + rng.gauss(0, 0.1)])
        ys.append(label)
    return xs, ys


class Neuron:
    """micrograd.nn.Neuron, with chainrule's Value."""

    def __init__(self, weights: list[float], nonlin: bool) -> None:
        self.w = [autograd_core.Value(w) for w in weights]
        self.b = autograd_core.Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class MLP:
    """micrograd.nn.MLP (layers of Neurons), with chainrule's Value and given weights."""

    def __init__(self, weights: list[list[list[float]]]) -> None:
        self.layers = [
            [Neuron(w, nonlin=i != len(weights) - 1) for w in layer] for i, layer in enumerate(weights)
        ]

    def __call__(self, x):
        for layer in self.layers:
            out = [n(x) for n in layer]
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


def micrograd_model(weights):
    model = micrograd.nn.MLP(2, [16, 16, 1])
    for layer, layer_weights in zip(model.layers, weights):
        for neuron, w in zip(layer.neurons, layer_weights):
            for v, wv in zip(neuron.w, w):
                v.data = wv
    return model


def loss(model, value_cls, X, y, alpha=1e-4):
    """micrograd's demo loss: hinge loss + L2 regularisation."""
    inputs = [list(map(value_cls, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = alpha * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def step(model, value_cls, X, y):
    total = loss(model, value_cls, X, y)
    model.zero_grad()
    total.backward()
    return total


def time_steps(engines, X, y, steps: int, gc_enabled: bool) -> tuple[list[float], list[float]]:
    """Median seconds per step (forward + backward) for each (model, value class), measured
    interleaved (one step of each engine in turn) so that a change in machine load hits both
    alike; and the median seconds spent dropping the previous step's graph just before.

    Dropping is timed apart: chainrule's graph is freed right there by reference counting,
    micrograd's (reference cycles) is left for the cyclic GC, which then runs, with the GC on,
    inside the timed steps, as it does for users.
    """
    if gc_enabled:
        gc.enable()
    else:
        gc.disable()
    times: list[list[float]] = [[] for _ in engines]
    drops: list[list[float]] = [[] for _ in engines]
    last = [None] * len(engines)
    try:
        for _ in range(steps):
            for k, (model, value_cls) in enumerate(engines):
                start = time.perf_counter()
                last[k] = None
                dropped = time.perf_counter()
                last[k] = step(model, value_cls, X, y)
                times[k].append(time.perf_counter() - dropped)
                drops[k].append(dropped - start)
    finally:
        del last
        gc.enable()
        gc.collect()
    return [statistics.median(t) for t in times], [statistics.median(d) for d in drops]


def count_nodes(root) -> int:
    children = "parents" if hasattr(root, "parents") else "_prev"
    seen, stack = {id(root)}, [root]
    while stack:
        node = stack.pop()
        for p in getattr(node, children):
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def graph_memory(model, value_cls, X, y) -> tuple[int, int]:
    """Bytes allocated by one step (forward + backward) while its graph is alive, and nodes."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        total = step(model, value_cls, X, y)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        gc.enable()
    nodes = count_nodes(total)
    del total
    gc.collect()
    return after - before, nodes


def main() -> None:
    X, y = two_moons(100)
    rng = random.Random(1337)
    sizes = [2, 16, 16, 1]
    weights = [
        [[rng.uniform(-1, 1) for _ in range(sizes[i])] for _ in range(sizes[i + 1])] for i in range(len(sizes) - 1)
    ]
    ours, theirs = MLP(weights), micrograd_model(weights)

    # Same weights, same data: the two engines must agree before their speed means anything.
    a = step(ours, autograd_core.Value, X, y)
    b = step(theirs, micrograd.engine.Value, X, y)
    assert abs(a.data - b.data) < 1e-9, (a.data, b.data)
    grads_ours = [p.grad for p in ours.parameters()]
    grads_theirs = [p.grad for p in theirs.parameters()]
    assert max(abs(g - h) for g, h in zip(grads_ours, grads_theirs)) < 1e-9
    del a, b
    gc.collect()

    steps = 9
    engines = [(ours, autograd_core.Value), (theirs, micrograd.engine.Value)]
    on, _ = time_steps(engines, X, y, steps, gc_enabled=True)
    off, drop = time_steps(engines, X, y, steps, gc_enabled=False)
    rows = {}
    for k, label in enumerate(("chainrule", "micrograd")):
        memory, nodes = graph_memory(*engines[k], X, y)
        rows[label] = (on[k], off[k], memory, nodes)

    print(f"2-16-16-1 MLP, hinge + L2 on 100 points, median of {steps} interleaved steps (forward + backward)")
    print(f"{'engine':<10} {'GC on (s)':>10} {'GC off (s)':>11} {'nodes':>8} {'bytes/node':>11}")
    for label, (on, off, memory, nodes) in rows.items():
        print(f"{label:<10} {on:>10.4f} {off:>11.4f} {nodes:>8d} {memory / nodes:>11.0f}")
    print(f"dropping a step's graph (GC off): chainrule {drop[0] * 1000:.1f} ms, freed by reference counting; "
          f"micrograd {drop[1] * 1000:.1f} ms, its cycles wait for the cyclic GC")
    c, m = rows["chainrule"], rows["micrograd"]
    print(f"speed-up, GC on  (goal >= 5x):   {m[0] / c[0]:.2f}x")
    print(f"speed-up, GC off (goal >= 1.2x): {m[1] / c[1]:.2f}x")
    print(f"memory ratio     (goal <= 0.5):  {(c[2] / c[3]) / (m[2] / m[3]):.2f}")


if __name__ == "__main__":
    main()
