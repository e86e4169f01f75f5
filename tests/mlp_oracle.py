"""An independent oracle for micrograd's MLP on one point: its forward and backward pass written out
by hand in plain Python (no graph, no chainrule), for the tests of the training page and the
playground."""

from __future__ import annotations


def mlp_point_oracle(weights, sizes: list[int], x, target: float) -> dict[tuple[str, str], tuple[float, float]]:
    """Micrograd's MLP (ReLU hidden layers, a linear output) and its hinge loss on one point,
    forward and backward written out by hand in plain Python: for every node the page draws,
    ``(scope, name) -> (value, gradient)``.  Names: ``prod{i}``, ``sum{i}``, ``w{i}``, ``b``,
    ``relu`` (a hidden neuron's output), ``x{k}`` and ``loss``; weights in micrograd's order."""
    weights = [float(w) for w in weights]
    at = 0
    layers = []  # per layer, per neuron: (ws, b)
    for n_in, n_out in zip(sizes, sizes[1:]):
        neurons = []
        for _ in range(n_out):
            neurons.append((weights[at:at + n_in], weights[at + n_in]))
            at += n_in + 1
        layers.append(neurons)
    assert at == len(weights), (at, len(weights))
    acts = [list(map(float, x))]
    sums = []  # per layer, per neuron: the running sums
    for depth, neurons in enumerate(layers):
        outs, layer_sums = [], []
        for ws, b in neurons:
            running, total = [], b
            for w, a in zip(ws, acts[-1]):
                total = total + w * a
                running.append(total)
            layer_sums.append(running)
            last = depth == len(layers) - 1
            outs.append(total if last else max(total, 0.0))
        sums.append(layer_sums)
        acts.append(outs)
    score = acts[-1][0]
    margin = 1.0 + -target * score
    loss = max(margin, 0.0)
    found: dict[tuple[str, str], tuple[float, float]] = {("", "loss"): (loss, 1.0)}
    grad_out = [(-target if margin > 0 else 0.0)]  # d loss / d (each output of the last layer)
    for depth in range(len(layers) - 1, -1, -1):
        neurons, last = layers[depth], depth == len(layers) - 1
        grad_in = [0.0] * len(acts[depth])
        for j, (ws, b) in enumerate(neurons):
            scope = f"layer{depth + 1}/neuron{j}"
            total = sums[depth][j][-1]
            if last:
                g = grad_out[j]
            else:
                found[(scope, "relu")] = (acts[depth + 1][j], grad_out[j])
                g = grad_out[j] * (1.0 if total > 0 else 0.0)
            for i, (w, a) in enumerate(zip(ws, acts[depth])):
                found[(scope, f"prod{i}")] = (w * a, g)
                found[(scope, f"sum{i}")] = (sums[depth][j][i], g)
                found[(scope, f"w{i}")] = (w, g * a)
                grad_in[i] += g * w
            found[(scope, "b")] = (b, g)
        grad_out = grad_in
    for k, value in enumerate(acts[0]):
        found[("", f"x{k}")] = (value, grad_out[k])
    return found

