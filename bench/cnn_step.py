"""One training step of the textbook's SimpleConvNet: chainrule's nn against the hand-written NumPy
im2col layers, in the same process, as a paired ratio.

The network (chapter 7): conv 30 x 5 x 5 - ReLU - max-pool 2x2 - affine 100 - ReLU - affine 10,
softmax cross-entropy, batch 100 of 1 x 28 x 28 images, Adam lr 1e-3, float32.  A step is forward,
backward and the Adam update.  Both start from the same weights and see the same batch; the
gradients of the first step are checked to agree before anything is timed.

- ``textbook``: the book's layer classes written out here by hand (``im2col`` / ``col2im`` looping
  over the filter positions, ``Convolution``, ``Pooling`` with argmax, ``Affine``, ``Relu``,
  ``SoftmaxWithLoss``, the book's ``Adam``), backward through every layer, the first convolution's
  ``dx`` included, as the book's ``gradient()`` does.  Its work arrays are made in the input's
  dtype, so the whole step is float32 (the book's ``np.zeros`` would silently compute in float64).
- ``chainrule``: ``nn.convnet()`` (Conv2d, ReLU, MaxPool2d, Flatten, Linear) with ``nn.Adam``.

Measurements are interleaved (each engine in turn, many rounds; in each round an engine's time is
the fastest of a few consecutive steps); the ratio is the median over rounds of chainrule's time
over the textbook's time in that round.

Run: ``make bench`` or ``.venv/bin/python bench/cnn_step.py [--rounds N]``.
"""

from __future__ import annotations

import os

# One BLAS thread unless the caller says otherwise: on a shared machine multi-threaded BLAS makes
# single-step timings swing; one thread keeps the paired ratio steady.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from autograd_core import softmax_cross_entropy  # noqa: E402
from nn import Adam, convnet  # noqa: E402

BATCH, CHANNELS, SIZE, FILTERS, KERNEL, HIDDEN, CLASSES = 100, 1, 28, 30, 5, 100, 10
LR = 1e-3
GOAL = 0.60


# -- the textbook's layers, written out by hand ------------------------------------------------
def im2col(input_data: np.ndarray, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    N, C, H, W = input_data.shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((N, C, filter_h, filter_w, out_h, out_w), dtype=input_data.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            col[:, :, y, x, :, :] = img[:, :, y:y_max:stride, x:x_max:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * out_h * out_w, -1)


def col2im(col: np.ndarray, input_shape: tuple, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0):
    N, C, H, W = input_shape
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1), dtype=col.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
    return img[:, :, pad : H + pad, pad : W + pad]


class Convolution:
    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        FN, C, FH, FW = self.W.shape
        N, C, H, W = x.shape
        out_h = 1 + (H + 2 * self.pad - FH) // self.stride
        out_w = 1 + (W + 2 * self.pad - FW) // self.stride
        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T
        out = np.dot(col, col_W) + self.b
        self.x, self.col, self.col_W = x, col, col_W
        return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout).transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class Pooling:
    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        N, C, H, W = x.shape
        out_h = 1 + (H - self.pool_h) // self.stride
        out_w = 1 + (W - self.pool_w) // self.stride
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        self.arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        self.x = x
        return out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size), dtype=dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dmax = dmax.reshape(dout.shape + (pool_size,))
        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)


class Relu:
    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout[self.mask] = 0
        return dout


class Affine:
    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W, self.b = W, b

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class SoftmaxWithLoss:
    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        shifted = x - np.max(x, axis=-1, keepdims=True)
        self.y = np.exp(shifted) / np.sum(np.exp(shifted), axis=-1, keepdims=True)
        self.t = t
        return -np.sum(np.log(self.y[np.arange(x.shape[0]), t] + 1e-7)) / x.shape[0]

    def backward(self) -> np.ndarray:
        batch = self.t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch), self.t] -= 1
        return dx / batch


class TextbookAdam:
    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999) -> None:
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter, self.m, self.v = 0, None, None

    def update(self, params: dict, grads: dict) -> None:
        if self.m is None:
            self.m = {key: np.zeros_like(val) for key, val in params.items()}
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for key in params:
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


