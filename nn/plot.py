"""The learning curves of a training run as a PNG: loss and accuracy per epoch, train and test.

Drawn with Matplotlib's object API on the Agg canvas (no window, no global pyplot state).

Example:
    >>> from nn.training import History, EpochStats
    >>> h = History([EpochStats(1, 0.6, 0.8, 0.5, 0.82, 1.0, 1e-3), EpochStats(2, 0.4, 0.86, 0.42, 0.85, 1.0, 1e-3)])
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "curves.png"
    >>> plot_history(h, path)
    >>> path.read_bytes()[1:4]
    b'PNG'
"""

from __future__ import annotations

import os

from autograd_core.extras import require
from autograd_core.files import write_atomically

from .training import History


def plot_history(history: History, path: str | os.PathLike, title: str | None = None) -> None:
    """Write ``path`` (PNG): left, loss per epoch; right, accuracy (%) per epoch."""
    FigureCanvasAgg = require("matplotlib.backends.backend_agg", "train", "plot_history").FigureCanvasAgg
    Figure = require("matplotlib.figure", "train", "plot_history").Figure
    MaxNLocator = require("matplotlib.ticker", "train", "plot_history").MaxNLocator

    if not history.epochs:
        raise ValueError("plot_history: no finished epoch to plot")
    epochs = history.column("epoch")
    fig = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(fig)
    loss_ax, acc_ax = fig.subplots(1, 2)
    loss_ax.plot(epochs, history.column("train_loss"), "o-", label="train")
    acc_ax.plot(epochs, [100 * a for a in history.column("train_acc")], "o-", label="train")
    if history.epochs[0].test_loss is not None:
        loss_ax.plot(epochs, history.column("test_loss"), "s--", label="test")
        acc_ax.plot(epochs, [100 * a for a in history.column("test_acc")], "s--", label="test")
        last = history.epochs[-1]
        acc_ax.annotate(
            f"{100 * (last.test_acc or 0):.2f}%", (last.epoch, 100 * (last.test_acc or 0)),
            textcoords="offset points", xytext=(-8, -16), ha="center",
        )
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    acc_ax.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    write_atomically(path, lambda file: fig.savefig(file, format="png"), "plot_history")
