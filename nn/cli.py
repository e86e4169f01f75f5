"""Subcommands of ``chainrule`` contributed by the ``nn`` package: ``chainrule train``.

``chainrule train`` trains a multi-layer perceptron on Fashion-MNIST (or MNIST), shows a progress
bar per epoch and a line of figures after each, then writes the learning curves (PNG) and the
weights (``.npz``) into the output folder.  Ctrl-C stops it cleanly: the weights of the last
finished epoch are saved and plotted.

Example:
    $ chainrule train                              # 784-256-10, Adam, cosine decay, 20 epochs
    $ chainrule train --hidden 100 --optimizer sgd --lr 0.1 --epochs 5 --dtype float64
    $ chainrule train --model cnn                  # SimpleConvNet, BatchNorm on its hidden layer (nn.recipes)
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time

import numpy as np

from autograd_core.cli import INTERRUPTED_STATUS, CommandError, UsageError
from autograd_core.extras import require
from autograd_core.files import write_atomically
from autograd_core.words import format_number

from .recipes import CNN_RECIPE, MIN_BATCH, MODELS, build_model, cnn_parameter_count, fill_defaults

DEFAULTS = {
    "hidden": "256",
    "optimizer": "adam",
    "lr": 1e-3,
    "schedule": "cosine",
    "epochs": 20,
    "batch_size": 100,
    "seed": 0,
    "dtype": "float32",
    "dropout": 0.0,
    "out": "train-output",
    "max_params": 20_000_000,
}

#: Image and class counts of (Fashion-)MNIST, known before the data is read: the network's size is
#: checked against ``--max-params`` before anything is loaded.
INPUT_SIZE, CLASSES = 784, 10

#: Arrays of its own size each parameter needs while training: the weights, their gradients and up
#: to two optimizer states (Adam's moments).
ARRAYS_PER_PARAMETER = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this package's subcommands to the ``chainrule`` parser."""
    parser = subparsers.add_parser(
        "train",
        help="train a neural network on Fashion-MNIST with progress, curves and saved weights",
        description=(
            "Train a multi-layer perceptron (or, with --model cnn, a convolutional network) on Fashion-MNIST "
            "(or MNIST from --data) with chainrule's backprop. Prints per-epoch train/test loss and accuracy, "
            "writes curves.png and weights.npz (and history.csv) into --out. "
            "Ctrl-C stops cleanly, keeping the weights of the last finished epoch."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    d = DEFAULTS
    parser.add_argument("--model", default="mlp", choices=MODELS,
                        help="mlp: multi-layer perceptron; cnn: the textbook's SimpleConvNet "
                        "(BatchNorm on its hidden layer). "
                        "--hidden, --epochs and --lr default to the model's recipe (nn/recipes.py)")
    parser.add_argument("--hidden", default=argparse.SUPPRESS,
                        help=f"hidden layer sizes, comma-separated (e.g. 512,256) (default: {d['hidden']}; cnn: 100)")
    parser.add_argument("--activation", default="relu", choices=("relu", "sigmoid", "tanh"), help="hidden activation")
    parser.add_argument("--optimizer", default=d["optimizer"], choices=("sgd", "momentum", "adagrad", "adam"),
                        help="update rule")
    parser.add_argument("--lr", type=float, default=argparse.SUPPRESS,
                        help=f"(initial) learning rate (default: {d['lr']:g}; cnn: {CNN_RECIPE['lr']:g})")
    parser.add_argument("--schedule", default=d["schedule"], choices=("constant", "cosine"),
                        help="learning-rate schedule over the whole run")
    parser.add_argument("--epochs", type=int, default=argparse.SUPPRESS,
                        help=f"passes over the training set (default: {d['epochs']}; cnn: {CNN_RECIPE['epochs']})")
    parser.add_argument("--batch-size", type=int, default=d["batch_size"],
                        help="images per gradient step; a last batch of one image joins the batch before it "
                        "(cnn: at least 2, its BatchNorm normalises over the batch)")
    parser.add_argument("--dropout", type=float, default=d["dropout"], help="dropout after each hidden layer")
    parser.add_argument("--seed", type=int, default=d["seed"], help="seed of the initial weights and the shuffles")
    parser.add_argument("--dtype", default=d["dtype"], choices=("float32", "float64"), help="weights and images")
    parser.add_argument("--data", default=None,
                        help="folder with the four IDX files (None: $CHAINRULE_DATA, else "
                        "/usr/share/datasets/fashion-mnist)")
    parser.add_argument("--limit", type=int, default=None,
                        help="train on the first N training images only (None: all; cnn: at least 2)")
    parser.add_argument("--out", default=d["out"], help="folder for curves.png and weights.npz")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads, at most the CPUs this process may use "
                        "(one is as fast for these small matrices, and steady on a busy machine)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--max-params", type=int, default=d["max_params"],
                        help="refuse networks with more weights than this (memory: about 16 bytes per weight "
                        "in float32 while training)")
    parser.set_defaults(func=run_train)


def _hidden_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]  # an empty part (100,,50) is refused too
    except ValueError:
        raise UsageError(f"--hidden: expected sizes like 256 or 512,256, got {text!r}") from None
    if any(n < 1 for n in sizes):
        raise UsageError(f"--hidden: sizes must be positive, got {text!r}")
    return sizes


