"""``check_layers``: find the hand-written layer whose ``backward`` is wrong.

A gradient check of the whole network (``network.gradient`` against
``network.numerical_gradient``) says *that* something is wrong, per parameter; every parameter
before the wrong layer looks wrong too.  ``check_layers`` checks each layer alone: the layer's
input is what the layers before it produce from ``x``, a random upstream gradient ``g`` is sent
into its ``backward``, and every output of that backward (``dx``, and ``dW``, ``db``, ``dgamma``,
... left on the layer) is compared with central differences of ``sum(g * layer.forward(x))``.
The loss layer (``lastLayer``, given ``t``) gets ``dout = 1``.  All in float64, on copies: the
network is left as it was.

Example: the seed's bug, a ``SoftmaxWithLoss`` whose backward divides by one row too many.
    >>> import numpy as np
    >>> from nn.textbook import SoftmaxWithLoss, TwoLayerNet, check_layers
    >>> class Buggy(SoftmaxWithLoss):
    ...     def backward(self, dout=1):
    ...         return (self.y - self.t) / (self.t.shape[0] + 1)
    >>> np.random.seed(0)
    >>> net = TwoLayerNet(input_size=6, hidden_size=4, output_size=3)
    >>> net.lastLayer = Buggy()
    >>> x, t = np.random.rand(3, 6), np.eye(3)[[0, 2, 1]]
    >>> report = check_layers(net, x, t)
    >>> report.headline()
    "check_layers FAILED: the first wrong layer is layer 4 'lastLayer' (Buggy): dx is wrong (relative error 0.14)"
    >>> round(report.first_failure.relative_error, 3)   # (1/3 - 1/4) / (1/3 + 1/4) = 1/7
    0.143
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograd_core.check.report import compare

from .check_report import LayerReport, LayerRow
from .functions import CROSS_ENTROPY_DELTA
from .model_check import log_delta_reason

__all__ = ["check_layer", "check_layers", "error_text", "layers_of", "parameter_names", "takes_train_flg"]

_MACHINE_EPS = float(np.finfo(np.float64).eps)


def check_layers(
    network_or_layers: Any,
    x: Any,
    t: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-7,
    rtol: float = 1e-5,
    max_checks: int | None = 2000,
    seed: int = 0,
) -> LayerReport:
    """Check every layer's ``backward`` against its own ``forward``; name the first wrong one.

    ``network_or_layers`` is a network with ``layers`` (an ``OrderedDict`` or a list) and, when
    ``t`` is given, ``lastLayer``; or a list or dict of layers (with ``t``, the last one is the
    loss layer, called as ``forward(x, t)``).  A layer has ``forward`` and ``backward(dout)``;
    ``forward(x, train_flg=True)`` is used where the layer takes it (dropout, batch norm), with
    NumPy's global random state reset before each call so dropout draws the same mask.

    An element passes when ``|backprop - numerical| <= atol + rtol * |numerical|`` (``atol``
    raised to the rounding noise of the layer's output); at most ``max_checks`` elements per
    array are checked (a fixed random sample; None: all).  Elements where the forward pass has a
    kink (one-sided differences disagree: ReLU at 0, tied maxima) are skipped and counted.  A
    loss layer whose ``dx`` differs only by the book's ``1e-7`` inside the log (backward
    differentiates ``log(y)``, forward computes ``log(y + 1e-7)``) is marked "explained".

    Weight decay lives in the network's ``loss``/``gradient``, not in a layer: ``check_model``
    (``autograd_core``) checks the whole network's gradient, per parameter.

    Returns a :class:`LayerReport`: ``report.passed``, ``report.first_failure`` (position,
    ``key``, ``layer_class``, ``output`` such as ``"dW"``, ``relative_error``), ``print(report)``.

    >>> import numpy as np
    >>> from nn.textbook import Affine, Relu
    >>> rng = np.random.default_rng(0)
    >>> layers = [Affine(rng.standard_normal((3, 4)), np.zeros(4)), Relu()]
    >>> check_layers(layers, rng.standard_normal((5, 3))).passed
    True
    """
    keys, layers = layers_of(network_or_layers, t)
    copies = copy.deepcopy(layers)  # the network's own layers are never run
    frozen = np.random.get_state()
    rng = np.random.default_rng(seed)
    rows: list[LayerRow] = []
    notes: list[str] = []
    current: tuple[np.ndarray, ...] = (_as_float64(x, "x"),)
    try:
        for position, (key, layer) in enumerate(zip(keys, copies), start=1):
            is_loss = t is not None and position == len(copies)
            checker = _LayerChecker(layer, position, key, frozen, eps, atol, rtol, max_checks, rng)
            new_rows, out = checker.run(current, t if is_loss else None)
            rows.extend(new_rows)
            if out is None:  # its forward failed: the layers after it have no input to be checked on
                if position < len(copies):
                    later = f"layer {position + 1}" if position + 1 == len(copies) else \
                        f"layers {position + 1} to {len(copies)}"
                    notes.append(f"{later} not checked: they need the output of layer {position}, whose forward failed")
                break
            current = (out,)
    finally:
        np.random.set_state(frozen)
    return LayerReport(rows, eps, atol, rtol, notes)


def check_layer(
    layer: Any,
    *inputs: Any,
    t: Any = None,
    eps: float = 1e-6,
    atol: float = 1e-7,
    rtol: float = 1e-5,
    max_checks: int | None = 2000,
    seed: int = 0,
) -> LayerReport:
    """Check one layer whose ``forward`` takes one or more inputs (``MulLayer.forward(x, y)``;
    ``backward`` then returns one gradient per input: ``dx``, ``dy``, ...).

    >>> from nn.textbook import MulLayer
    >>> report = check_layer(MulLayer(), 100.0, 2.0)
    >>> [(r.output, r.passed) for r in report.rows]
    [('dx', True), ('dy', True)]
    """
    if not callable(getattr(layer, "forward", None)) or not callable(getattr(layer, "backward", None)):
        raise TypeError(f"check_layer: {type(layer).__name__} has no forward and backward methods")
    if not inputs:
        raise ValueError("check_layer: give the layer's input(s), e.g. check_layer(layer, x)")
    frozen = np.random.get_state()
    probe = copy.deepcopy(layer)
    names = [f"input {i}" for i in range(len(inputs))]
    checker = _LayerChecker(
        probe, 1, type(layer).__name__, frozen, eps, atol, rtol, max_checks, np.random.default_rng(seed)
    )
    try:
        rows, _ = checker.run(tuple(_as_float64(v, n) for v, n in zip(inputs, names)), t)
    finally:
        np.random.set_state(frozen)
    return LayerReport(rows, eps, atol, rtol)


# -- which layers -----------------------------------------------------------------------------------
def layers_of(network: Any, t: Any, view: str = "check_layers") -> tuple[list[str], list[Any]]:
    """The layers of ``network`` in forward order and their keys (``lastLayer`` last, when the
    network has one: it needs ``t``); ``view`` names the caller in errors."""
    last = None
    if hasattr(network, "layers") and not isinstance(network, (Mapping, list, tuple)):
        layers = network.layers
        last = getattr(network, "lastLayer", None)
    else:
        layers = network
    if isinstance(layers, Mapping):
        keys, found = [str(k) for k in layers], list(layers.values())
    elif isinstance(layers, Sequence) and not isinstance(layers, str):
        keys, found = [f"[{i}]" for i in range(len(layers))], list(layers)
    elif callable(getattr(layers, "forward", None)):
        keys, found = [type(layers).__name__], [layers]
    else:
        raise TypeError(
            f"{view}: expected a network with layers, or a list or dict of layers, got {type(network).__name__}"
        )
    if last is not None:
        if t is None:
            raise ValueError(
                f"{view}: the network's lastLayer ({type(last).__name__}) needs the labels: "
                f"{view}(network, x, t)"
            )
        keys.append("lastLayer")
        found.append(last)
    if not found:
        raise ValueError(f"{view}: there are no layers")
    for key, layer in zip(keys, found):
        if not callable(getattr(layer, "forward", None)) or not callable(getattr(layer, "backward", None)):
            raise TypeError(f"{view}: layer {key!r} ({type(layer).__name__}) has no forward and backward methods")
    return keys, found


def _as_float64(x: Any, label: str) -> np.ndarray:
    try:
        return np.array(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"check_layers: {label} must be numbers or an array, got {type(x).__name__}") from None


def parameter_names(layer: Any) -> list[str]:
    """A layer's parameters, as the book's layers keep them: attributes ``p`` holding a float array
    with a ``dp`` beside them (W/dW, b/db, gamma/dgamma), in the order the layer set them.

    >>> from nn.textbook import Affine
    >>> parameter_names(Affine(np.zeros((3, 2)), np.zeros(2)))
    ['W', 'b']
    """
    names = []
    for name, value in vars(layer).items():
        if name in ("x", "out", "y", "t") or not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            continue
        if "d" + name in vars(layer):
            names.append(name)
    return names


def error_text(error: BaseException) -> str:
    """``NameError: name 'b' is not defined``: an exception in one line, not too long."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    message = message if len(message) <= 200 else message[:200] + "..."
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def takes_train_flg(layer: Any) -> bool:
    try:
        return "train_flg" in inspect.signature(layer.forward).parameters
    except (TypeError, ValueError):
        return False


