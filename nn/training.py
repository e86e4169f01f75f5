"""The training loop: minibatches, backprop, optimizer steps, and one line of figures per epoch.

:func:`fit` trains a model for some epochs and returns a :class:`History` (per-epoch train and
test loss and accuracy, seconds).  The train figures are those of the minibatches as they were
trained on (free: they come from the forward passes backprop needs anyway); the test figures
come from a pass over the test set at the end of each epoch.  A ``KeyboardInterrupt`` (Ctrl-C)
stops the loop cleanly: the model gets back the weights of its last finished epoch and the
history says ``interrupted``.

Example:
    >>> import numpy as np
    >>> from nn import Sequential, Linear, ReLU, Adam
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((200, 2)); t = (x[:, 0] * x[:, 1] > 0).astype(int)
    >>> model = Sequential(Linear(2, 16, seed=1), ReLU(), Linear(16, 2, seed=2))
    >>> history = fit(model, Adam(model.parameters(), lr=0.05), (x, t), epochs=30, batch_size=20, seed=3)
    >>> history.epochs[-1].train_acc > 0.9
    True
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_core import Tensor, no_grad, softmax_cross_entropy
from autograd_core.extras import require

from .batches import Minibatches
from .optimizers import Optimizer

Data = tuple[np.ndarray, np.ndarray]
SCHEDULES = ("constant", "cosine")


@dataclass
class EpochStats:
    """The figures of one finished epoch (accuracies as fractions, loss as mean per example)."""

    epoch: int
    train_loss: float
    train_acc: float
    test_loss: float | None
    test_acc: float | None
    seconds: float
    lr: float

    def line(self, epochs: int) -> str:
        """``epoch  3/20  train loss 0.3012 acc 89.12%  test loss 0.3321 acc 88.10%  2.1 s``."""
        text = f"epoch {self.epoch:>2}/{epochs}  train loss {self.train_loss:.4f} acc {100 * self.train_acc:.2f}%"
        if self.test_loss is not None and self.test_acc is not None:
            text += f"  test loss {self.test_loss:.4f} acc {100 * self.test_acc:.2f}%"
        return text + f"  {self.seconds:.1f} s"


@dataclass
class History:
    """Every finished epoch's :class:`EpochStats`; ``interrupted`` if Ctrl-C ended the run early;
    ``diverged`` says where, if the training or test loss or a weight stopped being a finite number
    (the run stops there)."""

    epochs: list[EpochStats] = field(default_factory=list)
    interrupted: bool = False
    diverged: str | None = None

    def column(self, name: str) -> list[Any]:
        """One figure across epochs, e.g. ``history.column("test_acc")``."""
        return [getattr(e, name) for e in self.epochs]

    def to_csv(self) -> str:
        """One line per epoch, with a header: what ``chainrule train`` writes to ``history.csv``.

        >>> print(History([EpochStats(1, 0.5, 0.8, 0.45, 0.82, 1.25, 0.001)]).to_csv(), end="")
        epoch,train_loss,train_acc,test_loss,test_acc,seconds,lr
        1,0.5,0.8,0.45,0.82,1.25,0.001
        """
        names = list(EpochStats.__dataclass_fields__)
        rows = [",".join(names)]
        for e in self.epochs:
            rows.append(",".join("" if getattr(e, n) is None else repr(getattr(e, n)) for n in names))
        return "\n".join(rows) + "\n"


def _labels(t: np.ndarray) -> np.ndarray:
    return t.argmax(axis=1) if t.ndim == 2 else t


def evaluate(
    model: Callable[[Any], Tensor],
    x: np.ndarray,
    t: np.ndarray,
    batch_size: int = 2000,
    loss_fn: Callable[[Tensor, Any], Tensor] = softmax_cross_entropy,
) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on ``(x, t)``, without recording a graph (eval mode).

    >>> import numpy as np
    >>> from nn import Linear
    >>> layer = Linear(3, 2, init=0.0)                 # all-zero scores: loss log 2
    >>> loss, acc = evaluate(layer, np.ones((4, 3)), np.array([0, 1, 0, 1]))
    >>> round(loss, 6), acc
    (0.693147, 0.5)
    """
    if len(x) == 0:
        raise ValueError("evaluate: no examples to evaluate on (x is empty)")
    was_training = getattr(model, "training", None)
    if was_training is not None:
        model.eval()  # type: ignore[attr-defined]
    total_loss, correct = 0.0, 0
    labels = _labels(t)
    try:
        with no_grad():
            for start in range(0, len(x), batch_size):
                xb, tb = x[start : start + batch_size], t[start : start + batch_size]
                scores = model(xb)
                total_loss += loss_fn(scores, tb).item() * len(xb)
                correct += int(np.sum(scores.data.argmax(axis=1) == labels[start : start + batch_size]))
    finally:
        if was_training:
            model.train()  # type: ignore[attr-defined]
    return total_loss / len(x), correct / len(x)