def _at_least(args: argparse.Namespace, name: str, low: int) -> None:
    value = getattr(args, name)
    if value is not None and value < low:
        raise UsageError(f"--{name.replace('_', '-')} must be at least {low}, got {value}")


def _finite_in(args: argparse.Namespace, name: str, low: float, high: float, *, low_allowed: bool) -> None:
    """The flag's value must be finite and lie between ``low`` (allowed or not) and ``high`` (excluded)."""
    value = getattr(args, name)
    if not (math.isfinite(value) and (low <= value if low_allowed else low < value) and value < high):
        bounds = f"{low:g} {'<=' if low_allowed else '<'} {name} < {high:g}"
        raise UsageError(f"--{name.replace('_', '-')} must be a finite number with {bounds}, got {value:g}")


def _parameter_count(sizes: list[int]) -> int:
    """Weights and biases of an MLP with these layer sizes."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes, sizes[1:]))


#: Bytes the longest file ``chainrule train`` writes into ``--out`` adds to the folder's path:
#: ``/`` and ``save_weights``' temporary ``.weights.npz.XXXXXXXX.tmp.npz``.
LONGEST_FILE_NAME = 32


def _path_limit(folder: str, name: str) -> int | None:
    """The file system's limit ``name`` (``PC_NAME_MAX``, ``PC_PATH_MAX``) at ``folder``; None if unknown."""
    try:
        value = os.pathconf(folder, name)
    except (OSError, ValueError, AttributeError):  # no such limit, or no pathconf (Windows)
        return None
    return value if value > 0 else None


def _check_output_folder(out: str) -> None:
    """``--out`` must be a folder that exists or can be created, and one we can write in: tried
    now with a probe file (removed at once) in it or in its nearest existing parent.  The names
    still to be created must fit the file system's limits (bytes per name, bytes per path) and no
    part of the path may be a symbolic link to nothing, so that writing after training cannot fail
    on the name."""
    if not out.strip() or "\0" in out:
        raise UsageError(f"--out {out!r}: {'a NUL character in it' if out.strip() else 'empty'}; give a folder name")
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"--out {out}: is a file, not a folder")
    probe_in = os.path.abspath(out)
    to_create = []
    while not os.path.exists(probe_in):
        if os.path.islink(probe_in):
            raise UsageError(f"--out {out}: {probe_in} is a symbolic link to nothing ({os.readlink(probe_in)})")
        to_create.append(os.path.basename(probe_in))
        probe_in = os.path.dirname(probe_in)
    if not os.path.isdir(probe_in):
        raise UsageError(f"--out {out}: cannot be created, {probe_in} is a file")
    name_max = _path_limit(probe_in, "PC_NAME_MAX")
    for name in to_create:
        size = len(os.fsencode(name))
        if name_max is not None and size > name_max:
            shown = name if len(name) <= 40 else name[:37] + "..."
            raise UsageError(f"--out: the name {shown!r} is {size} bytes long, more than the {name_max} allowed here")
    path_max = _path_limit(probe_in, "PC_PATH_MAX")
    size = len(os.fsencode(out))
    if path_max is not None and size + LONGEST_FILE_NAME >= path_max:
        raise UsageError(f"--out: a path of {size:,} bytes is too long for the files written in it (limit {path_max})")
    try:
        with tempfile.TemporaryFile(dir=probe_in):
            pass
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write in {probe_in} ({exc.strerror or exc})") from None


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask where the system keeps one (a container
    or ``taskset`` may give it fewer than the machine has), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _threads_fit(args: argparse.Namespace) -> None:
    """More BLAS threads than CPUs only slows the run down (and a huge count overflows the BLAS call)."""
    cpus = usable_cpus()
    if args.threads > cpus:
        raise UsageError(f"--threads {args.threads}: more than the {cpus} CPU(s) this process may use")


def _lr_fits_dtype(args: argparse.Namespace) -> None:
    """A learning rate the weights' dtype cannot hold (1e-320 is 0 in float32) would silently not train."""
    info = np.finfo(args.dtype)
    tiny, largest = float(info.tiny), float(info.max)  # compared as Python floats: no cast to float32
    if not tiny <= args.lr <= largest:
        side = "small" if args.lr < tiny else "large"
        raise UsageError(
            f"--lr {args.lr!r} is too {side} to compute with in {args.dtype} "
            f"(it must lie between {format_number(tiny)} and {format_number(largest)})"
        )


def _enough_images(args: argparse.Namespace) -> None:
    """A batch, and so the training set, must hold at least the model's ``MIN_BATCH`` images."""
    least, why = MIN_BATCH[args.model]
    if args.batch_size < least:
        raise UsageError(f"--batch-size {args.batch_size}: {why}, which takes at least {least} images per batch")
    if args.limit is not None and args.limit < least:
        raise UsageError(f"--limit {args.limit}: {why}, which takes a training set of at least {least} images")


def _bytes_text(count: int) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{count / 1e6:.1f} MB"


