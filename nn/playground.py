"""``chainrule playground``: train micrograd's MLP on a 2-D set and write the training page.

(A command that draws: the one place ``nn`` uses ``viz``.)

micrograd's demo, as one command: a scalar MLP (``nn.scalar``) trained by full-batch gradient
descent on a generated set (``nn.datasets``), the max-margin loss for two classes (micrograd's
``relu(1 - y * score)``, labels -1/+1) or the softmax cross-entropy for more, plus a little L2
on the weights, the learning rate falling linearly from ``--lr`` to a tenth of it.  Every step is
recorded (``viz.TrainingPage``) and the page written at the end (or at Ctrl-C, with the steps so
far).  Every flag is checked before any work: bad input exits with status 2 and one line.

Example:
    $ chainrule playground --data moons --hidden 16,16 --steps 100 -o train.html

:func:`train` is the loop itself, for your own scripts and benchmarks:

>>> from nn.datasets import moons
>>> from nn.scalar import MLP
>>> X, y = moons(20, seed=0)
>>> model = MLP(2, [4, 1], seed=0)
>>> history = train(model, X, 2 * y - 1, steps=3)
>>> [round(loss, 4) for loss, _ in history][:1], len(history)
([0.9813], 3)
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_core import Value
from autograd_core.cli import INTERRUPTED_STATUS, CommandError, UsageError
from autograd_core.cli.output import output_file
from viz.training import TrainingPage

from .datasets import DATASETS
from .scalar import ACTIVATIONS, MLP

__all__ = ["DEFAULTS", "NOISE", "margin_loss", "register", "softmax_loss", "train"]

#: Each set's noise when ``--noise`` is not given (a set the network can learn, not a trivial one).
NOISE = {"moons": 0.1, "circles": 0.05, "spiral": 0.2, "yin_yang": 0.0}

DEFAULTS = {"data": "moons", "points": 100, "hidden": "16,16", "activation": "relu", "steps": 100, "lr": 1.0,
            "alpha": 1e-4, "seed": 0, "grid": 40, "output": "train.html"}

#: The most points and steps the command takes: a scalar network does every multiplication as a
#: Python object (100 points, 100 steps of a 16-16 network take about a minute).
MAX_POINTS = 2000
MAX_STEPS = 1000
#: The largest hidden layer: the watched graph grows with the square of the width.
MAX_WIDTH = 64


def margin_loss(model: Any, X: np.ndarray, y: Sequence[float], alpha: float) -> tuple[Value, float]:
    """micrograd's loss over every point: the mean of ``relu(1 - y * score)`` (labels -1/+1) plus
    ``alpha`` times the sum of the squared weights; and the accuracy (the sign of the score)."""
    inputs = [[Value(float(a)) for a in row] for row in X]
    scores = [model(row) for row in inputs]
    losses = [(1 + -float(t) * s).relu() for t, s in zip(y, scores)]
    total = sum(losses) * (1.0 / len(losses)) + alpha * sum(p * p for p in model.parameters())
    accuracy = float(np.mean([(t > 0) == (s.data > 0) for t, s in zip(y, scores)]))
    return total, accuracy


def softmax_loss(model: Any, X: np.ndarray, y: Sequence[int], alpha: float) -> tuple[Value, float]:
    """The mean softmax cross-entropy of several outputs (labels 0..C-1) plus the L2 term; and the
    accuracy (the largest output)."""
    losses, right = [], 0
    for row, label in zip(X, y):
        outputs = model([Value(float(a)) for a in row])
        top = max(o.data for o in outputs)
        total = sum(((o - top).exp() for o in outputs[1:]), (outputs[0] - top).exp())
        losses.append(total.log() - (outputs[int(label)] - top))
        right += int(np.argmax([o.data for o in outputs]) == label)
    total = sum(losses) * (1.0 / len(losses)) + alpha * sum(p * p for p in model.parameters())
    return total, right / len(losses)


def train(model: Any, X: np.ndarray, y: Sequence[Any], steps: int, *, lr: float = 1.0, alpha: float = 1e-4,
          page: Any = None, on_step: Callable[[int, float, float], None] | None = None) -> list[tuple[float, float]]:
    """micrograd's demo loop: ``steps`` full-batch steps of gradient descent, the rate falling
    linearly from ``lr`` to ``lr / 10``; returns each step's (loss, accuracy) before its update.
    ``page`` (a ``viz.TrainingPage``) records each step after its update."""
    several = not isinstance(model(list(map(Value, X[0]))), Value)
    loss_of = softmax_loss if several else margin_loss
    history = []
    for k in range(steps):
        total, accuracy = loss_of(model, X, y, alpha)
        model.zero_grad()
        total.backward()
        rate = lr * (1.0 - 0.9 * k / steps)
        for p in model.parameters():
            p.data -= rate * p.grad
        if page is not None:
            page.record(total)
        history.append((total.data, accuracy))
        if on_step is not None:
            on_step(k, total.data, accuracy)
    return history


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``chainrule playground`` to the ``chainrule`` parser."""
    d = DEFAULTS
    parser = subparsers.add_parser(
        "playground",
        help="train micrograd's MLP on a 2-D set and write the training page (boundary, loss, weights, graphs)",
        description=(
            "Train a scalar MLP (micrograd's, nn.scalar) on a generated 2-D set by full-batch gradient descent "
            "(max-margin loss for two classes, softmax cross-entropy for more, L2 on the weights), recording every "
            "step, and write one self-contained HTML page: the data and the decision boundary, the loss and "
            "accuracy, the weights and the graph of the watched points, step by step."
        ),
        epilog="example: chainrule playground --data moons --hidden 16,16 --steps 100 -o train.html",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--data", default=d["data"], choices=sorted(DATASETS), help="the 2-D set")
    parser.add_argument("--points", type=int, default=d["points"], help=f"how many points (at most {MAX_POINTS})")
    parser.add_argument("--noise", type=float, default=None,
                        help="the set's noise (default: " + ", ".join(f"{k} {v:g}" for k, v in NOISE.items()) + ")")
    parser.add_argument("--hidden", default=d["hidden"], help="hidden layer sizes, comma-separated (e.g. 8 or 16,16)")
    parser.add_argument("--activation", default=d["activation"], choices=ACTIVATIONS, help="hidden activation")
    parser.add_argument("--steps", type=int, default=d["steps"], help=f"training steps (at most {MAX_STEPS})")
    parser.add_argument("--lr", type=float, default=d["lr"], help="the first step's learning rate (falls to a tenth)")
    parser.add_argument("--alpha", type=float, default=d["alpha"], help="L2 penalty on the weights")
    parser.add_argument("--watch", default=None,
                        help="the points whose graphs the page shows, comma-separated indices "
                        "(default: the first point of each of two classes)")
    parser.add_argument("--seed", type=int, default=d["seed"], help="seed of the data and the initial weights")
    parser.add_argument("--grid", type=int, default=d["grid"], help="the boundary is computed on a grid this fine")
    parser.add_argument("--title", default=None, help="the page's heading")
    parser.add_argument("-o", "--output", default=d["output"], help="the HTML file to write")
    parser.set_defaults(func=run_playground)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"--hidden: expected sizes like 8 or 16,16, got {text!r}") from None
    if not all(1 <= n <= MAX_WIDTH for n in sizes) or len(sizes) > 4:
        raise UsageError(f"--hidden: one to four layers of 1 to {MAX_WIDTH} neurons, got {text!r}")
    return sizes


