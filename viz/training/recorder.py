"""The recorder of a training page: two lines added to your own training loop.

::

    page = viz.TrainingPage(model, X, y, watch=[0, 17])   # before the loop
    for k in range(100):
        ...                                                # your forward, backward and update
        page.record(total_loss)                            # after each update
    page.save("train.html")

or, with the run's length and the file named up front, the last ``record`` writes the page::

    page = viz.TrainingPage(model, X, y, watch=[0, 17], steps=100, save="train.html")

``model`` is a scalar model on ``Value`` (``nn.scalar.MLP`` or your own: ``model([x0, x1])``
returns a Value, or a list of Values for several classes, and ``model.parameters()`` lists its
weights); ``X`` holds 2-D points, ``y`` their labels (-1/+1 or 0/1 for one output, 0..C-1 for C
outputs); ``watch`` lists the points whose graphs the page shows.

Each step ``k`` of the page shows the step as your loop took it: the model as the step found it
(the weights before its update: their output over a grid of the plane and on every point, so its
decision boundary and accuracy, computed by running the model's traced graph on arrays,
:mod:`viz.training.replay`; and for each watched point the value and gradient of every node of
its own loss's graph and the local derivative of every edge, :mod:`viz.training.point`), the
loss you computed, the gradient your backward pass left on each weight (their ``.grad``) and the
update the step applied (new weights minus old).  Recording changes none of your model's values
or gradients.

>>> import numpy as np
>>> from autograd_core import Value
>>> w = [Value(0.5, name="w0"), Value(-1.0, name="w1")]
>>> class Line:
...     def __call__(self, x): return w[0] * x[0] + w[1] * x[1]
...     def parameters(self): return w
>>> X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1, -1])
>>> page = TrainingPage(Line(), X, y, watch=[1], grid=8)
>>> for step in range(3):
...     loss = sum((1 + -float(t) * Line()([Value(a), Value(b)])).relu() for (a, b), t in zip(X, y))
...     for p in w: p.grad = 0.0
...     loss.backward()
...     for p in w: p.data -= 0.1 * p.grad
...     page.record(loss)
>>> page.steps, len(page.accuracy), page.losses[0]
(3, 4, 0.5)
"""

from __future__ import annotations

import numbers
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from autograd_core import Node, Value, enable_grad
from autograd_core.words import clean_text, format_number

from ..budget import DRAW_MAX_NODES, GraphTooLargeError
from ..dot import GraphvizNotFoundError
from ..lecture_display import Lecture
from ..output import write_atomically
from .arguments import (
    check_grid,
    check_labels,
    check_loss,
    check_model,
    check_outputs,
    check_points,
    check_run,
    check_watch,
)
from .page import page_data, page_html
from .point import WatchedPoint
from .replay import Replay

__all__ = ["DEFAULT_GRID", "MAX_STEPS", "TrainingPage", "TrainingPageFile"]

