"""``chainrule train --model cnn`` on Fashion-MNIST against the textbook's hand-written SimpleConvNet,
in the same run: test accuracy per epoch and the time it took.

- chainrule: the command itself (``chainrule train --model cnn``, its recipe from ``nn/recipes.py``:
  SimpleConvNet with a BatchNorm on its hidden layer, Adam with cosine decay), run in this process; its ``history.csv``
  gives the per-epoch curve.
- peer: the book's SimpleConvNet written by hand with NumPy im2col layers (``bench/cnn_step.py``),
  the book's recipe (weights 0.01 * N(0, 1), Adam 1e-3, batch 100, float32), ``--peer-epochs``
  epochs on the same data, one BLAS thread, timed the same way (training plus the test pass).

Goal: chainrule >= 91.0% test accuracy in under 4 minutes on 2 cores.  Writes the curves (test
accuracy against elapsed time, both runs) to ``--plot`` (default ``out/cnn-curve.png``; the README's
picture is ``docs/cnn-curve.png``) and prints the ratio of the time per epoch last.

Run: ``.venv/bin/python bench/train_cnn.py [--peer-epochs N] [--plot docs/cnn-curve.png]``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cnn_step import SimpleConvNet, TextbookAdam, initial_weights  # noqa: E402

from autograd_core.cli import main as chainrule  # noqa: E402
from nn import Minibatches, load_mnist  # noqa: E402

GOAL_ACC, GOAL_SECONDS = 91.0, 240.0


def run_chainrule(out: str) -> list[dict[str, float]]:
    """``chainrule train --model cnn``; returns its history rows (epoch, test_acc, seconds, ...)."""
    status = chainrule(["train", "--model", "cnn", "--no-progress", "--out", out])
    if status != 0:
        raise SystemExit(f"chainrule train --model cnn exited with status {status}")
    with open(os.path.join(out, "history.csv")) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def run_peer(epochs: int) -> list[dict[str, float]]:
    """The book's SimpleConvNet and recipe, hand-written NumPy; per epoch: test accuracy and seconds."""
    (x_train, t_train), (x_test, t_test) = load_mnist(flatten=False)
    net, optimizer = SimpleConvNet(initial_weights()), TextbookAdam(lr=1e-3)
    batches = Minibatches(x_train, t_train, batch_size=100, seed=0)
    rows = []
    with threadpool_limits(limits=1, user_api="blas"):
        for epoch in range(1, epochs + 1):
            started = time.perf_counter()
            for xb, tb in batches:
                _, grads = net.gradient(xb, tb)
                optimizer.update(net.params, grads)
            correct = 0
            for start in range(0, len(x_test), 1000):
                h = x_test[start : start + 1000]
                for layer in net.layers:
                    h = layer.forward(h)
                correct += int(np.sum(h.argmax(axis=1) == t_test[start : start + 1000]))
            rows.append({"epoch": epoch, "test_acc": correct / len(x_test), "seconds": time.perf_counter() - started})
            print(f"peer epoch {epoch}/{epochs}  test acc {100 * rows[-1]['test_acc']:.2f}%  "
                  f"{rows[-1]['seconds']:.1f} s", flush=True)
    return rows


def plot(ours: list[dict], peer: list[dict], path: str, note: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for rows, label, style in ((ours, "chainrule train --model cnn", "o-"), (peer, "hand-written NumPy (book recipe)",
                                                                              "s--")):
        elapsed = np.cumsum([r["seconds"] for r in rows])
        acc = [100 * r["test_acc"] for r in rows]
        ax.plot(elapsed, acc, style, label=label)
        for r, x, y in zip(rows, elapsed, acc):
            ax.annotate(f"{int(r['epoch'])}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                        fontsize=8)
    ax.axhline(GOAL_ACC, color="grey", lw=0.8, ls=":")
    ax.axvline(GOAL_SECONDS, color="grey", lw=0.8, ls=":")
    ax.text(GOAL_SECONDS, GOAL_ACC, "goal: 91.0% in 4 min ", color="grey", fontsize=8, va="top", ha="right")
    ax.set(xlabel="elapsed seconds (training + test pass after each epoch; numbers: epochs)",
           ylabel="test accuracy (%)", title=f"SimpleConvNet on Fashion-MNIST\n{note}")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, format="png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-epochs", type=int, default=2, help="epochs of the hand-written peer (default 2)")
    parser.add_argument("--plot", default=os.path.join("out", "cnn-curve.png"),
                        help="where to write the curves (the README's picture: --plot docs/cnn-curve.png)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        started, cpu_started = time.perf_counter(), time.process_time()
        ours = run_chainrule(out)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peer = run_peer(args.peer_epochs)
    os.makedirs(os.path.dirname(args.plot) or ".", exist_ok=True)
    load = os.getloadavg()[1]
    note = (f"{os.cpu_count()} cores, load average {load:.1f} during the run; chainrule: {total:.0f} s wall, "
            f"{cpu:.0f} s CPU")
    plot(ours, peer, args.plot, note)
    print("\nepoch  chainrule acc  time   |  peer acc  time")
    for i in range(max(len(ours), len(peer))):
        left = f"{100 * ours[i]['test_acc']:11.2f}%  {ours[i]['seconds']:5.1f} s" if i < len(ours) else " " * 21
        right = f"{100 * peer[i]['test_acc']:7.2f}%  {peer[i]['seconds']:5.1f} s" if i < len(peer) else ""
        print(f"{i + 1:5}  {left}  |  {right}")
    final = 100 * ours[-1]["test_acc"]
    met = final >= GOAL_ACC and total < GOAL_SECONDS
    print(f"\nchainrule train --model cnn: {final:.2f}% test accuracy after {len(ours)} epochs, {total:.1f} s "
          f"including data loading, {cpu:.1f} s of CPU time "
          f"(goal >= {GOAL_ACC}% in < {GOAL_SECONDS:.0f} s: {'met' if met else 'NOT met'})")
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    print(f"wrote {args.plot}")
    ratio = np.mean([r["seconds"] for r in ours]) / np.mean([r["seconds"] for r in peer])
    print(f"chainrule / hand-written time per epoch: {ratio:.2f}")


if __name__ == "__main__":
    main()