def _watch(text: str | None, y: np.ndarray, points: int) -> list[int]:
    if text is None:  # the first point of two different classes: two sides of the boundary
        first = [int(np.flatnonzero(y == label)[0]) for label in np.unique(y)[:2]]
        return sorted(first)
    try:
        watch = [int(part) for part in text.split(",")]
    except ValueError:
        raise UsageError(f"--watch: expected point indices like 0,17, got {text!r}") from None
    for i in watch:
        if not 0 <= i < points:
            raise UsageError(f"--watch {i}: not the index of one of the {points} points (0 to {points - 1})")
    return watch


def _validate(args: argparse.Namespace) -> list[int]:
    """Every flag checked before any work; returns the hidden sizes."""
    hidden = _sizes(args.hidden)
    least = 3 if args.data == "yin_yang" else 2
    if not least <= args.points <= MAX_POINTS:
        raise UsageError(f"--points must be between {least} and {MAX_POINTS}, got {args.points}")
    if not 1 <= args.steps <= MAX_STEPS:
        raise UsageError(f"--steps must be between 1 and {MAX_STEPS}, got {args.steps}")
    if args.noise is not None and not (math.isfinite(args.noise) and args.noise >= 0):
        raise UsageError(f"--noise must be a finite number >= 0, got {args.noise:g}")
    if not (math.isfinite(args.lr) and args.lr > 0):
        raise UsageError(f"--lr must be a finite number > 0, got {args.lr:g}")
    if not (math.isfinite(args.alpha) and args.alpha >= 0):
        raise UsageError(f"--alpha must be a finite number >= 0, got {args.alpha:g}")
    if args.seed < 0:
        raise UsageError(f"--seed must be 0 or more, got {args.seed}")
    if not 2 <= args.grid <= 200:
        raise UsageError(f"--grid must be between 2 and 200, got {args.grid}")
    if not args.output.lower().endswith((".html", ".htm")):
        raise UsageError(f"-o {args.output}: the page is HTML; give a name ending in .html")
    output_file(args.output)
    return hidden