class SimpleConvNet:
    """The book's network: layers in order, backward in reverse, grads in a dict."""

    def __init__(self, params: dict[str, np.ndarray]) -> None:
        self.params = params
        self.layers = [
            Convolution(params["W1"], params["b1"]),
            Relu(),
            Pooling(2, 2, stride=2),
            Affine(params["W2"], params["b2"]),
            Relu(),
            Affine(params["W3"], params["b3"]),
        ]
        self.last_layer = SoftmaxWithLoss()

    def gradient(self, x: np.ndarray, t: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        h = x
        for layer in self.layers:
            h = layer.forward(h)
        loss = self.last_layer.forward(h, t)
        dout = self.last_layer.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        conv, _, _, affine1, _, affine2 = self.layers
        grads = {
            "W1": conv.dW, "b1": conv.db, "W2": affine1.dW, "b2": affine1.db, "W3": affine2.dW, "b3": affine2.db,
        }
        return loss, grads


# -- the two steps -------------------------------------------------------------------------------
def initial_weights() -> dict[str, np.ndarray]:
    """The book's initialisation (weight_init_std=0.01), float32."""
    rng = np.random.default_rng(0)
    flat = FILTERS * ((SIZE - KERNEL + 1) // 2) ** 2
    shapes = {
        "W1": (FILTERS, CHANNELS, KERNEL, KERNEL), "b1": (FILTERS,), "W2": (flat, HIDDEN), "b2": (HIDDEN,),
        "W3": (HIDDEN, CLASSES), "b3": (CLASSES,),
    }
    return {
        k: (0.01 * rng.standard_normal(s) if k[0] == "W" else np.zeros(s)).astype(np.float32)
        for k, s in shapes.items()
    }


def textbook_step(params: dict[str, np.ndarray]) -> Callable:
    net, optimizer = SimpleConvNet(params), TextbookAdam(lr=LR)

    def step(x: np.ndarray, t: np.ndarray) -> float:
        loss, grads = net.gradient(x, t)
        optimizer.update(net.params, grads)
        return loss

    return step


def chainrule_model(params: dict[str, np.ndarray]):
    model = convnet((CHANNELS, SIZE, SIZE), FILTERS, KERNEL, hidden=HIDDEN, classes=CLASSES, dtype=np.float32)
    # Positions 0, 4, 6 of the Sequential: Conv2d, Linear, Linear.
    model.load_state_dict({"0.W": params["W1"], "0.b": params["b1"], "4.W": params["W2"], "4.b": params["b2"],
                           "6.W": params["W3"], "6.b": params["b3"]})
    return model


def chainrule_step(params: dict[str, np.ndarray]) -> Callable:
    model = chainrule_model(params)
    weights = model.parameters()
    optimizer = Adam(weights, lr=LR)

    def step(x: np.ndarray, t: np.ndarray) -> float:
        loss = softmax_cross_entropy(model(x), t)
        for p in weights:
            p.grad = None
        loss.backward()
        optimizer.step()
        return loss.data

    return step


def batch() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.random((BATCH, CHANNELS, SIZE, SIZE), dtype=np.float32)
    return x, rng.integers(0, CLASSES, BATCH)


def check_agreement() -> None:
    """The first step's loss and gradients agree (float32 tolerance) before anything is timed."""
    x, t = batch()
    params = initial_weights()
    # Weights large enough for every layer to pass a real signal.
    params = {k: v * 10 if k[0] == "W" else v for k, v in params.items()}
    loss, grads = SimpleConvNet({k: v.copy() for k, v in params.items()}).gradient(x, t)
    model = chainrule_model(params)
    ours = softmax_cross_entropy(model(x), t)
    ours.backward()
    names = {"W1": "0.W", "b1": "0.b", "W2": "4.W", "b2": "4.b", "W3": "6.W", "b3": "6.b"}
    found = dict(model.named_parameters())
    assert abs(float(ours.data) - float(loss)) < 1e-4, (float(ours.data), float(loss))
    for key, name in names.items():
        p = found[name]
        assert p.grad.dtype == np.float32, (name, p.grad.dtype)
        scale = float(np.abs(grads[key]).max())
        np.testing.assert_allclose(p.grad, grads[key], rtol=0, atol=1e-4 * scale, err_msg=key)


def measure(rounds: int, inner: int) -> dict[str, list[float]]:
    x, t = batch()
    engines = {"textbook": textbook_step(initial_weights()), "chainrule": chainrule_step(initial_weights())}
    for _ in range(5):  # warm up caches and allocators
        for step in engines.values():
            step(x, t)
    times: dict[str, list[float]] = {name: [] for name in engines}
    names = list(engines)
    clock = time.perf_counter
    for round_index in range(rounds):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            step, best = engines[name], float("inf")
            for _ in range(inner):
                start = clock()
                step(x, t)
                best = min(best, clock() - start)
            times[name].append(best)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="interleaved rounds (default 40)")
    parser.add_argument("--inner", type=int, default=3, help="steps per engine per round, fastest kept (default 3)")
    args = parser.parse_args()
    print(f"one Adam step of SimpleConvNet (conv {FILTERS}x{KERNEL}x{KERNEL} - ReLU - pool 2x2 - affine {HIDDEN} - "
          f"ReLU - affine {CLASSES}), batch {BATCH} of {CHANNELS}x{SIZE}x{SIZE}, float32")
    print(f"median of {args.rounds} interleaved rounds (best of {args.inner} steps each); "
          f"BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']} (set OPENBLAS_NUM_THREADS to change)")
    check_agreement()
    gc.collect()
    times = measure(args.rounds, args.inner)
    ratio = statistics.median(a / b for a, b in zip(times["chainrule"], times["textbook"]))
    for name, values in times.items():
        print(f"  {name:<10} {1000 * statistics.median(values):7.2f} ms/step")
    print(f"goal: chainrule <= {GOAL:.2f} x textbook: {'met' if ratio <= GOAL else 'NOT met'}")
    print(f"chainrule / textbook step time: {ratio:.2f}")


if __name__ == "__main__":
    main()