def _network_text(model: str, sizes: list[int]) -> str:
    if model == "cnn":
        return f"SimpleConvNet with a hidden layer of {sizes[1]}"
    return f"{'-'.join(map(str, sizes))} network"


def validate(args: argparse.Namespace) -> list[int]:
    """Check every flag of ``chainrule train`` and the output folder before any data is read;
    returns the hidden layer sizes.  A bad flag raises :class:`UsageError` naming it."""
    from .mnist import find_data_dir

    try:
        fill_defaults(args)  # the model's recipe for the flags left out; flags it cannot use refused
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    hidden = _hidden_sizes(args.hidden)
    for name in ("epochs", "batch_size", "threads", "limit", "max_params"):
        _at_least(args, name, 1)
    _at_least(args, "seed", 0)
    _threads_fit(args)
    _finite_in(args, "lr", 0.0, math.inf, low_allowed=False)
    _lr_fits_dtype(args)
    _finite_in(args, "dropout", 0.0, 1.0, low_allowed=True)
    _enough_images(args)
    sizes = [INPUT_SIZE, *hidden, CLASSES]
    count = _parameter_count(sizes) if args.model == "mlp" else cnn_parameter_count(hidden[0])
    if count > args.max_params:
        memory = count * ARRAYS_PER_PARAMETER * np.dtype(args.dtype).itemsize
        raise UsageError(
            f"--hidden {args.hidden}: a {_network_text(args.model, sizes)} has {count:,} parameters "
            f"(about {_bytes_text(memory)} while training), more than --max-params {args.max_params:,}"
        )
    _check_output_folder(args.out)
    try:
        find_data_dir(args.data)
    except OSError as exc:
        raise UsageError(str(exc)) from None
    return hidden


def run_train(args: argparse.Namespace) -> int:
    """The ``chainrule train`` command; returns the exit status."""
    threadpool_limits = require("threadpoolctl", "train", "chainrule train").threadpool_limits

    from .mnist import load_mnist
    from .optimizers import SGD, AdaGrad, Adam, Momentum
    from .plot import plot_history
    from .training import fit
    from .weights import save_weights

    started = time.perf_counter()
    hidden = validate(args)
    try:
        (x_train, t_train), (x_test, t_test) = load_mnist(args.data)
    except (ValueError, OSError) as exc:  # unreadable, truncated or foreign files in --data
        raise UsageError(f"--data: {exc}") from None
    dtype = np.dtype(args.dtype)
    x_train, x_test = x_train.astype(dtype, copy=False), x_test.astype(dtype, copy=False)
    if args.limit is not None:
        x_train, t_train = x_train[: args.limit], t_train[: args.limit]
    try:
        model, x_train, x_test, shape = build_model(args, x_train, x_test, hidden, dtype)
    except ValueError as exc:  # data that the model cannot use (images that are not square, too few)
        raise UsageError(str(exc)) from None
    optimizers = {"sgd": SGD, "momentum": Momentum, "adagrad": AdaGrad, "adam": Adam}
    optimizer = optimizers[args.optimizer](model.parameters(), lr=args.lr)
    print(
        f"training {shape} ({dtype}) on {len(x_train)} images: {args.optimizer} "
        f"lr {args.lr:g} ({args.schedule}), batch {args.batch_size}, {args.epochs} epochs, seed {args.seed}",
        flush=True,
    )
    # Overflow warnings would interleave with the progress; a loss gone nan or inf ends the run, reported below.
    with threadpool_limits(limits=args.threads, user_api="blas"), np.errstate(over="ignore", invalid="ignore"):
        history = fit(
            model, optimizer, (x_train, t_train), (x_test, t_test),
            epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, schedule=args.schedule,
            progress=not args.no_progress, on_epoch=lambda e: print(e.line(args.epochs), flush=True),
        )
    elapsed = time.perf_counter() - started
    if history.diverged:
        raise CommandError(f"{history.diverged}; nothing saved (try a smaller --lr)")
    if history.interrupted:
        print(f"interrupted: keeping the weights of epoch {len(history.epochs)}", flush=True)
    if not history.epochs:
        raise CommandError("stopped before the first epoch finished; nothing saved", status=INTERRUPTED_STATUS)
    os.makedirs(args.out, exist_ok=True)
    weights_path = os.path.join(args.out, "weights.npz")
    curves_path = os.path.join(args.out, "curves.png")
    save_weights(model, weights_path)
    write_atomically(os.path.join(args.out, "history.csv"), history.to_csv().encode("utf-8"), "history.csv")
    last = history.epochs[-1]
    title = f"{shape}, {args.optimizer} lr {args.lr:g} ({args.schedule}), batch {args.batch_size}"
    plot_history(history, curves_path, title=title)
    print(
        f"test accuracy {100 * (last.test_acc or 0.0):.2f}% after {last.epoch} epoch(s) in {elapsed:.1f} s "
        f"(training {sum(e.seconds for e in history.epochs):.1f} s)"
    )
    print(f"wrote {weights_path}, {curves_path} and history.csv")
    return INTERRUPTED_STATUS if history.interrupted else 0