# -- one layer --------------------------------------------------------------------------------------
class _LayerChecker:
    """Backward against central differences for one layer (already a copy, free to run)."""

    def __init__(
        self,
        layer: Any,
        position: int,
        key: str,
        frozen: Any,
        eps: float,
        atol: float,
        rtol: float,
        max_checks: int | None,
        rng: np.random.Generator,
    ) -> None:
        self.layer, self.position, self.key = layer, position, key
        self.cls = type(layer).__name__
        self.frozen = frozen
        self.eps, self.atol, self.rtol = eps, atol, rtol
        self.max_checks = max_checks
        self.rng = rng
        self.kwargs = {"train_flg": True} if takes_train_flg(layer) else {}

    @property
    def where(self) -> str:
        return f"layer {self.position} {self.key!r} ({self.cls})"

    def forward(self, inputs: Sequence[np.ndarray], t: Any) -> Any:
        np.random.set_state(self.frozen)  # dropout draws the same mask every time
        args = [a.copy() for a in inputs] + ([t] if t is not None else [])
        return self.layer.forward(*args, **self.kwargs)

    def run(self, inputs: tuple[np.ndarray, ...], t: Any) -> tuple[list[LayerRow], np.ndarray | None]:
        """The layer's rows and its output (None when its forward failed: a row says how)."""
        size = inputs[0].size
        try:
            out = self.forward(inputs, t)
        except Exception as error:  # the learner's code: whatever it raises is this layer's failure
            return [self._problem_row("forward", f"raised {error_text(error)}", size)], None
        if out is None:
            return [self._problem_row("forward", "returned None (a missing return?)", size)], None
        if isinstance(out, tuple):
            problem = f"returned {len(out)} outputs; one is expected"
            return [self._problem_row("forward", problem, size)], None
        try:
            out = np.array(out, dtype=np.float64)
        except (TypeError, ValueError):
            return [self._problem_row("forward", f"returned a {type(out).__name__}, not numbers", size)], None
        scalar_loss = t is not None and out.size == 1
        g: Any = 1.0 if scalar_loss else self.rng.standard_normal(out.shape)
        probabilities = self._probabilities(t)
        labels = ["dx", "dy", "dz"] if len(inputs) > 1 else ["dx"]
        try:
            grads = self.layer.backward(g if scalar_loss else g.copy())
        except Exception as error:
            problem = f"backward raised {error_text(error)}"
            return [self._problem_row("dx", problem, inputs[0].size)], out
        grads = tuple(grads) if len(inputs) > 1 and isinstance(grads, (tuple, list)) else (grads,)
        if len(grads) != len(inputs):
            problem = f"backward returned {len(grads)} gradient(s) for {len(inputs)} input(s)"
            return [self._problem_row("dx", problem, inputs[0].size)], out
        analytic = [(labels[i], grads[i], None) for i in range(len(inputs))]
        for name in self._parameter_names():
            analytic.append(("d" + name, getattr(self.layer, "d" + name, None), name))
        analytic = [(label, None if a is None else np.array(a, dtype=np.float64), p) for label, a, p in analytic]

        scale = float(np.sum(np.abs(g * out)))
        # Rounding in sum(g * out) (relative 1e-16) divided by the step: no check can do better.
        noise = 10 * _MACHINE_EPS * scale / self.eps
        owned = [a.copy() for a in inputs]

        def objective() -> float:
            return float(np.sum(g * np.asarray(self.forward(owned, t), dtype=np.float64)))

        base = objective()
        rows = []
        for index, (label, a, parameter) in enumerate(analytic):
            target = owned[index] if parameter is None else getattr(self.layer, parameter)
            if a is None:
                problem = (
                    f"backward returned None for {label} (a missing return?)"
                    if parameter is None
                    else f"backward did not set {label} (it is None)"
                )
                rows.append(self._problem_row(label, problem, np.size(target)))
                continue
            if a.shape != np.shape(target):
                row = compare(label, a, np.zeros(np.shape(target)), atol=self.atol, rtol=self.rtol)
                rows.append(LayerRow(self.position, self.key, self.cls, label, row, 0, int(np.size(target))))
                continue
            rows.append(self._compare(label, a, target, objective, base, noise, probabilities))
        return rows, out

    def _parameter_names(self) -> list[str]:
        return parameter_names(self.layer)

    def _probabilities(self, t: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """For a softmax-with-loss layer: its probabilities of the right class per row, and their shape."""
        y, labels = getattr(self.layer, "y", None), getattr(self.layer, "t", None)
        if t is None or not isinstance(y, np.ndarray) or labels is None:
            return None
        y2 = y.reshape(1, -1) if y.ndim == 1 else y.reshape(y.shape[0], -1)
        labels = np.asarray(labels)
        labels = labels.reshape(y2.shape).argmax(axis=1) if labels.size == y2.size else labels.reshape(-1)
        if labels.shape[0] != y2.shape[0]:
            return None
        return y2[np.arange(y2.shape[0]), labels.astype(int)].copy(), np.array(y.shape)

    def _problem_row(self, label: str, problem: str, size: int) -> LayerRow:
        nan = float("nan")
        row = compare(label, np.zeros(1), np.zeros(1), atol=self.atol, rtol=self.rtol)
        row = dataclasses.replace(row, passed=False, problem=problem, relative_error=nan, max_abs_error=nan)
        return LayerRow(self.position, self.key, self.cls, label, row, 0, int(size))

    def _sample(self, size: int) -> np.ndarray:
        if self.max_checks is None or size <= self.max_checks:
            return np.arange(size)
        return np.sort(self.rng.choice(size, self.max_checks, replace=False))

    def _compare(self, label, a, target, objective, base, noise, probabilities) -> LayerRow:
        shape = np.shape(target)
        flat_indices = self._sample(int(np.size(target)))
        numerical = np.empty(flat_indices.size)
        kink = np.zeros(flat_indices.size, dtype=bool)
        for j, flat in enumerate(flat_indices):
            index = np.unravel_index(flat, shape) if shape else ()
            kept = target[index].copy()
            try:
                target[index] = kept + self.eps
                up = objective()
                target[index] = kept - self.eps
                down = objective()
            except Exception as error:  # forward fails near the input it ran on
                problem = f"forward raised {error_text(error)} on an input nudged by eps={self.eps:g}"
                return self._problem_row(label, problem, int(np.size(target)))
            finally:
                target[index] = kept
            numerical[j] = (up - down) / (2 * self.eps)
            ahead, behind = (up - base) / self.eps, (base - down) / self.eps
            kink[j] = abs(ahead - behind) > 0.01 * (abs(ahead) + abs(behind)) + 2 * noise
        keep = ~kink
        a_flat = a.reshape(-1)[flat_indices]
        atol = max(self.atol, noise)
        row = compare(label, a_flat[keep], numerical[keep], atol=atol, rtol=self.rtol)
        if row.worst_index:
            worst = flat_indices[keep][row.worst_index[0]]
            row = dataclasses.replace(row, worst_index=tuple(int(i) for i in np.unravel_index(worst, shape)))
        explanation = ""
        if not row.passed and label == "dx" and probabilities is not None:
            explanation = self._explain_delta(a, flat_indices[keep], numerical[keep], probabilities, atol)
        return LayerRow(
            self.position, self.key, self.cls, label, row, int(keep.sum()), int(np.size(target)), int(kink.sum()),
            explanation,
        )

    def _explain_delta(self, a, flat_indices, numerical, probabilities, atol) -> str:
        """Is the disagreement the book's 1e-7 inside log(y + 1e-7)?  Forward's derivative is
        backward's times y_t / (y_t + 1e-7), row by row; if that rescaling makes them agree, yes."""
        y_t, y_shape = probabilities
        factor = y_t / (y_t + CROSS_ENTROPY_DELTA)
        rows = a.reshape(y_t.shape[0], -1) * factor[:, None]
        if rows.size != a.size:
            return ""
        rescaled = rows.reshape(-1)[flat_indices]
        if not compare("dx", rescaled, numerical, atol=atol, rtol=self.rtol).passed:
            return ""
        return (
            f"differs from central differences only by {log_delta_reason(y_t, factor)}; rescaled by it, backward "
            "agrees. Not a bug in backward (normalized inputs, e.g. pixels / 255, keep y away from 1e-7)"
        )