def learning_rate(base: float, schedule: str, step: int, total: int) -> float:
    """The learning rate at ``step`` (0-based) of ``total``: constant, or cosine decay to zero.

    >>> learning_rate(0.1, "cosine", 0, 100), learning_rate(0.1, "cosine", 50, 100)
    (0.1, 0.05)
    """
    if schedule == "constant":
        return base
    if schedule == "cosine":
        return base * 0.5 * (1.0 + math.cos(math.pi * step / total))
    raise ValueError(f"learning_rate: unknown schedule {schedule!r}; use one of {SCHEDULES}")


def fit(
    model: Any,
    optimizer: Optimizer,
    train: Data,
    test: Data | None = None,
    epochs: int = 5,
    batch_size: int = 100,
    seed: int | None = 0,
    schedule: str = "constant",
    loss_fn: Callable[[Tensor, Any], Tensor] = softmax_cross_entropy,
    progress: bool = False,
    on_epoch: Callable[[EpochStats], None] | None = None,
    batches: Minibatches | None = None,
) -> History:
    """Train ``model`` with ``optimizer`` on ``train = (x, t)``; evaluate on ``test`` after each epoch.

    ``schedule`` sets the optimizer's learning rate every step (``"cosine"`` decays it from its
    initial value to zero over the run).  ``progress`` shows a tqdm bar per epoch; ``on_epoch``
    is called with each epoch's :class:`EpochStats` (e.g. to print it).  ``batches`` replaces the
    default seeded :class:`Minibatches` (to share shuffles with another loop); its last-batch rule
    applies (a last batch of one joins the batch before).  A loss that is not a finite number
    stops the run at once, and so do weights or a test loss that are not after an epoch, with
    ``history.diverged`` saying where.

    >>> from nn import Linear, SGD
    >>> layer = Linear(2, 2)
    >>> fit(layer, SGD(layer.parameters()), (np.zeros((0, 2)), np.zeros(0, int)))
    Traceback (most recent call last):
    ...
    ValueError: fit: no batch to train on (0 training examples, batch size 100)
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"fit: unknown schedule {schedule!r}; use one of {SCHEDULES}")
    x_train, t_train = train
    if batches is None:
        batches = Minibatches(x_train, t_train, batch_size=batch_size, seed=seed)
    if len(batches) == 0:
        raise ValueError(
            f"fit: no batch to train on ({len(batches.x)} training examples, batch size {batches.batch_size}"
            f"{', drop_last' if batches.drop_last else ''})"
        )
    parameters = model.parameters()
    base_lr = optimizer.lr
    total_steps, step = epochs * len(batches), 0
    history = History()
    snapshot = [p.data.copy() for p in parameters]
    if hasattr(model, "train"):
        model.train()
    try:
        for epoch in range(1, epochs + 1):
            started = time.perf_counter()
            loss_sum, correct, seen = 0.0, 0, 0
            bar = _progress(len(batches), epoch, epochs) if progress else None
            for xb, tb in batches:
                optimizer.lr = learning_rate(base_lr, schedule, step, total_steps)
                scores = model(xb)
                loss = loss_fn(scores, tb)
                loss_value = float(loss.data)
                if not math.isfinite(loss_value):  # no step from a nan or inf loss: the run has diverged
                    history.diverged = f"the loss became {loss_value} at epoch {epoch}, step {step + 1}"
                    break
                for p in parameters:
                    p.grad = None
                loss.backward()
                optimizer.step()
                step += 1
                n = len(xb)
                loss_sum += loss_value * n
                correct += int(np.count_nonzero(scores.data.argmax(axis=1) == _labels(tb)))
                seen += n
                if bar is not None:
                    bar.update(1)
                    if bar.n % 50 == 0 or bar.n == bar.total:
                        figures = {"loss": f"{loss_sum / seen:.4f}", "acc": f"{100 * correct / seen:.1f}%"}
                        bar.set_postfix(figures, refresh=False)
            if bar is not None:
                bar.close()
            if not history.diverged and not all(np.isfinite(p.data).all() for p in parameters):
                history.diverged = f"the weights became nan or inf during epoch {epoch}"
            if history.diverged:
                break
            test_loss = test_acc = None
            if test is not None:
                test_loss, test_acc = evaluate(model, test[0], test[1], loss_fn=loss_fn)
                if not math.isfinite(test_loss):  # the last step overflowed the scores: no epoch to keep
                    history.diverged = f"the test loss became {test_loss} after epoch {epoch}"
                    break
            stats = EpochStats(
                epoch, loss_sum / seen, correct / seen, test_loss, test_acc, time.perf_counter() - started, optimizer.lr
            )
            history.epochs.append(stats)
            snapshot = [p.data.copy() for p in parameters]
            if on_epoch is not None:
                on_epoch(stats)
    except KeyboardInterrupt:
        for p, saved in zip(parameters, snapshot):
            p.data[...] = saved
        history.interrupted = True
    finally:
        optimizer.lr = base_lr
    if hasattr(model, "eval"):
        model.eval()
    return history


def _progress(total: int, epoch: int, epochs: int) -> Any:
    tqdm = require("tqdm", "train", "the training progress bar").tqdm
    return tqdm(total=total, desc=f"epoch {epoch}/{epochs}", unit="batch", leave=False, dynamic_ncols=True)