def run_playground(args: argparse.Namespace) -> int:
    """The ``chainrule playground`` command; returns the exit status."""
    hidden = _validate(args)
    noise = NOISE[args.data] if args.noise is None else args.noise
    X, y = DATASETS[args.data](args.points, noise=noise, seed=args.seed)
    classes = len(np.unique(y))
    labels = 2 * y - 1 if classes == 2 else y
    watch = _watch(args.watch, y, args.points)
    model = MLP(2, hidden + [1 if classes == 2 else classes], act=args.activation, seed=args.seed)
    title = args.title or f"{args.data}: a {'-'.join(map(str, [2, *hidden, 1 if classes == 2 else classes]))} MLP"
    try:
        page = TrainingPage(model, X, labels, watch=watch, grid=args.grid, max_steps=args.steps, title=title)
    except ValueError as error:  # a network too big to draw, ...
        raise UsageError(str(error)) from None
    print(f"training {title} on {args.points} points for {args.steps} steps (lr {args.lr:g} -> {args.lr / 10:g}), "
          f"watching points {', '.join(map(str, watch))}", flush=True)
    started = time.perf_counter()
    every = max(1, args.steps // 10)

    def report(k: int, loss: float, accuracy: float) -> None:
        if (k + 1) % every == 0 or k + 1 == args.steps:
            print(f"step {k + 1}/{args.steps}  loss {loss:.4f}  accuracy {100 * accuracy:.0f}%", flush=True)

    interrupted = False
    try:
        train(model, X, labels, args.steps, lr=args.lr, alpha=args.alpha, page=page, on_step=report)
    except KeyboardInterrupt:
        interrupted = True
        print(f"interrupted after {page.steps} steps: writing the page of those", flush=True)
    if not page.steps:
        raise CommandError("stopped before the first step; nothing written", status=INTERRUPTED_STATUS)
    written = page.save(args.output)
    print(f"wrote {written} ({written.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.1f} s: "
          f"{page.summary()}")
    return INTERRUPTED_STATUS if interrupted else 0
