"""One training step of a 784-100-10 ReLU net: chainrule's Tensor against hand-written NumPy and
other autodiff engines, in the same process, as paired ratios.

The step is forward, backward and an SGD update on a batch of 100 (softmax cross-entropy with
integer labels), in float64 and float32.  Every engine starts from the same weights and sees the
same batch.  The engines:

- ``textbook``: the step written by hand the textbook's way: Affine / ReLU / SoftmaxWithLoss
  layer objects, each Affine's backward also computing ``dx`` for its input (the reference, 1.00);
- ``hand, no dx``: the same, skipping the unused ``dx`` of the first layer;
- ``chainrule``: ``Tensor`` with ``softmax_cross_entropy``;
- ``chainrule, generic``: ``Tensor`` with the loss written out the generic way:
  ``-log_softmax(logits)[rows, labels].mean()`` (no fused loss);
- ``mygrad`` and ``HIPS autograd``.

Measurements are interleaved (each engine in turn, many rounds; in each round an engine's time is
the fastest of a few consecutive steps); for each engine the figure is the median over rounds of
(its step time / the textbook's step time in that round).

Run: ``make bench`` or ``.venv/bin/python bench/tensor_step.py [--rounds N]``.
"""

from __future__ import annotations

import os

# One BLAS thread unless the caller says otherwise: on a shared or busy machine, multi-threaded
# BLAS makes single-step timings swing by 10x; one thread keeps the paired ratios steady.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import autograd.numpy as anp  # noqa: E402
import mygrad  # noqa: E402
import numpy as np  # noqa: E402
from autograd import grad as hips_grad  # noqa: E402
from mygrad.nnet.activations import relu as mg_relu  # noqa: E402
from mygrad.nnet.losses import softmax_crossentropy as mg_softmax_crossentropy  # noqa: E402

from autograd_core import Tensor, softmax_cross_entropy  # noqa: E402

BATCH, N_IN, N_HIDDEN, N_OUT = 100, 784, 100, 10
LR = 0.01


# -- the textbook's layers, written out by hand ------------------------------------------------
class Affine:
    def __init__(self, W: np.ndarray, b: np.ndarray, need_dx: bool = True) -> None:
        self.W, self.b, self.need_dx = W, b, need_dx

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dout @ self.W.T if self.need_dx else None


class Relu:
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout[self.mask] = 0
        return dout


class SoftmaxWithLoss:
    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        shifted = x - np.max(x, axis=-1, keepdims=True)
        self.y = np.exp(shifted) / np.sum(np.exp(shifted), axis=-1, keepdims=True)
        self.t = t
        batch = x.shape[0]
        return -np.sum(np.log(self.y[np.arange(batch), t] + 1e-7)) / batch

    def backward(self) -> np.ndarray:
        batch = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch), self.t] -= 1
        return dx / batch


class LayerNet:
    """The textbook's two-layer net: layers in order, backward in reverse, then SGD."""

    def __init__(self, params: dict[str, np.ndarray], first_dx: bool) -> None:
        self.params = params
        self.layers = [
            Affine(params["W1"], params["b1"], need_dx=first_dx),
            Relu(),
            Affine(params["W2"], params["b2"]),
        ]
        self.last = SoftmaxWithLoss()

    def step(self, x: np.ndarray, t: np.ndarray) -> float:
        h = x
        for layer in self.layers:
            h = layer.forward(h)
        loss = self.last.forward(h, t)
        dout = self.last.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        first, _, second = self.layers
        grads = {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}
        for key, value in grads.items():
            self.params[key] -= LR * value
        return loss


# -- the engines ---------------------------------------------------------------------------------
def chainrule_step(params: dict[str, np.ndarray]) -> Callable:
    W1, b1, W2, b2 = (Tensor(params[k], requires_grad=True, name=k) for k in ("W1", "b1", "W2", "b2"))
    weights = (W1, b1, W2, b2)

    def step(x: np.ndarray, t: np.ndarray) -> float:
        loss = softmax_cross_entropy((x @ W1 + b1).relu() @ W2 + b2, t)
        loss.backward()
        for p in weights:
            p.data -= LR * p.grad
            p.grad = None
        return loss.data

    return step