#: What to do when Graphviz is missing: the graphs are laid out by it.
NO_DOT = (
    "TrainingPage.save: the watched graphs are laid out by Graphviz's `dot` program, which was not found on PATH; "
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`)"
)


class TrainingPageFile(Lecture):
    """A training page written to a file: its path, which shows the page inline in a notebook (in a
    sandboxed frame: the controls work without the kernel), as a lecture page does."""

    height = 760

    def __repr__(self) -> str:
        return f"TrainingPageFile({str(self.path)!r}, steps={self.steps})"

#: The boundary is drawn from the model's output at this many points across and down.
DEFAULT_GRID = 40
#: The most steps a page records unless told otherwise (each step costs the page about 10 KB).
MAX_STEPS = 1000


def _name(node: Node) -> str:
    """A weight's name in the page: its scope and name, ``layer1.neuron0.w0``."""
    scope = (node.scope or "").strip("/").replace("/", ".")
    name = clean_text(node.name or node.label)
    return f"{scope}.{name}" if scope else name


class TrainingPage:
    """Records a training run step by step and writes it as one self-contained HTML page.

    ``model``, ``X``, ``y``, ``watch``: see the module's docstring.  ``loss`` is the loss each
    watched point's graph shows: ``"hinge"`` (micrograd's max-margin loss, the default for one
    output), ``"softmax"`` (cross-entropy, the default for several) or a function
    ``loss(output, label) -> Value`` (``output`` a Value, or a list for several outputs; ``label``
    -1/+1 for one output, else the class number).  ``grid`` is how many points across and down
    the boundary is computed at; ``max_steps`` how many steps it may record; ``max_nodes`` how
    big a watched graph may be (it is laid out at once); ``title`` heads the page.

    ``steps`` and ``save``: the run's length and where its page goes, so that the page is written
    by the ``record`` of the last step (then the loop needs only the two added lines); without
    them, call :meth:`save` after the loop.
    Bad arguments are refused here, before your loop runs.
    """

    def __init__(self, model: Any, X: Any, y: Any, *, watch: Sequence[int] = (0,), loss: str | Callable | None = None,
                 steps: int | None = None, save: str | os.PathLike[str] | None = None, grid: int = DEFAULT_GRID,
                 max_steps: int = MAX_STEPS, max_nodes: int | None = DRAW_MAX_NODES, title: str | None = None) -> None:
        max_steps = check_run(steps, save, max_steps)
        self.save_to = None if save is None else Path(save)
        params = check_model(model)
        X = check_points(X)
        grid = check_grid(grid)
        watch = check_watch(watch, len(X))

        # one traced graph of the model, on point 0: the replay runs it on the grid and the points
        with enable_grad():
            inputs = [Value(float(v), name=f"x{k}") for k, v in enumerate(X[0])]
            try:
                traced = model(inputs)
            except (TypeError, ValueError) as error:
                raise ValueError(f"TrainingPage: the model cannot take a 2-D point, model([x0, x1]): {error}") from None
        outputs = check_outputs(traced)
        self.classes = max(len(outputs), 2)
        self.labels, targets = check_labels(y, len(X), len(outputs))
        self.loss_name, loss = check_loss(loss, len(outputs))
        self.model, self.X, self.params = model, X, params
        self.outputs = len(outputs)
        self.names = [_name(p) for p in params]
        self.title = title if title is not None else "Watch a network learn"
        self.grid = grid
        self.max_steps = max_steps
        self.replay = Replay(outputs, inputs=inputs, params=params)
        self.bounds = _bounds(X)
        x0, x1, y0, y1 = self.bounds
        gx, gy = np.meshgrid(np.linspace(x0, x1, self.grid), np.linspace(y0, y1, self.grid))
        self._batch = [np.concatenate([gx.ravel(), X[:, 0]]), np.concatenate([gy.ravel(), X[:, 1]])]
        label = (lambda i: float(targets[i])) if self.outputs == 1 else (lambda i: int(targets[i]))
        self.watched = [WatchedPoint(int(i), X[i], label(int(i)), model, loss, params) for i in watch[:1]]
        size = len(self.watched[0].order)
        if max_nodes is not None and size > max_nodes:
            raise GraphTooLargeError(
                f"TrainingPage: the graph of one point has {size} nodes, more than max_nodes={max_nodes}: a page lays "
                "it out at once, which Graphviz cannot do quickly. To shrink it: fewer or narrower hidden layers "
                "(a 2-16-16-1 MLP has about 1,000 nodes), or raise max_nodes (None: no limit)"
            )
        self.watched += [WatchedPoint(int(i), X[i], label(int(i)), model, loss, params) for i in watch[1:]]
        self._targets = targets
        # what every moment keeps, and what every step adds
        self.weights: list[np.ndarray] = []
        self.surfaces: list[np.ndarray] = []
        self.accuracy: list[float] = []
        self.point_numbers: list[list[np.ndarray]] = [[] for _ in self.watched]
        self.losses: list[float] = []
        self.gradients: list[np.ndarray] = []
        self._warned = False
        self._snapshot()

    @property
    def steps(self) -> int:
        """How many steps were recorded."""
        return len(self.losses)

    def _snapshot(self) -> None:
        """The moment as the weights stand now."""
        weights = np.array([p.data for p in self.params], dtype=np.float64)
        out = self.replay(self._batch, weights)
        cells = self.grid * self.grid
        surface, on_points = out[:, :cells], out[:, cells:]
        if self.outputs == 1:
            right = np.where(on_points[0] > 0, 1.0, -1.0) == self._targets
        else:
            right = np.argmax(on_points, axis=0) == self._targets
        self.weights.append(weights)
        self.surfaces.append(surface.reshape(self.outputs, self.grid, self.grid))
        self.accuracy.append(float(np.mean(right)))
        for k, point in enumerate(self.watched):
            self.point_numbers[k].append(point.capture())

    def record(self, loss: Any) -> TrainingPageFile | None:
        """Record one training step: call it after the update.  ``loss`` is the loss of the step (a
        Value or a number); the weights' ``.grad`` are read as the gradient of the step.  With
        ``save=`` and ``steps=`` given, the last step's record writes the page and returns it."""
        if self.steps >= self.max_steps:
            raise ValueError(f"TrainingPage.record: already {self.steps} steps recorded, max_steps={self.max_steps}; "
                             "make the page with a larger max_steps")
        if isinstance(loss, Node):
            loss = loss.data
        if isinstance(loss, bool) or not isinstance(loss, numbers.Real) and not (
                isinstance(loss, np.ndarray) and loss.shape == () and loss.dtype.kind in "iuf"):
            raise TypeError(f"TrainingPage.record: loss must be a Value or a number, got {type(loss).__name__}")
        grads = np.array([float(p.grad) if p.grad is not None else 0.0 for p in self.params], dtype=np.float64)
        before = self.weights[-1]
        self.losses.append(float(loss))
        self.gradients.append(grads)
        self._snapshot()
        if not self._warned and np.array_equal(before, self.weights[-1]) and grads.any():
            self._warned = True
            warnings.warn("TrainingPage.record: the weights did not change since the last step; call record(loss) "
                          "after the update, so the page shows each step's update", stacklevel=2)
        if self.save_to is not None and self.steps == self.max_steps:
            return self.save(self.save_to)
        return None

    def updates(self) -> np.ndarray:
        """The update applied at each step: weights after minus weights before (steps x weights)."""
        weights = np.array(self.weights)
        return weights[1:] - weights[:-1]

    def save(self, path: str | os.PathLike[str]) -> TrainingPageFile:
        """Write the page to ``path`` (one HTML file, its folder made if missing; nothing is written
        unless the whole page is).  Returns the path, which shows the page inline in a notebook.

        The watched graphs are laid out by Graphviz here, once each (a few seconds for a network
        of a thousand nodes)."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"TrainingPage.save: the page is HTML; give a path ending in .html, got {str(path)!r}")
        try:
            text = page_html(page_data(self))
        except GraphvizNotFoundError:
            raise GraphvizNotFoundError(NO_DOT) from None
        write_atomically(path, text.encode("utf-8"), "TrainingPage.save")
        return TrainingPageFile(path, text, steps=self.steps)

    def summary(self) -> str:
        """One line: the steps, the loss and accuracy from the first to the last step.

        The numbers are written by the one formatter, as everywhere in chainrule."""
        if not self.losses:
            return f"no step recorded yet; accuracy {100 * self.accuracy[0]:.0f}%"
        return (f"{self.steps} steps: loss {format_number(self.losses[0])} -> {format_number(self.losses[-1])}, "
                f"accuracy {100 * self.accuracy[0]:.0f}% -> {100 * self.accuracy[-2]:.0f}%")


def _bounds(X: np.ndarray) -> tuple[float, float, float, float]:
    """A square around the points with a margin (the plot keeps the plane's proportions)."""
    low, high = X.min(axis=0), X.max(axis=0)
    centre = (low + high) / 2
    half = max(float((high - low).max()) / 2, 1e-3) * 1.15
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))