def chainrule_generic_step(params: dict[str, np.ndarray]) -> Callable:
    W1, b1, W2, b2 = (Tensor(params[k], requires_grad=True, name=k) for k in ("W1", "b1", "W2", "b2"))
    weights = (W1, b1, W2, b2)

    def step(x: np.ndarray, t: np.ndarray) -> float:
        logits = (x @ W1 + b1).relu() @ W2 + b2
        loss = -logits.log_softmax(axis=1)[np.arange(len(t)), t].mean()
        loss.backward()
        for p in weights:
            p.data -= LR * p.grad
            p.grad = None
        return loss.data

    return step


def mygrad_step(params: dict[str, np.ndarray]) -> Callable:
    weights = [mygrad.Tensor(params[k]) for k in ("W1", "b1", "W2", "b2")]
    W1, b1, W2, b2 = weights

    def step(x: np.ndarray, t: np.ndarray) -> float:
        loss = mg_softmax_crossentropy(mg_relu(mygrad.matmul(x, W1) + b1) @ W2 + b2, t)
        loss.backward()
        for p in weights:
            p.data -= LR * p.grad
        return loss.data

    return step


def _hips_loss(weights: list, x: np.ndarray, t: np.ndarray):
    W1, b1, W2, b2 = weights
    logits = anp.dot(anp.maximum(anp.dot(x, W1) + b1, 0.0), W2) + b2
    shifted = logits - anp.max(logits, axis=1, keepdims=True)
    log_total = anp.log(anp.sum(anp.exp(shifted), axis=1))
    return anp.mean(log_total - shifted[np.arange(x.shape[0]), t])


def hips_step(params: dict[str, np.ndarray]) -> Callable:
    weights = [params[k] for k in ("W1", "b1", "W2", "b2")]
    gradient = hips_grad(_hips_loss)

    def step(x: np.ndarray, t: np.ndarray) -> float:
        for p, g in zip(weights, gradient(weights, x, t)):
            p -= LR * g
        return float("nan")

    return step


def make_engines(dtype: type) -> tuple[dict[str, Callable], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    init = {
        "W1": 0.01 * rng.standard_normal((N_IN, N_HIDDEN)),
        "b1": np.zeros(N_HIDDEN),
        "W2": 0.01 * rng.standard_normal((N_HIDDEN, N_OUT)),
        "b2": np.zeros(N_OUT),
    }
    x = rng.random((BATCH, N_IN)).astype(dtype)
    t = rng.integers(0, N_OUT, BATCH)

    def fresh() -> dict[str, np.ndarray]:
        return {k: v.astype(dtype) for k, v in init.items()}

    engines = {
        "textbook": LayerNet(fresh(), first_dx=True).step,
        "hand, no dx": LayerNet(fresh(), first_dx=False).step,
        "chainrule": chainrule_step(fresh()),
        "chainrule, generic": chainrule_generic_step(fresh()),
        "mygrad": mygrad_step(fresh()),
        "HIPS autograd": hips_step(fresh()),
    }
    return engines, x, t


def check_agreement(dtype: type) -> None:
    """One step of each engine from the same start must leave the same weights."""
    rng = np.random.default_rng(0)
    init = {
        "W1": 0.01 * rng.standard_normal((N_IN, N_HIDDEN)).astype(dtype),
        "b1": np.zeros(N_HIDDEN, dtype=dtype),
        "W2": 0.01 * rng.standard_normal((N_HIDDEN, N_OUT)).astype(dtype),
        "b2": np.zeros(N_OUT, dtype=dtype),
    }
    x = rng.random((BATCH, N_IN)).astype(dtype)
    t = rng.integers(0, N_OUT, BATCH)
    reference = {k: v.copy() for k, v in init.items()}
    LayerNet(reference, first_dx=True).step(x, t)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    for make in (chainrule_step, chainrule_generic_step):
        ours = {k: v.copy() for k, v in init.items()}
        make(ours)(x, t)
        for key in init:
            assert ours[key].dtype == dtype, (key, ours[key].dtype)
            np.testing.assert_allclose(ours[key], reference[key], rtol=tolerance, atol=tolerance)


def measure(dtype: type, rounds: int, inner: int) -> dict[str, tuple[float, float]]:
    """Median step time (ms) and median paired ratio to the textbook, per engine.

    Each round times ``inner`` consecutive steps of each engine and keeps the fastest, which
    filters out the moments the process was preempted (a shared machine); the ratio of the
    round is taken between those fastest steps.
    """
    engines, x, t = make_engines(dtype)
    names = list(engines)
    for _ in range(20):  # warm up caches, BLAS threads and allocators
        for name in names:
            engines[name](x, t)
    times: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    for round_index in range(rounds):
        # Rotate the order each round so no engine always runs right after the same one.
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            step = engines[name]
            best = float("inf")
            for _ in range(inner):
                start = clock()
                step(x, t)
                best = min(best, clock() - start)
            times[name].append(best)
    reference = times["textbook"]
    return {
        name: (
            1000 * statistics.median(times[name]),
            statistics.median(a / b for a, b in zip(times[name], reference)),
        )
        for name in names
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="interleaved rounds per dtype (default 200)")
    parser.add_argument("--inner", type=int, default=3, help="steps per engine per round, fastest kept (default 3)")
    args = parser.parse_args()
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"one SGD step, {N_IN}-{N_HIDDEN}-{N_OUT} ReLU net, softmax cross-entropy, batch {BATCH}")
    print(f"median of {args.rounds} interleaved rounds (best of {args.inner} steps each); "
          f"BLAS threads: {threads} (set OPENBLAS_NUM_THREADS to change)")
    gc.collect()
    results = {}
    for dtype in (np.float64, np.float32):
        check_agreement(dtype)
        results[dtype] = measure(dtype, args.rounds, args.inner)
        print(f"\n{np.dtype(dtype).name}:")
        print(f"  {'engine':<19} {'ms/step':>8}  {'x textbook':>10}")
        for name, (ms, ratio) in results[dtype].items():
            print(f"  {name:<19} {ms:8.3f}  {ratio:10.2f}")
    ours64 = results[np.float64]["chainrule"][0]
    ours32 = results[np.float32]["chainrule"][0]
    print(f"\nchainrule float32 step / float64 step: {ours32 / ours64:.2f}")
    for dtype, figures in results.items():
        extra = 1000 * (figures["chainrule"][0] - figures["hand, no dx"][0])
        print(f"{np.dtype(dtype).name}: chainrule's time over the hand-written step without dx: {extra:+.0f} us")
    print("\ngoal: chainrule <= 0.80 x textbook, ahead of every other engine; float32 faster than float64")
    for dtype, figures in results.items():
        ratio = figures["chainrule"][1]
        others = [name for name in ("mygrad", "HIPS autograd") if figures[name][1] <= ratio]
        print(f"  {np.dtype(dtype).name}: {ratio:.2f} x textbook ({'met' if ratio <= 0.80 else 'NOT met'}); "
              f"{'ahead of mygrad and HIPS autograd' if not others else 'behind ' + ', '.join(others)}")
    print(f"  float32 faster than float64: {'yes' if ours32 < ours64 else 'NO'}")
    print("goal: the generic loss (log_softmax, indexing with the labels, mean) <= 0.80 x textbook")
    for dtype, figures in results.items():
        ratio = figures["chainrule, generic"][1]
        print(f"  {np.dtype(dtype).name}: {ratio:.2f} x textbook ({'met' if ratio <= 0.80 else 'NOT met'})")


if __name__ == "__main__":
    main()
